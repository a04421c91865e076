"""One module per ``kcc-monitor`` command (``add_arguments(parser)``, ``run(args) -> int``), and what they share."""

from __future__ import annotations

import sys

from monitor.config import Config, Municipality
from monitor.errors import KccError


class UsageError(KccError):
    """A command-line argument that names something not configured (the CLI prints it, exit 2)."""


def fail(message: str, status: int = 2) -> int:
    """Print ``kcc-monitor: <message>`` on stderr; the exit status to return (2 bad input, 1 failure)."""
    print(f"kcc-monitor: {message}", file=sys.stderr)
    return status


def configured(config: Config, slug: str) -> Municipality:
    """The municipality ``--municipality slug`` names; :class:`UsageError` listing the configured ones if none."""
    if slug not in config.slugs:
        raise UsageError(f"unknown municipality {slug!r} (configured: {', '.join(sorted(config.slugs))})")
    return config[slug]

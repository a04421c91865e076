"""One module per ``kcc-monitor`` command (``add_arguments(parser)``, ``run(args) -> int``), and :func:`fail`."""

from __future__ import annotations

import sys


def fail(message: str, status: int = 2) -> int:
    """Print ``kcc-monitor: <message>`` on stderr; the exit status to return (2 bad input, 1 failure)."""
    print(f"kcc-monitor: {message}", file=sys.stderr)
    return status

"""The project's error base: every error a user can cause or meet derives from :class:`KccError`.

The command line (``kcc/cli.py``) catches ``KccError`` and prints one line,
``kcc-monitor: <message>``, exiting with the error's :attr:`~KccError.exit_status`;
anything else is a bug and keeps its traceback. The message is written for the
user: it names the file, line, setting or broker concerned and what is wrong.

::

    KccError                       exit 2: the input cannot be used
    ├── ConfigError (ValueError)   a configuration file (monitor/config.py)
    ├── InvalidEvent (ValueError)  a message that breaks the event contract (monitor/events.py)
    └── ServiceError               exit 1: a component the command needs failed
        ├── PublishError           Kafka refused or lost messages (streams/publish.py)
        ├── ChangelogUnavailable   the changelog topics cannot be read (streams/changelog.py); exit 2
        ├── BrokerUnavailable      unreachable broker, refused credentials, untrusted certificate (streams/broker.py); exit 2
        └── StackError             a local process (broker, worker) died or did not start (kcc/stack.py)

A command's own argument problems are reported by ``kcc.cli.fail`` (exit 2) without an exception.

``ConfigError`` and ``InvalidEvent`` stay ``ValueError``\\ s and the service errors
``RuntimeError``\\ s, so existing ``except ValueError`` / ``except RuntimeError``
callers keep working.
"""

from __future__ import annotations


class KccError(Exception):
    """An error with a message for the user; the CLI prints it on one line."""

    exit_status = 2
    """The process exit status when this error ends a command (2: unusable input)."""


class ServiceError(KccError, RuntimeError):
    """A component the command depends on (broker, worker, Kafka) failed or cannot be reached."""

    exit_status = 1


class StackError(ServiceError):
    """A local process of the stack exited or did not become ready (the message names it and its log)."""

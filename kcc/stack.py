"""The local stack: the one place that starts, waits for and stops local processes.

``demo``, ``benchmark`` and the test fixtures all need "a broker, a worker, wait until
ready, stop cleanly"; they get it here. Two kinds of parts:

- :class:`Broker`: an existing broker (its bootstrap address), or the project's own
  Kafka through ``scripts/kafka`` (the default one on 127.0.0.1:19092, or a private one
  on a given port with its own data folder), stopped again only if started here;
- :class:`Managed`: any long-running child process (name, argv, environment, log file,
  readiness URL and/or log line), started, waited for and stopped the same way.
  :func:`worker` builds the one for ``kcc-monitor worker``, :func:`prometheus` and
  :func:`alertmanager` those of the Debian packages; a further server (e.g. a wallboard)
  is one more ``Managed`` with its own argv and readiness URL.

A process that dies while it is awaited, or does not become ready in time, raises
:class:`~monitor.errors.StackError` naming it, its exit status and the tail of its log.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

from monitor.errors import StackError

REPO = Path(__file__).resolve().parents[1]
KAFKA_SCRIPT = REPO / "scripts" / "kafka"
WORKER_READY = "[^Worker]: Ready"
"""What Faust logs once the group assigned the worker its partitions and its tables recovered."""
LOG_TAIL = 4000
"""Characters of a process's log quoted in an error."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kcc_monitor(*args: str) -> list[str]:
    """The argv of a ``kcc-monitor`` command run by this Python (no installed script needed)."""
    return python_module("kcc.cli", *args)


def python_module(module: str, *args: str) -> list[str]:
    """The argv of ``python -m module`` run by this Python, importing the project from ``PYTHONPATH`` or the
    installed package, never from the child's working directory (``-P``): ``-m`` would put that directory first,
    so a child started inside another checkout ran that checkout's code. Found on 3 December 2026: benchmarks of
    an older commit on ``PYTHONPATH``, started in the main checkout, ran the main checkout's workers."""
    return [sys.executable, "-P", "-m", module, *args]


def answers(url: str, timeout: float = 1.0) -> bool:
    """True when ``url`` answers HTTP 200 within ``timeout`` seconds."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


class Managed:
    """One child process of the stack: started, awaited until ready, stopped cleanly.

    ``log`` receives stdout and stderr (appended, so a restarted process keeps one log);
    without it the process writes to this process's terminal. Ready means ``ready_url``
    answers 200 and ``ready_line`` (which needs ``log``) appeared in the log since the
    last start; with neither, a started process is ready at once.
    """

    def __init__(self, name: str, argv: Sequence[str], *, env: Mapping[str, str] | None = None,
                 log: Path | None = None, ready_url: str | None = None, ready_line: str | None = None,
                 cwd: Path | None = None) -> None:
        assert ready_line is None or log is not None, "a ready line is looked for in the log"
        self.name = name
        self.argv = list(argv)
        self.env = dict(env) if env is not None else None
        self.log = log
        self.ready_url = ready_url
        self.ready_line = ready_line
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        self._log_offset = 0
        self._log_file: IO[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was never started"
        return self.process.pid

    def start(self, timeout: float = 120, stopping: Callable[[], bool] = lambda: False) -> Managed:
        """Start the process and wait until it is ready (see :meth:`wait_ready`)."""
        assert not self.running, f"{self.name} is already running"
        if self.log is not None:
            self._log_offset = self.log.stat().st_size if self.log.exists() else 0
            self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=self._log_file,
                                        stderr=subprocess.STDOUT if self._log_file else None)
        self.wait_ready(timeout, stopping)
        return self

    def wait_ready(self, timeout: float = 120, stopping: Callable[[], bool] = lambda: False) -> bool:
        """Wait up to ``timeout`` seconds until ready; False if ``stopping()`` turned true first.

        Raises :class:`StackError` (with the log tail) when the process exits meanwhile, or
        stops it and raises when it is not ready in time.
        """
        deadline = time.monotonic() + timeout
        while not stopping():
            if not self.running:
                raise StackError(self._problem(f"exited with status {self.process.returncode}"))
            if self._ready():
                return True
            if time.monotonic() > deadline:
                self.stop()
                raise StackError(self._problem(f"was not ready within {timeout:.0f} s"))
            time.sleep(0.2)
        return False

    def stop(self, timeout: float = 30) -> int | None:
        """SIGTERM, then SIGKILL after ``timeout`` seconds; the exit status (None if never started)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        return self.process.returncode

    def output(self) -> str:
        """The whole log ('' without a log file)."""
        return self.log.read_text(errors="replace") if self.log is not None and self.log.exists() else ""

    def _ready(self) -> bool:
        if self.ready_line is not None:
            assert self.log is not None
            with self.log.open("rb") as file:
                file.seek(self._log_offset)
                if self.ready_line.encode() not in file.read():
                    return False
        return self.ready_url is None or answers(self.ready_url)

    def _problem(self, what: str) -> str:
        if self.log is None:
            return f"{self.name} {what} (its output is above)"
        return f"{self.name} {what}; log {self.log}:\n{self.output()[-LOG_TAIL:]}"


def worker(env: Mapping[str, str], port: int, *, log: Path | None = None, name: str = "worker",
           loglevel: str | None = None, config: Path | None = None, cwd: Path | None = None) -> Managed:
    """``kcc-monitor worker`` with ``os.environ`` updated by ``env`` (settings as ``KCC_*``), /metrics on ``port``.

    ``config`` is its ``--config`` folder. Ready when /metrics answers and, with a ``log``, Faust logged that the worker has its
    partitions and recovered tables. Not started yet: call :meth:`Managed.start`.
    """
    argv = kcc_monitor("worker", "--port", str(port), *(["--loglevel", loglevel] if loglevel else []),
                       *(["--config", str(config)] if config else []))
    return Managed(name, argv, env={**os.environ, "PYTHONUNBUFFERED": "1", **env, "KCC_WORKER_PORT": str(port)},
                   log=log, ready_url=f"http://127.0.0.1:{port}/metrics",
                   ready_line=WORKER_READY if log is not None else None, cwd=cwd)


def program(*names: str) -> str:
    """The path of the first installed program of ``names`` (raises :class:`StackError` naming them)."""
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    raise StackError(f"{' / '.join(names)} is not installed (scripts/setup installs the Debian packages)")


def prometheus(config_file: Path, data_dir: Path, port: int, *, log: Path, args: Sequence[str] = ()) -> Managed:
    """Debian's Prometheus with ``config_file``, its TSDB in ``data_dir``, on 127.0.0.1:``port``; ready at /-/ready."""
    return Managed("prometheus", [program("prometheus"), f"--config.file={config_file}",
                                  f"--storage.tsdb.path={data_dir}", f"--web.listen-address=127.0.0.1:{port}",
                                  "--log.level=warn", *args],
                   log=log, ready_url=f"http://127.0.0.1:{port}/-/ready")


def alertmanager(config_file: Path, data_dir: Path, port: int, *, log: Path, args: Sequence[str] = ()) -> Managed:
    """Debian's Alertmanager (clustering off) with ``config_file`` on 127.0.0.1:``port``; ready at /-/ready."""
    return Managed("alertmanager", [program("prometheus-alertmanager", "alertmanager"), f"--config.file={config_file}",
                                    f"--storage.path={data_dir}", f"--web.listen-address=127.0.0.1:{port}",
                                    "--cluster.listen-address=", "--log.level=warn", *args],
                   log=log, ready_url=f"http://127.0.0.1:{port}/-/ready")


def isolated_settings(bootstrap: str, name: str, data_dir: Path) -> dict[str, str]:
    """``KCC_*`` settings of a worker of its own: app id and topic prefix ``name``, bound to 127.0.0.1.

    Workers started with different names never share topics or consumer groups.
    """
    return {"KCC_KAFKA__BOOTSTRAP_SERVERS": bootstrap, "KCC_APP_ID": name, "KCC_TOPIC_PREFIX": name,
            "KCC_WORKER_BIND": "127.0.0.1", "KCC_DATA_DIR": str(data_dir)}


class Broker:
    """A Kafka broker: an existing one, or the project's own via ``scripts/kafka``.

    :meth:`existing` is only used; :meth:`local` is started by :meth:`start` and stopped
    by :meth:`stop`. A local broker without ``port`` is the default one (127.0.0.1:19092,
    data in ``.cache/kafka/run``); with ``port`` and ``directory`` it is a private one
    (its controller on a free port), and ``remove=True`` deletes its folder on stop.
    ``secure=True`` starts it with ``scripts/kafka start --secure``: :attr:`bootstrap` is then
    the SASL_SSL listener and :attr:`client_env` the ``KCC_KAFKA__*`` settings a client needs.
    """

    def __init__(self, bootstrap: str | None, *, port: int | None = None, directory: Path | None = None,
                 remove: bool = False, secure: bool = False) -> None:
        self.bootstrap = bootstrap
        self.secure = secure
        self.client_env: dict[str, str] = {} if bootstrap is None else {"KCC_KAFKA__BOOTSTRAP_SERVERS": bootstrap}
        """The ``KCC_KAFKA__*`` settings of a client of this broker (known once started)."""
        self._local = bootstrap is None
        self._env: dict[str, str] = {**os.environ}
        if self._local:
            self._env.pop("KCC_KAFKA_CONTROLLER_PORT", None)
            if port is not None:
                self._env["KCC_KAFKA_PORT"] = str(port)
            if directory is not None:
                self._env["KCC_KAFKA_DIR"] = str(directory)
        self.directory = directory
        self._remove = remove
        self._started = False

    @classmethod
    def existing(cls, bootstrap: str) -> Broker:
        return cls(bootstrap)

    @classmethod
    def local(cls, port: int | None = None, directory: Path | None = None, *, remove: bool = False,
              secure: bool = False) -> Broker:
        return cls(None, port=port, directory=directory, remove=remove, secure=secure)

    @property
    def started_here(self) -> bool:
        return self._started

    def start(self, timeout: float = 300) -> str:
        """The bootstrap address, after starting the local broker if this is one (``timeout`` s)."""
        if not self._local or self._started:
            assert self.bootstrap is not None
            return self.bootstrap
        try:
            done = subprocess.run([str(KAFKA_SCRIPT), "start", *(["--secure"] if self.secure else [])], env=self._env,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            self._script("stop")
            raise StackError(f"scripts/kafka start did not finish within {timeout:.0f} s") from None
        if done.returncode != 0:
            raise StackError(f"scripts/kafka start failed with status {done.returncode}:\n{done.stderr[-LOG_TAIL:]}")
        self._started = True
        lines = done.stdout.strip().splitlines()
        self.client_env = {"KCC_KAFKA__BOOTSTRAP_SERVERS": lines[-1]}
        if self.secure:  # the first line names the secure client settings file
            self.client_env = dict(line.split("=", 1) for line in Path(lines[0]).read_text().splitlines() if "=" in line)
        self.bootstrap = self.client_env["KCC_KAFKA__BOOTSTRAP_SERVERS"]
        return self.bootstrap

    def stop(self) -> None:
        """Stop the broker if it was started here (and remove its folder if asked)."""
        if not self._started:
            return
        self._script("stop")
        self._started = False
        if self._remove and self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)

    def _script(self, command: str, timeout: float = 90) -> None:
        subprocess.run([str(KAFKA_SCRIPT), command], env=self._env, check=False, timeout=timeout,
                       stdout=subprocess.DEVNULL)

    def __enter__(self) -> Broker:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

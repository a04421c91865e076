"""A one-line progress bar on stderr for long exports.

Reading the event file is the slow part of an export, so the bar follows the
bytes read (:class:`CountingReader` wraps the file); building the reports and
drawing the charts follow as steps. The bar only draws when enabled (stderr is
a TTY, or ``--progress``); otherwise every call is a no-op, so logs and CI
output stay clean.
"""

from __future__ import annotations

import io
import time
from typing import BinaryIO, TextIO

from monitor import nl

_WIDTH = 28


class Progress:
    """Draws ``Gebeurtenissen lezen [#####.....]  45%  12,3/27,1 MB`` on one line, at most 10×/s."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self._stream = stream
        self.enabled = enabled
        self._last = 0.0
        self._drawn = False

    def bytes(self, label: str, done: int, total: int) -> None:
        """Progress in bytes (``total`` 0 when unknown)."""
        if not self.enabled:
            return
        tail = f"{nl.megabytes(done)}/{nl.megabytes(total)} MB" if total else f"{nl.megabytes(done)} MB"
        self._draw(label, done / total if total else 0.0, tail, final=bool(total) and done >= total)

    def step(self, label: str, done: int, total: int) -> None:
        """Progress in steps (reports built, charts drawn)."""
        if not self.enabled:
            return
        self._draw(label, done / total if total else 1.0, f"{done}/{total}", final=done >= total)

    def _draw(self, label: str, fraction: float, tail: str, *, final: bool) -> None:
        now = time.monotonic()
        if not final and now - self._last < 0.1:
            return
        self._last = now
        fraction = min(max(fraction, 0.0), 1.0)
        filled = int(round(fraction * _WIDTH))
        bar = "#" * filled + "." * (_WIDTH - filled)
        self._stream.write(f"\r{label:<22} [{bar}] {fraction * 100:3.0f}%  {tail:<24}")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line, so the summary starts on a fresh one."""
        if self.enabled and self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False


class CountingReader(io.RawIOBase):
    """A binary file that reports the bytes read so far to a :class:`Progress`."""

    def __init__(self, raw: BinaryIO, total: int, progress: Progress,
                 label: str = nl.Export.READING_EVENTS) -> None:
        self._raw = raw
        self._total = total
        self._progress = progress
        self._label = label
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._raw.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        if count:
            self.done += count
            self._progress.bytes(self._label, self.done, self._total)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()

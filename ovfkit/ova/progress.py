"""A one-line progress bar for long package work: bytes done, rate, time left (standard library only)."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import TextIO

from ovfkit.units import format_bytes

__all__ = ["PROGRESS_THRESHOLD", "ProgressBar", "terminal_progress"]

#: Packages smaller than this show no progress (they take about a second at most).
PROGRESS_THRESHOLD = 256 * 1024 * 1024


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class ProgressBar:
    """Redraws one line on ``stream`` (``\\r``), at most every ``interval`` seconds.

    Call it with (bytes done, total bytes or None). Nothing is drawn for work under ``threshold``
    bytes (default ``PROGRESS_THRESHOLD``). ``close()`` ends the line once something was drawn.
    """

    def __init__(
        self,
        label: str,
        stream: TextIO,
        *,
        threshold: int | None = None,
        interval: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
        width: int = 24,
    ) -> None:
        self.label = label
        self.stream = stream
        self.threshold = PROGRESS_THRESHOLD if threshold is None else threshold
        self.interval = interval
        self.clock = clock
        self.width = width
        self._start = clock()
        self._last = -math.inf
        self._drawn = 0

    def __call__(self, done: int, total: int | None) -> None:
        """Report ``done`` of ``total`` bytes; redraw when due."""
        if (total if total is not None else done) < self.threshold:
            return
        now = self.clock()
        finished = total is not None and done >= total
        if now - self._last < self.interval and not finished:
            return
        self._last = now
        self.draw(done, total, now - self._start)

    def render(self, done: int, total: int | None, elapsed: float) -> str:
        """The text of the bar for ``done`` of ``total`` bytes after ``elapsed`` seconds."""
        parts = [self.label]
        if total:
            fraction = min(done / total, 1.0)
            filled = int(self.width * fraction)
            parts.append("[" + "#" * filled + "-" * (self.width - filled) + "]")
            parts.append(f"{fraction * 100:3.0f}%")
            parts.append(f"{format_bytes(done)} / {format_bytes(total)}")
        else:
            parts.append(format_bytes(done))
        rate = done / elapsed if elapsed > 0 else 0.0
        if rate > 0:
            parts.append(f"{format_bytes(int(rate))}/s")
            if total:
                parts.append(f"{_duration(max(total - done, 0) / rate)} left")
        return "  ".join(parts)

    def draw(self, done: int, total: int | None, elapsed: float) -> None:
        """Redraw the line now."""
        line = self.render(done, total, elapsed)
        self.stream.write("\r" + line + " " * max(0, self._drawn - len(line)))
        self.stream.flush()
        self._drawn = len(line)

    def close(self) -> None:
        """End the line if a bar was drawn."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = 0


def terminal_progress(label: str, *, quiet: bool = False, stream: TextIO | None = None) -> ProgressBar | None:
    """A ``ProgressBar`` on ``stream`` (default stderr) when it is a terminal and not ``quiet``, else None."""
    target = stream if stream is not None else sys.stderr
    if quiet or target is None:
        return None
    isatty = getattr(target, "isatty", None)
    if isatty is None or not isatty():
        return None
    return ProgressBar(label, target)

"""Timing helpers for the benchmarks: interleaved repeats, medians, ratios to raw lxml parsing.

Times are process CPU time (``time.process_time``), which other load on the machine disturbs less
than wall time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


_MALLOC_TRIM = _malloc_trim()
#: Whether ``release_heap`` can hand freed memory back to the system on this platform.
CAN_RELEASE_HEAP = _MALLOC_TRIM is not None


def release_heap() -> None:
    """Collect garbage and give the C heap's free memory back to the system (glibc ``malloc_trim``).

    A timed call that follows then pays for its memory as a call in a fresh process does (fresh
    pages, each faulted in and zeroed by the kernel). Without it, what a call costs depends on
    what the calls before it left in the heap: in one process, a raw parse of the 5,000-Item file
    measured from 8.8 ms to 17 ms depending on that; after ``release_heap`` it takes 17 ms, in a
    fresh process 16 ms, and the design's anchor (about 145 MB/s) is that figure too.
    """
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def raw_parse(data: bytes) -> None:
    """The floor every ratio is measured against: ``lxml.etree.fromstring`` of the same bytes."""
    etree.fromstring(data, _PARSER)


@dataclass(frozen=True)
class Ratio:
    """One measured operation: median seconds of the operation and of the floor, and their ratio."""

    name: str
    seconds: float
    floor_seconds: float
    ratio: float
    budget: float | None = None
    #: the product goal (``performance.md``) where it is stricter than the issue's budget
    goal: float | None = None

    def line(self) -> str:
        """A report line."""
        verdict = ""
        if self.budget is not None:
            verdict = "  ok" if self.ratio <= self.budget else f"  OVER (budget {self.budget}x)"
        if self.goal is not None:
            verdict += f"; goal {self.goal}x " + ("met" if self.ratio <= self.goal else "not yet")
        return (
            f"{self.name:<42} {self.seconds * 1000:9.2f} ms   floor {self.floor_seconds * 1000:8.2f} ms"
            f"   {self.ratio:6.2f}x{verdict}"
        )


def measure(
    name: str,
    operation: Callable[[], object],
    floor: Callable[[], object],
    repeats: int = 15,
    budget: float | None = None,
    goal: float | None = None,
    fresh_heap: bool = False,
) -> Ratio:
    """Time ``operation`` and ``floor`` alternately ``repeats`` times; the ratio is the median of ratios.

    With ``fresh_heap`` each timed call (the floor's and the operation's) starts after
    ``release_heap`` (see there); else after a garbage collection, with the heap as the calls
    before left it. The floor's tree is freed inside the floor; what the operation returns is
    freed after its timing.
    """
    operation()
    floor()
    ops: list[float] = []
    floors: list[float] = []
    ratios: list[float] = []
    prepare = release_heap if fresh_heap else gc.collect
    for _ in range(repeats):
        prepare()
        start = time.process_time()
        floor()
        floor_time = time.process_time() - start
        prepare()
        start = time.process_time()
        result = operation()
        operation_time = time.process_time() - start
        del result
        floors.append(floor_time)
        ops.append(operation_time)
        ratios.append(operation_time / floor_time)
    return Ratio(
        name, statistics.median(ops), statistics.median(floors), statistics.median(ratios), budget, goal
    )

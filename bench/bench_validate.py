"""Validation speed: ``ovfkit.validate`` (XSD + every rule) against ``lxml.etree.fromstring`` of one input.

Run ``python -m bench.bench_validate [--items N] [--repeats N]``. Every operation is timed in this
process, interleaved with the raw parse, and each is reported as the median of its per-repeat
ratios to that parse, on two clocks: process CPU time (``time.process_time``, all threads) and
elapsed time (``time.perf_counter``). They differ for a large document, whose XSD check runs on a
worker thread beside the model read: elapsed time gains when a second core is free, CPU time
does not. The budget (issue 4) is 6x raw parsing for the whole
validation of the 5,000-Item descriptor of ``bench.generate``, loading included. Loading (bytes to
model, ``ovfkit.loads``) is most of that, so the report also gives validation's own share
(validate minus load) and splits it into the XSD check (``select="S0"``: load + XSD) and the
semantic rules (``ignore="S0"``: load + rules).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable

import ovfkit
from bench.common import raw_parse
from bench.generate import descriptor
from ovfkit.validate import validate

#: Issue 4: validating the 5,000-Item benchmark file (XSD + all rules) <= 6x raw lxml parsing.
BUDGET = 6.0


def measure(
    operations: dict[str, Callable[[], object]], floor: Callable[[], object], repeats: int
) -> dict[str, tuple[float, float]]:
    """Median ``(CPU, elapsed)`` ratios of each operation to ``floor``, timed in turn with it."""
    for operation in [floor, *operations.values()]:
        operation()  # compile the schema, import everything, warm the caches
    ratios: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in operations}
    cpu, wall = time.process_time, time.perf_counter
    for _ in range(repeats):
        for name, operation in operations.items():
            gc.collect()
            start, start_wall = cpu(), wall()
            floor()
            middle, middle_wall = cpu(), wall()
            result = operation()
            end, end_wall = cpu(), wall()
            del result  # freeing what an operation returns is not timed (as in ``bench.common.measure``)
            ratios[name][0].append((end - middle) / (middle - start))
            ratios[name][1].append((end_wall - middle_wall) / (middle_wall - start_wall))
    return {
        name: (statistics.median(on_cpu), statistics.median(elapsed))
        for name, (on_cpu, elapsed) in ratios.items()
    }


def floor_ms(data: bytes, repeats: int) -> float:
    """Median milliseconds of the raw parse."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        raw_parse(data)
        times.append(time.process_time() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    """Print the benchmark report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--disks", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    data = descriptor(items=args.items, disks=args.disks)
    report = validate(data)
    print(f"descriptor: {len(data):,} bytes, {args.items} Items, {args.disks} Disks")
    print(f"diagnostics: {report.counts} {sorted(set(report.codes()))}")
    ratios = measure(
        {
            "load": lambda: ovfkit.loads(data),
            "validate": lambda: validate(data),
            "load + XSD": lambda: validate(data, select="S0"),
            "load + rules": lambda: validate(data, ignore="S0"),
        },
        lambda: raw_parse(data),
        args.repeats,
    )
    print(f"raw parse (floor):          {floor_ms(data, args.repeats):7.1f} ms")
    print("                                CPU  elapsed")
    for clock, label in ((0, "CPU"), (1, "elapsed")):
        total = ratios["validate"][clock]
        verdict = "within" if total <= BUDGET else "over"
        print(f"validate, {label + ':':8s}          {total:6.2f}x  ({verdict} the {BUDGET:g}x budget)")

    def row(label: str, value: Callable[[int], float]) -> None:
        print(f"{label:30s}{value(0):6.2f}x {value(1):6.2f}x")

    row("load (bytes -> Envelope)", lambda c: ratios["load"][c])
    row("validate (XSD + all rules)", lambda c: ratios["validate"][c])
    row("  own share (validate - load)", lambda c: ratios["validate"][c] - ratios["load"][c])
    row("  XSD   (load + XSD - load)", lambda c: ratios["load + XSD"][c] - ratios["load"][c])
    row("  rules (load + rules - load)", lambda c: ratios["load + rules"][c] - ratios["load"][c])


if __name__ == "__main__":
    main()

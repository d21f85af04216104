"""Validation speed: ``ovfkit.validate`` (XSD + every rule) against ``lxml.etree.fromstring`` of one input.

Run ``python -m bench.bench_validate [--items N] [--repeats N]``. Every operation is timed in this
process with ``time.process_time``, interleaved with the raw parse, and each is reported as the
median of its per-repeat ratios to that parse. The budget (issue 4) is 6x raw parsing for the whole
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
) -> dict[str, float]:
    """Median ratio of each operation to ``floor``; each repeat times the floor and every operation once."""
    for operation in [floor, *operations.values()]:
        operation()  # compile the schema, import everything, warm the caches
    ratios: dict[str, list[float]] = {name: [] for name in operations}
    for _ in range(repeats):
        for name, operation in operations.items():
            gc.collect()
            start = time.process_time()
            floor()
            middle = time.process_time()
            result = operation()
            end = time.process_time()
            del result  # freeing what an operation returns is not timed (as in ``bench.common.measure``)
            ratios[name].append((end - middle) / (middle - start))
    return {name: statistics.median(values) for name, values in ratios.items()}


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
    total = ratios["validate"]
    verdict = "within" if total <= BUDGET else "over"
    print(f"raw parse (floor):          {floor_ms(data, args.repeats):7.1f} ms")
    print(f"load (bytes -> Envelope):   {ratios['load']:6.2f}x")
    print(f"validate (XSD + all rules): {total:6.2f}x  ({verdict} the {BUDGET:g}x budget)")
    print(f"  own share (validate - load): {total - ratios['load']:5.2f}x")
    print(f"  XSD   (load + XSD - load):   {ratios['load + XSD'] - ratios['load']:5.2f}x")
    print(f"  rules (load + rules - load): {ratios['load + rules'] - ratios['load']:5.2f}x")


if __name__ == "__main__":
    main()

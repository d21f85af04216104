"""Validation speed: ``ovfkit.validate`` (XSD + every rule) against ``lxml.etree.fromstring`` of one input.

Run ``python -m bench.bench_validate``. Both are timed in this process, interleaved, and the medians
are compared; the budget is 6x raw parsing on the 5,000-Item descriptor of ``bench.generate``.
The reading part of validation (bytes to model, ``ovfkit.loads``) is shown too, since it is
most of the cost.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable

from lxml import etree

import ovfkit
from bench.generate import descriptor
from ovfkit.validate import validate

BUDGET = 6.0


def _timed(action: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(data: bytes, repeats: int, ignore: str | None = None) -> dict[str, float]:
    """Median seconds of raw parsing, loading and validating ``data``, interleaved."""
    validate(data, ignore=ignore)  # compile the schema and import everything once
    samples: dict[str, list[float]] = {"raw": [], "load": [], "validate": []}
    for _ in range(repeats):
        samples["raw"].append(_timed(lambda: etree.fromstring(data)))
        samples["load"].append(_timed(lambda: ovfkit.loads(data)))
        samples["validate"].append(_timed(lambda: validate(data, ignore=ignore)))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--disks", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    data = descriptor(items=args.items, disks=args.disks)
    report = validate(data)
    print(f"descriptor: {len(data) / 1e6:.2f} MB, {args.items} Items, {args.disks} Disks")
    print(f"diagnostics: {report.counts} {sorted(set(report.codes()))}")
    for label, ignore in (("all rules", None), ("all rules but H111", "H111")):
        medians = measure(data, args.repeats, ignore)
        raw = medians["raw"]
        ratio = medians["validate"] / raw
        verdict = "within" if ratio <= BUDGET else "over"
        print(
            f"{label:>20}: raw parse {raw * 1e3:6.1f} ms | load {medians['load'] / raw:5.2f}x | "
            f"validate {medians['validate'] * 1e3:6.1f} ms = {ratio:5.2f}x raw "
            f"({verdict} the {BUDGET:g}x budget)"
        )


if __name__ == "__main__":
    main()

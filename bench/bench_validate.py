"""Validation speed: ``ovfkit.validate`` (XSD + every rule) against ``lxml.etree.fromstring`` of one input.

Run ``python -m bench.bench_validate [--items N] [--repeats N] [--processes N]``. The budget (issue 4)
is 6x raw parsing for the whole validation of the 5,000-Item descriptor of ``bench.generate``,
loading included.

Both sides are timed under the same conditions, in three settings:

- **fresh heap**: in this process, interleaved, each timed call (the raw parse and the validation
  alike) after ``bench.common.release_heap``, which hands the C heap's free memory back to the
  system, so that each pays for its memory as in a fresh process;
- **fresh processes**: each timed call is the first large one of a new process (imports done and
  a small document validated first, so the schema is compiled); this is what one ``ovfkit
  validate`` run sees, and the check that the first setting stands for it;
- **reused heap**: in this process, interleaved, after a garbage collection only; each call then
  reuses what the calls before it freed, and how much that speeds a call up depends on their
  order, so these ratios move between runs more than the others.

In this process every call is timed on two clocks: process CPU time (``time.process_time``, all
threads) and elapsed time (``time.perf_counter``, as ``performance.md`` asks). They differ for a
large document, whose XSD check runs on a worker thread beside the model read: elapsed time gains
when a second core is free, CPU time does not. Loading (bytes to model, ``ovfkit.loads``) is most of
a validation, so the report also gives validation's own share (validate minus load) and splits it
into the XSD check (``select="S0"``: load + XSD) and the semantic rules (``ignore="S0"``: load +
rules).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import ovfkit
from bench.common import CAN_RELEASE_HEAP, raw_parse, release_heap
from bench.generate import descriptor
from ovfkit.validate import validate

#: Issue 4: validating the 5,000-Item benchmark file (XSD + all rules) <= 6x raw lxml parsing.
BUDGET = 6.0
ROOT = Path(__file__).resolve().parent.parent


def _collect_only() -> None:
    """The reused-heap setting's preparation: a garbage collection, nothing handed back."""
    gc.collect()


class Measured(NamedTuple):
    """Medians of one operation timed in turn with the floor."""

    cpu_ratio: float
    elapsed_ratio: float
    seconds: float
    floor_seconds: float


def measure(
    operations: dict[str, Callable[[], object]],
    floor: Callable[[], object],
    repeats: int,
    prepare: Callable[[], None],
) -> dict[str, Measured]:
    """Each operation timed in turn with ``floor``: median ratios on both clocks, and median elapsed
    seconds of the operation and of the floor next to it.

    ``prepare`` runs before each timed call, the floor's and the operation's alike.
    """
    for operation in [floor, *operations.values()]:
        operation()  # compile the schema, import everything, warm the caches
    samples: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in operations}
    cpu, wall = time.process_time, time.perf_counter
    for _ in range(repeats):
        for name, operation in operations.items():
            prepare()
            start, start_wall = cpu(), wall()
            floor()
            floor_cpu, floor_wall = cpu() - start, wall() - start_wall
            prepare()
            start, start_wall = cpu(), wall()
            result = operation()
            end, end_wall = cpu(), wall()
            del result  # freeing what an operation returns is not timed (as in ``bench.common.measure``);
            # the floor frees its tree inside (validate frees its tree and model inside too)
            elapsed = end_wall - start_wall
            samples[name].append(((end - start) / floor_cpu, elapsed / floor_wall, elapsed, floor_wall))
    return {
        name: Measured(*(statistics.median(column) for column in zip(*rows, strict=True)))
        for name, rows in samples.items()
    }


def child(operation: str, items: int, disks: int) -> None:
    """In a fresh process: warm up on a small document, then time one call on the large one."""
    data = descriptor(items=items, disks=disks)
    small = descriptor(items=20, disks=2)
    validate(small)
    raw_parse(small)
    gc.collect()
    start, start_wall = time.process_time(), time.perf_counter()
    if operation == "raw":
        raw_parse(data)  # the tree is freed inside, as in the in-process floor
    else:
        validate(data)  # the model and tree are freed inside; the small report after the timing
    end, end_wall = time.process_time(), time.perf_counter()
    print(json.dumps({"cpu": end - start, "elapsed": end_wall - start_wall}))


def fresh_processes(items: int, disks: int, runs: int) -> dict[str, tuple[float, float]]:
    """Median ``(CPU, elapsed)`` seconds of the raw parse and of validate, each in fresh processes.

    The report divides these medians (the in-process settings take the median of per-pair ratios).
    """
    times: dict[str, tuple[list[float], list[float]]] = {"raw": ([], []), "validate": ([], [])}
    for _ in range(runs):
        for operation, (on_cpu, elapsed) in times.items():
            command = [sys.executable, "-m", "bench.bench_validate", "--child", operation]
            command += ["--items", str(items), "--disks", str(disks)]
            out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
            measured = json.loads(out)
            on_cpu.append(measured["cpu"])
            elapsed.append(measured["elapsed"])
    return {name: (statistics.median(c), statistics.median(e)) for name, (c, e) in times.items()}


def _verdict(ratio: float) -> str:
    return "within" if ratio <= BUDGET else "OVER"


def report_in_process(data: bytes, repeats: int, label: str, prepare: Callable[[], None]) -> None:
    """Measure and print one in-process setting."""
    ratios = measure(
        {
            "load": lambda: ovfkit.loads(data),
            "validate": lambda: validate(data),
            "load + XSD": lambda: validate(data, select="S0"),
            "load + rules": lambda: validate(data, ignore="S0"),
        },
        lambda: raw_parse(data),
        repeats,
        prepare,
    )
    floor_ms = ratios["validate"].floor_seconds * 1e3
    print(f"\n{label}: raw parse (floor, next to validate) {floor_ms:.1f} ms")
    print("                                 CPU  elapsed  elapsed ms")

    def row(name: str, value: Callable[[int], float], verdict: bool = False) -> None:
        line = f"  {name:29s}{value(0):6.2f}x {value(1):6.2f}x {value(2) * 1e3:9.1f}"
        if verdict:
            line += f"   CPU {_verdict(value(0))}, elapsed {_verdict(value(1))} the {BUDGET:g}x budget"
        print(line)

    row("validate (XSD + all rules)", lambda c: ratios["validate"][c], verdict=True)
    row("load (bytes -> Envelope)", lambda c: ratios["load"][c])
    row("own share (validate - load)", lambda c: ratios["validate"][c] - ratios["load"][c])
    row("  XSD   (load + XSD - load)", lambda c: ratios["load + XSD"][c] - ratios["load"][c])
    row("  rules (load + rules - load)", lambda c: ratios["load + rules"][c] - ratios["load"][c])


def main() -> None:
    """Print the benchmark report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--disks", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--processes", type=int, default=9, help="fresh processes per side (0: none)")
    parser.add_argument("--child", choices=("raw", "validate"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.items, args.disks)
        return
    data = descriptor(items=args.items, disks=args.disks)
    report = validate(data)
    print(f"descriptor: {len(data):,} bytes, {args.items} Items, {args.disks} Disks")
    print(f"diagnostics: {report.counts} {sorted(set(report.codes()))}")
    print(f"budget: validate <= {BUDGET:g}x the raw parse")
    if CAN_RELEASE_HEAP:
        report_in_process(data, args.repeats, "fresh heap (release_heap before each call)", release_heap)
    else:
        print("\nfresh heap: not measured (the C library has no malloc_trim)")
    if args.processes:
        times = fresh_processes(args.items, args.disks, args.processes)
        (raw_cpu, raw_elapsed), (cpu, elapsed) = times["raw"], times["validate"]
        print(f"\nfresh processes ({args.processes} per side): raw parse {raw_elapsed * 1e3:.1f} ms")
        print(
            f"  validate {elapsed * 1e3:.1f} ms: CPU {cpu / raw_cpu:.2f}x, elapsed"
            f" {elapsed / raw_elapsed:.2f}x   CPU {_verdict(cpu / raw_cpu)}, elapsed"
            f" {_verdict(elapsed / raw_elapsed)} the {BUDGET:g}x budget"
        )
    report_in_process(data, args.repeats, "reused heap (garbage collection only)", _collect_only)


if __name__ == "__main__":
    main()

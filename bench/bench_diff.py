"""Benchmark ``ovfkit.diff``: two 50,000-Item descriptors that differ in one device, loading included.

    /work/.venv/bin/python -m bench.bench_diff            # timings and memory (a few minutes at most)
    /work/.venv/bin/python -m bench.bench_diff --quick    # fewer repeats, no size series

Prints, for each scenario, the median wall time of ``ovfkit.diff(bytes_a, bytes_b)`` (both loads
included) against the 2 s budget of ``../shared/design/performance.md``, with the split into loading
and comparing and the raw lxml parse of the same bytes as the floor; then the same for 10,000 and
25,000 Items (linearity), and the peak RSS of a fresh process per size (``resource.getrusage``) to show
that memory grows linearly with the input.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from bench.generate import descriptor

BUDGET_SECONDS = 2.0
ITEMS = 50_000
DISKS = 500


def _replace_before(data: bytes, old: bytes, new: bytes, anchor: bytes) -> bytes:
    """Replace the last ``old`` before ``anchor``."""
    start = data.rindex(old, 0, data.index(anchor))
    return data[:start] + new + data[start + len(old) :]


def pair(items: int, scenario: str) -> tuple[bytes, bytes, int]:
    """Two descriptors that differ in one device, and how many changes the diff must find."""
    base = descriptor(items=items, disks=DISKS)
    if scenario == "nic-network":
        middle = items // 2
        nic = middle - middle % 3 + 1  # Items with i % 3 == 1 are NICs
        changed = _replace_before(
            base,
            b"<rasd:Connection>VM Network</rasd:Connection>",
            b"<rasd:Connection>Backup Network</rasd:Connection>",
            f"<rasd:ElementName>Network adapter {nic}</rasd:ElementName>".encode(),
        )
        return base, changed, 1
    if scenario == "disk-resized":
        # One Disk of the DiskSection grows: every disk Item that uses it changes capacity.
        disk = DISKS // 2
        changed = _replace_before(
            base,
            f'ovf:capacity="{disk + 1}"'.encode(),
            f'ovf:capacity="{disk + 101}"'.encode(),
            f'ovf:diskId="vmdisk{disk}"'.encode(),
        )
        users = sum(1 for i in range(0, items, 3) if i % DISKS == disk)
        return base, changed, users
    raise ValueError(scenario)


def _median(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall time and median CPU time (``process_time``: less sensitive to a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeats):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def time_scenario(items: int, scenario: str, repeats: int) -> dict[str, float]:
    """Median seconds (wall; ``_cpu``: CPU) of: the whole diff from bytes, one load, the comparison
    alone, the raw lxml parse of both inputs."""
    from lxml import etree

    import ovfkit
    from ovfkit.diff.api import diff, diff_envelopes

    old, new, expected = pair(items, scenario)
    result = diff(old, new)
    if len(result.changes) != expected:
        raise SystemExit(f"{scenario}: expected {expected} changes, got {len(result.changes)}")
    total = _median(lambda: diff(old, new), repeats)
    load = _median(lambda: ovfkit.loads(old), repeats)
    envelope_a, envelope_b = ovfkit.loads(old), ovfkit.loads(new)
    compare = _median(lambda: diff_envelopes(envelope_a, envelope_b), repeats)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    floor = _median(lambda: (etree.fromstring(old, parser), etree.fromstring(new, parser)), repeats)
    return {
        "items": items,
        "bytes_each": len(old),
        "changes": len(result.changes),
        "total_s": total[0],
        "total_cpu_s": total[1],
        "load_one_s": load[0],
        "compare_s": compare[0],
        "compare_cpu_s": compare[1],
        "lxml_parse_both_s": floor[0],
    }


def child_memory(items: int) -> None:
    """Run in a fresh process: peak RSS (KiB) with the inputs, after loading both, after the diff."""
    import ovfkit
    from ovfkit.diff.api import diff_envelopes, gc_paused

    def peak() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    old, new, _ = pair(items, "nic-network")
    inputs = peak()
    with gc_paused():
        envelope_a, envelope_b = ovfkit.loads(old), ovfkit.loads(new)
        loaded = peak()
        diff_envelopes(envelope_a, envelope_b)
    compared = peak()
    record = {
        "items": items,
        "bytes_each": len(old),
        "inputs": inputs,
        "loaded": loaded,
        "compared": compared,
    }
    print(json.dumps(record))


def memory_series(sizes: list[int]) -> list[dict[str, int]]:
    """Peak RSS of a fresh process per size."""
    found = []
    for items in sizes:
        output = subprocess.run(
            [sys.executable, "-m", "bench.bench_diff", "--child-memory", str(items)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        found.append(json.loads(output))
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="3 repeats, 50,000 Items only")
    parser.add_argument("--child-memory", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_memory:
        child_memory(args.child_memory)
        return 0
    repeats = 3 if args.quick else 5
    sizes = [ITEMS] if args.quick else [10_000, 25_000, ITEMS]
    # Fresh processes first, while this one is small: Linux keeps ru_maxrss across fork and exec.
    memory = memory_series(sizes)
    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"ovfkit diff benchmark, Python {sys.version.split()[0]}, median of {repeats} runs, "
        f"{os.cpu_count()} CPUs, load average {load_average}"
    )
    over = False
    for scenario in ("nic-network", "disk-resized"):
        row = time_scenario(ITEMS, scenario, repeats)
        verdict = "ok" if row["total_s"] <= BUDGET_SECONDS else "OVER BUDGET"
        over = over or row["total_s"] > BUDGET_SECONDS
        print(
            f"{scenario:13} {row['items']:>6} Items x2 ({row['bytes_each'] / 1e6:.1f} MB each), "
            f"{row['changes']} change(s): total {row['total_s']:.2f} s "
            f"[{verdict}, budget {BUDGET_SECONDS} s], CPU {row['total_cpu_s']:.2f} s"
        )
        print(
            f"{'':13} one load {row['load_one_s']:.2f} s, compare {row['compare_s']:.3f} s "
            f"(CPU {row['compare_cpu_s']:.3f} s), "
            f"lxml parse of both {row['lxml_parse_both_s']:.2f} s"
        )
    if not args.quick:
        for items in sizes[:-1]:
            row = time_scenario(items, "nic-network", repeats)
            print(
                f"nic-network   {items:>6} Items x2: total {row['total_s']:.2f} s, "
                f"compare {row['compare_s']:.3f} s"
            )
    mib = 1024
    for found in memory:
        input_mib = 2 * found["bytes_each"] / 2**20
        print(
            f"memory        {found['items']:>6} Items x2 ({input_mib:.0f} MiB of input): peak RSS "
            f"{found['inputs'] / mib:.0f} MiB with the inputs, {found['loaded'] / mib:.0f} MiB loaded, "
            f"{found['compared'] / mib:.0f} MiB after the diff "
            f"(comparing added {(found['compared'] - found['loaded']) / mib:.0f} MiB)"
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

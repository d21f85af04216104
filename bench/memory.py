"""Memory of a load against the lxml tree of the same bytes: ``python -m bench.memory [--items N]``.

Each side is measured in a fresh process, as the growth of its resident set over the same warmed-up
baseline (imports done, one small document read): the raw ``lxml.etree.fromstring`` tree kept alive,
and ``ovfkit.loads`` with its model kept alive. For the load, the peak counts too (the tree and the
model both exist while the model is built); the resident growth after it still holds memory the
allocator keeps from the freed tree, so the model's own size is also given, as ``tracemalloc`` sees it
(in a third process: its bookkeeping would inflate the other numbers).
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import ovfkit
from bench.common import raw_parse
from bench.generate import descriptor

ROOT = Path(__file__).resolve().parent.parent
#: performance.md: memory <= 3x the lxml tree.
BUDGET = 3.0


def _status_bytes(key: str) -> int:
    """One size from this process's ``/proc/self/status`` (given there in KiB), in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {key} in /proc/self/status")


def _resident() -> int:
    """This process's resident set in bytes."""
    return _status_bytes("VmRSS:")


def _peak() -> int:
    """This process's peak resident set in bytes: ``VmHWM`` of its address space.

    Not ``ru_maxrss``: Linux carries that over from the parent through fork and exec, so a child of
    a large parent (``python -m bench`` holds a loaded model) would report the parent's size.
    """
    return _status_bytes("VmHWM:")


def _warmed(path: str) -> bytes:
    """The benchmark bytes (written by the parent: generating them here would raise the peak
    before the load), after imports and one small document read both ways."""
    data = Path(path).read_bytes()
    warm = descriptor(10, 2)
    ovfkit.loads(warm)
    raw_parse(warm)
    gc.collect()
    return data


def child(side: str, path: str) -> dict[str, int]:
    """Measure one side in this process and return the numbers (bytes)."""
    data = _warmed(path)
    base = _resident()
    if side == "tree":
        from lxml import etree

        kept = etree.fromstring(data)
        grown = _resident() - base
        del kept
        return {"grown": grown}
    if side == "traced":
        tracemalloc.start()
        model = ovfkit.loads(data)
        traced = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del model
        return {"traced": traced}
    before = _peak()
    model = ovfkit.loads(data)
    peak = _peak()
    gc.collect()
    grown = _resident() - base
    del model
    return {"grown": grown, "peak_grown": peak - max(base, before)}


def _run(args: list[str]) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", *args], check=True, capture_output=True, text=True, cwd=ROOT
    )
    result: dict[str, int] = json.loads(done.stdout)
    return result


def report(items: int, disks: int) -> list[str]:
    """Report lines: the model and the peak of a load, each as a ratio to the lxml tree."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "descriptor.ovf"
        path.write_bytes(descriptor(items, disks))
        tree = _run(["--child=tree", str(path)])["grown"]
        load = _run(["--child=load", str(path)])
        traced = _run(["--child=traced", str(path)])["traced"]
    mib = 1024 * 1024

    def line(name: str, value: int) -> str:
        ratio = value / tree
        verdict = "ok" if ratio <= BUDGET else f"OVER (budget {BUDGET}x)"
        return f"{name:<42} {value / mib:9.1f} MiB  tree {tree / mib:7.1f} MiB   {ratio:6.2f}x  {verdict}"

    return [
        line("memory: peak while loading", load["peak_grown"]),
        line("memory: model kept (resident growth)", load["grown"]),
        line("memory: model kept (tracemalloc)", traced),
    ]


def main() -> None:
    """Print the memory report, or (``--child``) measure one side and print it as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--disks", type=int, default=500)
    parser.add_argument("--child", choices=("tree", "load", "traced"))
    parser.add_argument("path", nargs="?", help="(with --child) the descriptor to measure")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.path)))
    else:
        for text in report(args.items, args.disks):
            print(text)


if __name__ == "__main__":
    main()

"""OVA digest verification against ``sha256sum`` on the same file, and peak memory against package size.

Run: ``python -m bench.bench_ova [--size-mib 1024] [--repeat 3]``. It builds a package (descriptor,
SHA256 manifest, one disk of the given size) with ``ovfkit.ova.pack`` in a temporary folder, reads
it once to warm the page cache, then times ``sha256sum`` and ``ovfkit.ova.verify`` on the same file
(median of the repeats) and prints the throughput ratio (target: ovfkit >= 90% of sha256sum); for
reference it also times ``openssl dgst -sha256``, the OpenSSL hashing that ``hashlib`` uses. Peak
memory (``ru_maxrss``) of ``verify`` is measured in a fresh process for a small package and for the
large one: it must not grow with the size of the disk.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ovfkit.ova import pack, verify

MIB = 1024 * 1024
_DESCRIPTOR = """<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References>
    <File ovf:href="disk1.vmdk" ovf:id="file1"/>
  </References>
  <VirtualSystem ovf:id="bench">
    <Info>A benchmark virtual machine</Info>
  </VirtualSystem>
</Envelope>
"""
_PEAK_RSS = (
    "import resource, sys\n"
    "from ovfkit.ova import verify\n"
    "result = verify(sys.argv[1])\n"
    "assert result.ok, result.findings\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)


def build(folder: Path, size_mib: int) -> tuple[Path, float]:
    """A package with one disk of ``size_mib`` MiB; returns (its path, seconds pack took)."""
    source = folder / f"src-{size_mib}"
    source.mkdir()
    (source / "bench.ovf").write_text(_DESCRIPTOR, encoding="utf-8")
    block = os.urandom(MIB)  # hashing speed does not depend on the content; one block, repeated
    with (source / "disk1.vmdk").open("wb") as disk:
        for index in range(size_mib):
            disk.write(block[index % 251 :] + block[: index % 251])
    output = folder / f"bench-{size_mib}.ova"
    start = time.perf_counter()
    pack(source / "bench.ovf", output, update_sizes=True)
    elapsed = time.perf_counter() - start
    shutil.rmtree(source)
    return output, elapsed


def warm(path: Path) -> None:
    """Read the file once so that both contenders read it from the page cache."""
    with path.open("rb", buffering=0) as handle:
        while handle.read(8 * MIB):
            pass


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_sha256sum(path: Path, repeat: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of ``sha256sum FILE``."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, start = _children_cpu(), time.perf_counter()
        subprocess.run(["sha256sum", str(path)], check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def time_openssl(path: Path, repeat: int) -> tuple[float, float] | None:
    """Median (wall, CPU) seconds of ``openssl dgst -sha256 FILE`` (what hashlib uses), or None."""
    if shutil.which("openssl") is None:
        return None
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, start = _children_cpu(), time.perf_counter()
        subprocess.run(["openssl", "dgst", "-sha256", str(path)], check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def time_verify(path: Path, repeat: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of ``ovfkit.ova.verify(FILE)`` in this process."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, start = time.process_time(), time.perf_counter()
        result = verify(path)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        if not result.ok:
            raise SystemExit(f"the benchmark package did not verify: {result.findings}")
    return statistics.median(walls), statistics.median(cpus)


def peak_rss_kib(path: Path) -> int:
    """Peak resident memory (KiB) of a fresh process that verifies ``path``."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, str(path)], check=True, capture_output=True, text=True, env=env
    )
    return int(done.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_ova", description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="size of the disk in MiB (default 1024)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each contender (default 3)")
    args = parser.parse_args(argv)
    if shutil.which("sha256sum") is None:
        raise SystemExit("sha256sum is not installed")
    with tempfile.TemporaryDirectory(prefix="ovfkit-bench-") as temporary:
        folder = Path(temporary)
        small, _ = build(folder, 16)
        large, pack_seconds = build(folder, args.size_mib)
        size = large.stat().st_size
        warm(large)
        sha256sum_seconds, sha256sum_cpu = time_sha256sum(large, args.repeat)
        verify_seconds, verify_cpu = time_verify(large, args.repeat)
        openssl = time_openssl(large, args.repeat)
        small_rss, large_rss = peak_rss_kib(small), peak_rss_kib(large)
    print(f"package: {size / MIB:.0f} MiB (one disk, SHA256 manifest), median of {args.repeat} runs")
    print(f"pack (hash + copy):   {pack_seconds:7.3f} s  {size / MIB / pack_seconds:8.0f} MiB/s")
    print(
        f"sha256sum:            {sha256sum_seconds:7.3f} s  {size / MIB / sha256sum_seconds:8.0f} MiB/s"
        f"  (CPU {sha256sum_cpu:.3f} s)"
    )
    print(
        f"ovfkit.ova.verify:    {verify_seconds:7.3f} s  {size / MIB / verify_seconds:8.0f} MiB/s"
        f"  (CPU {verify_cpu:.3f} s)"
    )
    ratio = sha256sum_seconds / verify_seconds
    verdict = "met" if ratio >= 0.9 else "NOT met"
    print(f"verify throughput / sha256sum throughput: {ratio:.2f} (target >= 0.90: {verdict})")
    print(f"same ratio in CPU time: {sha256sum_cpu / verify_cpu:.2f}")
    if openssl is not None:
        openssl_seconds, openssl_cpu = openssl
        print(
            f"openssl dgst -sha256:  {openssl_seconds:7.3f} s  {size / MIB / openssl_seconds:8.0f} MiB/s"
            f"  (CPU {openssl_cpu:.3f} s); verify / openssl: {openssl_seconds / verify_seconds:.2f} "
            f"(CPU {openssl_cpu / verify_cpu:.2f})"
        )
    print(f"peak RSS of verify: {small_rss / 1024:.1f} MiB (16 MiB package)")
    print(f"peak RSS of verify: {large_rss / 1024:.1f} MiB ({size / MIB:.0f} MiB package)")
    return 0 if ratio >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())

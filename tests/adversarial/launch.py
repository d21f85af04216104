"""Run many subprocesses in parallel, each under a memory cap, a CPU cap and a wall-clock timeout.

No threads: processes are started with ``Popen`` (output into files), polled, and killed with their
process group when they overrun. The peak memory of each is taken from ``wait4``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

LIMITED = Path(__file__).resolve().parent / "limited.py"
MiB = 1024 * 1024


@dataclass
class Job:
    """One command to run: its argv, working folder, environment, limits and where its output goes."""

    key: tuple[str, str]
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    logs: Path
    timeout: float = 120.0
    memory: int = 1024 * MiB
    cpu_seconds: int = 90
    weight: int = 0


@dataclass
class Outcome:
    """What a job did: exit code (negative: killed by that signal), output, time, peak memory."""

    returncode: int
    timed_out: bool
    stdout: bytes
    stderr: bytes
    elapsed: float
    peak_rss: int = 0
    cpu_seconds: float = 0.0
    argv: list[str] = field(default_factory=list)


@dataclass
class _Running:
    job: Job
    process: subprocess.Popen[bytes]
    started: float
    killed: bool = False


def _start(job: Job) -> _Running:
    job.logs.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-S", str(LIMITED), str(job.memory), str(job.cpu_seconds), "--", *job.argv]
    with open(job.logs / "stdout", "wb") as out, open(job.logs / "stderr", "wb") as err:
        process = subprocess.Popen(
            command,
            cwd=job.cwd,
            env=job.env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    return _Running(job, process, time.monotonic())


def _reap(running: _Running) -> Outcome | None:
    pid, status, usage = os.wait4(running.process.pid, os.WNOHANG)
    if pid == 0:
        return None
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    running.process.returncode = code  # reaped here: Popen must not wait for it again
    logs = running.job.logs
    return Outcome(
        returncode=code,
        timed_out=running.killed,
        stdout=(logs / "stdout").read_bytes(),
        stderr=(logs / "stderr").read_bytes(),
        elapsed=time.monotonic() - running.started,
        peak_rss=usage.ru_maxrss * 1024,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        argv=running.job.argv,
    )


def run_jobs(jobs: list[Job], workers: int) -> dict[tuple[str, str], Outcome]:
    """Run ``jobs``, at most ``workers`` at a time (heaviest first); return each job's outcome by its key."""
    pending = deque(sorted(jobs, key=lambda job: -job.weight))
    running: list[_Running] = []
    outcomes: dict[tuple[str, str], Outcome] = {}
    while pending or running:
        while pending and len(running) < workers:
            running.append(_start(pending.popleft()))
        time.sleep(0.005)
        still: list[_Running] = []
        for item in running:
            outcome = _reap(item)
            if outcome is not None:
                outcomes[item.job.key] = outcome
                continue
            if not item.killed and time.monotonic() - item.started > item.job.timeout:
                os.killpg(item.process.pid, signal.SIGKILL)
                item.killed = True
            still.append(item)
        running = still
    return outcomes

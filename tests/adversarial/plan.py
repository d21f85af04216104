"""Which entry points each adversarial case goes through, how they are run, and what they left behind.

Every case gets a folder holding its inputs, its canary and an ``outside`` folder; every run gets an
empty working folder (also its ``HOME`` and ``TMPDIR``). The library entry points run in one
``runner.py`` process per case (one forked child per entry point); each CLI entry point is its own
``python -m ovfkit`` process. All of them run in parallel under a memory cap, a CPU cap and a
timeout. The case folder is snapshotted before and after: nothing may appear, change or vanish
except what ``ova extract`` writes into its output folder when a package verifies.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.adversarial.cases import Case, Inputs, write_inputs
from tests.adversarial.launch import Job, Outcome, run_jobs
from tests.adversarial.traps import Trap

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).resolve().parent / "runner.py"
MiB = 1024 * 1024

#: The address-space cap of every process (the floods and bombs would blow through it).
MEMORY_CAP = 1024 * MiB
#: CPU seconds per process, and the wall-clock timeout of each library call and each CLI run.
CPU_SECONDS = 90
CALL_SECONDS = 60
CLI_TIMEOUT = 120

#: Library entry points by input kind.
LIBRARY: dict[str, tuple[str, ...]] = {
    "xml": (
        "load-bytes",
        "load-str",
        "load-path",
        "load-file",
        "load-ova-member",
        "validate",
        "to-json",
        "diff",
    ),
    "ova": ("load-bytes", "load-path", "load-file", "validate", "to-json", "diff", "verify"),
    "json": ("from-json",),
}

#: CLI entry points by input kind (``ova-verify`` of an XML case verifies the OVA wrapping it).
CLI: dict[str, tuple[str, ...]] = {
    "xml": ("show", "validate", "convert", "diff", "ova-verify"),
    "ova": ("show", "validate", "convert", "diff", "ova-verify", "ova-extract"),
    "json": ("convert",),
}


def cli_argv(case: Case, command: str, inputs: Inputs, run: Path) -> list[str]:
    """The ``ovfkit`` command line of one CLI entry point."""
    source = str(inputs.input)
    if command == "show":
        args = ["show", source]
    elif command == "validate":
        args = ["validate", source]
    elif command == "convert":
        args = ["convert", source, "--to", "ovf" if case.kind == "json" else "json"]
    elif command == "diff":
        args = ["diff", str(inputs.good), source]
    elif command == "ova-verify":
        package = str(inputs.wrapped) if case.kind == "xml" else source
        extra = [arg.replace("{trust}", str(inputs.trust)) for arg in case.verify_args]
        args = ["ova", "verify", package, "--quiet", *extra]
    elif command == "ova-extract":
        extra = [arg.replace("{trust}", str(inputs.trust)) for arg in case.verify_args]
        args = ["ova", "extract", source, "-o", str(run / "out"), "--quiet", *extra]
    else:
        raise KeyError(command)
    return [sys.executable, "-m", "ovfkit", *args]


def _env(run: Path) -> dict[str, str]:
    tmp = run / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": str(run),
        "TMPDIR": str(tmp),
        "NO_COLOR": "1",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file, folder and link under ``folder``: relative path -> (size, content digest or kind)."""
    found: dict[str, tuple[int, str]] = {}
    for directory, folders, files in os.walk(folder, followlinks=False):
        for name in folders + files:
            path = Path(directory) / name
            relative = str(path.relative_to(folder))
            if path.is_symlink():
                found[relative] = (0, "link -> " + os.readlink(path))
            elif path.is_dir():
                found[relative] = (0, "folder")
            else:
                data = path.read_bytes()
                found[relative] = (len(data), hashlib.sha256(data).hexdigest())
    return found


@dataclass
class CaseRun:
    """Everything that happened to one case: the library results, the CLI outcomes, the snapshots."""

    case: Case
    trap: Trap
    inputs: Inputs
    runs: dict[str, Path]
    before: dict[str, tuple[int, str]] = field(default_factory=dict)
    after: dict[str, tuple[int, str]] = field(default_factory=dict)
    library: dict[str, dict[str, object]] = field(default_factory=dict)
    runner: Outcome | None = None
    cli: dict[str, Outcome] = field(default_factory=dict)


def prepare(case: Case, base: Path, listener_url: str) -> tuple[CaseRun, Path, list[Job]]:
    """Build the case's inputs and folders; return its record, its library spec and its CLI jobs."""
    trap = Trap(base / case.name, listener_url, case.name)
    inputs = write_inputs(case, trap)
    runs: dict[str, Path] = {}
    jobs = []
    weight = inputs.input.stat().st_size
    spec = {
        "case": case.name,
        "input": str(inputs.input),
        "wrapped": str(inputs.wrapped) if inputs.wrapped else None,
        "good": str(inputs.good),
        "trust": str(inputs.trust),
        "verify_args": list(case.verify_args),
        "token": trap.token,
        "time_limit": CALL_SECONDS,
        "entries": list(LIBRARY[case.kind]),
    }
    spec_path = base.parent / "specs" / f"{case.name}.json"
    spec_path.parent.mkdir(exist_ok=True)
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    for command in CLI[case.kind]:
        run = trap.folder / "runs" / command
        run.mkdir(parents=True)
        runs[command] = run
        jobs.append(
            Job(
                key=(case.name, command),
                argv=cli_argv(case, command, inputs, run),
                cwd=run,
                env=_env(run),
                logs=base.parent / "logs" / case.name / command,
                timeout=CLI_TIMEOUT,
                memory=MEMORY_CAP,
                cpu_seconds=CPU_SECONDS,
                weight=weight,
            )
        )
    return CaseRun(case, trap, inputs, runs, before=snapshot(trap.folder)), spec_path, jobs


def _library_jobs(specs: list[tuple[int, Path]], base: Path, batches: int) -> list[Job]:
    """Library runner jobs: the cases dealt into ``batches`` runners of about equal weight."""
    loads: list[list[Path]] = [[] for _ in range(batches)]
    weights = [0] * batches
    for weight, spec in sorted(specs, key=lambda item: -item[0]):
        lightest = weights.index(min(weights))
        loads[lightest].append(spec)
        weights[lightest] += weight + 1
    jobs = []
    for index, batch in enumerate(loads):
        if not batch:
            continue
        folder = base.parent / "library-runs" / f"batch-{index}"
        folder.mkdir(parents=True)
        calls = sum(len(json.loads(path.read_text(encoding="utf-8"))["entries"]) for path in batch)
        jobs.append(
            Job(
                key=(f"batch-{index}", "library"),
                argv=[sys.executable, str(RUNNER), *map(str, batch)],
                cwd=folder,
                env=_env(folder),
                logs=base.parent / "logs" / f"batch-{index}",
                timeout=CALL_SECONDS * calls + 60,
                memory=MEMORY_CAP,
                cpu_seconds=CPU_SECONDS * calls,
                weight=weights[index],
            )
        )
    return jobs


@dataclass
class Campaign:
    """Every case's record, plus the library runners' own outcomes and working folders."""

    records: dict[str, CaseRun]
    runners: dict[str, Outcome]
    runner_folders: list[Path]


def execute(cases: list[Case], base: Path, listener_url: str, workers: int) -> Campaign:
    """Prepare every case, run all their jobs in parallel, and collect what happened."""
    records: dict[str, CaseRun] = {}
    jobs: list[Job] = []
    specs: list[tuple[int, Path]] = []
    for case in cases:
        record, spec, case_jobs = prepare(case, base, listener_url)
        records[case.name] = record
        specs.append((record.inputs.input.stat().st_size * len(LIBRARY[case.kind]), spec))
        jobs.extend(case_jobs)
    library_jobs = _library_jobs(specs, base, max(1, min(len(specs), 2 * workers)))
    outcomes = run_jobs(jobs + library_jobs, workers)
    runners: dict[str, Outcome] = {}
    for (name, entry), outcome in outcomes.items():
        if entry == "library":
            runners[name] = outcome
        else:
            records[name].cli[entry] = outcome
    for job in library_jobs:
        outcome = outcomes[job.key]
        for spec in job.argv[2:]:
            records[Path(spec).stem].runner = outcome
        for line in outcome.stdout.decode("utf-8", "replace").splitlines():
            if line.startswith("{"):
                result = json.loads(line)
                records[result["case"]].library[result["entry"]] = result
    for record in records.values():
        record.after = snapshot(record.trap.folder)
    return Campaign(records, runners, [job.cwd for job in library_jobs])

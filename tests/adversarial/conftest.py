"""Fixtures of the adversarial suite: one loopback listener and one parallel run of every selected case.

The cases' subprocesses all run at once (``ADVERSARIAL_WORKERS``, default: the CPU count) the first
time a test asks for them; each test then checks the record of its case and entry point. Only the
cases of the tests pytest selected are run, so ``-k`` stays fast. The extended cases (``slow``) are
skipped unless ``ADVERSARIAL_ALL=1`` is set or ``-m slow`` is given.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adversarial.cases import Case
from tests.adversarial.plan import Campaign as _Run
from tests.adversarial.plan import CaseRun, execute
from tests.adversarial.traps import Listener, listening

_SELECTED = pytest.StashKey[set[str]]()
_SUMMARY = pytest.StashKey[str]()


def _run_slow(config: pytest.Config) -> bool:
    return os.environ.get("ADVERSARIAL_ALL") == "1" or "slow" in (config.getoption("markexpr", "") or "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the extended cases unless asked for, and remember which cases the selected tests need."""
    selected: set[str] = set()
    run_slow = _run_slow(config)
    for item in items:
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get("case") if callspec is not None else None
        if not isinstance(case, Case):
            continue
        if case.slow and not run_slow:
            item.add_marker(
                pytest.mark.skip(reason="extended adversarial case: ADVERSARIAL_ALL=1 or -m slow")
            )
            continue
        selected.add(case.name)
    config.stash[_SELECTED] = selected


@pytest.fixture(scope="session")
def listener() -> Iterator[Listener]:
    """The loopback HTTP listener every hostile input points at."""
    with listening(answer=b'<!ENTITY leak "served by the listener">') as running:
        yield running


class Campaign:
    """The records of every selected case, run once for the session, and the listener they aimed at."""

    def __init__(self, run: _Run, seconds: float, listener: Listener) -> None:
        self.records = run.records
        self.runners = run.runners
        self.runner_folders = run.runner_folders
        self.seconds = seconds
        self.listener = listener

    def __getitem__(self, name: str) -> CaseRun:
        return self.records[name]


@pytest.fixture(scope="session")
def campaign(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, listener: Listener
) -> Campaign:
    """Run every selected case through every entry point, in parallel."""
    from tests.adversarial.cases import CASES

    selected = request.config.stash.get(_SELECTED, set())
    cases = [case for case in CASES if case.name in selected]
    base: Path = tmp_path_factory.mktemp("adversarial") / "cases"
    base.mkdir()
    workers = int(os.environ.get("ADVERSARIAL_WORKERS", "0")) or (os.cpu_count() or 2)
    started = time.monotonic()
    run = execute(cases, base, listener.url, workers)
    seconds = time.monotonic() - started
    cli = [outcome for record in run.records.values() for outcome in record.cli.values()]
    outcomes = cli + list(run.runners.values())
    calls = sum(len(record.library) for record in run.records.values())
    request.config.stash[_SUMMARY] = (
        f"adversarial: {len(cases)} cases, {len(outcomes)} processes ({calls} library calls, each forked), "
        f"{seconds:.1f} s wall with {workers} workers, {sum(o.cpu_seconds for o in outcomes):.1f} s CPU, "
        f"slowest CLI run {max((o.elapsed for o in cli), default=0):.1f} s, "
        f"peak memory of one process {max((o.peak_rss for o in outcomes), default=0) / 2**20:.0f} MiB"
    )
    return Campaign(run, seconds, listener)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Say how long the adversarial campaign took and what it cost."""
    summary = config.stash.get(_SUMMARY, None)
    if summary:
        terminalreporter.write_line(summary)

"""Every adversarial case through every entry point: typed errors or findings, never harm.

For each case (``tests/adversarial/cases.py``) and entry point (``plan.LIBRARY`` and ``plan.CLI``):
the library raises only ``OvfError`` subclasses (or returns), the CLI exits 0/1/2 with a short
reason and no traceback, nothing reads the canary, nothing contacts the listener, nothing is written
outside the run's own folder, output stays bounded, and every process stays under its memory cap
and time limit. Hostile input (``loads=False``) must be refused by every way of loading it.
"""

from __future__ import annotations

import re

import pytest

from tests.adversarial.cases import CASES, THREATS, Case
from tests.adversarial.conftest import Campaign
from tests.adversarial.launch import Outcome
from tests.adversarial.plan import CLI, LIBRARY, CaseRun

#: The most a report or an error may print (``validate``, ``ova verify``/``extract``, and stderr and
#: failed runs of every command), and its longest line (a few hundred characters of quoted input plus
#: file name, position, element path and explanation).
MAX_OUTPUT = 32 * 1024
MAX_LINE = 2000
#: What ``show``, ``convert`` and ``diff`` print when they succeed is data: it may be as large as the
#: input, but never blow it up (at most this many times the input, plus 64 KiB).
MAX_AMPLIFICATION = 4
#: The longest message of an exception or a finding.
MAX_MESSAGE = 2000

_LOCATION = re.compile(r":(\d+):(\d+)")
#: The library entry points that must refuse what ``Case.loads`` says is not loadable.
_LOADERS = (
    "load-bytes",
    "load-str",
    "load-path",
    "load-file",
    "load-ova-member",
    "to-json",
    "from-json",
    "diff",
)


def _params(entries: dict[str, tuple[str, ...]]) -> list[object]:
    params = []
    for case in CASES:
        marks = [pytest.mark.slow] if case.slow else []
        for entry in entries[case.kind]:
            params.append(pytest.param(case, entry, id=f"{case.threat}/{case.name}/{entry}", marks=marks))
    return params


def _case_params() -> list[object]:
    return [
        pytest.param(case, id=f"{case.threat}/{case.name}", marks=[pytest.mark.slow] if case.slow else [])
        for case in CASES
    ]


def _shown(outcome: Outcome) -> str:
    return (
        f"argv={outcome.argv[2:]} rc={outcome.returncode} timed_out={outcome.timed_out}\n"
        f"stdout={outcome.stdout[:600]!r}\nstderr={outcome.stderr[:600]!r}"
    )


# -- the library ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "entry"), _params(LIBRARY))
def test_library_entry_point(campaign: Campaign, case: Case, entry: str) -> None:
    record = campaign[case.name]
    runner = record.runner
    assert runner is not None
    assert not runner.timed_out, f"the library runner overran its timeout: {_shown(runner)}"
    assert entry in record.library, f"no result for {entry}: {_shown(runner)}"
    result = record.library[entry]
    outcome = result["outcome"]
    assert outcome in ("ok", "error"), f"{entry}: {outcome} {result['type']}: {str(result['message'])[:400]}"
    if outcome == "error":
        assert result["ovf_error"], f"{entry} raised {result['type']}, not an OvfError"
        assert int(result["message_length"]) <= MAX_MESSAGE, (
            f"{entry}: a {result['message_length']}-char message"
        )
        assert record.trap.token not in str(result["message"])
    else:
        assert not result.get("canary_in_model"), f"{entry}: the canary's content is in the model"
    if entry in _LOADERS and not case.loads:
        assert outcome == "error", f"{entry} accepted a hostile input: {result}"
    if entry == "from-json" and outcome == "ok":
        assert not result["doctype_written"], "from_json accepted a model that writes a DOCTYPE"
        assert result["reloads"], "from_json accepted a model whose XML ovfkit cannot read back"
    if entry == "to-json" and outcome == "ok":
        assert result["same_xml"], "the JSON round trip does not give the same XML"
    if entry == "validate":
        _check_validate_result(case, result)
    if entry == "verify":
        assert outcome == "ok", f"verify raised {result}"
        codes = set(result["codes"])
        assert set(case.verify_codes) <= codes, f"verify found {sorted(codes)}, expected {case.verify_codes}"
        if case.verifies and not case.verify_args:
            assert result["valid"], f"a good package failed to verify: {sorted(codes)}"
        elif not case.verifies:
            assert not result["valid"], f"a bad package verified: {sorted(codes)}"
    if case.line is not None and entry.startswith("load") and outcome == "error":
        assert result["line"] == case.line, f"{entry} names line {result['line']}, expected {case.line}"
        assert result["column"] is not None


def _check_validate_result(case: Case, result: dict[str, object]) -> None:
    if case.kind == "xml":
        assert result["outcome"] == "ok", f"validate raised for unreadable content: {result}"
    if result["outcome"] != "ok":
        return
    codes = set(result["codes"])  # type: ignore[call-overload]
    assert int(result["longest_message"]) <= MAX_MESSAGE  # type: ignore[call-overload]
    if not case.loads:
        assert not result["valid"], f"validate passed a hostile input: {sorted(codes)}"
        if case.kind == "xml":
            assert any(code.startswith("X") for code in codes), f"no X finding for a hostile input: {codes}"
    assert set(case.validate_codes) <= codes, (
        f"validate found {sorted(codes)}, expected {case.validate_codes}"
    )
    if case.valid:
        assert result["valid"], f"a valid descriptor failed validation: {sorted(codes)}"


# -- the command line ---------------------------------------------------------------------------------------


def _lines(data: bytes) -> list[str]:
    return [line for line in data.decode("utf-8", "replace").splitlines() if line.strip()]


@pytest.mark.parametrize(("case", "command"), _params(CLI))
def test_cli_entry_point(campaign: Campaign, case: Case, command: str) -> None:
    record = campaign[case.name]
    outcome = record.cli[command]
    shown = _shown(outcome)
    assert not outcome.timed_out, f"killed after the timeout: {shown}"
    assert outcome.returncode in (0, 1, 2), f"exit {outcome.returncode} (negative: a signal): {shown}"
    for stream in (outcome.stdout, outcome.stderr):
        text = stream.decode("utf-8", "replace")
        assert "Traceback" not in text, shown
        assert "internal error" not in text, shown
        assert record.trap.token not in text, f"the canary's content was printed: {shown}"
    data = command in ("show", "convert", "diff") and outcome.returncode in (0, 1)
    report = outcome.stderr if data else outcome.stdout + b"\n" + outcome.stderr
    assert len(report) <= MAX_OUTPUT, f"{len(report)} bytes of report or error output: {shown}"
    longest = max((len(line) for line in _lines(report)), default=0)
    assert longest <= MAX_LINE, f"a {longest}-character line: {shown}"
    if data:
        bound = MAX_AMPLIFICATION * record.inputs.input.stat().st_size + 64 * 1024
        assert len(outcome.stdout) <= bound, f"{len(outcome.stdout)} bytes of output: {shown}"
    errors = _lines(outcome.stderr)
    if outcome.returncode == 2:
        assert len(errors) == 1 and errors[0].startswith("ovfkit"), (
            f"exit 2 needs one line on stderr: {shown}"
        )
    if command in ("show", "convert", "diff"):
        _check_reader_command(case, command, outcome, shown)
    elif command == "validate":
        _check_validate_command(case, outcome, shown)
    else:
        _check_verify_command(case, command, outcome, shown, record)


def _check_reader_command(case: Case, command: str, outcome: Outcome, shown: str) -> None:
    if not case.loads:
        assert outcome.returncode == 2, f"{command} did not refuse a hostile input: {shown}"
        if command != "diff":
            assert outcome.stdout == b"", shown
    if case.line is not None and outcome.returncode == 2:
        positions = [int(match.group(1)) for match in _LOCATION.finditer(outcome.stderr.decode())]
        assert case.line in positions, f"the error does not name line {case.line}: {shown}"


def _check_validate_command(case: Case, outcome: Outcome, shown: str) -> None:
    text = outcome.stdout.decode("utf-8", "replace")
    if not case.loads:
        assert outcome.returncode == 1, f"validate did not fail a hostile input: {shown}"
        if case.kind == "xml":
            assert re.search(r"\bX00\d\b", text), shown
    for code in case.validate_codes:
        assert code in text, f"validate did not report {code}: {shown}"
    if case.valid:
        assert outcome.returncode == 0, shown
    if case.line is not None:
        positions = [int(match.group(1)) for match in _LOCATION.finditer(text)]
        assert case.line in positions, f"the finding does not name line {case.line}: {shown}"


def _check_verify_command(case: Case, command: str, outcome: Outcome, shown: str, record: CaseRun) -> None:
    text = outcome.stdout.decode("utf-8", "replace")
    if case.kind == "xml":  # the OVA wrapping the descriptor
        if not case.loads:
            assert outcome.returncode == 1, f"a package with a hostile descriptor verified: {shown}"
            assert "OVA400" in text or "OVA106" in text, shown
        return
    if command == "ova-verify":
        for code in case.verify_codes:
            assert code in text, f"verify did not report {code}: {shown}"
    if case.verifies:
        assert outcome.returncode == 0, f"a good package failed: {shown}"
    else:
        assert outcome.returncode == 1, f"a bad package was accepted: {shown}"
    if command == "ova-extract" and outcome.returncode != 0:
        out = record.runs[command] / "out"
        assert not out.exists() or not any(out.iterdir()), f"extract wrote files for a bad package: {shown}"


# -- the traps ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _case_params())
def test_nothing_read_fetched_or_written(campaign: Campaign, case: Case) -> None:
    record = campaign[case.name]
    requests = campaign.listener.requests_for(f"/{case.name}")
    assert requests == [], f"the listener was contacted: {requests}"
    # ``ova extract`` may write into the folder it was given (what it wrote is checked with its exit code)
    changed = {
        path
        for path in set(record.before) | set(record.after)
        if record.before.get(path) != record.after.get(path) and not path.startswith("runs/ova-extract/out")
    }
    assert changed == set(), f"files appeared, changed or vanished: {sorted(changed)[:20]}"
    runner = record.runner
    assert runner is not None
    assert b"Traceback" not in runner.stderr, runner.stderr[-2000:]
    assert record.trap.token.encode() not in runner.stdout + runner.stderr


def test_listener_untouched_and_runners_clean(campaign: Campaign) -> None:
    if not campaign.records:
        pytest.skip("no case was selected")
    assert not campaign.listener.touched, (campaign.listener.connections, campaign.listener.requests)
    for name, runner in campaign.runners.items():
        assert runner.returncode == 0 and not runner.timed_out, (
            f"{name}: {runner.returncode} {runner.stderr[-2000:]!r}"
        )
        assert b"Traceback" not in runner.stderr, runner.stderr[-2000:]
    for folder in campaign.runner_folders:
        left = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.name != "tmp")
        assert left == [], f"the library wrote into its working folder: {left[:20]}"


def test_every_threat_class_has_cases() -> None:
    assert {case.threat for case in CASES} == set(THREATS)
    default = [case for case in CASES if not case.slow]
    assert {case.threat for case in default} == set(THREATS), "the default run must cover every class"
    assert {case.kind for case in default} == {"xml", "ova", "json"}
    names = [case.name for case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"

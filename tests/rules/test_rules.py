"""One passing and one failing document per rule code (``cases/<CODE>/pass.ovf`` and ``fail.ovf``).

A failing document marks each line where its rule must speak with ``<!-- expect: CODE -->``; a
``<!-- profile: NAME -->`` comment picks the validation profile (default ``relaxed``). A passing
document has no diagnostic of its rule and no error at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ovfkit.validate import Severity, all_rules, validate

CASES = Path(__file__).parent / "cases"
CODES = [entry.code for entry in all_rules()]


def _profile(text: str) -> str:
    match = re.search(r"<!-- profile: (\w+) -->", text)
    return match.group(1) if match else "relaxed"


def _expected_lines(text: str, code: str) -> list[int]:
    return [number for number, line in enumerate(text.split("\n"), start=1) if f"expect: {code}" in line]


def test_every_rule_has_cases_and_every_case_has_a_rule() -> None:
    folders = sorted(p.name for p in CASES.iterdir() if p.is_dir())
    assert folders == sorted(CODES)
    for code in CODES:
        assert (CASES / code / "pass.ovf").is_file(), code
        assert (CASES / code / "fail.ovf").is_file(), code


@pytest.mark.parametrize("code", CODES)
def test_failing_case_is_found_where_marked(code: str) -> None:
    path = CASES / code / "fail.ovf"
    text = path.read_bytes().decode("latin-1")
    report = validate(path, profile=_profile(text))
    found = [d for d in report.diagnostics if d.code == code]
    assert found, [d.format() for d in report.diagnostics]
    rule = next(r for r in all_rules() if r.code == code)
    assert all(d.severity is rule.severity and d.name == rule.name for d in found)
    for line in _expected_lines(text, code):
        assert any(d.line == line for d in found), (line, [d.format() for d in found])
    if rule.severity is Severity.ERROR:
        assert not report.ok
    assert all(d.file == str(path) for d in found)


@pytest.mark.parametrize("code", CODES)
def test_passing_case_is_clean(code: str) -> None:
    path = CASES / code / "pass.ovf"
    report = validate(path, profile=_profile(path.read_text(encoding="utf-8")))
    assert [d.format() for d in report.diagnostics if d.code == code or d.severity is Severity.ERROR] == []
    assert report.ok


@pytest.mark.parametrize("code", CODES)
def test_selecting_only_the_rule_finds_only_it(code: str) -> None:
    path = CASES / code / "fail.ovf"
    report = validate(path, profile=_profile(path.read_bytes().decode("latin-1")), select=code)
    assert {d.code for d in report.diagnostics} == {code}

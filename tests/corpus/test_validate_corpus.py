"""Validation results of every corpus file as golden data, and INDEX.tsv's XSD verdicts under ``strict``.

Each golden file (``golden/validate/<corpus path with / as __>.json``) holds the ``(code, line)`` of
every diagnostic under the ``relaxed`` and ``strict`` profiles (and ``ovirt`` for the oVirt flavour).
A missing or different golden file fails; ``OVFKIT_UPDATE_GOLDEN=1`` rewrites them.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from pathlib import Path

import pytest

from ovfkit.validate import Severity, validate
from tests.conftest import CORPUS, SHARED, corpus_documents, corpus_id, corpus_index, needs_corpus

pytestmark = [needs_corpus, pytest.mark.corpus]

GOLDEN = Path(__file__).parent / "golden" / "validate"
DOCUMENTS = corpus_documents(well_formed=None)
UPDATE = os.environ.get("OVFKIT_UPDATE_GOLDEN") == "1"


def golden_path(path: Path) -> Path:
    return GOLDEN / (str(path.relative_to(CORPUS)).replace("/", "__") + ".json")


def dump(data: dict[str, object]) -> str:
    """JSON with one ``[code, line]`` pair per line, so that golden diffs stay readable."""
    text = json.dumps(data, indent=1)
    return re.sub(r'\[\n\s+("[A-Z][0-9]{3}"),\n\s+(\d+|null)\n\s+\]', r"[\1, \2]", text) + "\n"


def results(path: Path) -> dict[str, object]:
    relaxed = validate(path)
    profiles = ["relaxed", "strict"] + (["ovirt"] if relaxed.dialect == "ovirt" else [])
    found: dict[str, object] = {}
    for profile in profiles:
        report = relaxed if profile == "relaxed" else validate(path, profile=profile)
        found[profile] = [[d.code, d.line] for d in report.diagnostics]
    return {"file": str(path.relative_to(SHARED)), "dialect": relaxed.dialect, "profiles": found}


@pytest.mark.parametrize("path", DOCUMENTS, ids=corpus_id)
def test_validation_matches_golden(path: Path) -> None:
    actual = results(path)
    target = golden_path(path)
    if UPDATE:
        target.write_text(dump(actual), encoding="utf-8")
    assert target.is_file(), f"no golden file {target.name}; run with OVFKIT_UPDATE_GOLDEN=1 to record it"
    assert json.loads(target.read_text(encoding="utf-8")) == actual


@pytest.mark.parametrize("path", DOCUMENTS, ids=corpus_id)
def test_the_xsd_check_on_a_worker_thread_gives_the_golden_results(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file checked as a large one is: the XSD check beside the model read and the rules."""
    monkeypatch.setattr(importlib.import_module("ovfkit.validate.api"), "BACKGROUND_XSD_MIN_BYTES", 0)
    assert results(path) == json.loads(golden_path(path).read_text(encoding="utf-8"))


def test_every_golden_file_has_its_corpus_file() -> None:
    expected = {golden_path(p).name for p in DOCUMENTS}
    assert {p.name for p in GOLDEN.glob("*.json")} == expected


def _index_rows(kind: str) -> list[dict[str, str]]:
    return [row for row in corpus_index() if row["xsd_valid"].startswith(kind)]


@pytest.mark.parametrize("row", _index_rows("yes"), ids=lambda row: row["file"])
def test_strict_accepts_what_the_index_calls_xsd_valid(row: dict[str, str]) -> None:
    report = validate(SHARED / row["file"], profile="strict", select="S0")
    assert [d.format() for d in report.diagnostics if d.severity is Severity.ERROR] == []


@pytest.mark.parametrize("row", _index_rows("no"), ids=lambda row: row["file"])
def test_strict_rejects_with_the_index_reason(row: dict[str, str]) -> None:
    match = re.search(r"L(\d+): (\S+?):? ", row["xsd_valid"])
    assert match is not None, row["xsd_valid"]
    line, element = int(match.group(1)), match.group(2)
    local = element.rpartition(":")[2]
    report = validate(SHARED / row["file"], profile="strict", select="S0")
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    assert any(d.line == line and local in d.message for d in errors), [d.format() for d in errors]


@pytest.mark.parametrize("path", corpus_documents(well_formed=False), ids=corpus_id)
def test_broken_files_are_x_errors_with_a_location(path: Path) -> None:
    report = validate(path)
    assert not report.ok
    assert [d.code[0] for d in report.diagnostics] == ["X"]
    assert report.diagnostics[0].line is not None


@pytest.mark.parametrize("path", corpus_documents(well_formed=True), ids=corpus_id)
def test_every_diagnostic_is_located_and_short(path: Path) -> None:
    for profile in ("relaxed", "strict"):
        for diagnostic in validate(path, profile=profile).diagnostics:
            assert diagnostic.file == str(path)
            assert diagnostic.line is not None or diagnostic.code == "X006", diagnostic
            assert len(diagnostic.message) <= 500

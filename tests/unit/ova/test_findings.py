"""Findings: a stable catalogue of codes, strict mode, JSON-ready results."""

from __future__ import annotations

import re

import ovfkit.ova
from ovfkit.ova.findings import CODES, VerifyResult, finding


def test_catalogue_is_well_formed() -> None:
    names = [name for name, _, _ in CODES.values()]
    assert len(set(names)) == len(names)
    for code, (name, severity, description) in CODES.items():
        assert re.fullmatch(r"OVA[1-4][0-9]{2}", code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
        assert severity in ("error", "warning", "info") and description


def test_strict_turns_warnings_into_errors() -> None:
    lenient, strict = VerifyResult("x.ova", complete=True), VerifyResult("x.ova", complete=True, strict=True)
    for result in (lenient, strict):
        result.add("OVA203", "SHA1")
        result.add("OVA300", "unsigned")
    assert lenient.ok and [f.severity for f in lenient.findings] == ["warning", "info"]
    assert not strict.ok and [f.severity for f in strict.findings] == ["error", "info"]


def test_incomplete_is_never_ok() -> None:
    assert not VerifyResult("x.ova").ok


def test_messages_are_bounded() -> None:
    assert len(finding("OVA201", "x" * 10_000).message) <= 500


def test_every_code_is_documented() -> None:
    from tests.conftest import ROOT

    page = (ROOT / "docs" / "ova.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if code not in page]
    assert missing == []


def test_public_api() -> None:
    from ovfkit.ova.reader import open_package

    missing = [name for name in ovfkit.ova.__all__ if not hasattr(ovfkit.ova, name)]
    assert missing == []
    assert ovfkit.ova.open is open_package
    assert {"open", "read_descriptor", "verify", "pack", "extract", "OvaLimits", "VerifyResult"} <= set(
        ovfkit.ova.__all__
    )

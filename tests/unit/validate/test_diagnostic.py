from __future__ import annotations

import dataclasses

import pytest

from ovfkit.validate import Diagnostic, Severity


def test_format_and_location() -> None:
    d = Diagnostic("R101", "dangling-file-ref", Severity.ERROR, "msg", "vm.ovf", 87, 9, "/Envelope")
    assert d.format() == "vm.ovf:87:9: R101 dangling-file-ref msg"
    assert d.location() == "vm.ovf:87:9"
    assert d.is_error


def test_partial_locations() -> None:
    assert Diagnostic("X005", "compressed-input", Severity.ERROR, "m", "a.ovf", 3).location() == "a.ovf:3"
    assert Diagnostic("X005", "compressed-input", Severity.ERROR, "m").location() == "<input>"
    assert Diagnostic("X005", "compressed-input", Severity.ERROR, "m", column=4).location() == "<input>"


def test_to_dict_is_json_ready() -> None:
    d = Diagnostic("N104", "zero-mac", Severity.WARNING, "m", "f", 1, 2, "/p")
    assert d.to_dict() == {
        "code": "N104",
        "name": "zero-mac",
        "severity": "warning",
        "message": "m",
        "file": "f",
        "line": 1,
        "column": 2,
        "path": "/p",
    }


def test_frozen_and_sorted_in_document_order() -> None:
    late = Diagnostic("A001", "a", Severity.INFO, "m", "f", 9, 1)
    early = Diagnostic("Z001", "z", Severity.ERROR, "m", "f", 2, 5)
    unknown = Diagnostic("B001", "b", Severity.ERROR, "m", "f")
    assert sorted([late, early, unknown], key=Diagnostic.sort_key) == [unknown, early, late]
    with pytest.raises(dataclasses.FrozenInstanceError):
        late.line = 3  # type: ignore[misc]


def test_severity_rank() -> None:
    assert [s.rank for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)] == [0, 1, 2]
    assert Severity("info") is Severity.INFO

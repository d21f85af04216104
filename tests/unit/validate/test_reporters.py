"""Reporters: text summary wording, JSON list, SARIF structure, GitHub annotations, OVA member names."""

from __future__ import annotations

import json

from ovfkit.validate import Diagnostic, Report, Severity
from ovfkit.validate.reporters import FORMATS, artifact, render, render_sarif, render_text

ERROR = Diagnostic("R101", "dangling-file-ref", Severity.ERROR, "m", "a.ova!vm.ovf", 8, 5, "/Envelope")
NOTE = Diagnostic("S006", "no-schema", Severity.INFO, "n", "b.ovf", None, None, None)


def test_text_summary() -> None:
    assert render_text([Report("x", "relaxed")]) == "Found 0 errors, 0 warnings, 0 infos; 1 file valid.\n"
    out = render_text([Report("a", "relaxed", (ERROR,)), Report("b", "relaxed", (NOTE,))])
    assert out.splitlines() == [
        "a.ova!vm.ovf:8:5: R101 dangling-file-ref m",
        "b.ovf: S006 no-schema n",
        "Found 1 error, 0 warnings, 1 info (1 of 2 files invalid).",
    ]


def test_formats_are_named() -> None:
    assert set(FORMATS) == {"text", "json", "sarif", "github"}
    assert json.loads(render([Report("a", "relaxed", (ERROR,))], "json")) == [ERROR.to_dict()]


def test_sarif_points_at_the_package_file_and_maps_levels() -> None:
    log = json.loads(render_sarif([Report("a", "relaxed", (ERROR, NOTE))]))
    results = log["runs"][0]["results"]
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    assert [r["level"] for r in results] == ["error", "note"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a.ova"
    assert "region" not in results[1]["locations"][0]["physicalLocation"]
    assert results[0]["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "/Envelope", "kind": "element"}
    ]


def test_artifact() -> None:
    assert artifact("x/a.OVA!vm.ovf") == "x/a.OVA"
    assert artifact("odd!name.ovf") == "odd!name.ovf"
    assert artifact(None) == "stdin"

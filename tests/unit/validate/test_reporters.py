"""Reporters: text summary wording, JSON list, SARIF structure, GitHub annotations, OVA member names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def _uri_of(name: str) -> dict[str, str]:
    diagnostic = Diagnostic("R101", "dangling-file-ref", Severity.ERROR, "m", name, 1, 1, None)
    log = json.loads(render_sarif([Report(name, "relaxed", (diagnostic,))]))
    run = log["runs"][0]
    found: dict[str, str] = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert run["artifacts"][0]["location"] == found
    return found


def test_sarif_uris_are_relative_below_the_working_folder_and_file_uris_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by checking the output against the full SARIF 2.1.0 schema and what code scanners expect."""
    work = tmp_path / "repo"
    (work / "sub").mkdir(parents=True)
    monkeypatch.chdir(work)
    base = {"uriBaseId": "%SRCROOT%"}
    assert _uri_of("sub/vm.ovf") == {"uri": "sub/vm.ovf", **base}
    assert _uri_of(str(work / "sub" / "vm.ovf")) == {"uri": "sub/vm.ovf", **base}  # absolute, below it
    assert _uri_of("with space#1.ovf") == {"uri": "with%20space%231.ovf", **base}
    assert _uri_of("c:colon.ovf") == {"uri": "c%3Acolon.ovf", **base}  # not the scheme "c"
    assert _uri_of("sub/a.ova!vm.ovf") == {"uri": "sub/a.ova", **base}
    outside = tmp_path / "elsewhere" / "vm 1.ovf"
    assert _uri_of(str(outside)) == {"uri": outside.as_uri()}
    assert _uri_of("../elsewhere/vm 1.ovf") == {"uri": outside.as_uri()}
    assert _uri_of("<stdin>") == {"uri": "%3Cstdin%3E"}
    log = json.loads(render_sarif([]))
    assert log["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": work.as_uri() + "/"}}


def test_sarif_records_inputs_that_could_not_be_validated() -> None:
    log = json.loads(render([Report("a.ovf", "relaxed")], "sarif", [("gone.ovf", "gone.ovf: no such file")]))
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error" and notification["message"]["text"] == "gone.ovf: no such file"
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "gone.ovf"
    assert json.loads(render_sarif([]))["runs"][0]["invocations"] == [{"executionSuccessful": True}]

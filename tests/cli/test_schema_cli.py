"""ovfkit schema: the JSON Schema, the bundled XSD list, and the model's XSD coverage."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from ovfkit.cli.main import main
from ovfkit.convert import json_schema
from ovfkit.schema import BUNDLED
from tests.conftest import ROOT


def test_schema_json_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json_schema()
    jsonschema.Draft202012Validator.check_schema(printed)


def test_schema_json_indent(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "json", "--indent", "0"]) == 0
    assert capsys.readouterr().out.count("\n") == 1


def test_schema_list_text_names_every_bundled_xsd(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["KEY", "VERSION", "NAMESPACE", "TITLE"]
    for schema in BUNDLED.values():
        line = next(line for line in lines if line.startswith(schema.key + " "))
        assert schema.folder in line and schema.namespace in line


def test_schema_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["key"] for row in rows] == list(BUNDLED)
    two = next(row for row in rows if row["key"] == "dsp8023_2.0.1")
    assert two == {
        "key": "dsp8023_2.0.1",
        "version": "2.0.1",
        "namespace": "http://schemas.dmtf.org/ovf/envelope/2",
        "file": "2.0.1/dsp8023_2.0.1.xsd",
        "title": "OVF envelope 2.0.1",
    }


def test_schema_coverage_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "coverage"]) == 0
    out = capsys.readouterr().out
    assert "RASD_Type -> Item:" in out
    assert "NetworkSection_Type/Network -> Network:" in out
    assert "rasd:ComponentSetting" in out  # an XSD element kept as a generic node
    assert "Envelope.version:" in out  # the deviations are listed with their reasons
    assert out.rstrip().endswith("no drift")


def test_schema_coverage_json_for_one_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "coverage", "--schema", "dsp8027_1.1.0", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["schemas"] == ["dsp8027_1.1.0"]
    assert report["drift"] == []
    environment = next(t for t in report["types"] if t["xsd_type"] == "Environment_Type")
    assert environment["model"] == "Environment"
    assert environment["typed"]["env:PlatformSection"] == "platform"
    assert "env:Section" in environment["generic"]
    assert any(d["model"] == "Envelope" and d["field"] == "version" for d in report["deviations"])


def test_schema_coverage_refuses_an_unknown_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "coverage", "--schema", "dsp9999"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "dsp9999" in err


def test_schema_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["schema"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "usage: ovfkit schema" in err and "ACTION" in err


def test_real_process_schema_list() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ovfkit", "schema", "list"], cwd=ROOT, capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert b"dsp8027_1.1.0" in result.stdout

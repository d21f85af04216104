"""``ovfkit validate``: output formats, exit codes, selection, and no traceback for any input."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from ovfkit.cli.main import main
from tests.conftest import FIXTURES, ROOT

CASES = FIXTURES / "validate"
VALID = str(CASES / "valid.ovf")
INVALID = str(CASES / "invalid.ovf")
WARNINGS = str(CASES / "warnings.ovf")
HOSTILE = str(CASES / "hostile.ovf")

#: The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) that this output uses.
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "informationUri": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "name": {"type": "string"},
                                                "shortDescription": {
                                                    "type": "object",
                                                    "required": ["text"],
                                                    "properties": {"text": {"type": "string"}},
                                                },
                                                "help": {
                                                    "type": "object",
                                                    "required": ["text"],
                                                    "properties": {
                                                        "text": {"type": "string"},
                                                        "markdown": {"type": "string"},
                                                    },
                                                },
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {
                                                            "enum": ["none", "note", "warning", "error"]
                                                        }
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "artifacts": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "location": {
                                    "type": "object",
                                    "required": ["uri"],
                                    "properties": {"uri": {"type": "string"}},
                                }
                            },
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": {
                                    "type": "object",
                                    "required": ["text"],
                                    "properties": {"text": {"type": "string"}},
                                },
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "properties": {"uri": {"type": "string"}},
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": {"type": "integer", "minimum": 1},
                                                            "startColumn": {"type": "integer", "minimum": 1},
                                                        },
                                                    },
                                                },
                                            },
                                            "logicalLocations": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "fullyQualifiedName": {"type": "string"},
                                                        "kind": {"type": "string"},
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "invocations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["executionSuccessful"],
                            "properties": {"executionSuccessful": {"type": "boolean"}},
                        },
                    },
                },
            },
        },
    },
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_file_exits_0_with_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, VALID)
    assert code == 0
    assert out == "Found 0 errors, 0 warnings, 0 infos; 1 file valid.\n"
    assert err == ""


def test_warnings_alone_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, WARNINGS)
    assert code == 0
    assert f"{WARNINGS}:53:9: R113 malformed-host-resource " in out


def test_errors_exit_1_with_located_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, INVALID, VALID)
    assert code == 1
    message = 'Disk "vmdisk1" names File "file9", which References does not define'
    assert f"{INVALID}:8:5: R101 dangling-file-ref {message}" in out.splitlines()
    assert out.splitlines()[-1] == "Found 1 error, 1 warning, 0 infos (1 of 2 files invalid)."


def test_hostile_input_is_an_error_finding_not_a_crash(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, HOSTILE)
    assert code == 1
    assert f"{HOSTILE}:2:1: X002 hostile-input" in out
    assert "Traceback" not in out + err


def test_compressed_and_not_ovf_inputs_are_findings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    packed = tmp_path / "packed.ovf"
    packed.write_bytes(gzip.compress(Path(VALID).read_bytes()))
    other = tmp_path / "page.ovf"
    other.write_text("<html><body>502 Bad Gateway</body></html>\n")
    empty = tmp_path / "empty.ovf"
    empty.write_bytes(b"")
    code, out, _ = run(capsys, str(packed), str(other), str(empty))
    assert code == 1
    assert " X005 compressed-input " in out
    assert " X003 not-an-ovf-document " in out
    assert " X001 not-well-formed " in out


def test_missing_file_exits_2_and_still_checks_the_others(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "no/such/file.ovf", INVALID)
    assert code == 2
    assert err.startswith("ovfkit: error: no/such/file.ovf: no such file")
    assert " R101 " in out


def test_unknown_select_code_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--select", "Z9", VALID)
    assert code == 2
    assert out == ""
    assert "'Z9' matches no rule code" in err


def test_unknown_profile_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate", "--profile", "lenient", VALID])
    assert caught.value.code == 2
    assert "invalid choice: 'lenient'" in capsys.readouterr().err


def test_select_and_ignore_take_prefixes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--select", "R1", "--ignore", "R110", "--format", "json", INVALID)
    assert code == 1
    assert [d["code"] for d in json.loads(out)] == ["R101"]
    code, out, _ = run(capsys, "--ignore", "R", "--format", "json", INVALID)
    assert code == 0
    assert json.loads(out) == []


def test_json_is_a_list_of_diagnostics(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", INVALID)
    data = json.loads(out)
    assert code == 1
    assert data[1] == {
        "code": "R101",
        "name": "dangling-file-ref",
        "severity": "error",
        "message": 'Disk "vmdisk1" names File "file9", which References does not define',
        "file": INVALID,
        "line": 8,
        "column": 5,
        "path": "/Envelope/DiskSection/Disk/@ovf:fileRef",
    }


def test_sarif_is_2_1_0_with_rule_metadata(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spaced = tmp_path / "with space.ovf"
    spaced.write_bytes(Path(INVALID).read_bytes())
    code, out, _ = run(capsys, "--format", "sarif", str(spaced), HOSTILE)
    log = json.loads(out)
    jsonschema.validate(log, SARIF_SUBSET)
    assert code == 1
    driver = log["runs"][0]["tool"]["driver"]
    rules = driver["rules"]
    assert driver["name"] == "ovfkit"
    assert len(rules) >= 40
    assert {"R101", "X002", "S001", "O102", "K103"} <= {r["id"] for r in rules}
    assert all(r["help"]["markdown"].startswith(f"# {r['id']} {r['name']}") for r in rules)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"R101", "R110", "X002"}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    r101 = next(r for r in results if r["ruleId"] == "R101")
    assert r101["level"] == "error"
    location = r101["locations"][0]["physicalLocation"]
    assert location["region"] == {"startLine": 8, "startColumn": 5}
    assert location["artifactLocation"]["uri"].endswith("with%20space.ovf")
    assert next(r for r in results if r["ruleId"] == "R110")["level"] == "warning"


def test_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "github", INVALID, WARNINGS)
    lines = out.splitlines()
    assert code == 1
    assert (
        f"::error file={INVALID},line=8,col=5,title=R101 dangling-file-ref::"
        'Disk "vmdisk1" names File "file9", which References does not define'
    ) in lines
    assert any(line.startswith(f"::warning file={WARNINGS},line=53,col=9,title=R113 ") for line in lines)


def test_github_escapes_commas_colons_and_newlines() -> None:
    from ovfkit.validate import Diagnostic, Report, Severity
    from ovfkit.validate.reporters import render_github

    diagnostic = Diagnostic(
        "R101", "dangling-file-ref", Severity.INFO, "50%\nnext", "a,b:c.ovf", 3, None, None
    )
    out = render_github([Report("a,b:c.ovf", "relaxed", (diagnostic,))])
    assert out == "::notice file=a%2Cb%3Ac.ovf,line=3,title=R101 dangling-file-ref::50%25%0Anext\n"


def test_profiles_change_the_verdict(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    vendor = tmp_path / "vendor.ovf"
    text = Path(VALID).read_text()
    section = (
        '<vmw:BootOrderSection ovf:required="false" vmw:type="disk"><Info>Boot</Info></vmw:BootOrderSection>'
    )
    vendor.write_text(text.replace("<DiskSection>", section + "\n  <DiskSection>"))
    assert run(capsys, str(vendor))[0] == 0
    code, out, _ = run(capsys, "--profile", "strict", str(vendor))
    assert code == 1
    assert "S001 xsd-unexpected-element Element 'vmw:BootOrderSection'" in out


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    class Stdin:
        buffer = io.BytesIO(Path(INVALID).read_bytes())

    monkeypatch.setattr(sys, "stdin", Stdin())
    code, out, _ = run(capsys, "-")
    assert code == 1
    assert "<stdin>:8:5: R101 dangling-file-ref" in out


def test_subprocess_run_has_no_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ovf"
    broken.write_bytes(
        b'<?xml version="1.0"?>\n<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><References>'
    )
    completed = subprocess.run(
        [sys.executable, "-m", "ovfkit", "validate", str(broken), VALID, "--format", "text"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert completed.returncode == 1
    assert f"{broken}:2:" in completed.stdout
    assert " X001 not-well-formed " in completed.stdout
    assert "Traceback" not in completed.stdout + completed.stderr

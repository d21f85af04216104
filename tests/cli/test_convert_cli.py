"""ovfkit convert: OVF to JSON and back, summaries, stdin/stdout, and bad input as exit 2 with one line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import ovfkit
from ovfkit.cli.main import main
from ovfkit.convert import to_json
from tests.conftest import CORPUS, FIXTURES, ROOT, needs_corpus
from tests.helpers import assert_same_document

OVIRT = FIXTURES / "ovirt" / "ovf" / "web01-full-vm.ovf"
DMTF = FIXTURES / "dmtf" / "govmomi-deploymentoption.ovf"
ENVIRONMENT = FIXTURES / "json" / "ovf-env.xml"
SEED = CORPUS / "ovirt" / "rhv-rest-api-guide-snapshot-all-content.ovf"


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("ovfkit: error: ")
    return lines[0]


def document(body: bytes) -> bytes:
    return b'{"ovfkit": "1", "kind": "envelope", "document": ' + body + b"}"


def set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


@pytest.mark.parametrize("source", [OVIRT, DMTF, ENVIRONMENT], ids=lambda p: p.name)
def test_ovf_to_json_and_back_through_files(tmp_path: Path, source: Path) -> None:
    as_json, as_ovf = tmp_path / "out.json", tmp_path / "back.ovf"
    assert main(["convert", str(source), "-o", str(as_json)]) == 0
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert data["ovfkit"] == "2" and data["kind"] in ("envelope", "environment")
    assert main(["convert", str(as_json), "-o", str(as_ovf)]) == 0
    original = source.read_bytes()
    assert as_ovf.read_bytes() == ovfkit.dumps(ovfkit.loads(original))
    assert_same_document(original, as_ovf.read_bytes())


def test_default_direction_is_the_other_form(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["convert", str(OVIRT)]) == 0
    text = capsys.readouterr().out
    assert json.loads(text)["kind"] == "envelope"
    saved = tmp_path / "vm.data"  # no telling extension: the content says JSON
    saved.write_text(text, encoding="utf-8")
    assert main(["convert", str(saved)]) == 0
    assert capsys.readouterr().out.startswith("<?xml")


def test_to_overrides_the_output_extension(tmp_path: Path) -> None:
    target = tmp_path / "summary.ovf"
    assert main(["convert", str(OVIRT), "--to", "summary", "-o", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["kind"] == "summary"


def test_indent(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(DMTF), "--indent", "0"]) == 0
    compact = capsys.readouterr().out
    assert compact.count("\n") == 1
    assert main(["convert", str(DMTF), "--indent", "4"]) == 0
    pretty = capsys.readouterr().out
    assert pretty.splitlines()[1].startswith('    "ovfkit"')
    assert json.loads(pretty) == json.loads(compact)


def test_summary_has_the_hardware_of_each_system(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(OVIRT), "--to", "summary"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["summary_of"] == "descriptor"
    hardware = summary["systems"][0]["hardware"]
    assert {"cpus", "memory_bytes", "disks", "nics", "controllers", "devices"} <= set(hardware)
    assert "products" in summary and "networks" in summary and "disks" in summary


def test_summary_with_a_profile(capsys: pytest.CaptureFixture[str]) -> None:
    model = ovfkit.load(DMTF)
    profiles = [c.id for s in model.sections for c in getattr(s, "configurations", [])]
    assert len(profiles) > 1
    assert main(["convert", str(DMTF), "--to", "summary", "--profile", str(profiles[-1])]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["systems"][0]["hardware"]["profile"] == profiles[-1]


def test_stdin_to_stdout_both_ways(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    set_stdin(monkeypatch, OVIRT.read_bytes())
    assert main(["convert", "-", "-o", "-"]) == 0
    as_json = capsysbinary.readouterr().out
    set_stdin(monkeypatch, as_json)
    assert main(["convert", "-", "--to", "ovf"]) == 0
    assert capsysbinary.readouterr().out == ovfkit.dumps(ovfkit.load(OVIRT))


def test_json_to_json_normalizes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    compact = to_json(ovfkit.load(DMTF))
    set_stdin(monkeypatch, compact.encode())
    assert main(["convert", "-", "--to", "json", "--indent", "0"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(compact)


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not ovfkit JSON"),
        (
            b'{"ovfkit": "1", "kind": "envelope", "document": {"references": {"files": [{"size": "x"}]}}}',
            "(at $.document.references.files[0].size)",
        ),
        (
            document(b'{"extensions": [{"kind": "element", "name": "a b"}]}'),
            "(at $.document.extensions[0].name)",
        ),
        (
            document(b'{"extensions": [{"kind": "element", "name": "q:a"}]}'),
            "is not declared (at $.document.extensions[0].name)",
        ),
        (
            document(b'{"content": {"kind": "VirtualSystem", "id": "\\u0007"}}'),
            "U+0007 cannot be written in XML 1.0 (at $.document.content.id)",
        ),
        (b'{"ovfkit": "1", "kind": "summary", "systems": []}', "summary"),
        (b"<Envelope", "<stdin>:1"),
        (b"<root/>", "not an OVF document"),
        (b"", "empty"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], payload: bytes, fragment: str
) -> None:
    set_stdin(monkeypatch, payload)
    assert main(["convert", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    line = one_error_line(captured.err)
    assert fragment in line
    assert len(line) < 600


def test_messages_stay_short_for_huge_bad_values(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = json.dumps(
        {
            "ovfkit": "1",
            "kind": "envelope",
            "document": {"extensions": [{"kind": "element", "name": "x y" * 100_000}]},
        }
    )
    set_stdin(monkeypatch, huge.encode())
    assert main(["convert", "-"]) == 2
    assert len(one_error_line(capsys.readouterr().err)) < 600


def test_a_doctype_is_refused_as_when_loading(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_stdin(
        monkeypatch,
        b'<!DOCTYPE x [<!ENTITY e "boom">]><Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"/>',
    )
    assert main(["convert", "-"]) == 2
    assert "DOCTYPE" in one_error_line(capsys.readouterr().err)


def test_missing_input_and_unwritable_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["convert", str(tmp_path / "nope.ovf")]) == 2
    assert "cannot read" in one_error_line(capsys.readouterr().err)
    assert main(["convert", str(OVIRT), "-o", str(tmp_path / "no" / "such" / "dir.json")]) == 2
    assert "cannot write" in one_error_line(capsys.readouterr().err)


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--to", "yaml"], ["--indent", "-1"], ["--indent", "two"]):
        with pytest.raises(SystemExit) as caught:
            main(["convert", str(OVIRT), *args])
        assert caught.value.code == 2
        assert f"argument {args[0]}" in capsys.readouterr().err


@needs_corpus
def test_real_process_on_the_ovirt_seed(tmp_path: Path) -> None:
    """The installed entry point, both ways, on the canonical oVirt descriptor."""
    as_json = tmp_path / "seed.json"
    as_ovf = tmp_path / "seed.ovf"
    command = [sys.executable, "-m", "ovfkit", "convert"]
    first = subprocess.run(
        [*command, str(SEED), "-o", str(as_json)], cwd=ROOT, capture_output=True, check=False
    )
    assert first.returncode == 0, first.stderr
    second = subprocess.run(
        [*command, str(as_json), "-o", str(as_ovf)], cwd=ROOT, capture_output=True, check=False
    )
    assert second.returncode == 0, second.stderr
    assert_same_document(SEED.read_bytes(), as_ovf.read_bytes())
    summary = subprocess.run(
        [*command, str(SEED), "--to", "summary"], cwd=ROOT, capture_output=True, check=False
    )
    hardware = json.loads(summary.stdout)["systems"][0]["hardware"]
    assert (hardware["cpus"], hardware["memory_bytes"]) == (1, 1024 * 2**20)
    assert hardware["disks"][0]["capacity_bytes"] == 10 * 2**30
    assert hardware["nics"][0]["mac"] == "00:1a:4a:87:cb:00"
    broken = subprocess.run(
        [*command, "-"],
        cwd=ROOT,
        input=b'{"ovfkit": "1", "kind": "envelope", "document": {"version": 1}}',
        capture_output=True,
        check=False,
    )
    assert broken.returncode == 2
    assert broken.stderr.decode().strip() == (
        "ovfkit: error: <stdin>: Input should be a valid string (got 1) (at $.document.version)"
    )

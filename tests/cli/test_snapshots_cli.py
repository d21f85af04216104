"""ovfkit snapshots: oldest first, hardware per snapshot, text and JSON, typed errors as exit 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ovfkit.cli.main import main
from tests.conftest import FIXTURES, ROOT

OVIRT = FIXTURES / "ovirt"
KEYS = ["id", "type", "date", "description", "status", "persist_memorystate", "hardware"]
HARDWARE_KEYS = {
    "system",
    "profile",
    "name",
    "os",
    "cpus",
    "cores_per_socket",
    "memory_bytes",
    "disks",
    "nics",
    "controllers",
    "devices",
}


def run_json(capsys: pytest.CaptureFixture[str], path: Path) -> list[dict[str, object]]:
    assert main(["snapshots", str(path), "--format", "json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert isinstance(data, list)
    return data


@pytest.mark.parametrize(
    "name",
    ["rest/v4-snapshots-all-content.xml", "rest/v4-snapshots-all-content.json", "ovf/web01-full-vm.ovf"],
)
def test_json_listing_oldest_first(capsys: pytest.CaptureFixture[str], name: str) -> None:
    data = run_json(capsys, OVIRT / name)
    assert [list(record) for record in data] == [KEYS] * 4
    assert [record["description"] for record in data] == [
        "base install",
        "before upgrade",
        "after upgrade",
        "Active VM",
    ]
    assert [record["date"] for record in data] == [
        "2023-03-01T10:00:00+00:00",
        "2023-04-15T16:30:00+00:00",
        "2023-05-20T08:45:00+00:00",
        "2023-05-20T08:45:01+00:00",
    ]
    assert [record["type"] for record in data] == ["regular", "regular", "regular", "active"]
    assert [record["persist_memorystate"] for record in data] == [False, True, False, False]
    assert data[3]["hardware"] is None
    hardware = [record["hardware"] for record in data[:3]]
    assert all(isinstance(h, dict) and set(h) == HARDWARE_KEYS for h in hardware)
    assert [(h["cpus"], h["memory_bytes"]) for h in hardware] == [  # type: ignore[index]
        (2, 2 * 2**30),
        (4, 4 * 2**30),
        (8, 8 * 2**30),
    ]
    macs = [h["nics"][0]["mac"] for h in hardware]  # type: ignore[index]
    assert macs == ["56:6f:1a:2b:00:01", "56:6f:1a:2b:00:01", "56:6f:1a:2b:00:99"]


def test_xml_and_json_give_the_same_output(capsys: pytest.CaptureFixture[str]) -> None:
    xml = run_json(capsys, OVIRT / "rest/v4-snapshots-all-content.xml")
    js = run_json(capsys, OVIRT / "rest/v4-snapshots-all-content.json")
    assert xml == js


def test_status_from_rest_and_none_from_ovf(capsys: pytest.CaptureFixture[str]) -> None:
    assert {r["status"] for r in run_json(capsys, OVIRT / "rest/v4-snapshots.json")} == {"ok"}
    assert {r["status"] for r in run_json(capsys, OVIRT / "ovf/web01-full-vm.ovf")} == {None}


def test_without_all_content_hardware_is_null(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, OVIRT / "rest/v4-snapshots.xml")
    assert [record["hardware"] for record in data] == [None] * 4


def test_v3_with_documentation_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, OVIRT / "rest/v3-snapshots-rhv-doc-quotes.xml")
    assert data[0]["date"] == "2015-01-20T11:05:21.602+00:00"
    assert data[0]["hardware"]["name"] == "LEGACY_01"  # type: ignore[index]
    assert data[1]["hardware"] is None


def test_text_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshots", str(OVIRT / "rest/v4-snapshots-all-content.json")]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert (
        lines[0] == "Snapshot 9aefa79d-4fe3-5055-8458-d58725ef2449  regular  2023-03-01T10:00:00+00:00 [ok]"
    )
    assert "  CPUs:     8 (2 per socket)" in lines
    assert "  Memory:   8 GiB" in lines
    assert any(
        line.startswith("  NIC:      nic1  on ovirtmgmt  (virtio, 56:6f:1a:2b:00:99)") for line in lines
    )
    assert any("with memory" in line for line in lines)
    assert lines[-1] == "  Hardware: (no configuration)"


def test_empty_listing(capsys: pytest.CaptureFixture[str]) -> None:
    path = OVIRT / "rest/v4-snapshots-empty.json"
    assert main(["snapshots", str(path)]) == 0
    assert capsys.readouterr().out == f"no snapshots in {path}\n"
    assert run_json(capsys, path) == []


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = (OVIRT / "rest/v4-snapshot-single-all-content.xml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["snapshots", "-", "--format", "json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert record["description"] == "before upgrade"


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("unescaped-ovf.xml", "not escaped text"),
        ("unescaped-ovf-with-declaration.xml", "not well-formed XML"),
        ("data-not-ovf.xml", "the root element is html"),
        ("data-not-xml.json", "not well-formed XML"),
        ("doctype-in-data.xml", "DOCTYPE"),
        ("doctype-in-data.json", "DOCTYPE"),
        ("doctype-in-document.xml", "DOCTYPE"),
        ("snapshot-without-id.xml", "no id"),
        ("bad-date.json", "date 'yesterday'"),
        ("truncated.json", "not well-formed JSON"),
        ("wrong-root.xml", "root element is <vms>"),
        ("bad-base64.ovf", "not valid base64"),
        ("data-is-object.json", "not OVF text"),
        ("data-environment.xml", "environment document"),
    ],
)
def test_malformed_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], name: str, fragment: str
) -> None:
    path = OVIRT / "malformed" / name
    assert main(["snapshots", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"ovfkit: error: {path}")
    assert fragment in lines[0]
    assert len(lines[0]) < 800


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshots", str(OVIRT / "nope.xml")]) == 2
    assert "cannot read file" in capsys.readouterr().err


def test_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["snapshots", "x", "--format", "yaml"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_help_lists_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["snapshots", "--help"])
    assert caught.value.code == 0
    assert "REST API" in capsys.readouterr().out


def test_subprocess_run() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ovfkit",
            "snapshots",
            str(OVIRT / "rest/v4-snapshots-all-content.xml"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data[0]["id"] == "9aefa79d-4fe3-5055-8458-d58725ef2449"
    bad = subprocess.run(
        [sys.executable, "-m", "ovfkit", "snapshots", str(OVIRT / "malformed/doctype-in-data.xml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "DOCTYPE" in bad.stderr

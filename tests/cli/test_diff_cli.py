"""ovfkit diff: exit codes like diff(1), text/JSON/Markdown, colour rules, snapshots, errors as exit 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ovfkit.cli.diff import use_color
from ovfkit.cli.main import main
from tests.conftest import FIXTURES, ROOT

DIFF = FIXTURES / "diff"
VMWARE, OVIRT, COT = DIFF / "vmware", DIFF / "ovirt", DIFF / "cot"


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main(["diff", *(str(a) for a in args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_same_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, OVIRT / "base.ovf", OVIRT / "noise.ovf")
    assert code == 0
    assert "hardware is the same" in out
    assert err == ""


def test_different_exits_1_with_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, VMWARE / "base.ovf", VMWARE / "memory-cpu.ovf")
    assert code == 1
    assert "changed  system  memory" in out
    assert "8 GiB" in out and "16 GiB" in out
    assert "\x1b[" not in out  # captured output is not a terminal


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, OVIRT / "base.ovf", OVIRT / "disks.ovf", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["same"] is False
    changes = [{k: c[k] for k in ("kind", "device", "field", "old", "new")} for c in data["changes"]]
    assert changes[0] == {
        "kind": "changed",
        "device": 'disk "db01_data"',
        "field": "capacity",
        "old": 20 * 2**30,
        "new": 50 * 2**30,
    }
    assert changes[1]["kind"] == "added" and changes[1]["new"]["capacity"] == 5 * 2**30


def test_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, OVIRT / "base.ovf", OVIRT / "nics.ovf", "--format", "markdown")
    assert code == 1
    assert out.startswith("## Hardware diff:")
    assert '| changed | nic "nic1" | mac | 56:6f:3b:0b:00:01 | 56:6f:3b:0b:00:99 |' in out


def test_system_and_profile(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, COT / "csr1000v.ovf", COT / "csr1000v-profiles.ovf", "--profile", "2CPU-4GB")
    assert code == 0
    code, out, _ = run(capsys, COT / "csr1000v.ovf", COT / "csr1000v-profiles.ovf", "--profile", "4CPU-8GB")
    assert code == 1 and "memory" in out
    code, _, err = run(capsys, COT / "csr1000v.ovf", COT / "csr1000v.ovf", "--system", "nope")
    assert code == 2
    assert err.startswith("ovfkit: error: ") and "no virtual system with the id 'nope'" in err


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((VMWARE / "nics.ovf").read_bytes())))
    code, out, _ = run(capsys, VMWARE / "base.ovf", "-")
    assert code == 1
    assert "+++ <stdin>" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([VMWARE / "base.ovf"], "expected two files A and B, got 1"),
        (["-", "-"], "only one side can be read from stdin"),
        ([VMWARE / "base.ovf", VMWARE / "base.ovf", "--from", "x"], "--from and --to need --snapshots"),
        (
            ["--snapshots", OVIRT / "snapshots.xml", VMWARE / "base.ovf"],
            "either --snapshots SOURCE or two files",
        ),
        (["--snapshots", OVIRT / "snapshots.xml", "--system", "x"], "--system does not apply"),
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[Any], message: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert message in err


def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.ovf"
    broken.write_bytes(b'<?xml version="1.0"?>\n<Envelope>\n  <References>\n</Envelope>\n')
    for args in (
        [VMWARE / "base.ovf", broken],
        [broken, VMWARE / "base.ovf"],
        [tmp_path / "missing.ovf", broken],
    ):
        code, out, err = run(capsys, *args)
        assert code == 2
        assert out == ""
        assert err.count("\n") == 1 and err.startswith("ovfkit: error: ")
        assert "Traceback" not in err
    code, _, err = run(capsys, VMWARE / "base.ovf", broken)
    assert f"{broken}:4:" in err  # file, line and column, as loading reports them


def test_snapshots_chain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--snapshots", OVIRT / "snapshots.json")
    assert code == 1
    assert out.startswith("snapshots of ")
    assert "no configuration" in out
    code, out, _ = run(capsys, "--snapshots", OVIRT / "vm-with-snapshots.ovf", "--format", "json")
    data = json.loads(out)
    assert [s["type"] for s in data["snapshots"]] == ["regular", "regular", "active"]
    assert len(data["steps"]) == 2


def test_snapshots_from_to(capsys: pytest.CaptureFixture[str]) -> None:
    base = "23c641b7-cf60-5e7c-afc5-1e352b502aed"
    memory = "8930a9fc-8b8d-5922-b236-60e402ac2533"
    code, out, _ = run(capsys, "--snapshots", OVIRT / "snapshots.xml", "--from", base, "--to", memory)
    assert code == 1
    assert "memory" in out
    code, _, _ = run(capsys, "--snapshots", OVIRT / "snapshots.xml", "--from", base, "--to", base)
    assert code == 0
    code, _, err = run(capsys, "--snapshots", OVIRT / "snapshots.xml", "--from", base, "--to", "active")
    assert code == 2 and "has no configuration" in err


def test_snapshots_bad_input_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.json"
    hostile.write_text(
        json.dumps(
            {"snapshot": [{"id": "s1", "initialization": {"configuration": {"data": "<!DOCTYPE x><x/>"}}}]}
        )
    )
    code, out, err = run(capsys, "--snapshots", hostile)
    assert code == 2 and out == ""
    assert "DOCTYPE" in err and "Traceback" not in err


def test_colour_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color(Terminal())
    assert not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Terminal())


def test_colour_on_a_terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("ovfkit.cli.diff.use_color", lambda stream=None: True)
    _, out, _ = run(capsys, VMWARE / "base.ovf", VMWARE / "memory-cpu.ovf")
    assert "\x1b[33mchanged\x1b[0m" in out
    _, out, _ = run(capsys, VMWARE / "base.ovf", VMWARE / "memory-cpu.ovf", "--format", "json")
    assert "\x1b[" not in out


def test_real_process() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ovfkit",
            "diff",
            str(OVIRT / "base.ovf"),
            str(OVIRT / "nics.ovf"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"NO_COLOR": "1", "PATH": ""},
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert [c["field"] for c in json.loads(completed.stdout)["changes"]] == ["mac", "network"]
    same = subprocess.run(
        [sys.executable, "-m", "ovfkit", "diff", str(VMWARE / "base.ovf"), str(VMWARE / "noise.ovf")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert same.returncode == 0 and "hardware is the same" in same.stdout


def test_snapshots_from_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((OVIRT / "snapshots.json").read_bytes())))
    code, out, _ = run(capsys, "--snapshots", "-", "--format", "json")
    assert code == 1
    assert json.loads(out)["source"] == "<stdin>"


def test_systems_without_ids_pair_in_order_and_say_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.unit.diff.builders import cpu, envelope, memory, system_xml

    def two(cpus: int) -> bytes:
        data = envelope(
            [cpu(2), memory()], system="x", extra_systems=[system_xml("y", [cpu(cpus), memory()])]
        )
        return data.replace(b'<VirtualSystem ovf:id="x"', b"<VirtualSystem").replace(
            b'<VirtualSystem ovf:id="y"', b"<VirtualSystem"
        )

    old, new = tmp_path / "old.ovf", tmp_path / "new.ovf"
    old.write_bytes(two(1))
    new.write_bytes(two(4))
    code, out, _ = run(capsys, old, old)
    assert code == 0
    assert out.splitlines()[2].startswith("note: 2 pair(s) of virtual systems without an ovf:id")
    code, out, _ = run(capsys, old, new)
    assert code == 1
    assert "virtual system #2 (other vm):" in out
    code, out, _ = run(capsys, old, new, "--format", "json")
    data = json.loads(out)
    assert len(data["notes"]) == 1
    assert [(c["field"], c["system_index"]) for c in data["changes"]] == [("cpus", 1)]

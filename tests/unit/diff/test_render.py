"""Reporters: a table for people (colour on request), Markdown, JSON."""

from __future__ import annotations

import json

from ovfkit.diff import Change, HardwareDiff, Scope, diff, diff_snapshots
from ovfkit.diff.render import MAX_CELL, render, render_markdown, render_snapshots, render_text
from tests.unit.diff.builders import COT, OVIRT, VMWARE


def test_text_table() -> None:
    text = render_text(diff(VMWARE / "base.ovf", VMWARE / "disks.ovf"))
    lines = text.splitlines()
    assert lines[0].startswith("--- ") and lines[1].startswith("+++ ")
    assert lines[2] == 'virtual system "esxvm-sb-62272164-rZ0":'
    assert lines[3].split() == ["CHANGE", "DEVICE", "FIELD", "OLD", "NEW"]
    assert lines[4].split()[:6] == ["changed", "disk", '"Hard', "disk", '1"', "capacity"]
    assert lines[4].endswith("32 GiB  40 GiB")
    assert lines[5].startswith('  added    disk "Hard disk 2"')
    assert lines[-1] == "2 changes (1 added, 1 changed)"
    assert all(len(line) < 2 * MAX_CELL + 60 for line in lines)
    assert "\x1b[" not in text


def test_colour_only_on_request() -> None:
    result = diff(VMWARE / "base.ovf", VMWARE / "disks.ovf")
    coloured = render_text(result, color=True)
    assert "\x1b[33mchanged\x1b[0m" in coloured and "\x1b[32madded  \x1b[0m" in coloured
    assert render(result, "text") == render_text(result)


def test_same_hardware_text() -> None:
    text = render_text(diff(COT / "csr1000v.ovf", COT / "csr1000v.ovf"))
    assert text.splitlines()[-1] == "hardware is the same (4 system/profile scopes compared)"


def test_descriptor_changes_and_profiles_in_text() -> None:
    text = render_text(diff(COT / "csr1000v.ovf", COT / "csr1000v-profiles.ovf"))
    assert "descriptor:" in text
    assert 'profile "4CPU-8GB":' in text


def test_markdown_table_escapes_pipes() -> None:
    result = diff(OVIRT / "base.ovf", OVIRT / "nics.ovf")
    text = render_markdown(result)
    assert '### virtual system "out" (db01)' in text
    assert "| Change | Device | Field | Old | New |" in text
    assert '| changed | nic "nic2" | network | storage | backend |' in text
    patched = result.model_copy(
        update={"changes": [result.changes[0].model_copy(update={"new_text": "a|b"})]}
    )
    assert "a\\|b" in render_markdown(patched)
    assert render_markdown(diff(OVIRT / "base.ovf", OVIRT / "noise.ovf")).endswith(
        "The hardware is the same.\n"
    )


def test_json_output() -> None:
    data = json.loads(render(diff(OVIRT / "base.ovf", OVIRT / "nics.ovf"), "json"))
    assert [{k: c[k] for k in ("kind", "device", "field", "old", "new")} for c in data["changes"]] == [
        {
            "kind": "changed",
            "device": 'nic "nic1"',
            "field": "mac",
            "old": "56:6f:3b:0b:00:01",
            "new": "56:6f:3b:0b:00:99",
        },
        {"kind": "changed", "device": 'nic "nic2"', "field": "network", "old": "storage", "new": "backend"},
    ]


def test_snapshot_reports() -> None:
    result = diff_snapshots(OVIRT / "snapshots.xml")
    text = render_snapshots(result)
    assert text.startswith("snapshots of ")
    assert "no configuration (fetch the snapshots with All-Content: true)" in text
    assert "(skipping 60e81664: no configuration)" in text
    assert "  no hardware change" in text
    markdown = render_snapshots(result, "markdown")
    assert markdown.count("| Change | Device | Field | Old | New |") == 1
    assert "No hardware change." in markdown
    data = json.loads(render_snapshots(result, "json"))
    assert [len(step["diff"]["changes"]) for step in data["steps"]] == [0, 5]


def test_systems_paired_in_document_order_are_numbered_and_noted() -> None:
    scopes = [Scope(system_index=0), Scope(system="a", system_index=1, other_system_index=2, profile="p")]
    change = Change(kind="changed", device="system", category="system", field="cpus", system="a")
    result = HardwareDiff(
        compared=scopes,
        changes=[
            change.model_copy(update={"system_index": 1, "profile": "p", "old_text": "1", "new_text": "2"})
        ],
        notes=["paired in `document` order"],
    )
    text = render_text(result)
    assert text.splitlines()[0] == "note: paired in `document` order"
    assert 'virtual system "a" #2 (b: #3), profile "p":' in text
    markdown = render_markdown(result)
    assert "> Note: paired in \\`document\\` order" in markdown
    assert '### virtual system "a" #2 (b: #3), profile "p"' in markdown
    same = render_text(HardwareDiff(compared=scopes[:1], notes=["n"]))
    assert same.splitlines() == ["note: n", "hardware is the same (1 system/profile scope compared)"]
    renamed = HardwareDiff(
        compared=[Scope(system="x", other_system="y", other_system_index=0)],
        changes=[change.model_copy(update={"system": "x"})],
    )
    assert 'virtual system "x" (b: "y" #1):' in render_text(renamed)

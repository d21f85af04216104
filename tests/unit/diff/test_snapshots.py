"""Hardware diffs along oVirt snapshots: oldest first, ending at the active VM, gaps reported."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest

import ovfkit
from ovfkit.diff import OvfDiffError, SnapshotChainDiff, diff_snapshots
from ovfkit.diff.snapshots import order_snapshots
from ovfkit.errors import OvfParseError, OvfSecurityError
from ovfkit.ovirt import Snapshot, SnapshotType, load_snapshots
from tests.unit.diff.builders import OVIRT

#: The snapshot ids of fixtures/diff (UUIDv5 of their names, see fixtures/diff/generate.py), first 8 digits.
BASE_ID = "23c641b7-cf60-5e7c-afc5-1e352b502aed"
BASE, EMPTY, VOLUME, MEMORY, ACTIVE = BASE_ID[:8], "60e81664", "5d16713b", "8930a9fc", "9efabb55"


def short_ids(result: SnapshotChainDiff) -> list[str]:
    return [s.id[:8] for s in result.snapshots]


@pytest.mark.parametrize("name", ["snapshots.xml", "snapshots.json"])
def test_rest_chain_oldest_first_with_gaps_reported(name: str) -> None:
    result = diff_snapshots(OVIRT / name)
    assert short_ids(result) == [BASE, EMPTY, VOLUME, MEMORY, ACTIVE]
    assert [s.type for s in result.snapshots] == ["regular"] * 4 + ["active"]
    assert [s.id[:8] for s in result.missing] == [EMPTY, ACTIVE]
    assert result.missing[0].note is not None and "All-Content" in result.missing[0].note
    assert [(st.from_snapshot.id[:8], st.to_snapshot.id[:8]) for st in result.steps] == [
        (BASE, VOLUME),
        (VOLUME, MEMORY),
    ]
    first, second = result.steps
    assert [s.id[:8] for s in first.skipped] == [EMPTY]
    assert first.same  # a new volume of the same disk is not a change
    assert [(c.field, c.old_text, c.new_text) for c in second.diff.changes][:3] == [
        ("cpus", "4", "8"),
        ("sockets", "2", "4"),
        ("memory", "4 GiB", "8 GiB"),
    ]
    assert not result.same


def test_vm_ovf_chain_ends_at_the_vm_itself() -> None:
    result = diff_snapshots(OVIRT / "vm-with-snapshots.ovf")
    assert short_ids(result) == [BASE, MEMORY, ACTIVE]
    assert result.missing == []
    active = result.snapshots[-1]
    assert active.has_configuration and active.note is not None and "the OVF itself" in active.note
    last = result.steps[-1]
    assert last.to_snapshot.type == "active"
    assert [(c.device, c.field) for c in last.diff.changes][-2:] == [
        ('nic "nic1"', "mac"),
        ('nic "nic2"', "network"),
    ]


def test_from_and_to() -> None:
    result = diff_snapshots(OVIRT / "vm-with-snapshots.ovf", BASE_ID, "active")
    assert len(result.steps) == 1
    step = result.steps[0]
    assert (step.from_snapshot.id, step.to_snapshot.type) == (BASE_ID, "active")
    assert [(c.device, c.field) for c in step.diff.changes] == [
        ('nic "nic1"', "mac"),
        ('nic "nic2"', "network"),
    ]
    only_from = diff_snapshots(OVIRT / "snapshots.xml", from_id=BASE_ID)
    assert only_from.steps[0].to_snapshot.id[:8] == MEMORY  # the last one with a configuration


def test_chosen_snapshot_without_configuration_is_an_error() -> None:
    with pytest.raises(OvfDiffError, match="has no configuration"):
        diff_snapshots(OVIRT / "snapshots.xml", BASE_ID, "active")


def test_unknown_snapshot_id() -> None:
    with pytest.raises(OvfDiffError, match="no snapshot has the id 'nope'"):
        diff_snapshots(OVIRT / "snapshots.xml", "nope")


def _without(document: str, tag: str) -> str:
    """The document with every ``<tag>...</tag>`` element cut out (there must be one)."""
    start = document.index(f"<{tag}>")
    while start >= 0:
        end = document.index(f"</{tag}>", start) + len(f"</{tag}>")
        document = document[:start] + document[end:]
        start = document.find(f"<{tag}>")
    return document


def test_nothing_to_compare_without_all_content() -> None:
    document = _without((OVIRT / "snapshots.xml").read_text(encoding="utf-8"), "initialization")
    with pytest.raises(OvfDiffError, match="All-Content"):
        diff_snapshots(document)


def test_nothing_to_compare_in_an_ovf_says_what_an_ovf_holds() -> None:
    plain = (OVIRT.parents[1] / "validate" / "valid.ovf").read_bytes()
    with pytest.raises(OvfDiffError, match="the OVF lists no snapshots") as raised:
        diff_snapshots(plain)
    assert "ovfkit diff A B" in raised.value.message
    document = _without((OVIRT / "vm-with-snapshots.ovf").read_text(encoding="utf-8"), "VmConfiguration")
    with pytest.raises(OvfDiffError, match=r"the OVF lists \d+ snapshot\(s\), \d+ without a configuration"):
        diff_snapshots(document.encode())


def test_sources_of_every_kind() -> None:
    path = OVIRT / "vm-with-snapshots.ovf"
    expected = diff_snapshots(path).steps
    assert diff_snapshots(path.read_bytes()).steps == expected
    assert diff_snapshots(ovfkit.load(path)).steps == expected
    assert diff_snapshots(str(path)).source == str(path)
    snapshots = load_snapshots(OVIRT / "snapshots.json")
    assert len(diff_snapshots(snapshots).steps) == 2


def test_malformed_configuration_raises_the_loading_error() -> None:
    document = (OVIRT / "snapshots.xml").read_text(encoding="utf-8")
    hostile = document.replace(
        "&lt;?xml version=&#x27;1.0&#x27; encoding=&#x27;UTF-8&#x27;?&gt;", "&lt;!DOCTYPE x&gt;", 1
    )
    hostile = hostile.replace("&lt;?xml version='1.0' encoding='UTF-8'?&gt;", "&lt;!DOCTYPE x&gt;", 1)
    assert hostile != document
    with pytest.raises(OvfSecurityError):
        diff_snapshots(hostile)
    with pytest.raises(OvfParseError):
        diff_snapshots(b"<snapshots><snapshot id='x'><date>not a date</date></snapshot>")


def _snapshot(snapshot_id: str, kind: str, day: int, config: str | None = None) -> Snapshot:
    return Snapshot(
        id=snapshot_id,
        type=SnapshotType(kind),
        date=datetime(2024, 1, day, tzinfo=timezone.utc),
        configuration=config,
    )


def test_order_puts_active_and_next_run_last() -> None:
    snapshots = [
        _snapshot("next", "next_run", 1),
        _snapshot("active", "active", 2),
        _snapshot("late", "regular", 20),
        _snapshot("early", "regular", 10),
        _snapshot("preview", "preview", 15),
    ]
    assert [s.id for s in order_snapshots(snapshots)] == ["early", "preview", "late", "active", "next"]


def test_base64_configurations_in_a_vm_ovf() -> None:
    text = (OVIRT / "vm-with-snapshots.ovf").read_text(encoding="utf-8")
    start = text.index("<VmConfiguration>") + len("<VmConfiguration>")
    decoded = base64.b64decode(text[start : text.index("</VmConfiguration>", start)])
    assert decoded == (OVIRT / "base.ovf").read_bytes()


def test_chain_json_round_trip() -> None:
    result = diff_snapshots(OVIRT / "snapshots.json")
    data = json.loads(result.model_dump_json(by_alias=True))
    assert set(data["steps"][0]) == {"from", "to", "skipped", "diff"}
    assert data["same"] is False
    assert SnapshotChainDiff.model_validate(data) == result

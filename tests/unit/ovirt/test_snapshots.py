"""Snapshots of a full VM OVF (SnapshotsSection) and lazily loaded configurations."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest

import ovfkit
from ovfkit.ovirt import (
    OvfRestError,
    OvfValueError,
    Snapshot,
    SnapshotStatus,
    SnapshotType,
    oldest_first,
    snapshots_of,
    vm_configuration,
)
from tests.unit.ovirt.samples import OVIRT, load_fixture

UTC = timezone.utc
S1 = "9aefa79d-4fe3-5055-8458-d58725ef2449"
S2 = "57fc5fd2-a139-5158-bb25-48acf5c9cc9e"
S3 = "210b677e-19e4-54d1-90d4-90d7a8f3a9b1"
ACTIVE = "6423b5f9-05ed-5629-9341-b6b13d155cf2"
VM = "0aa575f2-752d-539b-b304-91e53044ab10"


def full_vm() -> list[Snapshot]:
    return snapshots_of(load_fixture("ovf/web01-full-vm.ovf"), source="web01-full-vm.ovf")


class TestSnapshotsSection:
    def test_ids_types_dates(self) -> None:
        snapshots = full_vm()
        assert [s.id for s in snapshots] == [ACTIVE, S1, S2, S3]
        assert [s.type for s in snapshots] == [
            SnapshotType.ACTIVE,
            SnapshotType.REGULAR,
            SnapshotType.REGULAR,
            SnapshotType.REGULAR,
        ]
        assert [s.description for s in snapshots] == [
            "Active VM",
            "base install",
            "before upgrade",
            "after upgrade",
        ]
        assert snapshots[1].date == datetime(2023, 3, 1, 10, 0, tzinfo=UTC)
        assert all(s.vm_id == VM for s in snapshots)
        assert all(s.status is None for s in snapshots)
        assert snapshots[1].source == "web01-full-vm.ovf"
        assert snapshots[1].line is not None
        assert snapshots[1].node is not None and snapshots[1].node.local_name == "Snapshot"

    def test_memory_and_applications(self) -> None:
        snapshots = full_vm()
        assert len(snapshots[2].memory) == 6
        assert snapshots[2].persist_memorystate is True
        assert snapshots[1].memory == ()
        assert snapshots[1].persist_memorystate is False
        assert snapshots[1].application_list == "kernel-4.18.0,qemu-guest-agent-6.2.0"

    def test_configuration_is_loaded_lazily_and_cached(self) -> None:
        snapshot = full_vm()[2]
        assert snapshot.has_configuration
        assert snapshot._envelope is None
        envelope = snapshot.envelope
        assert envelope is not None
        assert snapshot.envelope is envelope
        assert ovfkit.detect_dialect(envelope) == "ovirt"
        assert vm_configuration(envelope).generation == 5
        assert ovfkit.dumps(envelope) == (OVIRT / "configs/web01-snapshot-2.ovf").read_bytes()

    def test_hardware_of_each_configuration(self) -> None:
        snapshots = full_vm()
        assert snapshots[0].hardware() is None
        hardware = [s.hardware() for s in snapshots[1:]]
        assert [(h.cpus, h.memory_bytes, len(h.disks)) for h in hardware if h] == [
            (2, 2 * 2**30, 1),
            (4, 4 * 2**30, 2),
            (8, 8 * 2**30, 2),
        ]

    def test_active_snapshot_has_no_configuration(self) -> None:
        active = full_vm()[0]
        assert not active.has_configuration
        assert active.configuration_text is None
        assert active.envelope is None

    def test_ovf_without_section(self) -> None:
        assert snapshots_of(load_fixture("configs/web01-snapshot-1.ovf")) == []

    def test_repr(self) -> None:
        assert repr(full_vm()[1]) == f"<Snapshot {S1} regular 2023-03-01T10:00:00+00:00>"
        assert repr(Snapshot(id="x")) == "<Snapshot x ? ?>"


def _with_section(section: str) -> ovfkit.Envelope:
    data = (OVIRT / "configs/web01-snapshot-1.ovf").read_text()
    data = data.replace("  </Content>", section + "  </Content>")
    model = ovfkit.loads(data)
    assert isinstance(model, ovfkit.Envelope)
    return model


class TestSectionErrors:
    def test_snapshot_without_id(self) -> None:
        envelope = _with_section(
            '<Section xsi:type="ovf:SnapshotsSection_Type"><Snapshot><Type>REGULAR</Type></Snapshot>'
            "</Section>\n"
        )
        with pytest.raises(OvfValueError, match="a Snapshot has no ovf:id") as caught:
            snapshots_of(envelope, source="x.ovf")
        assert caught.value.line is not None
        assert caught.value.source == "x.ovf"

    def test_bad_creation_date(self) -> None:
        envelope = _with_section(
            '<Section xsi:type="ovf:SnapshotsSection_Type"><Snapshot ovf:id="a">'
            "<CreationDate>15/01/2020</CreationDate></Snapshot></Section>\n"
        )
        with pytest.raises(OvfValueError, match="CreationDate '15/01/2020' is not a date"):
            snapshots_of(envelope)

    def test_dotted_date_unknown_type_and_plain_section_element(self) -> None:
        envelope = _with_section(
            '<SnapshotsSection><Snapshot ovf:id="a"><Type>EXPERIMENTAL</Type>'
            "<CreationDate>2020.01.15 10:00:00</CreationDate><VmConfiguration/></Snapshot>"
            "</SnapshotsSection>\n"
        )
        (snapshot,) = snapshots_of(envelope)
        assert snapshot.date == datetime(2020, 1, 15, 10, tzinfo=UTC)
        assert snapshot.type is not None and snapshot.type.value == "EXPERIMENTAL"
        assert not snapshot.type.is_known
        assert snapshot.envelope is None

    def test_configuration_that_is_not_base64(self) -> None:
        envelope = _with_section(
            '<Section xsi:type="ovf:SnapshotsSection_Type"><Snapshot ovf:id="a">'
            "<VmConfiguration>%%%</VmConfiguration></Snapshot></Section>\n"
        )
        (snapshot,) = snapshots_of(envelope, source="x.ovf")
        with pytest.raises(
            ovfkit.OvfParseError, match="snapshot a: the configuration is not a readable OVF"
        ) as caught:
            _ = snapshot.envelope
        assert caught.value.source == "x.ovf"
        assert caught.value.path is not None and caught.value.path.endswith("/VmConfiguration")

    def test_configuration_with_doctype_is_refused(self) -> None:
        hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><ovf:Envelope/>'
        envelope = _with_section(
            '<Section xsi:type="ovf:SnapshotsSection_Type"><Snapshot ovf:id="a">'
            f"<VmConfiguration>{base64.b64encode(hostile).decode()}</VmConfiguration></Snapshot></Section>\n"
        )
        (snapshot,) = snapshots_of(envelope)
        with pytest.raises(ovfkit.OvfSecurityError, match=r"snapshot a: .*DOCTYPE"):
            _ = snapshot.envelope

    def test_configuration_that_is_an_environment(self) -> None:
        environment = b'<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"/>'
        envelope = _with_section(
            '<Section xsi:type="ovf:SnapshotsSection_Type"><Snapshot ovf:id="a">'
            f"<VmConfiguration>{base64.b64encode(environment).decode()}</VmConfiguration></Snapshot></Section>\n"
        )
        (snapshot,) = snapshots_of(envelope)
        with pytest.raises(OvfRestError, match="environment document, not a descriptor"):
            _ = snapshot.envelope


class TestOldestFirst:
    def test_sorted_by_date_undated_last_ties_in_order(self) -> None:
        day = datetime(2024, 1, 1, tzinfo=UTC)
        a = Snapshot(id="a", date=day + timedelta(days=2))
        b = Snapshot(id="b", date=None)
        c = Snapshot(id="c", date=day)
        d = Snapshot(id="d", date=day.astimezone(timezone(timedelta(hours=5))))
        e = Snapshot(id="e", date=None)
        assert [s.id for s in oldest_first([a, b, c, d, e])] == ["c", "d", "a", "b", "e"]

    def test_naive_dates_are_utc(self) -> None:
        snapshot = Snapshot(id="n", date=datetime(2024, 1, 1))
        assert snapshot.date == datetime(2024, 1, 1, tzinfo=UTC)
        assert oldest_first([snapshot, Snapshot(id="m", date=datetime(2023, 1, 1, tzinfo=UTC))])[0].id == "m"


def test_text_configuration_in_other_encoding() -> None:
    text = (OVIRT / "configs/web01-snapshot-1.ovf").read_text().replace("UTF-8", "ISO-8859-1")
    text = text.replace("web front end", "web front end \u00e9t\u00e9")
    snapshot = Snapshot(id="x", configuration=text, type=SnapshotType("REGULAR"), status=SnapshotStatus("ok"))
    envelope = snapshot.envelope
    assert envelope is not None
    assert vm_configuration(envelope).description == "web front end \u00e9t\u00e9"
    assert envelope.document.encoding == "iso8859-1"

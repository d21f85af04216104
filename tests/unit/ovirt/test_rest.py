"""load_snapshots: oVirt REST API responses (XML and JSON, v3 and v4) and full VM OVFs; every bad input."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import ovfkit
from ovfkit.ovirt import (
    OvfRestError,
    Snapshot,
    SnapshotStatus,
    SnapshotType,
    load_snapshots,
    oldest_first,
    parse_api_date,
    vm_configuration,
)
from ovfkit.xmlio.safe import Limits
from tests.unit.ovirt.samples import OVIRT

UTC = timezone.utc
S1 = "9aefa79d-4fe3-5055-8458-d58725ef2449"
S2 = "57fc5fd2-a139-5158-bb25-48acf5c9cc9e"
S3 = "210b677e-19e4-54d1-90d4-90d7a8f3a9b1"
ACTIVE = "6423b5f9-05ed-5629-9341-b6b13d155cf2"
VM = "0aa575f2-752d-539b-b304-91e53044ab10"
LEGACY_SNAP = "dff15d53-fd06-5f02-9636-22d517d51b38"
LEGACY_ACTIVE = "47ac5b32-aad2-52d9-81d7-bd6e18068dae"
LEGACY_VM = "3859b74d-85b5-5207-a44b-34adec14f01c"

DATES = [
    datetime(2023, 3, 1, 10, 0, tzinfo=UTC),
    datetime(2023, 4, 15, 16, 30, tzinfo=UTC),
    datetime(2023, 5, 20, 8, 45, tzinfo=UTC),
    datetime(2023, 5, 20, 8, 45, 1, tzinfo=UTC),
]


def rest(name: str) -> Path:
    return OVIRT / "rest" / name


def summary(snapshot: Snapshot) -> tuple[object, ...]:
    return (
        snapshot.id,
        snapshot.type,
        snapshot.date,
        snapshot.description,
        snapshot.status,
        snapshot.persist_memorystate,
        snapshot.vm_id,
        snapshot.has_configuration,
    )


class TestV4:
    @pytest.mark.parametrize("name", ["v4-snapshots-all-content.xml", "v4-snapshots-all-content.json"])
    def test_collection_with_all_content(self, name: str) -> None:
        snapshots = load_snapshots(rest(name))
        assert [s.id for s in snapshots] == [S1, S2, S3, ACTIVE]
        assert [s.type for s in snapshots] == [SnapshotType.REGULAR] * 3 + [SnapshotType.ACTIVE]
        assert [s.date for s in snapshots] == DATES
        assert all(s.date is not None and s.date.tzinfo is not None for s in snapshots)
        assert [s.persist_memorystate for s in snapshots] == [False, True, False, False]
        assert {s.status for s in snapshots} == {SnapshotStatus.OK}
        assert {s.vm_id for s in snapshots} == {VM}
        assert [s.has_configuration for s in snapshots] == [True, True, True, False]
        assert snapshots[3].envelope is None
        hardware = [s.hardware() for s in snapshots]
        assert [(h.cpus, h.memory_bytes) if h else None for h in hardware] == [
            (2, 2 * 2**30),
            (4, 4 * 2**30),
            (8, 8 * 2**30),
            None,
        ]

    def test_xml_and_json_agree(self) -> None:
        xml = load_snapshots(rest("v4-snapshots-all-content.xml"))
        js = load_snapshots(rest("v4-snapshots-all-content.json"))
        assert [summary(s) for s in xml] == [summary(s) for s in js]
        assert [s.hardware() for s in xml] == [s.hardware() for s in js]

    def test_the_vm_type_is_not_the_snapshot_type(self) -> None:
        # a v4 snapshot carries the VM's own <type>server</type> and <status>down</status>
        snapshot = load_snapshots(rest("v4-snapshots.xml"))[0]
        assert snapshot.type is SnapshotType.REGULAR
        assert snapshot.status is SnapshotStatus.OK

    @pytest.mark.parametrize("name", ["v4-snapshots.xml", "v4-snapshots.json"])
    def test_without_all_content(self, name: str) -> None:
        snapshots = load_snapshots(rest(name))
        assert [s.id for s in snapshots] == [S1, S2, S3, ACTIVE]
        assert not any(s.has_configuration for s in snapshots)
        assert all(s.envelope is None and s.hardware() is None for s in snapshots)

    @pytest.mark.parametrize(
        "name", ["v4-snapshot-single-all-content.xml", "v4-snapshot-single-all-content.json"]
    )
    def test_single_snapshot(self, name: str) -> None:
        (snapshot,) = load_snapshots(rest(name))
        assert summary(snapshot) == (
            S2,
            SnapshotType.REGULAR,
            DATES[1],
            "before upgrade",
            SnapshotStatus.OK,
            True,
            VM,
            True,
        )
        envelope = snapshot.envelope
        assert envelope is not None
        assert ovfkit.dumps(envelope) == (OVIRT / "configs/web01-snapshot-2.ovf").read_bytes()

    def test_snapshot_without_configuration(self) -> None:
        (snapshot,) = load_snapshots(rest("v4-snapshot-without-configuration.json"))
        assert snapshot.id == ACTIVE
        assert snapshot.envelope is None

    def test_empty_collection(self) -> None:
        assert load_snapshots(rest("v4-snapshots-empty.json")) == []
        assert load_snapshots(b"<snapshots/>") == []
        assert load_snapshots("[]") == []

    def test_vm_with_followed_snapshots(self) -> None:
        snapshots = load_snapshots(rest("v4-vm-follow-snapshots.xml"))
        assert [s.id for s in snapshots] == [S1, S2, S3, ACTIVE]
        assert snapshots[0].path == "/vm/snapshots/snapshot[1]"
        assert load_snapshots(b'<vm id="x"><name>a</name></vm>') == []


class TestV3:
    @pytest.mark.parametrize(
        "name",
        [
            "v3-snapshots-all-content.xml",
            "v3-snapshots-all-content.json",
            "v3-snapshots-rhv-doc-quotes.xml",
            "v3-snapshots-rhv-doc-quotes.json",
        ],
    )
    def test_v3_type_and_dates(self, name: str) -> None:
        snapshot, active = load_snapshots(rest(name))
        assert (snapshot.id, snapshot.type, active.id, active.type) == (
            LEGACY_SNAP,
            SnapshotType.REGULAR,
            LEGACY_ACTIVE,
            SnapshotType.ACTIVE,
        )
        assert snapshot.date == datetime(2015, 1, 20, 11, 5, 21, 602000, tzinfo=UTC)
        assert snapshot.date is not None and snapshot.date.utcoffset() is not None
        assert snapshot.status is SnapshotStatus.OK
        assert snapshot.vm_id == LEGACY_VM
        envelope = snapshot.envelope
        assert envelope is not None
        vm = vm_configuration(envelope)
        assert vm.name == "LEGACY_01"
        assert vm.vm_id == LEGACY_VM
        assert active.envelope is None

    def test_backslash_escaped_quotes_are_read_and_recorded(self) -> None:
        (snapshot, _) = load_snapshots(rest("v3-snapshots-rhv-doc-quotes.xml"))
        assert snapshot.configuration_text is not None and '\\"' in snapshot.configuration_text
        envelope = snapshot.envelope
        assert envelope is not None
        assert any("backslash-escaped" in warning for warning in envelope.document.warnings)
        plain = load_snapshots(rest("v3-snapshots-all-content.xml"))[0].envelope
        assert plain is not None
        assert ovfkit.dumps(envelope) == ovfkit.dumps(plain)


class TestVmOvf:
    def test_full_vm_ovf(self) -> None:
        snapshots = load_snapshots(OVIRT / "ovf/web01-full-vm.ovf")
        assert [s.id for s in snapshots] == [ACTIVE, S1, S2, S3]
        assert [s.id for s in oldest_first(snapshots)] == [S1, S2, S3, ACTIVE]
        assert snapshots[2].memory and snapshots[2].persist_memorystate

    def test_ovf_without_snapshots(self) -> None:
        assert load_snapshots(OVIRT / "configs/web01-snapshot-1.ovf") == []


class TestSources:
    def test_bytes_str_path_and_file(self) -> None:
        path = rest("v4-snapshots.json")
        data = path.read_bytes()
        expected = [summary(s) for s in load_snapshots(path)]
        assert [summary(s) for s in load_snapshots(str(path))] == expected
        assert [summary(s) for s in load_snapshots(data)] == expected
        assert [summary(s) for s in load_snapshots(data.decode())] == expected
        assert [summary(s) for s in load_snapshots(io.BytesIO(data))] == expected
        xml = rest("v4-snapshots.xml").read_text()
        assert [summary(s) for s in load_snapshots(xml)] == expected

    def test_bom_before_json(self) -> None:
        data = b"\xef\xbb\xbf" + rest("v4-snapshots.json").read_bytes()
        assert len(load_snapshots(data)) == 4

    def test_source_and_path_recorded(self) -> None:
        path = rest("v4-snapshots-all-content.json")
        snapshot = load_snapshots(path, lazy=True)[1]
        assert snapshot.source == str(path)
        assert snapshot.path == "$.snapshot[1]"
        xml = load_snapshots(rest("v4-snapshots-all-content.xml"), lazy=True)[1]
        assert xml.path == "/snapshots/snapshot[2]"
        assert xml.line is not None

    def test_lazy_defers_configuration_errors(self) -> None:
        path = OVIRT / "malformed/doctype-in-data.xml"
        (snapshot,) = load_snapshots(path, lazy=True)
        with pytest.raises(ovfkit.OvfSecurityError):
            _ = snapshot.envelope

    def test_limits_apply_to_the_document_and_the_embedded_ovf(self) -> None:
        path = rest("v4-snapshots-all-content.xml")
        with pytest.raises(ovfkit.OvfSecurityError, match="larger than the limit"):
            load_snapshots(path, limits=Limits(max_bytes=1000))
        with pytest.raises(ovfkit.OvfSecurityError, match="larger than the limit"):
            load_snapshots(path.read_text(), limits=Limits(max_bytes=1000))
        with pytest.raises(
            ovfkit.OvfSecurityError, match=f"snapshot {S1}: .*more elements than the limit of 100"
        ):
            load_snapshots(
                path, limits=Limits(max_elements=100)
            )  # the document passes, its first OVF does not

    def test_missing_file(self) -> None:
        with pytest.raises(ovfkit.OvfParseError, match="cannot read file"):
            load_snapshots(OVIRT / "rest/no-such-file.xml")


def _error(name: str) -> ovfkit.OvfError:
    with pytest.raises(ovfkit.OvfError) as caught:
        load_snapshots(OVIRT / "malformed" / name)
    return caught.value


class TestMalformed:
    def test_unescaped_ovf(self) -> None:
        error = _error("unescaped-ovf.xml")
        assert isinstance(error, OvfRestError)
        assert "holds <Envelope> elements, not escaped text" in error.message
        assert error.line is not None
        assert error.path == "/snapshots/snapshot[1]/initialization/configuration/data"

    def test_unescaped_ovf_with_declaration_is_not_well_formed(self) -> None:
        error = _error("unescaped-ovf-with-declaration.xml")
        assert type(error) is ovfkit.OvfParseError
        assert "not well-formed XML" in error.message
        assert (error.line, error.column) == (18, 20)

    def test_data_not_ovf(self) -> None:
        error = _error("data-not-ovf.xml")
        assert type(error) is ovfkit.OvfParseError
        assert f"snapshot {S1}: the configuration is not a readable OVF" in error.message
        assert "the root element is html" in error.message
        assert error.line == 18

    def test_data_not_xml(self) -> None:
        error = _error("data-not-xml.json")
        assert type(error) is ovfkit.OvfParseError
        assert "not well-formed XML" in error.message
        assert error.path == "$.snapshot[0].initialization.configuration.data"

    def test_data_environment(self) -> None:
        error = _error("data-environment.xml")
        assert isinstance(error, OvfRestError)
        assert "environment document" in error.message

    def test_data_object(self) -> None:
        error = _error("data-is-object.json")
        assert isinstance(error, OvfRestError)
        assert "the configuration data is a dict, not OVF text" in error.message

    @pytest.mark.parametrize("name", ["doctype-in-data.xml", "doctype-in-data.json"])
    def test_doctype_inside_the_escaped_ovf_is_refused(self, name: str) -> None:
        error = _error(name)
        assert isinstance(error, ovfkit.OvfSecurityError)
        assert "DOCTYPE" in error.message
        assert f"snapshot {S1}" in error.message
        assert "line 2, column 1" in error.message

    def test_doctype_in_the_document_is_refused(self) -> None:
        error = _error("doctype-in-document.xml")
        assert isinstance(error, ovfkit.OvfSecurityError)
        assert error.line == 2

    def test_snapshot_without_id(self) -> None:
        error = _error("snapshot-without-id.xml")
        assert isinstance(error, OvfRestError)
        assert error.message == "a snapshot has no id attribute"
        assert error.path == "/snapshots/snapshot[1]"

    def test_bad_date(self) -> None:
        error = _error("bad-date.json")
        assert isinstance(error, OvfRestError)
        assert "date 'yesterday'" in error.message
        assert error.path == "$.snapshot[0].date"

    def test_truncated_json(self) -> None:
        error = _error("truncated.json")
        assert isinstance(error, OvfRestError)
        assert error.message.startswith("not well-formed JSON")
        assert error.line is not None and error.column is not None

    def test_wrong_root(self) -> None:
        error = _error("wrong-root.xml")
        assert isinstance(error, OvfRestError)
        assert "the root element is <vms>" in error.message

    def test_bad_base64(self) -> None:
        error = _error("bad-base64.ovf")
        assert type(error) is ovfkit.OvfParseError
        assert "not valid base64" in error.message
        assert error.path is not None and error.path.endswith("Snapshot[1]/VmConfiguration")

    @pytest.mark.parametrize(
        ("document", "fragment"),
        [
            ('{"snapshot": 3}', "'snapshot' is neither a list nor an object"),
            ('{"snapshot": [3]}', "a snapshot is a int, not an object"),
            ('{"snapshot": [{"description": "x"}]}', "a snapshot has no id"),
            ('{"snapshot": [{"id": ["x"]}]}', "'id' is a list, not text"),
            ('{"snapshots": 5}', "'snapshots' is not a list of snapshots"),
            ('{"vms": []}', "expected 'snapshot' or a snapshot's 'id'"),
            ('{"id": "a", "date": true}', "is neither epoch milliseconds nor an ISO 8601 date"),
            ('{"id": "a", "description": {"x": 1}}', "'description' is a dict, not text"),
        ],
    )
    def test_json_shapes(self, document: str, fragment: str) -> None:
        with pytest.raises(OvfRestError) as caught:
            load_snapshots(document.encode())
        assert fragment in caught.value.message

    def test_json_nesting_bomb(self) -> None:
        with pytest.raises(ovfkit.OvfSecurityError, match="nests deeper than the decoder allows"):
            load_snapshots(b"[" * 100_000 + b"]" * 100_000)

    def test_json_not_utf8(self) -> None:
        with pytest.raises(OvfRestError, match="not valid UTF-8"):
            load_snapshots(b'{"id": "\xff"}')

    def test_xml_date_not_a_date(self) -> None:
        with pytest.raises(OvfRestError, match="is not an ISO 8601 date") as caught:
            load_snapshots(b'<snapshot id="a">\n<date>2015-13-45T00:00:00</date></snapshot>')
        assert caught.value.line == 2
        assert caught.value.path == "/snapshot/date"

    def test_empty_input(self) -> None:
        with pytest.raises(ovfkit.OvfParseError, match="empty"):
            load_snapshots(b"   ")


class TestShapes:
    def test_json_wrappers(self) -> None:
        one = {"id": "a", "snapshot_type": "preview", "snapshot_status": "in_preview"}
        for document in (
            {"snapshot": one},
            {"snapshots": {"snapshot": [one]}},
            {"snapshots": [one]},
            one,
            [one],
        ):
            (snapshot,) = load_snapshots(json.dumps(document))
            assert (snapshot.id, snapshot.type, snapshot.status) == (
                "a",
                SnapshotType.PREVIEW,
                SnapshotStatus.IN_PREVIEW,
            )

    def test_v3_legacy_status_element_and_type_fallback(self) -> None:
        (snapshot,) = load_snapshots(
            b'<snapshot id="a"><type>stateless</type><status><state>locked</state></status>'
            b"<persist_memorystate>true</persist_memorystate></snapshot>"
        )
        assert snapshot.type is SnapshotType.STATELESS
        assert snapshot.status is SnapshotStatus.LOCKED
        assert snapshot.persist_memorystate is True

    def test_vm_type_and_status_are_not_taken_for_the_snapshot(self) -> None:
        (snapshot,) = load_snapshots(b'<snapshot id="a"><type>desktop</type><status>up</status></snapshot>')
        assert snapshot.type is None
        assert snapshot.status is None
        (snapshot,) = load_snapshots(b'{"id": "a", "type": "server", "status": {"state": "ok"}}')
        assert snapshot.type is None
        assert snapshot.status is SnapshotStatus.OK

    def test_json_booleans_and_numbers(self) -> None:
        (snapshot,) = load_snapshots(b'{"id": 7, "persist_memorystate": true, "date": "1677664800000"}')
        assert snapshot.id == "7"
        assert snapshot.persist_memorystate is True
        assert snapshot.date == DATES[0]

    def test_namespaced_xml(self) -> None:
        (snapshot,) = load_snapshots(
            b'<snapshots xmlns="urn:x"><snapshot id="a"><snapshot_type>regular</snapshot_type></snapshot>'
            b"</snapshots>"
        )
        assert snapshot.type is SnapshotType.REGULAR

    def test_indented_configuration(self) -> None:
        ovf = (OVIRT / "configs/web01-snapshot-1.ovf").read_text()
        escaped = ovf.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        document = f'<snapshot id="a"><initialization><configuration><data>\n      {escaped}</data>'
        document += "</configuration></initialization></snapshot>"
        (snapshot,) = load_snapshots(document)
        envelope = snapshot.envelope
        assert envelope is not None
        assert vm_configuration(envelope).name == "web01"

    def test_empty_data_is_no_configuration(self) -> None:
        (snapshot,) = load_snapshots(
            b'<snapshot id="a"><initialization><configuration><data>  </data></configuration>'
            b"</initialization></snapshot>"
        )
        assert not snapshot.has_configuration
        assert snapshot.envelope is None


class TestApiDates:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (1677664800000, datetime(2023, 3, 1, 10, tzinfo=UTC)),
            ("1677664800000", datetime(2023, 3, 1, 10, tzinfo=UTC)),
            (1677664800000.0, datetime(2023, 3, 1, 10, tzinfo=UTC)),
            ("2010-08-16T14:24:29.000+02:00", datetime(2010, 8, 16, 12, 24, 29, tzinfo=UTC)),
            ("2010-08-16T14:24:29", datetime(2010, 8, 16, 14, 24, 29, tzinfo=UTC)),
            ("2010-08-16T14:24:29Z", datetime(2010, 8, 16, 14, 24, 29, tzinfo=UTC)),
            ("2010-08-16T14:24:29.123456789-0530", datetime(2010, 8, 16, 19, 54, 29, 123456, tzinfo=UTC)),
            ("2010-08-16 14:24", datetime(2010, 8, 16, 14, 24, tzinfo=UTC)),
        ],
    )
    def test_dates(self, value: object, expected: datetime) -> None:
        parsed = parse_api_date(value)
        assert parsed == expected
        assert parsed is not None and parsed.tzinfo is not None

    def test_offset_is_kept(self) -> None:
        parsed = parse_api_date("2010-08-16T14:24:29.000+02:00")
        assert parsed is not None and parsed.utcoffset() == timedelta(hours=2)

    @pytest.mark.parametrize(
        "value", [None, True, "", "yesterday", "2010-02-30T00:00:00", "2010-08-16T14:24+25:00", [1]]
    )
    def test_not_dates(self, value: object) -> None:
        assert parse_api_date(value) is None

    def test_out_of_range_epoch(self) -> None:
        assert parse_api_date(10**30) is None

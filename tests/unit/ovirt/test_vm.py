"""VmConfiguration: typed Content fields read from and written back into the same model nodes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import ovfkit
from ovfkit.ovirt import (
    BiosType,
    DisplayType,
    MigrationSupport,
    OriginType,
    OvfValueError,
    VmConfiguration,
    VmType,
    vm_configuration,
)
from ovfkit.ovirt.vm import KNOWN_FIELDS
from tests.helpers import assert_same_document
from tests.unit.ovirt.samples import OVIRT, changed_lines, load_fixture, ova_flavour

UTC = timezone.utc


def config(name: str = "configs/web01-snapshot-3.ovf") -> VmConfiguration:
    return vm_configuration(load_fixture(name))


class TestRead:
    def test_identity_and_dates(self) -> None:
        vm = config()
        assert vm.name == "web01"
        assert vm.description == "web front end (upgraded)"
        assert vm.comment == ""
        assert vm.creation_date == datetime(2023, 2, 27, 9, 12, tzinfo=UTC)
        assert vm.export_date == datetime(2023, 5, 20, 8, 45, tzinfo=UTC)
        assert vm.creation_date is not None and vm.creation_date.tzinfo is not None
        assert vm.template_id == "00000000-0000-0000-0000-000000000000"
        assert vm.template_name == "Blank"
        assert vm.vm_id == "0aa575f2-752d-539b-b304-91e53044ab10"
        assert vm.os == "rhel_8x64"
        assert vm.os_id is None

    def test_typed_fields(self) -> None:
        vm = config()
        assert vm.vm_type is VmType.SERVER
        assert vm.bios_type is BiosType.Q35_OVMF
        assert vm.bios_type.engine_value == 3
        assert vm.origin is OriginType.OVIRT
        assert vm.default_display_type is DisplayType.VGA
        assert vm.migration_support is MigrationSupport.MIGRATABLE
        assert vm.cluster_compatibility_version == "4.6"
        assert vm.min_allocated_memory_mb == 6144
        assert vm.min_allocated_memory_bytes == 6144 * 2**20
        assert vm.max_memory_size_mb == 32768
        assert vm.max_memory_size_bytes == 32768 * 2**20
        assert vm.is_stateless is False
        assert vm.is_initialized is True
        assert vm.is_spice_file_transfer_enabled is True
        assert vm.generation == 9
        assert vm.priority == 1
        assert vm.num_of_io_threads == 1
        assert vm.time_zone == "Etc/GMT"
        assert vm.resume_behavior == "AUTO_RESUME"
        assert vm.cluster_name == "Default"
        assert vm.sso_method == "guest_agent"
        assert vm.custom_cpu_name == ""
        assert vm.is_template is False

    def test_absent_fields_are_none(self) -> None:
        vm = config()
        assert vm.stop_time is None
        assert vm.lease_domain_id is None
        assert vm.is_auto_suspend is None
        assert vm.template_type is None
        assert vm.dedicated_hosts == []

    def test_legacy_35_shape(self) -> None:
        vm = config("configs/legacy-3.5-vm.ovf")
        assert vm.name == "LEGACY_01"
        assert vm.description is None
        assert vm.creation_date == datetime(2015, 1, 12, 7, 41, 9, tzinfo=UTC)
        assert vm.cluster_compatibility_version is None
        assert vm.bios_type is None
        assert vm.default_display_type is DisplayType.QXL
        assert vm.vm_id == "3859b74d-85b5-5207-a44b-34adec14f01c"

    def test_fields_in_document_order_with_name(self) -> None:
        vm = config()
        names = [field.name for field in vm.fields()]
        assert names[:4] == ["Name", "Description", "Comment", "CreationDate"]
        assert names[-1] == "UseLatestVersion"
        assert "Section" not in names
        creation = next(field for field in vm.fields() if field.name == "CreationDate")
        assert creation.text == "2023/02/27 09:12:00"
        assert creation.line is not None

    def test_unknown_fields_stay_available(self) -> None:
        vm = config()
        unknown = vm.unknown_fields()
        assert [(field.name, field.text) for field in unknown] == [("MultiQueuesEnabled", "true")]
        assert vm.text("MultiQueuesEnabled") == "true"
        assert vm.text("NoSuchThing") is None
        assert "MultiQueuesEnabled" not in KNOWN_FIELDS
        assert "IsInitilized" in KNOWN_FIELDS

    def test_extra_sections(self) -> None:
        vm = vm_configuration(load_fixture("ovf/web01-full-vm.ovf"))
        assert [kind for kind, _ in vm.extra_sections()] == ["SnapshotsSection_Type"]
        assert config().extra_sections() == []

    def test_ova_flavour(self) -> None:
        vm = vm_configuration(ova_flavour())
        assert vm.name == "exported"
        assert vm.vm_id == "5d1e7a40-3b2c-4f5e-9d6a-8b7c6e5f4a33"
        assert vm.os == "rhel_7x64"
        assert vm.os_id == 1003
        assert vm.bios_type is BiosType.Q35_SEA_BIOS
        assert vm.vm_type is VmType.DESKTOP
        assert vm.export_date == datetime(2022, 11, 3, 9, 0, tzinfo=UTC)

    def test_malformed_value_raises_a_located_typed_error(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        vm = vm_configuration(envelope)
        node = next(n for n in vm.system.extensions if getattr(n, "name", "") == "CreationDate")
        node.gaps = ["#DATE#"]  # as in a template with placeholders
        with pytest.raises(OvfValueError) as caught:
            _ = vm.creation_date
        assert "CreationDate '#DATE#' is not a date" in str(caught.value)
        assert caught.value.line is not None
        assert isinstance(caught.value, ovfkit.OvfParseError)

    def test_bad_number(self) -> None:
        vm = config()
        node = next(n for n in vm.system.extensions if getattr(n, "name", "") == "VmType")
        node.gaps = ["server"]
        with pytest.raises(OvfValueError, match="VmType 'server' is not a VmType number"):
            _ = vm.vm_type

    def test_template_detection(self) -> None:
        vm = config()
        vm._write("TemplateType", "TEMPLATE")
        assert vm.is_template
        assert vm.template_type == "TEMPLATE"

    def test_template_display_type_field(self) -> None:
        vm = config()
        vm.default_display_type = None
        vm._write("IsDisabled", "false")
        vm.default_display_type = DisplayType.QXL
        assert vm.text("default_display_type") == "1"
        assert vm.text("DefaultDisplayType") is None
        assert vm.default_display_type is DisplayType.QXL

    def test_choosing_a_system(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        assert vm_configuration(envelope, "out").name == "web01"
        assert vm_configuration(envelope, 0).name == "web01"
        with pytest.raises(ovfkit.OvfError):
            vm_configuration(envelope, 3)
        with pytest.raises(ovfkit.OvfError):
            vm_configuration(envelope, "nope")

    def test_repr(self) -> None:
        assert repr(config()) == "<VmConfiguration 'web01'>"


class TestWrite:
    def test_unmodified_view_writes_the_input(self) -> None:
        path = "configs/web01-snapshot-2.ovf"
        envelope = load_fixture(path)
        vm = vm_configuration(envelope)
        _ = (vm.name, vm.creation_date, vm.bios_type, vm.fields())
        data = (OVIRT / path).read_bytes()
        assert ovfkit.dumps(envelope) == data

    def test_setting_a_field_changes_only_that_element(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        before = ovfkit.dumps(envelope)
        vm = vm_configuration(envelope)
        vm.min_allocated_memory_mb = 1024
        vm.is_stateless = True
        vm.creation_date = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
        vm.vm_type = VmType.HIGH_PERFORMANCE
        after = ovfkit.dumps(envelope)
        removed, added = changed_lines(before, after)
        assert removed == [
            "    <CreationDate>2023/02/27 09:12:00</CreationDate>",
            "    <VmType>1</VmType>",
            "    <MinAllocatedMem>1536</MinAllocatedMem>",
            "    <IsStateless>false</IsStateless>",
        ]
        assert added == [
            "    <CreationDate>2024/01/02 03:04:05</CreationDate>",
            "    <VmType>2</VmType>",
            "    <MinAllocatedMem>1024</MinAllocatedMem>",
            "    <IsStateless>true</IsStateless>",
        ]
        again = vm_configuration(ovfkit.loads(after))
        assert again.min_allocated_memory_mb == 1024
        assert again.is_stateless is True
        assert again.vm_type is VmType.HIGH_PERFORMANCE

    def test_setting_the_name(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        before = ovfkit.dumps(envelope)
        vm_configuration(envelope).name = "web02"
        removed, added = changed_lines(before, ovfkit.dumps(envelope))
        assert (removed, added) == (["    <Name>web01</Name>"], ["    <Name>web02</Name>"])

    def test_adding_a_field_adds_one_line_after_the_other_fields(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        before = ovfkit.dumps(envelope)
        vm = vm_configuration(envelope)
        vm.lease_domain_id = "4f2a0c9e-3a57-4f0e-9d5c-6b1e8f7a2c33"
        after = ovfkit.dumps(envelope)
        removed, added = changed_lines(before, after)
        assert removed == []
        assert added == ["    <LeaseDomainId>4f2a0c9e-3a57-4f0e-9d5c-6b1e8f7a2c33</LeaseDomainId>"]
        lines = after.decode().splitlines()
        index = lines.index(added[0])
        assert lines[index - 1] == "    <UseLatestVersion>false</UseLatestVersion>"
        assert lines[index + 1].lstrip().startswith("<Section ")
        assert vm_configuration(ovfkit.loads(after)).lease_domain_id == "4f2a0c9e-3a57-4f0e-9d5c-6b1e8f7a2c33"

    def test_removing_a_field(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        before = ovfkit.dumps(envelope)
        vm = vm_configuration(envelope)
        vm.comment = None
        after = ovfkit.dumps(envelope)
        assert changed_lines(before, after) == (["    <Comment/>"], [])
        assert vm_configuration(ovfkit.loads(after)).comment is None

    def test_add_then_remove_gives_the_input_back(self) -> None:
        envelope = load_fixture("configs/legacy-3.5-vm.ovf")
        before = ovfkit.dumps(envelope)
        vm = vm_configuration(envelope)
        vm.cluster_compatibility_version = "3.5"
        vm.cluster_compatibility_version = None
        assert ovfkit.dumps(envelope) == before

    def test_ova_flavour_new_field_is_in_the_default_namespace(self) -> None:
        envelope = ova_flavour()
        before = ovfkit.dumps(envelope)
        vm = vm_configuration(envelope)
        vm.description = "exported for test"
        after = ovfkit.dumps(envelope)
        assert changed_lines(before, after) == ([], ["    <Description>exported for test</Description>"])
        again = ovfkit.loads(after)
        assert vm_configuration(again).description == "exported for test"
        assert ovfkit.detect_dialect(again) == "ovirt-ova"

    def test_text_is_escaped(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        vm = vm_configuration(envelope)
        vm.description = "a < b & c"
        assert b"<Description>a &lt; b &amp; c</Description>" in ovfkit.dumps(envelope)

    def test_round_trip_after_edits_is_stable(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-3.ovf")
        vm = vm_configuration(envelope)
        vm.priority = 50
        first = ovfkit.dumps(envelope)
        assert_same_document(first, ovfkit.dumps(ovfkit.loads(first)))

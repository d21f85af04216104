"""oVirt values: engine dates, open enumerations, BiosType numbering, GUIDs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovfkit.ovirt.values import (
    BiosType,
    DiskInterface,
    DisplayType,
    NicModel,
    OriginType,
    VmType,
    VolumeFormat,
    format_date,
    is_null_guid,
    parse_date,
    parse_flag,
)

UTC = timezone.utc


class TestDates:
    @pytest.mark.parametrize(
        "text",
        ["2015/02/09 13:53:53", "2015.02.09 13:53:53", " 2015/02/09 13:53:53\n", "2015/2/9 13:53:53"],
    )
    def test_engine_forms(self, text: str) -> None:
        assert parse_date(text) == datetime(2015, 2, 9, 13, 53, 53, tzinfo=UTC)

    def test_result_is_aware_utc(self) -> None:
        value = parse_date("1970/01/01 00:00:00")
        assert value is not None
        assert value.tzinfo is not None
        assert value.utcoffset() == timedelta(0)
        assert value.timestamp() == 0

    def test_fraction(self) -> None:
        assert parse_date("2015/02/09 13:53:53.5") == datetime(2015, 2, 9, 13, 53, 53, 500000, tzinfo=UTC)

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "#DATE#",
            "2015-02-09 13:53:53",
            "2015/02.09 13:53:53",
            "2015/13/01 00:00:00",
            "2015/02/30 1:2:3",
        ],
    )
    def test_not_dates(self, text: str) -> None:
        assert parse_date(text) is None

    def test_format(self) -> None:
        assert format_date(datetime(2023, 3, 1, 10, 0, 5, tzinfo=UTC)) == "2023/03/01 10:00:05"
        plus_two = timezone(timedelta(hours=2))
        assert format_date(datetime(2023, 3, 1, 12, 0, 5, tzinfo=plus_two)) == "2023/03/01 10:00:05"
        assert format_date(datetime(2023, 3, 1, 10, 0, 5)) == "2023/03/01 10:00:05"

    @given(
        st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 1, 1), timezones=st.just(UTC))
    )
    def test_round_trip(self, value: datetime) -> None:
        assert parse_date(format_date(value)) == value.replace(microsecond=0)


class TestEnums:
    def test_vm_type(self) -> None:
        assert VmType(0) is VmType.DESKTOP
        assert VmType(2) is VmType.HIGH_PERFORMANCE

    def test_unknown_numbers_are_pseudo_members(self) -> None:
        value = VmType(7)
        assert value == 7
        assert value.name == "UNKNOWN_7"
        assert not value.is_known
        assert VmType.SERVER.is_known

    def test_bios_type_is_written_minus_one(self) -> None:
        assert BiosType(0) is BiosType.I440FX_SEA_BIOS
        assert BiosType(2) is BiosType.Q35_OVMF
        assert BiosType(2).engine_value == 3
        assert BiosType(-1) is BiosType.CLUSTER_DEFAULT
        assert BiosType(3).firmware == "secureboot"
        assert BiosType(1).chipset == "q35"
        assert BiosType(0).chipset == "i440fx"
        assert BiosType(-1).chipset is None
        assert BiosType(9).firmware is None

    def test_origin_and_display(self) -> None:
        assert OriginType(6) is OriginType.MANAGED_HOSTED_ENGINE
        assert OriginType(10) is OriginType.KUBEVIRT
        assert DisplayType(0) is DisplayType.CIRRUS
        assert DisplayType(4) is DisplayType.NONE

    def test_nic_models(self) -> None:
        labels = [NicModel(n).label for n in range(7)]
        assert labels == [
            "rtl8139_pv",
            "rtl8139",
            "e1000",
            "virtio",
            "spapr-vlan",
            "pci-passthrough",
            "e1000e",
        ]
        assert NicModel(42).label == "42"

    def test_text_enums_ignore_case_and_keep_unknown_text(self) -> None:
        assert DiskInterface("virtio_scsi") is DiskInterface.VIRTIO_SCSI
        assert VolumeFormat("cow") is VolumeFormat.COW
        odd = DiskInterface("NVMe")
        assert odd.value == "NVMe"
        assert not odd.is_known
        assert DiskInterface.SATA.is_known

    def test_not_a_value(self) -> None:
        with pytest.raises(ValueError):
            VmType("server")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            DiskInterface(3)  # type: ignore[arg-type]


def test_flags() -> None:
    assert parse_flag("true") is True
    assert parse_flag("False") is False
    assert parse_flag("yes") is None


def test_null_guid() -> None:
    assert is_null_guid("00000000-0000-0000-0000-000000000000")
    assert is_null_guid(None)
    assert is_null_guid("")
    assert not is_null_guid("0aa575f2-752d-539b-b304-91e53044ab10")

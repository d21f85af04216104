"""Values as the oVirt engine writes them: dates, booleans, GUIDs and the engine's enumerations.

Enumerations are open: a number (or name) the engine may add later reads as a pseudo-member
(``VmType(7).name == "UNKNOWN_7"``) instead of failing, so a newer engine's OVF stays readable.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime, timezone
from typing import Any

from ovfkit.model.values import parse_bool, parse_int

__all__ = [
    "NULL_GUID",
    "BiosType",
    "DiskInterface",
    "DiskStorageType",
    "DisplayType",
    "MigrationSupport",
    "NicModel",
    "OpenIntEnum",
    "OpenStrEnum",
    "OriginType",
    "UsbPolicy",
    "VmType",
    "VolumeFormat",
    "VolumeType",
    "format_date",
    "is_null_guid",
    "parse_date",
    "parse_flag",
    "parse_number",
]

#: The all-zero GUID the engine writes for "none" (no template, base volume, ...).
NULL_GUID = "00000000-0000-0000-0000-000000000000"

_DATE = re.compile(
    r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?", re.ASCII
)


def is_null_guid(text: str | None) -> bool:
    """True for None, empty text and the all-zero GUID."""
    return not text or text.strip() == NULL_GUID


def parse_date(text: str) -> datetime | None:
    """Parse an engine date (``yyyy/MM/dd HH:mm:ss`` or ``yyyy.MM.dd HH:mm:ss``, UTC) as an aware datetime.

    Returns None when ``text`` is not such a date (the caller decides whether that is an error).
    """
    match = _DATE.fullmatch(text.strip(" \t\r\n"))
    if match is None:
        return None
    year, _, month, day, hour, minute, second, fraction = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=timezone.utc
        )
    except ValueError:
        return None


def format_date(value: datetime) -> str:
    """Write a datetime as the engine does: ``yyyy/MM/dd HH:mm:ss`` in UTC (naive means UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y/%m/%d %H:%M:%S")


def parse_flag(text: str) -> bool | None:
    """Parse an engine boolean (``true``/``false``; virt-v2v writes ``True``/``False``); None otherwise."""
    return parse_bool(text)


def parse_number(text: str) -> int | None:
    """Parse a decimal integer; None when ``text`` is not one."""
    return parse_int(text)


class OpenIntEnum(int, enum.Enum):
    """An integer enumeration that reads unknown values as pseudo-members named ``UNKNOWN_<n>``."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """False for a pseudo-member made for a value this enumeration does not list."""
        return self._name_ in type(self).__members__


class OpenStrEnum(str, enum.Enum):
    """A text enumeration, matched without regard to case; unknown text reads as a pseudo-member."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        folded = value.casefold()
        for member in cls:
            if member.value.casefold() == folded:
                return member
        pseudo = str.__new__(cls, value)
        pseudo._name_ = re.sub(r"\W", "_", value).upper() or "EMPTY"
        pseudo._value_ = value
        return pseudo

    @property
    def is_known(self) -> bool:
        """False for a pseudo-member made for text this enumeration does not list."""
        return self._name_ in type(self).__members__ and type(self).__members__[self._name_] is self


class VmType(OpenIntEnum):
    """``VmType``: what the VM is optimized for."""

    DESKTOP = 0
    SERVER = 1
    HIGH_PERFORMANCE = 2


class BiosType(OpenIntEnum):
    """``BiosType`` as the engine writes it in OVF: its enum value minus one.

    The engine's own numbering is ``engine_value`` (0 cluster default, 1 i440fx+SeaBIOS, ...).
    """

    CLUSTER_DEFAULT = -1
    I440FX_SEA_BIOS = 0
    Q35_SEA_BIOS = 1
    Q35_OVMF = 2
    Q35_SECURE_BOOT = 3

    @property
    def engine_value(self) -> int:
        """The engine's enum value (the written value plus one)."""
        return int(self) + 1

    @property
    def chipset(self) -> str | None:
        """``i440fx`` or ``q35``; None for the cluster default or an unknown value."""
        return {0: "i440fx", 1: "q35", 2: "q35", 3: "q35"}.get(int(self))

    @property
    def firmware(self) -> str | None:
        """``seabios``, ``ovmf`` or ``secureboot``; None for the cluster default or an unknown value."""
        return {0: "seabios", 1: "seabios", 2: "ovmf", 3: "secureboot"}.get(int(self))


class OriginType(OpenIntEnum):
    """``Origin``: where the VM came from."""

    RHEV = 0
    VMWARE = 1
    XEN = 2
    OVIRT = 3
    EXTERNAL = 4
    HOSTED_ENGINE = 5
    MANAGED_HOSTED_ENGINE = 6
    KVM = 7
    PHYSICAL_MACHINE = 8
    HYPERV = 9
    KUBEVIRT = 10


class DisplayType(OpenIntEnum):
    """``DefaultDisplayType`` (templates: ``default_display_type``): the video device model."""

    CIRRUS = 0
    QXL = 1
    VGA = 2
    BOCHS = 3
    NONE = 4


class MigrationSupport(OpenIntEnum):
    """``MigrationSupport``: whether the VM may migrate."""

    MIGRATABLE = 0
    IMPLICITLY_NON_MIGRATABLE = 1
    PINNED_TO_HOST = 2


class NicModel(OpenIntEnum):
    """A NIC Item's ``rasd:ResourceSubType``: the emulated adapter model."""

    RTL8139_PV = 0
    RTL8139 = 1
    E1000 = 2
    PV = 3
    SPAPR_VLAN = 4
    PCI_PASSTHROUGH = 5
    E1000E = 6

    @property
    def label(self) -> str:
        """The model name as ovfkit reports it (``virtio`` for PV)."""
        return _NIC_LABELS.get(int(self), str(int(self)))


_NIC_LABELS = {
    0: "rtl8139_pv",
    1: "rtl8139",
    2: "e1000",
    3: "virtio",
    4: "spapr-vlan",
    5: "pci-passthrough",
    6: "e1000e",
}


class VolumeFormat(OpenStrEnum):
    """A disk volume's ``ovf:volume-format``."""

    RAW = "RAW"
    COW = "COW"
    UNASSIGNED = "Unassigned"


class VolumeType(OpenStrEnum):
    """A disk volume's ``ovf:volume-type``: allocation policy."""

    PREALLOCATED = "Preallocated"
    SPARSE = "Sparse"
    UNASSIGNED = "Unassigned"


class DiskInterface(OpenStrEnum):
    """A disk's ``ovf:disk-interface``: the bus it is attached to."""

    IDE = "IDE"
    VIRTIO = "VirtIO"
    VIRTIO_SCSI = "VirtIO_SCSI"
    SPAPR_VSCSI = "SPAPR_VSCSI"
    SATA = "SATA"


class DiskStorageType(OpenStrEnum):
    """A disk's storage type (``ovf:disk_storage_type``, ``rasd:DiskStorageType``)."""

    IMAGE = "IMAGE"
    LUN = "LUN"
    CINDER = "CINDER"
    MANAGED_BLOCK_STORAGE = "MANAGED_BLOCK_STORAGE"


class UsbPolicy(OpenStrEnum):
    """The USB Item's ``rasd:UsbPolicy``."""

    DISABLED = "DISABLED"
    ENABLED_LEGACY = "ENABLED_LEGACY"
    ENABLED_NATIVE = "ENABLED_NATIVE"

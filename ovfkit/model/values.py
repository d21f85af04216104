"""Typed simple values: XSD lexical parsing and formatting, and the CIM ResourceType."""

from __future__ import annotations

import enum
import re
from typing import Any

__all__ = ["ResourceType", "parse_bool", "parse_int", "format_bool", "format_int"]

#: Longest integer literal ovfkit types (more digits than any 64-bit value has, with room for signs).
MAX_INT_DIGITS = 40

_INT = re.compile(r"[+-]?[0-9]+", re.ASCII)


def parse_int(text: str) -> int | None:
    """Parse an XSD integer lexical form (whitespace collapsed); None when it is not one.

    Only ASCII digits with an optional sign are integers here: ``1_000``, ``12.0``, Arabic-Indic
    digits and literals longer than ``MAX_INT_DIGITS`` are not (Python's ``int()`` accepts some).
    """
    stripped = text.strip(" \t\r\n")
    if len(stripped) > MAX_INT_DIGITS or not _INT.fullmatch(stripped):
        return None
    return int(stripped)


def format_int(value: int) -> str:
    """Write an integer as XSD does."""
    return str(int(value))


_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def parse_bool(text: str) -> bool | None:
    """Parse an ``xs:boolean``; also the ``True``/``False`` that virt-v2v writes. None otherwise."""
    stripped = text.strip(" \t\r\n")
    lowered = stripped.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def format_bool(value: bool) -> str:
    """Write a boolean as XSD does."""
    return "true" if value else "false"


class ResourceType(int, enum.Enum):
    """CIM ``ResourceAllocationSettingData.ResourceType``; any other integer is kept as a pseudo-member.

    ``ResourceType(17) is ResourceType.DISK_DRIVE``; ``ResourceType(32768).name == "VENDOR_32768"``;
    ``ResourceType(0).name == "UNKNOWN_0"`` (oVirt writes 0 for every "other" device).
    """

    OTHER = 1
    COMPUTER_SYSTEM = 2
    PROCESSOR = 3
    MEMORY = 4
    IDE_CONTROLLER = 5
    PARALLEL_SCSI_HBA = 6
    FC_HBA = 7
    ISCSI_HBA = 8
    IB_HCA = 9
    ETHERNET_ADAPTER = 10
    OTHER_NETWORK_ADAPTER = 11
    IO_SLOT = 12
    IO_DEVICE = 13
    FLOPPY_DRIVE = 14
    CD_DRIVE = 15
    DVD_DRIVE = 16
    DISK_DRIVE = 17
    TAPE_DRIVE = 18
    STORAGE_EXTENT = 19
    OTHER_STORAGE_DEVICE = 20
    SERIAL_PORT = 21
    PARALLEL_PORT = 22
    USB_CONTROLLER = 23
    GRAPHICS_CONTROLLER = 24
    IEEE_1394_CONTROLLER = 25
    PARTITIONABLE_UNIT = 26
    BASE_PARTITIONABLE_UNIT = 27
    POWER = 28
    COOLING_CAPACITY = 29
    ETHERNET_SWITCH_PORT = 30
    LOGICAL_DISK = 31
    STORAGE_VOLUME = 32
    ETHERNET_CONNECTION = 33

    @classmethod
    def _missing_(cls, value: Any) -> ResourceType | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        if value < 0 or value > 0xFFFF:
            return None
        member = int.__new__(cls, value)
        member._name_ = f"VENDOR_{value}" if value >= 0x8000 else f"UNKNOWN_{value}"
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """True for the values CIM defines (1 to 33)."""
        return 1 <= self.value <= 33

    @property
    def label(self) -> str:
        """A readable name: ``disk drive``, ``vendor 32768``."""
        return self.name.lower().replace("_", " ")


def parse_resource_type(text: str) -> ResourceType | None:
    """Parse a ResourceType element's text; None when it is not an integer from 0 to 65535."""
    number = parse_int(text)
    if number is None or number < 0 or number > 0xFFFF:
        return None
    return ResourceType(number)

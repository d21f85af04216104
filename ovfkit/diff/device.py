"""A device as the diff sees it: category, readable name, identity keys and normalized fields."""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TypeGuard

__all__ = ["Device", "is_uuid"]

_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}", re.ASCII
)
_NIL_UUID = "00000000-0000-0000-0000-000000000000"


def is_uuid(text: str | None) -> TypeGuard[str]:
    """True for a UUID/GUID other than the all-zero one (which oVirt writes for "none")."""
    return text is not None and text != _NIL_UUID and _UUID.fullmatch(text) is not None


@dataclass(slots=True)
class Device:
    """One hardware device of one side of a diff.

    - ``category``: ``disk``, ``nic``, ``cdrom``, ``scsi controller``, ``video``, ...
    - ``name``: readable name within the category (``VM_01_Disk1``, ``nic1``, ``Hard disk 1``).
    - ``keys``: identity keys by level name (``image``, ``nic_name``, ``alias``, ``mac``, ``uuid``,
      ``slot``, ``instance``, ``name``); absent levels are missing. Devices match on the first level
      whose key is present and unique on both sides.
    - ``fields``: normalized values compared with ``==`` (see ``ovfkit.diff.values``).
    - ``identity``: how the device is identified, for people (``image group 9c8a...``).
    """

    category: str
    name: str
    keys: dict[str, Hashable]
    fields: dict[str, object]
    identity: str

    @property
    def label(self) -> str:
        """The readable identity used in reports: ``disk "VM_01_Disk1"``."""
        return f'{self.category} "{self.name}"'

"""Helpers the rule families share: host resource references, ``${property}`` references, GUIDs, quoting."""

from __future__ import annotations

import re
from typing import NamedTuple

from ovfkit.errors import quote
from ovfkit.model.base import OvfModel
from ovfkit.model.cim import ResourceItem

__all__ = [
    "ALL_ZERO_GUID",
    "HostReference",
    "PROPERTY_REFERENCE",
    "describe",
    "host_reference",
    "is_guid",
    "q",
]

#: ``${key}``: a reference to a ProductSection property (DSP0243 clause 9.1).
PROPERTY_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", re.ASCII)
#: The GUID oVirt writes for "none".
ALL_ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def q(value: object, limit: int = 80) -> str:
    """A value quoted for a message, shortened so that messages never echo much input."""
    return quote(str(value), limit)


def qs(value: object, limit: int = 80) -> str:
    """``q(value)`` between single quotes: the value as written (a backslash stays one backslash)."""
    return f"'{quote(str(value), limit)}'"


def is_guid(text: str) -> bool:
    """True for a GUID written as 8-4-4-4-12 hexadecimal digits."""
    return bool(_GUID.fullmatch(text))


class HostReference(NamedTuple):
    """A ``rasd:HostResource`` that points into the package: kind ``disk`` or ``file``, or ``malformed``.

    A named tuple: thousands of Items each have one, and a tuple is built several times faster than a
    frozen dataclass.
    """

    kind: str
    target: str
    standard: bool


_HOST_PREFIXES = (
    ("ovf:/disk/", "disk", True),
    ("ovf:/file/", "file", True),
    ("ovf://disk/", "disk", False),
    ("ovf://file/", "file", False),
    ("/disk/", "disk", False),
    ("/file/", "file", False),
)


def host_reference(text: str) -> HostReference | None:
    """Parse a HostResource: ``ovf:/disk/ID``, ``ovf:/file/ID`` and the variants real writers use.

    Returns None for a value that does not point into the package (a host device, an oVirt volume).
    """
    value = text.strip()
    for prefix, kind, standard in _HOST_PREFIXES:
        if value.startswith(prefix):
            return HostReference(kind, value[len(prefix) :], standard)
    if value.lower().startswith("ovf:"):
        return HostReference("malformed", value, False)
    return None


def describe(item: ResourceItem | OvfModel) -> str:
    """How a message names an Item: ``Item "Hard disk 1" (InstanceID 9)``, or a Disk, File, ..."""
    if isinstance(item, ResourceItem):
        kind = type(item).__name__
        label = item.element_name or item.caption
        parts = [kind]
        if label:
            parts.append(f'"{q(label, 60)}"')
        if item.instance_id is not None:
            parts.append(f"(InstanceID {q(item.instance_id, 60)})")
        return " ".join(parts)
    return type(item).__name__

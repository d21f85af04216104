"""The oVirt / RHV dialect: typed views over the one reader's models, snapshots and REST API documents.

Nothing here parses OVF a second time: the views read and write the models ``ovfkit.load`` gives
(``VirtualSystem.extensions``, ``Disk.attributes``, ``Item.extensions``), so ``ovfkit.dumps`` stays
lossless and an assignment changes only its own element or attribute.

- ``flavour(envelope)``: ``ovirt`` (the engine's flavour), ``ovirt-ova`` (OVA export) or None.
- ``DeviceAddress``: ``{key=value, ...}`` device addresses, equal as key/value maps.
- ``vm_configuration(envelope)`` -> ``VmConfiguration``: the Content fields, typed.
- ``ovirt_disks(envelope)`` -> ``OvirtDisk``: the ``ovf:`` attributes of each Disk, typed.
- ``ovirt_devices(envelope)`` -> ``OvirtDevice``: each Item's device block and ``rasd:`` extras.
- ``snapshots_of(envelope)``: the SnapshotsSection of a full VM OVF as ``Snapshot`` values.
- ``load_snapshots(source)``: snapshots from a REST API response (XML or JSON) or a VM OVF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ovfkit.dialects import OVIRT_DIALECTS as _OVIRT_DIALECTS
from ovfkit.dialects import detect_dialect as _detect_dialect
from ovfkit.ovirt.address import DeviceAddress
from ovfkit.ovirt.devices import OvirtDevice, ovirt_devices
from ovfkit.ovirt.disks import OvirtDisk, ovirt_disks
from ovfkit.ovirt.errors import OvfAddressError, OvfRestError, OvfValueError
from ovfkit.ovirt.rest import load_snapshots, parse_api_date
from ovfkit.ovirt.snapshots import Snapshot, SnapshotStatus, SnapshotType, oldest_first, snapshots_of
from ovfkit.ovirt.values import (
    BiosType,
    DiskInterface,
    DiskStorageType,
    DisplayType,
    MigrationSupport,
    NicModel,
    OriginType,
    UsbPolicy,
    VmType,
    VolumeFormat,
    VolumeType,
    parse_date,
)
from ovfkit.ovirt.vm import ContentField, VmConfiguration, vm_configuration

if TYPE_CHECKING:
    from ovfkit.diff.snapshots import SnapshotChainDiff, diff_snapshots
    from ovfkit.model.envelope import Envelope


def __getattr__(name: str) -> object:
    """Import the snapshot diff (and the diff package with it) only when it is asked for."""
    if name in ("SnapshotChainDiff", "diff_snapshots"):
        from ovfkit.diff import snapshots

        return getattr(snapshots, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BiosType",
    "ContentField",
    "DeviceAddress",
    "DiskInterface",
    "DiskStorageType",
    "DisplayType",
    "MigrationSupport",
    "NicModel",
    "OriginType",
    "OvfAddressError",
    "OvfRestError",
    "OvfValueError",
    "OvirtDevice",
    "OvirtDisk",
    "Snapshot",
    "SnapshotChainDiff",
    "SnapshotStatus",
    "SnapshotType",
    "UsbPolicy",
    "VmConfiguration",
    "VmType",
    "VolumeFormat",
    "VolumeType",
    "diff_snapshots",
    "flavour",
    "load_snapshots",
    "oldest_first",
    "ovirt_devices",
    "ovirt_disks",
    "parse_api_date",
    "parse_date",
    "snapshots_of",
    "vm_configuration",
]


def flavour(envelope: Envelope) -> str | None:
    """``ovirt`` or ``ovirt-ova`` for an oVirt OVF (see ``ovfkit.detect_dialect``), else None."""
    dialect = _detect_dialect(envelope)
    return dialect if dialect in _OVIRT_DIALECTS else None

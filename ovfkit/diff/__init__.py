"""Hardware diff: what changed in a VM's hardware between two descriptors, or along oVirt snapshots.

``diff(a, b)`` returns a ``HardwareDiff`` (pure data, JSON-serializable) whose ``changes`` say what
was ``added``, ``removed`` or ``changed``, device by device, matched by stable identity.
"""

from __future__ import annotations

from ovfkit.diff.api import diff, diff_envelopes
from ovfkit.diff.errors import OvfDiffError
from ovfkit.diff.model import Change, HardwareDiff, Scope, SystemDiff
from ovfkit.diff.snapshots import SnapshotChainDiff, SnapshotInfo, SnapshotStep, diff_snapshots

__all__ = [
    "Change",
    "HardwareDiff",
    "OvfDiffError",
    "Scope",
    "SnapshotChainDiff",
    "SnapshotInfo",
    "SnapshotStep",
    "SystemDiff",
    "diff",
    "diff_envelopes",
    "diff_snapshots",
]

"""Hardware diffs along an oVirt VM's snapshots: from each snapshot to the next, ending at the active VM.

``diff_snapshots(source)`` reads an oVirt REST API snapshots document (XML or JSON, with All-Content)
or a full VM OVF with a SnapshotsSection (through ``ovfkit.ovirt.load_snapshots``), orders the
snapshots oldest first (``regular``, ``stateless`` and ``preview`` snapshots by date, then the
``active`` one, then a ``next_run`` configuration), and diffs each configuration with the next. In a
full VM OVF the active snapshot's configuration is the OVF itself. A snapshot without configuration
(a REST document fetched without All-Content, an empty ``VmConfiguration``) is reported in
``missing`` and skipped: the step around it compares its neighbours.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import IO, TYPE_CHECKING, Union

from pydantic import BaseModel, ConfigDict, Field, computed_field

from ovfkit.diff.api import diff_envelopes, gc_paused
from ovfkit.diff.errors import OvfDiffError
from ovfkit.diff.model import HardwareDiff
from ovfkit.model.envelope import Envelope

if TYPE_CHECKING:
    from ovfkit.ovirt.snapshots import Snapshot

__all__ = ["SnapshotChainDiff", "SnapshotInfo", "SnapshotStep", "diff_snapshots", "order_snapshots"]

#: What ``diff_snapshots`` reads: a REST document or VM OVF (path, bytes, text, binary file), a loaded
#: VM Envelope, or snapshots already read.
SnapshotSource = Union[str, bytes, "os.PathLike[str]", IO[bytes], Envelope, Sequence["Snapshot"]]

#: The word ``--from``/``--to`` accept for the active snapshot.
ACTIVE = "active"

_LAST_TYPES = ("active", "next_run")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SnapshotInfo(_Data):
    """One snapshot as the chain reports it; ``note`` says where its configuration came from or why
    it has none."""

    id: str
    type: str | None = None
    date: datetime | None = None
    description: str | None = None
    has_configuration: bool = False
    note: str | None = None

    @property
    def label(self) -> str:
        """``regular 2023-04-15 16:30 UTC "before upgrade" (57fc5fd2)`` for people."""
        parts = [self.type or "snapshot"]
        if self.date is not None:
            parts.append(self.date.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
        if self.description:
            parts.append(f'"{self.description}"')
        parts.append(f"({self.id[:8]})")
        return " ".join(parts)


class SnapshotStep(_Data):
    """The hardware diff from one snapshot's configuration to the next one's.

    ``skipped`` are the snapshots between them that have no configuration.
    """

    from_snapshot: SnapshotInfo = Field(alias="from")
    to_snapshot: SnapshotInfo = Field(alias="to")
    skipped: list[SnapshotInfo] = Field(default_factory=list)
    diff: HardwareDiff

    @property
    def same(self) -> bool:
        """True when the hardware did not change in this step."""
        return self.diff.same


class SnapshotChainDiff(_Data):
    """Hardware diffs along a VM's snapshots: ``snapshots`` oldest first, one ``step`` per consecutive
    pair of configurations, and the snapshots ``missing`` a configuration (``same`` is computed; it is
    ignored when the JSON is read back with ``model_validate``)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    source: str | None = None
    snapshots: list[SnapshotInfo] = Field(default_factory=list)
    steps: list[SnapshotStep] = Field(default_factory=list)
    missing: list[SnapshotInfo] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def same(self) -> bool:
        """True when no step changed the hardware."""
        return all(step.same for step in self.steps)


def _type_name(snapshot: Snapshot) -> str | None:
    kind = snapshot.type
    if kind is None:
        return None
    return str(getattr(kind, "value", kind)).lower()


def order_snapshots(snapshots: Sequence[Snapshot]) -> list[Snapshot]:
    """Oldest first: dated snapshots by date (undated after them), then ``active``, then ``next_run``.

    The active snapshot's date is when the VM was created, so it is placed last, as the present.
    """
    from ovfkit.ovirt.snapshots import oldest_first

    history = [s for s in snapshots if _type_name(s) not in _LAST_TYPES]
    ordered = oldest_first(history)
    for kind in _LAST_TYPES:
        ordered.extend(s for s in snapshots if _type_name(s) == kind)
    return ordered


def _read_source(source: SnapshotSource) -> tuple[list[Snapshot], Envelope | None, str | None]:
    """The snapshots, the VM's own configuration when the source is a full VM OVF, and a source name."""
    from ovfkit.ovirt.rest import load_snapshots
    from ovfkit.ovirt.snapshots import Snapshot, snapshots_of

    if isinstance(source, Envelope):
        return snapshots_of(source), source, None
    if isinstance(source, (list, tuple)):
        if not all(isinstance(s, Snapshot) for s in source):
            raise TypeError("diff_snapshots takes a document or a sequence of Snapshot objects")
        return list(source), None, None
    from ovfkit.xmlio.safe import read_source

    if isinstance(source, str) and source.lstrip("\ufeff \t\r\n")[:1] in ("<", "{", "["):
        data, name = source.encode("utf-8", "surrogatepass"), "<string>"
    else:
        data, name = read_source(source)  # type: ignore[arg-type]
    if _looks_like_ovf(data):
        from ovfkit.api import loads

        model = loads(data, source=name)
        if isinstance(model, Envelope):
            return snapshots_of(model, source=name), model, name
    named = io.BytesIO(data)
    named.name = name  # read_source names a file object's input by its ``name`` in messages
    return load_snapshots(named, lazy=True), None, name


def _looks_like_ovf(data: bytes) -> bool:
    """True when the document is XML whose root element is an OVF Envelope (a full VM OVF)."""
    head = data[:8192].decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    while head.startswith("<?") or head.startswith("<!--"):
        end = head.find("?>") + 2 if head.startswith("<?") else head.find("-->") + 3
        if end < 3:
            return False
        head = head[end:].lstrip(" \t\r\n")
    if not head.startswith("<") or head.startswith("<!"):
        return False
    name = head[1:].split(None, 1)[0].split(">", 1)[0].split("/", 1)[0] if len(head) > 1 else ""
    return name.rpartition(":")[2] == "Envelope"


def _info(snapshot: Snapshot, has_configuration: bool, note: str | None) -> SnapshotInfo:
    return SnapshotInfo(
        id=snapshot.id,
        type=_type_name(snapshot),
        date=snapshot.date,
        description=snapshot.description,
        has_configuration=has_configuration,
        note=note,
    )


def _configurations(
    ordered: list[Snapshot], vm: Envelope | None
) -> list[tuple[Snapshot, Envelope | None, SnapshotInfo]]:
    found = []
    for snapshot in ordered:
        envelope = snapshot.envelope if snapshot.has_configuration else None
        note = None
        if envelope is None and vm is not None and _type_name(snapshot) == ACTIVE:
            envelope, note = vm, "the VM's current configuration (the OVF itself)"
        elif envelope is None and vm is not None:
            note = "no configuration in the OVF (no VmConfiguration)"
        elif envelope is None:
            note = "no configuration (fetch the snapshots with All-Content: true)"
        found.append((snapshot, envelope, _info(snapshot, envelope is not None, note)))
    return found


def _pick(
    entries: list[tuple[Snapshot, Envelope | None, SnapshotInfo]], wanted: str, source: str | None
) -> tuple[Snapshot, Envelope | None, SnapshotInfo]:
    for entry in entries:
        if entry[0].id == wanted or (wanted.lower() == ACTIVE and entry[2].type == ACTIVE):
            return entry
    known = ", ".join(f"{e[0].id} ({e[2].type})" for e in entries) or "none"
    raise OvfDiffError(f"no snapshot has the id {wanted!r}; known: {known}", source=source)


def diff_snapshots(
    source: SnapshotSource,
    from_id: str | None = None,
    to_id: str | None = None,
    *,
    profile: str | None = None,
) -> SnapshotChainDiff:
    """Hardware diffs along the snapshots of an oVirt VM (see the module docstring).

    Without ``from_id``/``to_id``: one step per consecutive pair of snapshots that have a
    configuration, oldest first, ending at the active configuration. With them: one step, from
    ``from_id`` (default: the oldest) to ``to_id`` (default: the last, normally the active VM);
    ``active`` names the active snapshot. Raises what reading raises for bad input, and
    ``OvfDiffError`` for an unknown snapshot id, a chosen snapshot without configuration, or fewer
    than two configurations to compare.
    """
    with gc_paused():
        snapshots, vm, name = _read_source(source)
        entries = _configurations(order_snapshots(snapshots), vm)
        infos = [entry[2] for entry in entries]
        missing = [info for info in infos if not info.has_configuration]
        if from_id is not None or to_id is not None:
            steps = [_chosen_step(entries, from_id, to_id, name, profile)]
        else:
            steps = _chain(entries, name, profile, from_ovf=vm is not None)
        return SnapshotChainDiff(source=name, snapshots=infos, steps=steps, missing=missing)


def _step(
    start: tuple[Snapshot, Envelope | None, SnapshotInfo],
    end: tuple[Snapshot, Envelope | None, SnapshotInfo],
    skipped: list[SnapshotInfo],
    profile: str | None,
) -> SnapshotStep:
    assert start[1] is not None and end[1] is not None
    result = diff_envelopes(
        start[1], end[1], profile=profile, a_name=f"snapshot {start[0].id}", b_name=f"snapshot {end[0].id}"
    )
    return SnapshotStep.model_validate({"from": start[2], "to": end[2], "skipped": skipped, "diff": result})


def _chain(
    entries: list[tuple[Snapshot, Envelope | None, SnapshotInfo]],
    source: str | None,
    profile: str | None,
    *,
    from_ovf: bool,
) -> list[SnapshotStep]:
    configured = [entry for entry in entries if entry[1] is not None]
    if len(configured) < 2:
        without = len(entries) - len(configured)
        if from_ovf:
            listed = (
                f"lists {len(entries)} snapshot(s), {without} without a configuration (VmConfiguration)"
                if entries
                else "lists no snapshots (an oVirt VM's OVF lists them in a SnapshotsSection)"
            )
            hint = (
                f"the OVF {listed}; compare two descriptors with 'ovfkit diff A B', or the snapshots"
                " the REST API returns (GET .../vms/{id}/snapshots with All-Content: true)"
            )
        else:
            hint = (
                f"{len(entries)} snapshot(s), {without} without a configuration; a REST document needs"
                " All-Content: true to carry each snapshot's configuration"
            )
        raise OvfDiffError(f"nothing to compare: {hint}", source=source)
    steps = []
    previous = None
    skipped: list[SnapshotInfo] = []
    for entry in entries:
        if entry[1] is None:
            if previous is not None:
                skipped.append(entry[2])
            continue
        if previous is not None:
            steps.append(_step(previous, entry, skipped, profile))
        previous, skipped = entry, []
    return steps


def _chosen_step(
    entries: list[tuple[Snapshot, Envelope | None, SnapshotInfo]],
    from_id: str | None,
    to_id: str | None,
    source: str | None,
    profile: str | None,
) -> SnapshotStep:
    configured = [entry for entry in entries if entry[1] is not None]
    if not configured:
        raise OvfDiffError("no snapshot has a configuration (All-Content: true is needed)", source=source)
    start = _pick(entries, from_id, source) if from_id is not None else configured[0]
    end = _pick(entries, to_id, source) if to_id is not None else configured[-1]
    for entry in (start, end):
        if entry[1] is None:
            raise OvfDiffError(
                f"snapshot {entry[0].id} ({entry[2].type}) has no configuration to compare; "
                "a REST document needs All-Content: true",
                source=source,
            )
    return _step(start, end, [], profile)

"""``ovfkit.diff(a, b)``: the hardware differences between two descriptors, per system and profile."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Union

from ovfkit.diff.compare import compare_inventories, make_change
from ovfkit.diff.errors import OvfDiffError
from ovfkit.diff.inventory import Inventory
from ovfkit.diff.items import Resources, profiles_of
from ovfkit.diff.model import Change, HardwareDiff, Scope
from ovfkit.diff.values import normalize_text
from ovfkit.model.envelope import Envelope, VirtualSystem
from ovfkit.model.environment import Environment

__all__ = ["Source", "diff", "diff_envelopes", "gc_paused", "load_envelope"]

#: What ``diff`` accepts on each side: a loaded Envelope, a path, XML bytes or text, a binary file.
Source = Union[Envelope, str, bytes, "os.PathLike[str]", IO[bytes]]


def load_envelope(source: Source) -> tuple[Envelope, str | None]:
    """The Envelope of a source (loaded with ``ovfkit.load`` unless it is one) and a name for reports.

    Raises what loading raises (``OvfParseError`` with file, line and column, ``OvfSecurityError``),
    and ``OvfDiffError`` for an OVF environment document, which has no hardware.
    """
    if isinstance(source, Envelope):
        return source, None
    from ovfkit.api import load, loads

    model = loads(source) if isinstance(source, bytes) else load(source)
    name = _source_name(source)
    if isinstance(model, Environment):
        raise OvfDiffError(
            "this is an OVF environment document, not a descriptor: it has no hardware", source=name
        )
    return model, name


def _source_name(source: Source) -> str | None:
    if isinstance(source, bytes):
        return "<bytes>"
    if isinstance(source, str):
        return "<string>" if source.lstrip("\ufeff \t\r\n").startswith("<") else source
    if isinstance(source, os.PathLike):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return str(name) if name is not None else "<stream>"


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while large acyclic models are built and walked.

    Loading and comparing two 50,000-Item descriptors creates millions of objects; without the pause,
    the collector's passes over them cost more than the work itself. On the way out, objects made
    during the pause that are still alive are moved to the oldest generation (``gc.freeze`` then
    ``gc.unfreeze``, as the reader does, unless the process keeps frozen objects), so that the first
    collection after the pause does not scan them all; then the collector's state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def diff(
    a: Source,
    b: Source,
    *,
    system: str | int | None = None,
    profile: str | None = None,
) -> HardwareDiff:
    """Compare the hardware of two descriptors (``a`` old, ``b`` new).

    ``a`` and ``b`` are Envelopes or anything ``ovfkit.load`` reads (path, bytes, XML text, binary
    file, ``.ova``). ``system`` limits the comparison to one VirtualSystem (``ovf:id`` or index on
    both sides); ``profile`` to one deployment option. By default every system is compared under
    every deployment option both declare: systems pair by id where the id names one system on each
    side, the others in document order (said in ``HardwareDiff.notes``), and the only one with the
    only one; so a document compared with itself is always the same.

    Devices pair by stable identity (see ``ovfkit.diff.devices`` and ``ovfkit.diff.ovirt_devices``),
    and noise is not a change: Item order, address key order, whitespace, prefixes, lexical forms,
    units. Raises what loading raises for bad input, and ``OvfDiffError`` for an unknown system or
    profile.
    """
    with gc_paused():
        envelope_a, name_a = load_envelope(a)
        envelope_b, name_b = load_envelope(b)
        result = diff_envelopes(
            envelope_a, envelope_b, system=system, profile=profile, a_name=name_a, b_name=name_b
        )
        del envelope_a, envelope_b  # freed while the collector is paused
    return result


def _system_name(vs: VirtualSystem) -> str | None:
    return normalize_text(vs.name.value) if vs.name is not None else None


def _select(envelope: Envelope, system: str | int, side: str, source: str | None) -> VirtualSystem:
    systems = envelope.virtual_systems()
    if isinstance(system, int):
        if 0 <= system < len(systems):
            return systems[system]
        raise OvfDiffError(
            f"{side} has no virtual system number {system}; it has {len(systems)}", source=source
        )
    for candidate in systems:
        if candidate.id == system:
            return candidate
    known = ", ".join(repr(s.id) for s in systems) or "none"
    raise OvfDiffError(f"{side} has no virtual system with the id {system!r}; known: {known}", source=source)


@dataclass(frozen=True)
class _SystemPair:
    """Two virtual systems to compare; their positions when they were paired by position."""

    a: VirtualSystem
    b: VirtualSystem
    index_a: int | None = None
    index_b: int | None = None


def _ids(systems: list[VirtualSystem]) -> tuple[set[str], set[str]]:
    """The ids of these systems, and those of them that more than one system has."""
    seen: set[str] = set()
    shared: set[str] = set()
    for vs in systems:
        if vs.id is not None:
            (shared if vs.id in seen else seen).add(vs.id)
    return seen, shared


def _pair_systems(
    envelope_a: Envelope, envelope_b: Envelope, changes: list[Change], notes: list[str]
) -> list[_SystemPair]:
    """Pair the virtual systems of both sides: by id when it names one system on each side, the others
    in document order (said in ``notes``); the ones left over are removed or added systems."""
    systems_a = envelope_a.virtual_systems()
    systems_b = envelope_b.virtual_systems()
    if len(systems_a) == 1 and len(systems_b) == 1:
        return [_SystemPair(systems_a[0], systems_b[0])]
    (ids_a, shared_a), (ids_b, shared_b) = _ids(systems_a), _ids(systems_b)
    usable = (ids_a | ids_b) - shared_a - shared_b
    by_id_b = {vs.id: vs for vs in systems_b if vs.id in usable}
    pairs: list[tuple[int, _SystemPair]] = []
    unpaired_a: list[int] = []
    for index, vs in enumerate(systems_a):
        if vs.id not in usable:
            unpaired_a.append(index)
        elif vs.id in by_id_b:
            pairs.append((index, _SystemPair(vs, by_id_b[vs.id])))
        else:
            changes.append(_system_change("removed", vs, None))
    unpaired_b = [index for index, vs in enumerate(systems_b) if vs.id not in usable]
    changes.extend(_system_change("added", vs, None) for vs in systems_b if vs.id in usable - ids_a)
    by_order = list(zip(unpaired_a, unpaired_b, strict=False))
    pairs.extend((i, _SystemPair(systems_a[i], systems_b[j], i, j)) for i, j in by_order)
    changes.extend(_system_change("removed", systems_a[i], i) for i in unpaired_a[len(by_order) :])
    changes.extend(_system_change("added", systems_b[j], j) for j in unpaired_b[len(by_order) :])
    if by_order:
        notes.append(
            f"{len(by_order)} pair(s) of virtual systems without an ovf:id, or sharing one, were "
            "paired in document order (system_index gives their positions)"
        )
    pairs.sort(key=lambda entry: entry[0])
    return [pair for _, pair in pairs]


def _system_change(kind: str, vs: VirtualSystem, index: int | None) -> Change:
    label = vs.id if vs.id is not None else _system_name(vs)
    if index is not None:
        label = f"#{index + 1}" if label is None else f"{label} #{index + 1}"
    values = {"name": _system_name(vs)} if _system_name(vs) else {}
    change = make_change(
        "added" if kind == "added" else "removed",
        f'virtual system "{label}"',
        "virtual system",
        old=values if kind == "removed" else None,
        new=values if kind == "added" else None,
        system=vs.id,
    )
    return change.model_copy(update={"system_index": index}) if index is not None else change


def _profiles(
    envelope_a: Envelope,
    envelope_b: Envelope,
    profile: str | None,
    names: tuple[str | None, str | None],
    changes: list[Change],
) -> list[str | None]:
    declared_a, declared_b = profiles_of(envelope_a), profiles_of(envelope_b)
    if profile is not None:
        for side, declared, source in (("a", declared_a, names[0]), ("b", declared_b, names[1])):
            if declared and profile not in declared:
                raise OvfDiffError(
                    f"{side} has no deployment option {profile!r}; it has {', '.join(declared)}",
                    source=source,
                )
        return [profile]
    if not declared_a and not declared_b:
        return [None]
    for option in declared_a:
        if option not in declared_b:
            changes.append(make_change("removed", f'profile "{option}"', "profile", profile=option))
    for option in declared_b:
        if option not in declared_a:
            changes.append(make_change("added", f'profile "{option}"', "profile", profile=option))
    union = declared_a + [p for p in declared_b if p not in declared_a]
    return [p for p in union if (p in declared_a or not declared_a) and (p in declared_b or not declared_b)]


def diff_envelopes(
    envelope_a: Envelope,
    envelope_b: Envelope,
    *,
    system: str | int | None = None,
    profile: str | None = None,
    a_name: str | None = None,
    b_name: str | None = None,
) -> HardwareDiff:
    """``diff`` for two loaded Envelopes."""
    with gc_paused():
        return _diff_envelopes(envelope_a, envelope_b, system, profile, a_name, b_name)


def _diff_envelopes(
    envelope_a: Envelope,
    envelope_b: Envelope,
    system: str | int | None,
    profile: str | None,
    a_name: str | None,
    b_name: str | None,
) -> HardwareDiff:
    descriptor_changes: list[Change] = []
    notes: list[str] = []
    if system is not None:
        pairs = [
            _SystemPair(_select(envelope_a, system, "a", a_name), _select(envelope_b, system, "b", b_name))
        ]
    else:
        pairs = _pair_systems(envelope_a, envelope_b, descriptor_changes, notes)
    options = _profiles(envelope_a, envelope_b, profile, (a_name, b_name), descriptor_changes)
    resources_a, resources_b = Resources(envelope_a), Resources(envelope_b)
    compared: list[Scope] = []
    changes: list[Change] = list(descriptor_changes)
    for pair in pairs:
        vs_a, vs_b, index = pair.a, pair.b, pair.index_a
        for option in options:
            compared.append(
                Scope(
                    system=vs_a.id,
                    other_system=vs_b.id if vs_b.id != vs_a.id else None,
                    name=_system_name(vs_b) or _system_name(vs_a),
                    profile=option,
                    system_index=index,
                    other_system_index=pair.index_b if pair.index_b != index else None,
                )
            )
            side_a = Inventory(envelope_a, vs_a, option, resources_a)
            side_b = Inventory(envelope_b, vs_b, option, resources_b)
            found = compare_inventories(side_a, side_b)
            if index is not None:
                found = [c.model_copy(update={"system_index": index}) for c in found]
            changes.extend(found)
    return HardwareDiff(a=a_name, b=b_name, compared=compared, changes=changes, notes=notes)

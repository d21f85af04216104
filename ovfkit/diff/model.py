"""The result of a hardware diff as pure data: ``Change``, ``Scope``, ``SystemDiff`` and ``HardwareDiff``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, computed_field

__all__ = ["Change", "ChangeKind", "HardwareDiff", "Scope", "SystemDiff"]

ChangeKind = Literal["added", "removed", "changed"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_Data):
    """One difference in hardware.

    - ``kind``: ``added``, ``removed`` or ``changed``.
    - ``device``: a readable identity: ``disk "VM_01_Disk1"``, ``nic "nic1"``, ``system`` for
      system-level fields (CPUs, memory, OS, firmware, machine type, name), ``profile "large"`` for a
      deployment option, ``virtual system "vm2"`` for a whole system.
    - ``category``: what the device is (``system``, ``disk``, ``nic``, ``cdrom``, ``controller``, ...).
    - ``field``: the field that changed (``capacity``, ``mac``, ``network``, ``memory``, ...); None for
      ``added`` and ``removed``.
    - ``old`` / ``new``: the values as data (sizes in bytes; for ``added``/``removed`` devices a map of
      the device's fields); ``old_text`` / ``new_text``: the same for people (``10 GiB``).
    - ``system`` / ``profile``: the virtual system id and deployment option the change belongs to.
    - ``system_index``: the system's position (from 0, in document order; on side ``b`` for an added
      system) when its id is missing or shared, so that the id does not say which system it is
      (such systems pair in document order, see ``HardwareDiff.notes``); None otherwise.
    - ``identity``: the stable identity the device was matched by (``image group 9c8a...``).
    """

    kind: ChangeKind
    device: str
    category: str
    field: str | None = None
    old: JsonValue = None
    new: JsonValue = None
    old_text: str | None = None
    new_text: str | None = None
    system: str | None = None
    profile: str | None = None
    identity: str | None = None
    system_index: int | None = None


class Scope(_Data):
    """One comparison: a virtual system (id on each side, its name) under one deployment profile.

    ``system_index`` is the system's position on side ``a`` (from 0, in document order), set when
    its id is missing or shared: such systems pair in document order; ``other_system_index`` is the
    position on side ``b`` when it differs.
    """

    system: str | None = None
    other_system: str | None = None
    name: str | None = None
    profile: str | None = None
    system_index: int | None = None
    other_system_index: int | None = None

    def owns(self, change: Change) -> bool:
        """Whether ``change`` belongs to this system and profile (not to the descriptor)."""
        return (
            change.system == self.system
            and change.system_index == self.system_index
            and change.profile == self.profile
            and change.category not in _DESCRIPTOR_CATEGORIES
        )


#: Categories of changes to the descriptor as a whole rather than to one compared system.
_DESCRIPTOR_CATEGORIES = frozenset({"profile", "virtual system"})


class SystemDiff(_Data):
    """The changes of one virtual system under one deployment profile."""

    scope: Scope
    changes: list[Change] = Field(default_factory=list)

    @property
    def same(self) -> bool:
        """True when this system's hardware is the same under this profile."""
        return not self.changes


class HardwareDiff(_Data):
    """The hardware differences between two descriptors (``a`` old, ``b`` new).

    ``changes`` lists every change: descriptor-level ones (systems and profiles added or removed)
    first, then each compared scope's in order. ``compared`` lists the (system, profile) scopes that
    were compared; ``systems`` groups the changes by them. ``notes`` says how the comparison was
    made where that is not the usual way (systems paired in document order because their ids are
    missing or shared). JSON-serializable with ``model_dump(mode="json")`` / ``model_dump_json()``,
    and read back with ``model_validate`` (the computed ``same`` is ignored on input).
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    a: str | None = None
    b: str | None = None
    compared: list[Scope] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def same(self) -> bool:
        """True when nothing changed."""
        return not self.changes

    @property
    def systems(self) -> list[SystemDiff]:
        """The changes grouped per compared system and profile, in comparison order."""
        return [
            SystemDiff(scope=scope, changes=[c for c in self.changes if scope.owns(c)])
            for scope in self.compared
        ]

    @property
    def descriptor_changes(self) -> list[Change]:
        """Changes that belong to no compared scope: systems and profiles added or removed."""
        return [c for c in self.changes if not any(scope.owns(c) for scope in self.compared)]

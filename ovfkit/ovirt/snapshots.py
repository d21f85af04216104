"""oVirt VM snapshots: ``Snapshot`` values, the SnapshotsSection of a full VM OVF, and their configurations.

A full VM OVF (OVF_STORE, ``GET /vms/{id}?all_content=true``) lists the VM's snapshots in a
``<Section xsi:type="ovf:SnapshotsSection_Type">`` after the hardware; each ``Snapshot`` may carry
its own configuration, a complete oVirt OVF, base64-encoded in ``VmConfiguration``. The REST API
gives the same snapshots with the OVF as escaped text (``ovfkit.ovirt.rest``). Either way a
``Snapshot``'s ``envelope`` is that configuration decoded and read, on first access, through
``ovfkit.loads`` (the one safe loader: no DTD, no entities, bounded sizes); a malformed
configuration raises the loader's typed error, re-raised to name the snapshot and where its
configuration is.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ovfkit.errors import OvfError, OvfParseError, OvfSecurityError, quote
from ovfkit.model.base import Node
from ovfkit.model.envelope import Envelope, VirtualSystem
from ovfkit.ovirt.errors import OvfRestError, OvfValueError
from ovfkit.ovirt.values import OpenStrEnum, parse_date
from ovfkit.xmlio.safe import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from ovfkit.hardware import HardwareView

__all__ = [
    "Snapshot",
    "SnapshotStatus",
    "SnapshotType",
    "oldest_first",
    "snapshots_of",
]


class SnapshotType(OpenStrEnum):
    """What a snapshot is: the running VM's (``active``), a user's (``regular``), ... ."""

    ACTIVE = "active"
    REGULAR = "regular"
    STATELESS = "stateless"
    PREVIEW = "preview"
    NEXT_RUN = "next_run"


class SnapshotStatus(OpenStrEnum):
    """A snapshot's status in the REST API (``snapshot_status``)."""

    OK = "ok"
    LOCKED = "locked"
    IN_PREVIEW = "in_preview"


#: How a snapshot's configuration is held: base64 of the OVF bytes, or the OVF text itself.
_BASE64 = "base64"
_TEXT = "text"


class Snapshot:
    """One snapshot of a VM.

    - ``id``, ``type`` (``SnapshotType``), ``description``, ``date`` (aware datetime),
      (naive means UTC), ``status`` (``SnapshotStatus``; None from an OVF, which does not record it),
      ``persist_memorystate`` (the snapshot saved the VM's memory), ``vm_id``;
    - ``memory``: the memory volume GUIDs an OVF lists (``Memory``), ``application_list``;
    - ``envelope``: the snapshot's own configuration, loaded on first access, or None when the
      snapshot has none (REST without All-Content, the active snapshot, an empty
      ``VmConfiguration``); ``has_configuration`` tells without loading it;
    - ``source``, ``line``, ``path``: where the snapshot was read, for messages; ``node`` the
      ``Snapshot`` element of a SnapshotsSection it was read from (None for REST documents).
    """

    def __init__(
        self,
        *,
        id: str,
        type: SnapshotType | None = None,
        description: str | None = None,
        date: datetime | None = None,
        status: SnapshotStatus | None = None,
        persist_memorystate: bool | None = None,
        vm_id: str | None = None,
        memory: Iterable[str] = (),
        application_list: str | None = None,
        configuration: str | None = None,
        configuration_encoding: str = _TEXT,
        source: str | None = None,
        line: int | None = None,
        path: str | None = None,
        configuration_line: int | None = None,
        configuration_path: str | None = None,
        node: Node | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.id = id
        self.type = type
        self.description = description
        self.date = date if date is None or date.tzinfo is not None else date.replace(tzinfo=timezone.utc)
        self.status = status
        self.persist_memorystate = persist_memorystate
        self.vm_id = vm_id
        self.memory = tuple(memory)
        self.application_list = application_list
        self.source = source
        self.line = line
        self.path = path
        self.node = node
        self._configuration = configuration if configuration and configuration.strip() else None
        self._encoding = configuration_encoding
        self._configuration_line = configuration_line if configuration_line is not None else line
        self._configuration_path = configuration_path or path
        self._limits = limits
        self._envelope: Envelope | None = None

    def __repr__(self) -> str:
        kind = self.type.value if self.type is not None else "?"
        when = self.date.isoformat() if self.date is not None else "?"
        return f"<Snapshot {self.id} {kind} {when}>"

    @property
    def has_configuration(self) -> bool:
        """True when the snapshot carries a configuration (without loading it)."""
        return self._configuration is not None

    @property
    def configuration_text(self) -> str | None:
        """The configuration as held: OVF text (REST) or base64 text (SnapshotsSection), or None."""
        return self._configuration

    @property
    def envelope(self) -> Envelope | None:
        """The snapshot's configuration (an oVirt OVF) as a model, loaded on first access; None when
        the snapshot has no configuration. Raises the safe loader's ``OvfParseError`` or
        ``OvfSecurityError``, naming the snapshot, when the configuration is not a readable OVF.
        """
        if self._envelope is None and self._configuration is not None:
            self._envelope = self._load()
        return self._envelope

    def hardware(self) -> HardwareView | None:
        """The hardware of the snapshot's configuration (``ovfkit.hardware``), or None without one."""
        envelope = self.envelope
        if envelope is None:
            return None
        from ovfkit.hardware import hardware

        return hardware(envelope)

    # -- loading ---------------------------------------------------------------------------------

    def _load(self) -> Envelope:
        assert self._configuration is not None
        name = f"{self.source or '<input>'} (snapshot {self.id} configuration)"
        try:
            if self._encoding == _BASE64:
                model = _load_ovf_bytes(_decode_base64(self._configuration), name, self._limits)
            else:
                model = _load_ovf_text(self._configuration, name, self._limits)
        except OvfError as error:
            raise self._located(error) from None
        if not isinstance(model, Envelope):
            raise OvfRestError(
                f"snapshot {self.id}: the configuration is an OVF environment document, not a descriptor",
                source=self.source,
                line=self._configuration_line,
                path=self._configuration_path,
            )
        return model

    def _located(self, error: OvfError) -> OvfError:
        """The loader's error, re-raised to say which snapshot and where its configuration is."""
        inner = ""
        if error.line is not None:
            inner = f" (line {error.line}" + (f", column {error.column}" if error.column else "") + ")"
        message = f"snapshot {self.id}: the configuration is not a readable OVF{inner}: {error.message}"
        cls = type(error) if type(error) in (OvfParseError, OvfSecurityError, OvfRestError) else OvfParseError
        return cls(message, source=self.source, line=self._configuration_line, path=self._configuration_path)


def _decode_base64(text: str) -> bytes:
    compact = re.sub(r"\s+", "", text)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as error:
        raise OvfParseError(f"VmConfiguration is not valid base64: {error}") from None


def _load_ovf_bytes(data: bytes, name: str, limits: Limits) -> object:
    from ovfkit.api import loads

    return loads(data, limits=limits, source=name)


_DECL_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*\\?["']([A-Za-z0-9._-]+)""")


def _encode(text: str) -> bytes:
    """The bytes of OVF text, in the encoding its XML declaration names when that can hold it."""
    match = _DECL_ENCODING.match(text)
    if match is not None:
        try:
            encoding = codecs.lookup(match.group(1)).name
        except LookupError:
            encoding = "utf-8"
        if not encoding.startswith(("utf-16", "utf-32")):
            try:
                return text.encode(encoding)
            except UnicodeEncodeError:
                pass
    return text.encode("utf-8", "surrogatepass")


def _load_ovf_text(text: str, name: str, limits: Limits) -> object:
    """Load OVF text; text whose quotes are backslash-escaped (as in the RHV documentation) is read
    with them unescaped when it does not read as it is.
    """
    from ovfkit.api import loads

    if text.lstrip().startswith("<?xml"):
        text = text.lstrip()  # an indented copy (documentation, pretty-printed responses)
    try:
        return loads(_encode(text), limits=limits, source=name)
    except OvfSecurityError:
        raise
    except OvfParseError:
        if '\\"' not in text and "\\'" not in text:
            raise
    model = loads(_encode(text.replace('\\"', '"').replace("\\'", "'")), limits=limits, source=name)
    if isinstance(model, Envelope):
        model.document.warnings.append(
            "the OVF's quotes were backslash-escaped (as in the RHV documentation); read unescaped"
        )
    return model


# -- SnapshotsSection ------------------------------------------------------------------------------


def _snapshots_section(system: VirtualSystem) -> Node | None:
    for node in system.extensions:
        if not isinstance(node, Node):
            continue
        if node.local_name == "SnapshotsSection":
            return node
        if (
            node.local_name == "Section"
            and (node.get("type") or "").rpartition(":")[2] == "SnapshotsSection_Type"
        ):
            return node
    return None


def _child_text(node: Node, name: str) -> tuple[str | None, int | None]:
    for child in node.elements(name):
        return child.text, child.line
    return None, None


def snapshots_of(
    envelope: Envelope,
    system: VirtualSystem | None = None,
    *,
    source: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Snapshot]:
    """The snapshots listed in the SnapshotsSection of a full VM OVF, in document order.

    ``system`` defaults to the first virtual system; ``source`` names the document in messages.
    Configurations are decoded and loaded only when a snapshot's ``envelope`` is first read.
    An OVF without a SnapshotsSection has no snapshots (an empty list). Raises ``OvfValueError``
    for a Snapshot without ``ovf:id`` or with a ``CreationDate`` that is not a date.
    """
    from ovfkit.ovirt.vm import VmConfiguration

    if system is None:
        systems = envelope.virtual_systems()
        if not systems:
            return []
        system = systems[0]
    section = _snapshots_section(system)
    if section is None:
        return []
    vm_id = VmConfiguration(system, envelope).vm_id
    found = []
    for index, node in enumerate(section.elements("Snapshot"), start=1):
        path = f"/Envelope/Content/Section[SnapshotsSection_Type]/Snapshot[{index}]"
        snapshot_id = (node.get("id") or "").strip()
        if not snapshot_id:
            raise OvfValueError("a Snapshot has no ovf:id", source=source, line=node.line, path=path)
        kind, _ = _child_text(node, "Type")
        description, _ = _child_text(node, "Description")
        date_text, date_line = _child_text(node, "CreationDate")
        date = None
        if date_text is not None and date_text.strip():
            date = parse_date(date_text)
            if date is None:
                raise OvfValueError(
                    f"snapshot {snapshot_id}: CreationDate {quote(date_text, 80)!r} is not a date "
                    "(yyyy/MM/dd HH:mm:ss)",
                    source=source,
                    line=date_line,
                    path=path,
                )
        memory_text, _ = _child_text(node, "Memory")
        memory = [part.strip() for part in (memory_text or "").split(",") if part.strip()]
        applications, _ = _child_text(node, "ApplicationList")
        configuration, configuration_line = _child_text(node, "VmConfiguration")
        found.append(
            Snapshot(
                id=snapshot_id,
                type=SnapshotType(kind.strip()) if kind and kind.strip() else None,
                description=description,
                date=date,
                status=None,
                persist_memorystate=bool(memory),
                vm_id=vm_id,
                memory=memory,
                application_list=applications,
                configuration=configuration,
                configuration_encoding=_BASE64,
                source=source,
                line=node.line,
                path=path,
                configuration_line=configuration_line,
                configuration_path=path + "/VmConfiguration",
                node=node,
                limits=limits,
            )
        )
    return found


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def oldest_first(snapshots: Iterable[Snapshot]) -> list[Snapshot]:
    """The snapshots sorted by date, oldest first; undated ones last; ties keep their order."""
    indexed = list(enumerate(snapshots))
    indexed.sort(key=lambda pair: (pair[1].date is None, pair[1].date or _EPOCH, pair[0]))
    return [snapshot for _, snapshot in indexed]

"""Read oVirt REST API snapshot responses (XML or JSON) and full VM OVFs: ``load_snapshots``.

Accepted documents:

- ``GET /ovirt-engine/api/vms/{vm}/snapshots`` (a ``<snapshots>`` collection, or JSON
  ``{"snapshot": [...]}``; an empty collection is ``{}`` in JSON), ``.../snapshots/{id}`` (one
  ``<snapshot>`` or one JSON object), and ``GET /vms/{vm}?follow=snapshots`` (``<vm>`` with a
  ``<snapshots>`` child), from API v4 (``snapshot_type``) or v3 (``type``), with or without
  ``All-Content: true``;
- a full VM OVF (OVF_STORE, ``?all_content=true``) with a SnapshotsSection.

With All-Content each snapshot's OVF is the escaped text of ``initialization/configuration/data``
(copies from the RHV documentation also backslash-escape its quotes; both read). JSON dates are
epoch milliseconds and booleans may be the strings ``"true"``/``"false"``; XML dates are ISO 8601
(without an offset: UTC).

This module is the one place outside ``ovfkit.xmlio`` that walks an lxml tree: a REST document is
not OVF, so it has no model; it is parsed only by ``ovfkit.xmlio.safe.parse_bytes`` (size cap,
DOCTYPE refused, no entities, no network). The OVF inside is read by ``ovfkit.loads`` like any
other. Every malformed document raises a typed ``OvfError`` (``OvfRestError`` for the wrong shape,
``OvfParseError``/``OvfSecurityError`` from the safe parser) naming the source, line and path.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timedelta, timezone
from typing import IO, Any, Union

from ovfkit.errors import OvfSecurityError, quote
from ovfkit.model.envelope import Envelope
from ovfkit.ovirt.errors import OvfRestError
from ovfkit.ovirt.snapshots import Snapshot, SnapshotStatus, SnapshotType, snapshots_of
from ovfkit.ovirt.values import parse_flag
from ovfkit.xmlio.safe import DEFAULT_LIMITS, Limits, parse_bytes, read_source

__all__ = ["Source", "load_snapshots", "parse_api_date"]

Source = Union[str, bytes, "os.PathLike[str]", IO[bytes]]

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)
_EPOCH_MS = re.compile(r"-?\d{1,16}", re.ASCII)
_SNAPSHOT_TYPES = frozenset(member.value for member in SnapshotType)
_SNAPSHOT_STATUSES = frozenset(member.value for member in SnapshotStatus)


def parse_api_date(value: object) -> datetime | None:
    """A REST API date as an aware datetime: epoch milliseconds (int or digit string, JSON) or ISO
    8601 text (XML; without an offset it is UTC). None for anything else.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _from_epoch_ms(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _EPOCH_MS.fullmatch(text):
        return _from_epoch_ms(int(text))
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    tz = timezone.utc
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or "0")
        if hours > 23 or minutes > 59:
            return None
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or "0"),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError:
        return None


def _from_epoch_ms(value: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(value / 1000, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


# -- entry point -----------------------------------------------------------------------------------


def load_snapshots(source: Source, *, limits: Limits = DEFAULT_LIMITS, lazy: bool = False) -> list[Snapshot]:
    """Read the snapshots of an oVirt REST API response or a full VM OVF, in document order.

    ``source`` is a path, bytes, a binary file object, or the document as a str (text starting
    with ``<``, ``{`` or ``[``; any other str is a path). Each snapshot's ``envelope`` is its
    configuration read through the safe loader, or None without one (no All-Content, the active
    snapshot). All configurations are loaded here, so a malformed one raises now; with
    ``lazy=True`` each is loaded on first access of ``envelope`` instead. Sort with
    ``oldest_first``.

    Raises ``OvfRestError`` for a document of the wrong shape (not a snapshot, snapshots
    collection, VM or OVF; a snapshot without id; an unescaped OVF in ``data``; a date that is not
    a date), ``OvfParseError`` for input that is not well-formed XML or JSON, and
    ``OvfSecurityError`` for hostile input (a DOCTYPE in the document or in an embedded OVF).
    """
    data, name = _read(source, limits)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        snapshots = _from_json_document(data, name, limits)
    else:
        snapshots = _from_xml_document(data, name, limits)
    if not lazy:
        for snapshot in snapshots:
            _ = snapshot.envelope
    return snapshots


def _read(source: Source, limits: Limits) -> tuple[bytes, str]:
    if isinstance(source, str) and source.lstrip("\ufeff \t\r\n")[:1] in ("<", "{", "["):
        data = source.encode("utf-8", "surrogatepass")
        if len(data) > limits.max_bytes:
            raise OvfSecurityError(
                f"input is larger than the limit of {limits.max_bytes} bytes", source="<string>"
            )
        return data, "<string>"
    return read_source(source, limits)


# -- XML -------------------------------------------------------------------------------------------


def _local(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child) == name]


def _child(element: Any, name: str) -> Any | None:
    for child in element:
        if _local(child) == name:
            return child
    return None


def _text(element: Any | None) -> str | None:
    if element is None:
        return None
    return "".join(element.itertext())


def _from_xml_document(data: bytes, name: str, limits: Limits) -> list[Snapshot]:
    parsed = parse_bytes(data, name, limits)
    root: Any = parsed.root
    local = _local(root)
    if local == "Envelope":
        from ovfkit.xmlio.reader import read_tree

        model = read_tree(parsed, name, limits)
        if not isinstance(model, Envelope):  # pragma: no cover - read_tree gives an Envelope for one
            raise OvfRestError("not an OVF descriptor", source=name, line=root.sourceline)
        return snapshots_of(model, source=name, limits=limits)
    if local == "snapshots":
        return [
            _from_xml_snapshot(el, name, f"/snapshots/snapshot[{i}]", limits) for i, el in _numbered(root)
        ]
    if local == "snapshot":
        return [_from_xml_snapshot(root, name, "/snapshot", limits)]
    if local == "vm":
        collection = _child(root, "snapshots")
        if collection is None:
            return []
        return [
            _from_xml_snapshot(el, name, f"/vm/snapshots/snapshot[{i}]", limits)
            for i, el in _numbered(collection)
        ]
    raise OvfRestError(
        f"not an oVirt snapshots document: the root element is <{quote(local, 60)}>, expected <snapshots>, "
        "<snapshot>, <vm> or an OVF Envelope",
        source=name,
        line=root.sourceline,
    )


def _numbered(collection: Any) -> list[tuple[int, Any]]:
    return list(enumerate(_children(collection, "snapshot"), start=1))


def _from_xml_snapshot(element: Any, name: str, path: str, limits: Limits) -> Snapshot:
    snapshot_id = (element.get("id") or "").strip()
    if not snapshot_id:
        raise OvfRestError("a snapshot has no id attribute", source=name, line=element.sourceline, path=path)
    date_element: Any = _child(element, "date")
    date = None
    date_text = _text(date_element)
    if date_text is not None and date_text.strip():
        date = parse_api_date(date_text)
        if date is None:
            raise OvfRestError(
                f"snapshot {snapshot_id}: date {quote(date_text, 80)!r} is not an ISO 8601 date",
                source=name,
                line=date_element.sourceline,
                path=path + "/date",
            )
    memory_text = _text(_child(element, "persist_memorystate"))
    vm = _child(element, "vm")
    configuration, data_line, data_path = _xml_configuration(element, snapshot_id, name, path)
    return Snapshot(
        id=snapshot_id,
        type=_snapshot_type(_text(_child(element, "snapshot_type")), _text(_child(element, "type"))),
        description=_text(_child(element, "description")),
        date=date,
        status=_xml_status(element),
        persist_memorystate=parse_flag(memory_text) if memory_text is not None else None,
        vm_id=(vm.get("id") or None) if vm is not None else None,
        configuration=configuration,
        source=name,
        line=element.sourceline,
        path=path,
        configuration_line=data_line,
        configuration_path=data_path,
        limits=limits,
    )


def _xml_status(element: Any) -> SnapshotStatus | None:
    status = _text(_child(element, "snapshot_status"))
    if status is not None and status.strip():
        return SnapshotStatus(status.strip())
    legacy = _child(element, "status")  # API v3: <status><state>ok</state></status>; v4: the VM's status
    if legacy is not None:
        state = _child(legacy, "state")
        value = (_text(state) if state is not None else _text(legacy)) or ""
        if value.strip().lower() in _SNAPSHOT_STATUSES:
            return SnapshotStatus(value.strip())
    return None


def _xml_configuration(
    element: Any, snapshot_id: str, name: str, path: str
) -> tuple[str | None, int | None, str]:
    data_path = path + "/initialization/configuration/data"
    initialization = _child(element, "initialization")
    configuration = _child(initialization, "configuration") if initialization is not None else None
    data = _child(configuration, "data") if configuration is not None else None
    if data is None:
        return None, None, data_path
    if len(data):
        first = data[0]
        what = f"<{_local(first)}>" if _local(first) else "markup"
        raise OvfRestError(
            f"snapshot {snapshot_id}: the configuration data holds {what} elements, not escaped text: "
            "the OVF must be escaped (&lt;...) inside <data>",
            source=name,
            line=first.sourceline,
            path=data_path,
        )
    return data.text, data.sourceline, data_path


# -- JSON ------------------------------------------------------------------------------------------


def _from_json_document(data: bytes, name: str, limits: Limits) -> list[Snapshot]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise OvfRestError(f"JSON is not valid UTF-8 at byte {error.start}", source=name) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise OvfRestError(
            f"not well-formed JSON: {error.msg}", source=name, line=error.lineno, column=error.colno
        ) from None
    except RecursionError:  # the decoder's own bound on nesting (about a thousand levels)
        raise OvfSecurityError("JSON nests deeper than the decoder allows", source=name) from None
    return _json_snapshots(document, name, limits)


def _json_snapshots(document: object, name: str, limits: Limits) -> list[Snapshot]:
    if isinstance(document, list):
        return [_from_json_snapshot(item, name, f"$[{i}]", limits) for i, item in enumerate(document)]
    if not isinstance(document, dict):  # pragma: no cover - only text starting with { or [ is read as JSON
        raise OvfRestError(
            "not an oVirt snapshots document: the JSON is not an object", source=name, path="$"
        )
    if "snapshot" in document:
        items = document["snapshot"]
        if isinstance(items, dict):
            return [_from_json_snapshot(items, name, "$.snapshot", limits)]
        if not isinstance(items, list):
            raise OvfRestError("'snapshot' is neither a list nor an object", source=name, path="$.snapshot")
        return [_from_json_snapshot(item, name, f"$.snapshot[{i}]", limits) for i, item in enumerate(items)]
    if "snapshots" in document:
        inner = document["snapshots"]
        prefix = "$.snapshots"
        if isinstance(inner, dict) and "snapshot" in inner:
            inner = inner["snapshot"]
            prefix += ".snapshot"
        if isinstance(inner, dict):
            inner = [inner]
        if not isinstance(inner, list):
            raise OvfRestError("'snapshots' is not a list of snapshots", source=name, path=prefix)
        return [_from_json_snapshot(item, name, f"{prefix}[{i}]", limits) for i, item in enumerate(inner)]
    if "id" in document:
        return [_from_json_snapshot(document, name, "$", limits)]
    if not document:
        return []  # the engine writes an empty collection as {}
    keys = ", ".join(repr(key) for key in list(document)[:5])
    raise OvfRestError(
        "not an oVirt snapshots document: expected 'snapshot' or a snapshot's 'id', "
        f"found {quote(keys, 120)}",
        source=name,
        path="$",
    )


def _json_text(obj: dict[str, Any], key: str, name: str, path: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise OvfRestError(f"'{key}' is a {type(value).__name__}, not text", source=name, path=f"{path}.{key}")


def _from_json_snapshot(obj: object, name: str, path: str, limits: Limits) -> Snapshot:
    if not isinstance(obj, dict):
        raise OvfRestError(f"a snapshot is a {type(obj).__name__}, not an object", source=name, path=path)
    snapshot_id = (_json_text(obj, "id", name, path) or "").strip()
    if not snapshot_id:
        raise OvfRestError("a snapshot has no id", source=name, path=path)
    date = None
    raw_date = obj.get("date")
    if raw_date is not None and raw_date != "":
        date = parse_api_date(raw_date)
        if date is None:
            raise OvfRestError(
                f"snapshot {snapshot_id}: date {quote(str(raw_date), 80)!r} is neither epoch milliseconds "
                "nor an ISO 8601 date",
                source=name,
                path=path + ".date",
            )
    persist = _json_text(obj, "persist_memorystate", name, path)
    status = _json_text(obj, "snapshot_status", name, path)
    if status is None:
        legacy = obj.get("status")
        if isinstance(legacy, dict):
            legacy = legacy.get("state")
        if isinstance(legacy, str) and legacy.strip().lower() in _SNAPSHOT_STATUSES:
            status = legacy
    vm = obj.get("vm")
    vm_id = vm.get("id") if isinstance(vm, dict) and isinstance(vm.get("id"), str) else None
    data_path = path + ".initialization.configuration.data"
    configuration = _json_configuration(obj, snapshot_id, name, data_path)
    return Snapshot(
        id=snapshot_id,
        type=_snapshot_type(_json_text(obj, "snapshot_type", name, path), _plain_text(obj.get("type"))),
        description=_json_text(obj, "description", name, path),
        date=date,
        status=SnapshotStatus(status.strip()) if status and status.strip() else None,
        persist_memorystate=parse_flag(persist) if persist is not None else None,
        vm_id=vm_id,
        configuration=configuration,
        source=name,
        path=path,
        configuration_path=data_path,
        limits=limits,
    )


def _plain_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _json_configuration(obj: dict[str, Any], snapshot_id: str, name: str, data_path: str) -> str | None:
    initialization = obj.get("initialization")
    if initialization is None:
        return None
    configuration = initialization.get("configuration") if isinstance(initialization, dict) else None
    if not isinstance(configuration, dict):
        return None
    data = configuration.get("data")
    if data is None:
        return None
    if not isinstance(data, str):
        raise OvfRestError(
            f"snapshot {snapshot_id}: the configuration data is a {type(data).__name__}, not OVF text",
            source=name,
            path=data_path,
        )
    return data


def _snapshot_type(v4: str | None, v3: str | None) -> SnapshotType | None:
    """``snapshot_type`` (v4); else ``type`` (v3), when it names a snapshot type: in v4 a snapshot
    also carries the VM's own ``type`` (``server``, ``desktop``), which is not the snapshot's.
    """
    if v4 is not None and v4.strip():
        return SnapshotType(v4.strip())
    if v3 is not None and v3.strip().lower() in _SNAPSHOT_TYPES:
        return SnapshotType(v3.strip())
    return None

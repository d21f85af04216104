"""OVF <-> JSON: the lossless JSON form of the models, its JSON Schema, and a compact summary.

The JSON form is pydantic's serialization of an ``Envelope`` or ``Environment`` (snake_case field
names, typed values as JSON numbers and booleans, vendor content as generic ``Node``/``Comment``/
``ProcessingInstruction`` objects), inside a small envelope object that names the format. How each
element was written (its ``XmlInfo``) is in a table of the document's distinct layouts, and an
element's ``xml`` key holds the number of its entry there::

    {"ovfkit": "2", "kind": "envelope", "layouts": [{...XmlInfo...}, ...], "document": {...}}

``from_json`` also reads format ``"1"``, which wrote each element's ``XmlInfo`` in its ``xml`` key.

``to_json`` writes it with serializers compiled for the concrete model types (``convert_write``).
``from_json`` validates strictly through pydantic and then checks that the result can be written as
well-formed XML within the loader's ``Limits`` (``convert_check``); every failure is an
``OvfJsonError`` naming the JSON path (``$.document.sections[0]``). See ``docs/json.md``.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import enum
import functools
import gc
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import PydanticSerializationError, core_schema

from ovfkit.convert_check import check_writable, may_hold_illegal_characters
from ovfkit.convert_errors import OvfJsonError, OvfJsonLimitError, json_path
from ovfkit.convert_write import LayoutNumbers, omitted_when_empty, write_layouts, write_numbered
from ovfkit.errors import OvfSecurityError, OvfWriteError, quote
from ovfkit.model.base import (
    READING_LAYOUTS,
    Comment,
    LayoutTable,
    Node,
    OvfModel,
    ProcessingInstruction,
    XmlInfo,
)
from ovfkit.model.envelope import Document, Envelope
from ovfkit.model.environment import Environment
from ovfkit.model.values import ResourceType
from ovfkit.summary import summary_data
from ovfkit.xmlio.safe import DEFAULT_LIMITS, Limits

__all__ = [
    "FORMAT_VERSION",
    "JSON_SIZE_FACTOR",
    "OvfJsonError",
    "OvfJsonLimitError",
    "READ_FORMAT_VERSIONS",
    "SUMMARY_VERSION",
    "check_writable",
    "from_json",
    "json_path",
    "json_schema",
    "summary_data",
    "to_json",
    "to_summary",
]

#: The version of the JSON form, written as ``"ovfkit": "2"``; it changes only on incompatible changes.
FORMAT_VERSION = "2"
#: The versions of the JSON form ``from_json`` reads: "1" wrote each element's layout in place.
READ_FORMAT_VERSIONS = ("1", "2")
#: The version of the summary JSON (``to_summary``).
SUMMARY_VERSION = "1"

#: JSON input may be this many times ``Limits.max_bytes`` (the JSON form is larger than its XML).
JSON_SIZE_FACTOR = 4

Model = Union[Envelope, Environment]  # noqa: UP007  (a runtime alias on Python 3.10)


# -- the JSON form ---------------------------------------------------------------------------------


class _JsonForm(BaseModel):
    """What the JSON forms of both kinds of document share: the format version and the layouts.

    The fields are validated in this order, so the layouts are known before the document is read;
    ``from_json`` sets ``READING_LAYOUTS`` to the ``LayoutTable`` that the document's numbers index.
    """

    model_config = ConfigDict(extra="forbid")

    ovfkit: Literal["1", "2"]
    kind: str
    layouts: list[XmlInfo] = Field(default_factory=list, validate_default=True)

    @field_validator("ovfkit")
    @classmethod
    def _numbered(cls, value: str) -> str:
        table = READING_LAYOUTS.get()
        if table is not None:
            table.numbered = value != "1"
        return value

    @field_validator("layouts")
    @classmethod
    def _table(cls, value: list[XmlInfo]) -> list[XmlInfo]:
        table = READING_LAYOUTS.get()
        if table is not None:
            if value and not table.numbered:
                raise ValueError('a document of format "1" has no layout table')
            table.layouts[:] = value
            table.pending = False
        return value


class _EnvelopeJson(_JsonForm):
    """The JSON form of an OVF descriptor."""

    model_config = ConfigDict(title="OvfkitEnvelopeJson")

    kind: Literal["envelope"]
    document: Envelope


class _EnvironmentJson(_JsonForm):
    """The JSON form of an OVF environment document (``ovf-env.xml``)."""

    model_config = ConfigDict(title="OvfkitEnvironmentJson")

    kind: Literal["environment"]
    document: Environment


_Forms = Annotated[_EnvelopeJson | _EnvironmentJson, Field(discriminator="kind")]


@functools.lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[_EnvelopeJson | _EnvironmentJson]:
    return TypeAdapter(_Forms)


def to_json(model: Model, *, indent: int | None = None) -> str:
    """Return the JSON form of an ``Envelope`` or ``Environment``.

    ``indent`` None gives one compact line; a number pretty-prints with that many spaces. Fields that
    are None, and empty collections that are a field's default, are left out (they read back as
    their defaults). Each distinct layout (``XmlInfo``) is written once, in the ``layouts`` table,
    and an element's ``xml`` is its number there. ``from_json`` turns the text back into an equal
    model, which ``dumps`` writes as the same XML.
    """
    if isinstance(model, Envelope):
        kind = "envelope"
    elif isinstance(model, Environment):
        kind = "environment"
    else:
        raise TypeError(f"to_json takes an Envelope or an Environment, not {type(model).__name__}")
    if indent is not None and indent < 0:
        raise ValueError("indent must be None or a number of spaces >= 0")
    # pretty-printed, the document and the layouts are one level in
    level = 0 if indent is None else 1
    try:
        body, layouts = write_numbered(model, indent, level)
    except PydanticSerializationError as exc:
        if "depth" not in str(exc):
            raise OvfWriteError(f"the model cannot be written as JSON: {quote(str(exc), 300)}") from None
        # Nesting deeper than pydantic-core serializes (about 250 elements, more than libxml2 reads).
        numbers = LayoutNumbers()
        separators = (",", ":") if indent is None else (",", ": ")
        text = json.dumps(_plain(model, numbers), ensure_ascii=False, indent=indent, separators=separators)
        if indent is not None:
            # JSON text never has a raw newline inside a string, so re-indenting the body is a replace.
            text = text.replace("\n", "\n" + " " * indent)
        body, layouts = text.encode(), numbers.layouts
    table = write_layouts(layouts, indent, level)
    if indent is None:
        head = f'{{"ovfkit":"{FORMAT_VERSION}","kind":"{kind}","layouts":'
        parts = (head.encode(), table, b',"document":', body, b"}")
    else:
        pad = " " * indent
        head = f'{{\n{pad}"ovfkit": "{FORMAT_VERSION}",\n{pad}"kind": "{kind}",\n{pad}"layouts": '
        parts = (head.encode(), table, f',\n{pad}"document": '.encode(), body, b"\n}")
    return b"".join(parts).decode()


def _plain(value: Any, numbers: LayoutNumbers) -> Any:
    """The JSON data ``write_numbered`` writes for a model (None and empty defaults left out, layouts
    numbered), built by plain recursion."""
    if isinstance(value, XmlInfo):
        return numbers.number(value)
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        omitted = omitted_when_empty(type(value))
        out = {}
        for key, item in value.__dict__.items():
            info = fields.get(key)
            if info is None or info.exclude or item is None:
                continue
            if key in omitted and isinstance(item, (list, dict, tuple)) and not item:
                continue
            out[key] = _plain(item, numbers)
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(item, numbers) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item, numbers) for key, item in value.items()}
    return value


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Keep the cyclic garbage collector out of building a large model (it makes no cycles)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def from_json(text: str | bytes, *, source: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Model:
    """Read the JSON form (``to_json``'s output) back into an ``Envelope`` or ``Environment``.

    Validation is strict (``"5"`` is not an integer, ``"true"`` not a boolean) and is followed by the
    checks that make the model writable as well-formed XML: names, characters, declared prefixes,
    comments, processing instructions, the XML declaration. ``limits`` hold as they do for loading
    the XML the model would be written as: nesting depth, element and node counts, text length,
    and ``max_bytes`` for the layouts repeated by the elements that share them; the JSON text itself
    may be ``JSON_SIZE_FACTOR`` times ``max_bytes``. Reads format 2 and format 1 (``READ_FORMAT_VERSIONS``);
    the elements of one layout share one ``XmlInfo``. Raises ``OvfJsonError``
    naming the JSON path, or an ``OvfSecurityError`` (``OvfJsonLimitError`` for the limits the
    document would break) for input over the limits.
    """
    name = source or "<json>"
    size = len(text)
    if size > limits.max_bytes * JSON_SIZE_FACTOR:
        raise OvfSecurityError(
            f"JSON input is larger than the limit of {limits.max_bytes * JSON_SIZE_FACTOR} bytes", source=name
        )
    if isinstance(text, bytes) and text.startswith(codecs.BOM_UTF8):
        text = text[len(codecs.BOM_UTF8) :]
    elif isinstance(text, str) and text.startswith("\ufeff"):
        text = text[1:]
    table = LayoutTable()
    token = READING_LAYOUTS.set(table)
    try:
        with _no_collection():
            try:
                wrapped = _adapter().validate_json(text, strict=True)
            except ValidationError as exc:
                first = exc.errors(include_url=False, include_context=False)[0]
                if first["type"] != "json_invalid" or "recursion limit" not in first["msg"]:
                    raise _validation_error(exc, text, name) from None
                table = LayoutTable()
                READING_LAYOUTS.set(table)
                wrapped = _validate_in_pieces(text, name)
            except (ValueError, RecursionError) as exc:
                raise OvfJsonError(f"cannot read the JSON: {quote(str(exc), 200)}", source=name) from None
    finally:
        READING_LAYOUTS.reset(token)
    model = wrapped.document
    scan = may_hold_illegal_characters(text)
    check_writable(model, limits=limits, source=name, scan_characters=scan, text=text, layouts=table.layouts)
    return model


# -- JSON nested deeper than pydantic's JSON parser reads in one piece -----------------------------

#: JSON nesting (objects and arrays) validated in one piece; pydantic's JSON parser stops at 200.
_PIECE_DEPTH = 96
#: The objects that nest (generic elements, collections) and the list field their nesting goes through.
_NESTING = {"element": "children", "VirtualSystemCollection": "contents"}


@dataclass
class _Piece:
    """A part of a deep JSON document validated on its own: the document, or a list cut out of it."""

    data: Any
    prefix: list[str | int]  # JSON path of this piece in the whole document
    parent: int = -1  # the piece holding the object the list was cut from
    where: list[str | int] = dataclass_field(default_factory=list)  # that object's path in its piece
    field: str = ""
    kind: str = ""


@functools.lru_cache(maxsize=2)
def _list_adapter(kind: str) -> TypeAdapter[Any]:
    from ovfkit.model.base import Extension
    from ovfkit.model.envelope import Content

    return TypeAdapter(list[Extension] if kind == "element" else list[Content])


def _cut(data: Any, depth: int, path: list[str | int], index: int, pieces: list[_Piece]) -> None:
    """Move the nesting lists of objects deeper than ``_PIECE_DEPTH`` into pieces of their own."""
    if isinstance(data, dict):
        kind = data.get("kind")
        nesting = _NESTING.get(kind) if isinstance(kind, str) else None
        for key, value in data.items():
            if key == nesting and depth >= _PIECE_DEPTH and isinstance(value, list) and value:
                data[key] = []
                prefix = [*pieces[index].prefix, *path, key]
                pieces.append(_Piece(value, prefix, index, list(path), key, str(kind)))
                _cut(value, 0, [], len(pieces) - 1, pieces)
            else:
                _cut(value, depth + 1, [*path, key], index, pieces)
    elif isinstance(data, list):
        for position, value in enumerate(data):
            _cut(value, depth + 1, [*path, position], index, pieces)


def _validate_in_pieces(text: str | bytes, name: str) -> Any:
    """Strictly validate deeply nested JSON by cutting it into pieces and joining the models."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise OvfJsonError("the JSON nests deeper than ovfkit reads", source=name) from None
    except ValueError as exc:
        raise OvfJsonError(f"not valid JSON: {quote(str(exc), 200)}", source=name) from None
    pieces = [_Piece(data, [])]
    _cut(data, 0, [], 0, pieces)
    built: list[Any] = []
    for index, piece in enumerate(pieces):
        piece_text = json.dumps(piece.data, ensure_ascii=False)
        adapter = _adapter() if index == 0 else _list_adapter(piece.kind)
        try:
            value = adapter.validate_json(piece_text, strict=True)
        except ValidationError as exc:
            raise _validation_error(exc, piece_text, name, piece.prefix, piece.data) from None
        built.append(value)
        if index:
            holder = built[piece.parent]
            for step in piece.where:
                holder = holder[step] if isinstance(step, int) else getattr(holder, step)
            holder.__dict__[piece.field] = value  # no re-validation: the value was just validated
    return built[0]


# -- errors ----------------------------------------------------------------------------------------

_JSON_POSITION = re.compile(r"at line (\d+) column (\d+)")


_UNPARSED = object()


def _data_path(loc: tuple[str | int, ...], text: str | bytes, prefix: list[str | int], data: Any) -> str:
    """The JSON path of a pydantic error location: the union tags pydantic adds are left out.

    The location is walked along the JSON data itself: a step that is not a key or index of the
    value reached so far is a union tag (``DiskSection``, ``element``), not part of the path.
    """
    if data is _UNPARSED:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return json_path([*prefix, *(p for p in loc if isinstance(p, int) or not p[:1].isupper())])
    parts: list[str | int] = list(prefix)
    for step in loc:
        in_dict = isinstance(data, dict) and isinstance(step, str) and step in data
        in_list = isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data)
        if in_dict or in_list:
            data = data[step]
            parts.append(step)
        elif isinstance(data, dict) and isinstance(step, str) and step in _field_names():
            parts.append(step)  # a missing key: the path ends here
            data = None
    return json_path(parts)


def _describe(value: Any) -> str:
    """A short description of an offending input value (never more than a few dozen characters)."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return quote(repr(value), 40)
    if isinstance(value, str):
        return json.dumps(quote(value, 40), ensure_ascii=False)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def _validation_error(
    exc: ValidationError,
    text: str | bytes,
    name: str,
    prefix: list[str | int] | None = None,
    data: Any = _UNPARSED,
) -> OvfJsonError:
    errors = exc.errors(include_url=False, include_context=False)
    first = errors[0]
    kind = first["type"]
    loc = tuple(first["loc"])
    if kind == "json_invalid":
        message = quote(first["msg"].removeprefix("Invalid JSON: "), 200)
        found = _JSON_POSITION.search(message)
        line = int(found.group(1)) if found else None
        column = int(found.group(2)) if found else None
        return OvfJsonError(f"not valid JSON: {message}", source=name, line=line, column=column)
    if (
        not loc
        and not prefix
        and kind in ("union_tag_invalid", "union_tag_not_found", "model_attributes_type", "dict_type")
    ):
        given = first.get("input")
        tag = given.get("kind") if isinstance(given, dict) else None
        if tag == "summary":
            return OvfJsonError(
                "this is an ovfkit summary, which leaves most of the document out and cannot be converted "
                "back; convert the full JSON form (ovfkit convert --to json)",
                source=name,
                path="$.kind",
            )
        if not isinstance(given, dict) or "ovfkit" not in given:
            return OvfJsonError(
                f'not ovfkit JSON: expected an object {{"ovfkit": "{FORMAT_VERSION}", "kind": "envelope" or '
                '"environment", "layouts": [...], "document": {...}}',
                source=name,
                path="$",
            )
        found_tag = f"not {_describe(tag)}" if "kind" in given else "and it is missing"
        return OvfJsonError(
            f'"kind" must be "envelope" or "environment", {found_tag}', source=name, path="$.kind"
        )
    path = _data_path(loc, text, prefix or [], data)
    message = quote(first["msg"], 200)
    if kind == "enum" and loc and loc[-1] == "resource_type":
        message = "a ResourceType is an integer from 0 to 65535"
    if kind != "missing" and "input" in first:
        message += f" (got {_describe(first['input'])})"
    if path == "$.ovfkit":
        if kind == "missing":
            message = 'not ovfkit JSON: the "ovfkit" format marker is missing'
        else:
            got = _describe(first.get("input"))
            readable = " and ".join(f'"{version}"' for version in READ_FORMAT_VERSIONS)
            message = f"unsupported ovfkit JSON format version {got}: this ovfkit reads {readable}"

    more = len(errors) - 1
    if more:
        message += f"; and {more} more problem{'s' if more > 1 else ''}"
    return OvfJsonError(message, source=name, path=path)


@functools.lru_cache(maxsize=1)
def _field_names() -> frozenset[str]:
    """Every field name of the JSON form (to tell a missing key from a union tag)."""
    names: set[str] = set()
    stack: list[type[BaseModel]] = [
        _EnvelopeJson,
        _EnvironmentJson,
        XmlInfo,
        Document,
        Node,
        Comment,
        OvfModel,
    ]
    stack.append(ProcessingInstruction)
    while stack:
        cls = stack.pop()
        names.update(cls.model_fields)
        stack.extend(cls.__subclasses__())
    return frozenset(names)


# -- JSON Schema -----------------------------------------------------------------------------------

SCHEMA_ID = f"urn:ovfkit:json:{FORMAT_VERSION}"

_XML_INFO_REF = "#/$defs/XmlInfo"


class _SchemaGenerator(GenerateJsonSchema):
    """Pydantic's generator, with ResourceType as the integer range it really accepts."""

    def enum_schema(self, schema: core_schema.EnumSchema) -> JsonSchemaValue:
        """ResourceType takes any integer from 0 to 65535, not only the named members."""
        if schema["cls"] is ResourceType:
            return {
                "title": "ResourceType",
                "description": "CIM ResourceType: 1-33 are defined by CIM (17 disk drive, 10 Ethernet "
                "adapter, ...); 0 (oVirt) and 32768-65535 (vendor) are kept as they are.",
                "type": "integer",
                "minimum": 0,
                "maximum": 65535,
            }
        return super().enum_schema(schema)


def _require_kind(node: Any) -> None:
    """Every object with a constant ``kind`` must carry it: it picks the union member."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict) and "const" in properties.get("kind", {}):
            required = node.setdefault("required", [])
            if "kind" not in required:
                required.insert(0, "kind")
        for value in node.values():
            _require_kind(value)
    elif isinstance(node, list):
        for value in node:
            _require_kind(value)


def _numbered_layouts(node: Any) -> None:
    """The schema of what ``to_json`` writes: format 2, each element's ``xml`` a layout number."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            layout = properties.get("xml")
            if isinstance(layout, dict) and {"$ref": _XML_INFO_REF} in layout.get("anyOf", []):
                properties["xml"] = {
                    "title": "Xml",
                    "description": "How the element was written: the number of its entry in the "
                    "document's layouts.",
                    "type": "integer",
                    "minimum": 0,
                }
            version = properties.get("ovfkit")
            if isinstance(version, dict) and "enum" in version:
                properties["ovfkit"] = {"title": "Ovfkit", "const": FORMAT_VERSION, "type": "string"}
        for value in node.values():
            _numbered_layouts(value)
    elif isinstance(node, list):
        for value in node:
            _numbered_layouts(value)


@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    generated = _adapter().json_schema(mode="validation", schema_generator=_SchemaGenerator)
    _require_kind(generated)
    _numbered_layouts(generated)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"ovfkit JSON form {FORMAT_VERSION} of OVF descriptors and environment documents",
        "description": "What ovfkit.to_json writes and ovfkit.from_json reads; see docs/json.md.",
        **generated,
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON form ``to_json`` writes (a fresh copy)."""
    return copy.deepcopy(_schema())


# -- summary ---------------------------------------------------------------------------------------


def to_summary(model: Model, *, profile: str | None = None) -> dict[str, Any]:
    """The compact summary JSON object: ``{"ovfkit": "1", "kind": "summary", "summary_of": ..., ...}``.

    ``summary_of`` is ``descriptor`` or ``environment``; the other keys are ``summary_data``'s. A
    summary leaves most of the document out: ``from_json`` refuses it.
    """
    data = summary_data(model, profile)
    summary_of = data.pop("kind")
    return {"ovfkit": SUMMARY_VERSION, "kind": "summary", "summary_of": summary_of, **data}

"""OVF <-> JSON: the lossless JSON form of the models, its JSON Schema, and a compact summary.

The JSON form is pydantic's serialization of an ``Envelope`` or ``Environment`` (snake_case field
names, typed values as JSON numbers and booleans, vendor content as generic ``Node``/``Comment``/
``ProcessingInstruction`` objects, the layout facts under each object's ``xml`` key), inside a small
envelope object that names the format::

    {"ovfkit": "1", "kind": "envelope", "document": {...the Envelope...}}

``from_json`` validates strictly through pydantic and then checks that the result can be written as
well-formed XML; every failure is an ``OvfJsonError`` naming the JSON path (``$.document.sections[0]``).
See ``docs/json.md``.
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

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import PydanticSerializationError, core_schema

from ovfkit.errors import OvfParseError, OvfSecurityError, OvfWriteError, quote
from ovfkit.model.base import Comment, Node, OvfModel, ProcessingInstruction, XmlInfo
from ovfkit.model.binding import binding_of
from ovfkit.model.envelope import Document, Envelope
from ovfkit.model.environment import Environment
from ovfkit.model.values import ResourceType
from ovfkit.namespaces import FAMILY_OF, Ns
from ovfkit.xmlio.safe import DEFAULT_LIMITS, Limits

__all__ = [
    "FORMAT_VERSION",
    "JSON_SIZE_FACTOR",
    "OvfJsonError",
    "from_json",
    "json_schema",
    "summary_data",
    "to_json",
    "to_summary",
]

#: The version of the JSON form, written as ``"ovfkit": "1"``; it changes only on incompatible changes.
FORMAT_VERSION = "1"

#: JSON input may be this many times ``Limits.max_bytes`` (the JSON form is larger than its XML).
JSON_SIZE_FACTOR = 4

Model = Union[Envelope, Environment]  # noqa: UP007  (a runtime alias on Python 3.10)


class OvfJsonError(OvfParseError):
    """JSON input cannot become a model: not JSON, the wrong shape, or it would not make well-formed XML.

    ``path`` is the JSON path of the offending value (``$.document.sections[2].disks[0].capacity``);
    ``line`` and ``column`` are set for JSON syntax errors.
    """


# -- the JSON form ---------------------------------------------------------------------------------


class _EnvelopeJson(BaseModel):
    """The JSON form of an OVF descriptor."""

    model_config = ConfigDict(extra="forbid", title="OvfkitEnvelopeJson")

    ovfkit: Literal["1"]
    kind: Literal["envelope"]
    document: Envelope


class _EnvironmentJson(BaseModel):
    """The JSON form of an OVF environment document (``ovf-env.xml``)."""

    model_config = ConfigDict(extra="forbid", title="OvfkitEnvironmentJson")

    ovfkit: Literal["1"]
    kind: Literal["environment"]
    document: Environment


_JsonForm = Annotated[_EnvelopeJson | _EnvironmentJson, Field(discriminator="kind")]


@functools.lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[_EnvelopeJson | _EnvironmentJson]:
    return TypeAdapter(_JsonForm)


def to_json(model: Model, *, indent: int | None = None) -> str:
    """Return the JSON form of an ``Envelope`` or ``Environment``.

    ``indent`` None gives one compact line; a number pretty-prints with that many spaces. Fields that
    are None are left out (they read back as None). ``from_json`` turns the text back into an equal
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
    try:
        # serialize_as_any: each object is written by its own class's serializer, which keeps the
        # discriminated unions (sections, content, extensions) off pydantic's slow union path.
        body = model.model_dump_json(
            indent=indent, exclude_none=True, serialize_as_any=True, warnings="error"
        )
    except PydanticSerializationError as exc:
        if "depth" not in str(exc):
            raise OvfWriteError(f"the model cannot be written as JSON: {quote(str(exc), 300)}") from None
        # Nesting deeper than pydantic serializes (about 80 elements) but within what the loader reads.
        separators = (",", ":") if indent is None else (",", ": ")
        body = json.dumps(_plain(model), ensure_ascii=False, indent=indent, separators=separators)
    if indent is None:
        return f'{{"ovfkit":"{FORMAT_VERSION}","kind":"{kind}","document":{body}}}'
    pad = " " * indent
    # JSON text never has a raw newline inside a string, so re-indenting the body is a replace.
    body = body.replace("\n", "\n" + pad)
    return f'{{\n{pad}"ovfkit": "{FORMAT_VERSION}",\n{pad}"kind": "{kind}",\n{pad}"document": {body}\n}}'


def _plain(value: Any) -> Any:
    """The JSON data pydantic writes for a model (None left out), built by plain recursion."""
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        out = {}
        for key, item in value.__dict__.items():
            info = fields.get(key)
            if info is not None and not info.exclude and item is not None:
                out[key] = _plain(item)
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
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
    comments, processing instructions, the XML declaration, nesting depth and element count.
    Raises ``OvfJsonError`` naming the JSON path, or ``OvfSecurityError`` for input over the limits.
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
    with _no_collection():
        try:
            wrapped = _adapter().validate_json(text, strict=True)
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_context=False)[0]
            if first["type"] != "json_invalid" or "recursion limit" not in first["msg"]:
                raise _validation_error(exc, text, name) from None
            wrapped = _validate_in_pieces(text, name)
        except (ValueError, RecursionError) as exc:
            raise OvfJsonError(f"cannot read the JSON: {quote(str(exc), 200)}", source=name) from None
    model = wrapped.document
    check_writable(model, limits=limits, source=name, scan_characters=_may_hold_illegal_characters(text))
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
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def json_path(parts: list[str | int]) -> str:
    """Format path parts as a JSON path: ``$.document.sections[2]["ovf:size"]``."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.fullmatch(part):
            out.append("." + part)
        else:
            out.append("[" + json.dumps(quote(part, 60), ensure_ascii=False) + "]")
    return "".join(out)


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
                'not ovfkit JSON: expected an object {"ovfkit": "1", "kind": "envelope" or "environment", '
                '"document": {...}}',
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
            message = f'unsupported ovfkit JSON format version {got}: this ovfkit reads "{FORMAT_VERSION}"'

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


# -- checks that the model can be written as XML ---------------------------------------------------

_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_CHAR = _NAME_START + "\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_NCNAME = f"[{_NAME_START}][{_NAME_CHAR}]*"
_NCNAME_RE = re.compile(_NCNAME)
_QNAME_RE = re.compile(f"(?:{_NCNAME}:)?{_NCNAME}")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_WHITESPACE = re.compile("[ \t\r\n]*")
_DECLARATION = re.compile(
    r"""<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1"""
    r"""(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?"""
    r"""(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*\?>"""
)
#: An escape in JSON text for a character XML 1.0 cannot carry: a C0 control but tab, LF and CR
#: (``\b``, ``\f``, ``\u0001``) or U+FFFE/U+FFFF; or an escaped backslash, which the scan skips.
#: (Raw control characters and lone surrogates are not valid JSON: the JSON parser refuses them.)
_ESCAPE = r"\\(?:\\|[bf]|u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])|u[fF]{3}[eEfF])"
_ESCAPE_TEXT = re.compile(_ESCAPE)
_ESCAPE_BYTES = re.compile(_ESCAPE.encode())
_XML_URI = Ns.XML.value
_XMLNS_URI = "http://www.w3.org/2000/xmlns/"
#: Codecs Python knows that are not character sets a document can be written in.
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "utf-7"})


def _may_hold_illegal_characters(text: str | bytes) -> bool:
    """False when the JSON text certainly holds no character XML 1.0 cannot carry (one regex scan)."""
    if isinstance(text, bytes):
        if not text.isascii() and (b"\xef\xbf\xbe" in text or b"\xef\xbf\xbf" in text):
            return True
        return any(match.group() != b"\\\\" for match in _ESCAPE_BYTES.finditer(text))
    if not text.isascii() and ("\ufffe" in text or "\uffff" in text):
        return True
    return any(match.group() != "\\\\" for match in _ESCAPE_TEXT.finditer(text))


class _XmlError(Exception):
    """A reason the model cannot be written; the path is collected while the walk unwinds."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.parts: list[str | int] = []

    def at(self, *parts: str | int) -> _XmlError:
        """Prepend path parts (called from the innermost frame outwards)."""
        self.parts[0:0] = parts
        return self


_Scope = dict[str, str]


class _Checker:
    """Walks a model and raises ``_XmlError`` for anything that would not be well-formed XML."""

    def __init__(self, limits: Limits) -> None:
        self.ovf_uri: str | None = None  # the envelope's own namespace, when it is not a known one
        self.max_depth = limits.max_depth
        self.max_elements = limits.max_elements
        self.count = 0
        self.names: set[str] = set()
        self.resolved: set[tuple[Any, ...]] = set()
        self.scopes: list[_Scope] = []  # kept alive so that scope ids stay unique during a walk
        self.model_children: dict[type, list[tuple[str, bool]]] = {}

    # -- names and scopes ----------------------------------------------------------------------

    def qname(self, name: str, what: str) -> None:
        if name in self.names:
            return
        if not isinstance(name, str) or not _QNAME_RE.fullmatch(name):
            raise _XmlError(f"{quote(repr(name), 80)} is not a valid XML {what} name")
        self.names.add(name)

    def uri_of(self, name: str, scope: _Scope, element: bool) -> str | None:
        """The namespace of a qualified name in scope; a ``_XmlError`` for an undeclared prefix."""
        prefix, sep, _ = name.rpartition(":")
        if not sep:
            return scope.get("") if element else None
        if prefix == "xmlns":
            raise _XmlError(f"{quote(name, 80)!r}: namespace declarations belong in the ns list")
        if prefix == "xml":
            return _XML_URI
        uri = scope.get(prefix)
        if uri is None:
            raise _XmlError(f"the prefix {quote(prefix, 40)!r} of {quote(name, 80)!r} is not declared")
        return uri

    def declare(self, pairs: Any, scope: _Scope) -> _Scope:
        updated = dict(scope)
        for index, pair in enumerate(pairs):
            prefix, uri = pair
            try:
                if prefix:
                    if not _NCNAME_RE.fullmatch(prefix):
                        raise _XmlError(f"{quote(repr(prefix), 80)} is not a valid namespace prefix")
                    if prefix == "xmlns" or uri == _XMLNS_URI or (prefix == "xml") != (uri == _XML_URI):
                        raise _XmlError(f"the prefix {prefix!r} cannot be bound to {quote(uri, 80)!r}")
                    if not uri:
                        raise _XmlError(f"the prefix {prefix!r} cannot be bound to the empty namespace")
                elif uri in (_XML_URI, _XMLNS_URI):
                    raise _XmlError(f"the default namespace cannot be {uri!r}")
            except _XmlError as problem:
                raise problem.at(index) from None
            updated[prefix] = uri
        self.scopes.append(updated)
        return updated

    def element_name(self, name: str, scope: _Scope) -> None:
        key = (id(scope), name)
        if key in self.resolved:
            return
        self.qname(name, "element")
        if name.startswith("xmlns:") or name.startswith("xml:"):
            raise _XmlError(f"{quote(name, 80)!r}: the xml and xmlns prefixes cannot name an element")
        self.uri_of(name, scope, True)
        self.resolved.add(key)

    def attribute_names(self, names: Any, scope: _Scope) -> None:
        """Valid, declared, and no two the same attribute (expanded names compared)."""
        key = (id(scope), names if isinstance(names, tuple) else tuple(names))
        if key in self.resolved:
            return
        seen: set[tuple[str | None, str]] = set()
        for index, name in enumerate(names):
            try:
                self.qname(name, "attribute")
                if name == "xmlns":
                    raise _XmlError("'xmlns': namespace declarations belong in the ns list")
                uri = self.uri_of(name, scope, False)
                expanded = (uri, name.rpartition(":")[2])  # XML compares namespace URIs
                if expanded in seen:
                    raise _XmlError(f"the attribute {quote(name, 80)!r} is written twice")
                seen.add(expanded)
            except _XmlError as problem:
                raise problem.at(index) from None
        self.resolved.add(key)

    # -- walking -----------------------------------------------------------------------------------

    def children_of(self, cls: type) -> list[tuple[str, bool]]:
        found = self.model_children.get(cls)
        if found is None:
            found = [(s.name, s.is_list) for s in binding_of(cls).child_fields if s.codec is None]
            self.model_children[cls] = found
        return found

    def model(self, model: OvfModel, scope: _Scope, depth: int) -> None:
        if depth > self.max_depth:
            raise _XmlError(f"elements nest deeper than the limit of {self.max_depth}")
        self.count += 1
        if self.count > self.max_elements:
            raise _XmlError(f"more elements than the limit of {self.max_elements}")
        info = model.xml
        if info is not None:
            try:
                scope = self.layout(info, scope, model)
            except _XmlError as problem:
                raise problem.at("xml") from None
        if model.attributes:
            try:
                self.extra_attributes(model, scope)
            except _XmlError as problem:
                raise problem.at("attributes") from None
        if model.extensions:
            self.extensions(model.extensions, scope, depth, "extensions")
        children = self.model_children.get(type(model))
        if children is None:
            children = self.children_of(type(model))
        if not children:
            return
        data = model.__dict__
        for name, is_list in children:
            value = data[name]
            if value is None:
                continue
            if is_list:
                for index, child in enumerate(value):
                    try:
                        self.model(child, scope, depth + 1)
                    except _XmlError as problem:
                        raise problem.at(name, index) from None
            else:
                try:
                    self.model(value, scope, depth + 1)
                except _XmlError as problem:
                    raise problem.at(name) from None

    def declared_by_a_child(self, model: OvfModel, entry: str) -> bool:
        """True when a typed child element declares the prefix of ``entry`` itself."""
        prefix = entry.rpartition(":")[0]
        for name, is_list in self.children_of(type(model)):
            value = model.__dict__[name]
            for child in value if is_list else [value]:
                if child is not None and child.xml is not None and any(p == prefix for p, _ in child.xml.ns):
                    return True
        return False

    def layout(self, info: XmlInfo, scope: _Scope, model: OvfModel) -> _Scope:
        if info.ns:
            try:
                scope = self.declare(info.ns, scope)
            except _XmlError as problem:
                raise problem.at("ns") from None
        leaf_attrs = info.leaf_attrs
        # Elements written alike share one check: same scope, name, attribute and child names.
        key = (id(scope), info.name, info.attrs, info.children)
        if not leaf_attrs and key in self.resolved:
            return scope
        try:
            self.element_name(info.name, scope)
        except _XmlError as problem:
            raise problem.at("name") from None
        if info.attrs:
            try:
                self.attribute_names(info.attrs, scope)
            except _XmlError as problem:
                raise problem.at("attrs") from None
        shared = True  # whether the result holds for every element with this key
        for index, entry in enumerate(info.children):
            if entry == "*":
                continue
            try:
                pairs = leaf_attrs.get(str(index)) if leaf_attrs else None
                if pairs:
                    self.leaf(entry, pairs, scope)
                else:
                    try:
                        self.element_name(entry, scope)
                    except _XmlError:
                        # a typed child may declare its own prefix (<ns0:Item xmlns:ns0="...">)
                        self.qname(entry, "element")
                        if not self.declared_by_a_child(model, entry):
                            raise
                        shared = False
            except _XmlError as problem:
                raise problem.at("children", index) from None
        for index_key in leaf_attrs:
            if not index_key.isdigit() or int(index_key) >= len(info.children):
                error = _XmlError("a leaf_attrs key must be the index of a child")
                raise error.at("leaf_attrs", index_key)
        if not leaf_attrs and shared:
            self.resolved.add(key)
        return scope

    def leaf(self, entry: str, pairs: list[tuple[str, str]], scope: _Scope) -> None:
        """A typed leaf written with attributes or namespace declarations of its own."""
        declarations = []
        names = []
        for name, value in pairs:
            if name == "xmlns" or name.startswith("xmlns:"):
                declarations.append((name[6:], value))
            else:
                names.append(name)
        if declarations:
            scope = self.declare(declarations, scope)
        self.element_name(entry, scope)
        self.attribute_names(names, scope)

    def extra_attributes(self, model: OvfModel, scope: _Scope) -> None:
        """Untyped attributes: valid names, declared prefixes, no duplicate, and not a typed one again."""
        typed = binding_of(type(model)).attrs
        data = model.__dict__
        seen: set[tuple[str | None, str]] = set()
        for name in model.attributes:
            try:
                self.qname(name, "attribute")
                if name == "xmlns":
                    raise _XmlError("'xmlns': namespace declarations belong in the ns list")
                uri = self.uri_of(name, scope, False)
                local = name.rpartition(":")[2]
                expanded = (uri, local)
                if expanded in seen:
                    raise _XmlError(f"the attribute {quote(name, 80)!r} is written twice")
                seen.add(expanded)
                spec = typed.get((FAMILY_OF.get(uri, "ovf" if uri == self.ovf_uri else None), local))
                if spec is not None and data[spec.name] not in (None, []):
                    raise _XmlError(
                        f"the attribute {quote(name, 80)!r} is the typed field {spec.name!r}: "
                        "set it there, not in attributes"
                    )
            except _XmlError as problem:
                raise problem.at(name) from None

    def extensions(self, items: list[Any], scope: _Scope, depth: int, field: str) -> None:
        for index, item in enumerate(items):
            try:
                if isinstance(item, Node):
                    self.node(item, scope, depth + 1)
                else:
                    self.misc(item)
            except _XmlError as problem:
                raise problem.at(field, index) from None

    def node(self, node: Node, scope: _Scope, depth: int) -> None:
        if depth > self.max_depth:
            raise _XmlError(f"elements nest deeper than the limit of {self.max_depth}")
        self.count += 1
        if self.count > self.max_elements:
            raise _XmlError(f"more elements than the limit of {self.max_elements}")
        if node.ns:
            try:
                scope = self.declare(node.ns, scope)
            except _XmlError as problem:
                raise problem.at("ns") from None
        try:
            self.element_name(node.name, scope)
        except _XmlError as problem:
            raise problem.at("name") from None
        if node.attributes:
            try:
                self.attribute_names([name for name, _ in node.attributes], scope)
            except _XmlError as problem:
                if problem.parts:
                    problem.parts.append(0)
                raise problem.at("attributes") from None
        if node.children:
            self.extensions(node.children, scope, depth, "children")

    @staticmethod
    def misc(item: Comment | ProcessingInstruction) -> None:
        """A comment or processing instruction."""
        if isinstance(item, Comment):
            if "--" in item.text or item.text.endswith("-"):
                raise _XmlError("a comment may not contain '--' or end with '-'").at("text")
            return
        if not _NCNAME_RE.fullmatch(item.target) or item.target.lower() == "xml":
            raise _XmlError(
                f"{quote(repr(item.target), 80)} is not a valid processing instruction target"
            ).at("target")
        if "?>" in item.text:
            raise _XmlError("a processing instruction may not contain '?>'").at("text")

    def document(self, document: Document) -> None:
        if document.declaration is not None and not _DECLARATION.fullmatch(document.declaration):
            raise _XmlError(f"{quote(repr(document.declaration), 80)} is not an XML declaration").at(
                "declaration"
            )
        try:
            info = codecs.lookup(document.encoding)
        except LookupError:
            raise _XmlError(f"unknown encoding {quote(document.encoding, 40)!r}").at("encoding") from None
        if info.name in _NOT_CHARSETS or not getattr(info, "_is_text_encoding", True):
            raise _XmlError(f"{quote(document.encoding, 40)!r} cannot encode an XML document").at("encoding")
        if document.newline not in ("\n", "\r\n"):
            raise _XmlError('newline must be "\\n" or "\\r\\n"').at("newline")
        for field in ("prolog", "epilog"):
            for index, item in enumerate(getattr(document, field)):
                try:
                    if isinstance(item, str):
                        if not _WHITESPACE.fullmatch(item):
                            raise _XmlError("only whitespace, comments and PIs may be around the root")
                    else:
                        self.misc(item)
                except _XmlError as problem:
                    raise problem.at(field, index) from None


def _characters(value: Any) -> None:
    """Raise ``_XmlError`` at the first string (key or value) holding a character XML 1.0 cannot carry."""
    if isinstance(value, str):
        bad = _ILLEGAL.search(value)
        if bad:
            raise _XmlError(f"the character U+{ord(bad.group(0)):04X} cannot be written in XML 1.0")
    elif isinstance(value, BaseModel):
        for key, item in value.__dict__.items():
            try:
                _characters(item)
            except _XmlError as problem:
                raise problem.at(key) from None
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            try:
                _characters(item)
            except _XmlError as problem:
                raise problem.at(index) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            try:
                _characters(key)
                _characters(item)
            except _XmlError as problem:
                raise problem.at(key) from None


def check_writable(
    model: Model, *, limits: Limits = DEFAULT_LIMITS, source: str | None = None, scan_characters: bool = True
) -> None:
    """Raise ``OvfJsonError`` (with the JSON path) if ``dumps`` could not write ``model`` as well-formed XML.

    Checked: element, attribute and PI names; that every prefix used is declared; namespace
    declarations; comments and PI text; the XML declaration, encoding and what is around the root;
    nesting depth and element count against ``limits``; and, unless ``scan_characters`` is False,
    that no string holds a character XML 1.0 cannot carry.
    """
    checker = _Checker(limits)
    if isinstance(model, Envelope):
        checker.ovf_uri = model.namespace
    try:
        try:
            checker.document(model.document)
        except _XmlError as problem:
            raise problem.at("document") from None
        scope = {"xml": _XML_URI}
        if model.xml is None:
            # the writer declares these on the root of a new document (see xmlio.writer.write_document)
            if isinstance(model, Envelope):
                scope.update({"": Ns.OVF1.value, "ovf": Ns.OVF1.value, "rasd": Ns.RASD.value})
                scope.update({"vssd": Ns.VSSD.value, "xsi": Ns.XSI.value})
            else:
                scope.update({"": Ns.ENV.value, "oe": Ns.ENV.value, "xsi": Ns.XSI.value})
        checker.model(model, scope, 0)
        if scan_characters:
            _characters(model)
    except _XmlError as problem:
        raise OvfJsonError(
            problem.message, source=source or "<json>", path=json_path(["document", *problem.parts])
        ) from None


# -- JSON Schema -----------------------------------------------------------------------------------

SCHEMA_ID = "urn:ovfkit:json:1"


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


@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    generated = _adapter().json_schema(mode="validation", schema_generator=_SchemaGenerator)
    _require_kind(generated)
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


def _msg(value: Any) -> str | None:
    return value.value if value is not None else None


def summary_data(model: Model, profile: str | None = None) -> dict[str, Any]:
    """The facts people and dashboards look at: products, files, disks, networks, each system's hardware.

    For an environment document: its id, platform and property values. This is the data of
    ``ovfkit show --format json``.
    """
    from ovfkit.dialects import detect_dialect, ovf_version
    from ovfkit.hardware import disk_capacity_bytes, hardware
    from ovfkit.model.sections import DeploymentOptionSection, DiskSection, NetworkSection, ProductSection

    if isinstance(model, Environment):
        return {
            "kind": "environment",
            "id": model.id,
            "platform": model.platform.model_dump(exclude={"xml", "extensions", "attributes"})
            if model.platform
            else None,
            "properties": model.properties,
        }
    envelope = model
    products: list[dict[str, Any]] = []
    properties: list[dict[str, Any]] = []
    holders: list[Any] = [envelope, *envelope.virtual_systems()]
    for holder in holders:
        for section in holder.sections:
            if not isinstance(section, ProductSection):
                continue
            products.append(
                {
                    "product": _msg(section.product),
                    "vendor": _msg(section.vendor),
                    "version": section.version,
                    "full_version": section.full_version,
                    "class": section.class_,
                    "instance": section.instance,
                }
            )
            for prop in section.properties:
                properties.append(
                    {
                        "key": section.full_key(prop),
                        "type": prop.type,
                        "default": prop.value,
                        "user_configurable": prop.user_configurable,
                        "label": _msg(prop.label),
                    }
                )
    disks: list[dict[str, Any]] = []
    networks: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    for section in envelope.sections:
        if isinstance(section, DiskSection):
            for disk in section.disks:
                disks.append(
                    {
                        "id": disk.disk_id,
                        "capacity": disk.capacity,
                        "capacity_units": disk.capacity_allocation_units,
                        "capacity_bytes": disk_capacity_bytes(disk),
                        "file": disk.file_ref,
                        "format": disk.format,
                    }
                )
        elif isinstance(section, NetworkSection):
            for network in section.networks:
                networks.append({"name": network.name, "description": _msg(network.description)})
        elif isinstance(section, DeploymentOptionSection):
            for configuration in section.configurations:
                profiles.append(
                    {
                        "id": configuration.id,
                        "default": bool(configuration.default),
                        "label": _msg(configuration.label),
                    }
                )
    files = [
        {"id": f.id, "href": f.href, "size": f.size, "compression": f.compression}
        for f in (envelope.references.files if envelope.references else [])
    ]
    systems = []
    for index, system in enumerate(envelope.virtual_systems()):
        view = hardware(envelope, system=index, profile=profile)
        systems.append({"id": system.id, "name": view.name, "hardware": view.model_dump()})
    return {
        "kind": "descriptor",
        "ovf_version": ovf_version(envelope),
        "dialect": detect_dialect(envelope),
        "products": products,
        "files": files,
        "disks": disks,
        "networks": networks,
        "profiles": profiles,
        "properties": properties,
        "systems": systems,
        "warnings": list(envelope.document.warnings),
    }


def to_summary(model: Model, *, profile: str | None = None) -> dict[str, Any]:
    """The compact summary JSON object: ``{"ovfkit": "1", "kind": "summary", "summary_of": ..., ...}``.

    ``summary_of`` is ``descriptor`` or ``environment``; the other keys are ``summary_data``'s. A
    summary leaves most of the document out: ``from_json`` refuses it.
    """
    data = summary_data(model, profile)
    summary_of = data.pop("kind")
    return {"ovfkit": FORMAT_VERSION, "kind": "summary", "summary_of": summary_of, **data}

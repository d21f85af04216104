"""The JSON text of a model, written by pydantic-core serializers compiled for the concrete model types.

pydantic writes a discriminated union by first turning the chosen member into Python objects and then
serializing those, and ``serialize_as_any=True`` (which avoids that) checks the class of every value
instead: either way a third or more of ``to_json``'s time. So each model class gets a serializer of its
own, compiled from its core schema with changes that leave the output byte for byte the same:

- a union of models whose fields agree (same name, same schema) becomes one model schema with all their
  fields: pydantic writes the fields an object has, in its ``__dict__`` order, so a generic node, a
  comment and a processing instruction are each written exactly as before, with their ``kind``;
- an enum of integers or strings (``ResourceType``) is written as the integer or string it is;
- a field's default and ``None`` wrappers go (values are written with ``exclude_none``), but for an
  empty list, dict or tuple default, which becomes a plain ``[]``, ``{}`` or ``()`` default: values
  are written with ``exclude_defaults`` too, so an empty collection that is a field's default is left
  out (it reads back as that default);
- each model schema names a stand-in class (see ``_stand_in``), or pydantic-core would use the model
  class's own serializer and ignore the rest.

A union that cannot be merged (the sections: two of them type ``id`` and ``items`` differently) stays,
and the classes that hold one (``Envelope``, ``VirtualSystem``, ``VirtualSystemCollection``) are written
here field by field, each union member by its own class's serializer: there are few of them.

An element's ``xml`` (its ``XmlInfo``) is written as a number: the index of that layout in a table of
the distinct layouts met while writing (``write_numbered``), which the caller writes once, beside the
document. A section's thousands of Items are laid out a few ways, so the table is short, and a number
is far cheaper to write and to read back than the layout itself.

Every object is written as the class its field declares (an instance of another class in a field is
written with that field's fields), as ``model_dump_json`` without ``serialize_as_any`` does.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, cast

import pydantic_core
from pydantic import BaseModel
from pydantic_core import CoreSchema, SchemaSerializer, core_schema

from ovfkit.model.base import XmlInfo

__all__ = ["LayoutNumbers", "omitted_when_empty", "write_json", "write_layouts", "write_numbered"]

_Schema = dict[str, Any]
#: Keys of a core schema whose values are not schemas (or must stay as they are).
_NOT_SCHEMAS = frozenset(
    {"cls", "metadata", "ref", "config", "default", "expected", "members", "serialization"}
)
#: Wrappers whose inner ``schema`` is the schema of the same value.
_WRAPPERS = frozenset({"default", "nullable"})
#: Wrappers a model field's value is written through: its default, None and a before-validator.
_FIELD_WRAPPERS = _WRAPPERS | {"function-before"}


@dataclass(frozen=True)
class _Compiled:
    """How to write one model class: its serializer, and the fields written one by one here."""

    serializer: SchemaSerializer
    #: fields whose values hold a union that could not be merged: name -> True for a list field
    walked: dict[str, bool]
    #: serializers of every field, for classes written field by field
    fields: dict[str, SchemaSerializer]
    #: names of fields pydantic never writes (``exclude=True``)
    excluded: frozenset[str]
    #: names of fields left out when they hold an empty collection (their default)
    omitted_empty: frozenset[str]
    #: the rewritten core schema ``serializer`` was built from
    schema: _Schema


def _empty_default(schema: _Schema) -> list[Any] | dict[str, Any] | tuple[()] | None:
    """The empty collection a ``default`` core schema gives, or None when it gives something else."""
    if schema.get("type") != "default":
        return None
    factory = schema.get("default_factory")
    if factory is list:
        return []
    if factory is dict:
        return {}
    default = schema.get("default", None)
    if factory is None and isinstance(default, (list, dict, tuple)) and not default:
        return type(default)()
    return None


@dataclass
class LayoutNumbers:
    """The layouts of a document being written, each distinct one numbered once, in order of use."""

    layouts: list[XmlInfo] = dataclass_field(default_factory=list)
    by_id: dict[int, int] = dataclass_field(default_factory=dict)
    by_value: dict[tuple[Any, ...], int] = dataclass_field(default_factory=dict)
    #: every XmlInfo numbered, kept alive so that no other object takes its id during the writing
    held: list[XmlInfo] = dataclass_field(default_factory=list)

    def number(self, info: Any) -> int:
        """The number of ``info`` in the table (equal layouts share one), added when it is new."""
        found = self.by_id.get(id(info))
        if found is not None:
            return found
        if not isinstance(info, XmlInfo):
            raise TypeError(f"an element's xml must be an XmlInfo, not {type(info).__name__}")
        key = _layout_key(info)
        found = self.by_value.get(key) if key is not None else None
        if found is None:
            found = len(self.layouts)
            self.layouts.append(info)
            if key is not None:
                self.by_value[key] = found
        self.by_id[id(info)] = found
        self.held.append(info)
        return found


def _layout_key(info: XmlInfo) -> tuple[Any, ...] | None:
    """All of a layout's facts as one hashable value, or None when one of them cannot be hashed."""
    facts = info.__dict__
    key = (
        facts["name"],
        facts["ns"],
        facts["attrs"],
        facts["children"],
        facts["gaps"],
        tuple(facts["lexical"].items()),
        tuple((index, tuple(pairs)) for index, pairs in facts["leaf_attrs"].items()),
    )
    try:
        hash(key)
    except TypeError:
        return None
    return key


#: The table of the document being written by ``write_numbered`` in this context.
_WRITING_LAYOUTS: ContextVar[LayoutNumbers | None] = ContextVar("ovfkit_writing_layouts", default=None)


def _layout_number(info: Any) -> int:
    """How an ``xml`` field is written: the number of its layout in the document's table."""
    table = _WRITING_LAYOUTS.get()
    if table is None:
        raise TypeError("layout numbers are written only by write_numbered")
    found = table.by_id.get(id(info))  # most elements share a layout met before: no method call
    return table.number(info) if found is None else found


_NUMBERED_LAYOUT: _Schema = {
    "type": "any",
    "serialization": core_schema.plain_serializer_function_ser_schema(
        _layout_number, return_schema=core_schema.int_schema()
    ),
}


class _Compiler:
    """Rewrites one class's core schema into its concrete form (see the module docstring)."""

    def __init__(self, definitions: list[_Schema]) -> None:
        self.definitions = {d["ref"]: d for d in definitions}
        self.merged: dict[tuple[str, ...], _Schema] = {}
        self.added: list[_Schema] = []

    def resolve(self, schema: _Schema) -> _Schema:
        """Follow definition references to the schema they name."""
        seen = 0
        while schema.get("type") == "definition-ref" and seen < 100:
            schema = self.definitions[schema["schema_ref"]]
            seen += 1
        return schema

    def rewrite(self, value: Any) -> Any:
        """A rewritten copy of a schema (or of a list or dict holding schemas)."""
        if isinstance(value, list):
            return [self.rewrite(item) for item in value]
        if not isinstance(value, dict):
            return value
        kind = value.get("type")
        if kind == "enum" and value.get("sub_type") == "int":
            return {"type": "int"}
        if kind == "enum" and value.get("sub_type") == "str":
            return {"type": "str"}
        if kind == "tagged-union":
            merged = self.merge(value)
            if merged is not None:
                return merged
        if kind == "model-field":
            # Values are written with exclude_none: a field's None never reaches its serializer, and a
            # default or a validator is no part of writing.
            inner = value["schema"]
            empty = _empty_default(inner)
            while inner.get("type") in _FIELD_WRAPPERS:
                inner = inner["schema"]
            if self.resolve(inner).get("cls") is XmlInfo:
                return {**value, "schema": _NUMBERED_LAYOUT}
            written = self.rewrite(inner)
            if empty is not None:
                written = {"type": "default", "default": empty, "schema": written}
            return {**value, "schema": written}
        return {key: item if key in _NOT_SCHEMAS else self.rewrite(item) for key, item in value.items()}

    def merge(self, union: _Schema) -> _Schema | None:
        """A reference to one model schema standing for every member of ``union``, or None."""
        tag = union.get("discriminator")
        if not isinstance(tag, str):
            return None
        members = [self.resolve(choice) for choice in union["choices"].values()]
        key = tuple(sorted(member.get("ref", repr(member.get("cls"))) for member in members))
        found = self.merged.get(key)
        if found is not None:
            return found
        fields: dict[str, _Schema] = {}
        # a field is left out when empty only if every member that has it defaults to empty
        empty_everywhere: dict[str, bool] = {}
        for member in members:
            inner = member.get("schema", {})
            if (
                member.get("type") != "model"
                or member.get("root_model")
                or inner.get("type") != "model-fields"
            ):
                return None
            if inner.get("computed_fields") or inner.get("extras_schema"):
                return None
            for name, field in inner["fields"].items():
                if name == tag:
                    continue
                if _written(fields.setdefault(name, field)) != _written(field):
                    return None
                empty = _empty_default(field["schema"]) is not None
                empty_everywhere[name] = empty_everywhere.get(name, True) and empty
        for name, empty in empty_everywhere.items():
            if not empty:
                fields[name] = _written(fields[name])
        ref = "ovfkit-json:" + "|".join(key)
        reference: _Schema = {"type": "definition-ref", "schema_ref": ref}
        self.merged[key] = reference  # before rewriting the fields, which may hold the union again
        fields[tag] = {"type": "model-field", "schema": {"type": "str"}}
        first = members[0]
        schema: _Schema = {"type": "model", "cls": first["cls"], "ref": ref}
        schema["schema"] = {"type": "model-fields", "fields": fields}
        if first.get("config") is not None:
            schema["config"] = first["config"]
        self.added.append(self.rewrite(schema))
        return reference

    def holds_union(self, schema: Any, seen: set[str]) -> bool:
        """True when a rewritten schema still holds a tagged union, or a union with a model, inside.

        Their members keep their own classes, whose serializers pydantic-core would use: those know
        nothing of the rewriting (with ``exclude_defaults`` they would leave out a ``kind``).
        """
        if isinstance(schema, list):
            return any(self.holds_union(item, seen) for item in schema)
        if not isinstance(schema, dict):
            return False
        kind = schema.get("type")
        if kind == "tagged-union":
            return True
        if kind == "union" and any(
            self.resolve(choice[0] if isinstance(choice, tuple) else choice).get("type") == "model"
            for choice in schema["choices"]
        ):
            return True
        if kind == "definition-ref":
            ref = schema["schema_ref"]
            if ref in seen:
                return False
            seen.add(ref)
            return self.holds_union(self.definitions[ref], seen)
        return any(self.holds_union(item, seen) for key, item in schema.items() if key not in _NOT_SCHEMAS)


def _written(field: _Schema) -> _Schema:
    """A model field's schema as far as writing goes: without its default and metadata."""
    schema = field["schema"]
    if schema.get("type") == "default":
        schema = schema["schema"]
    return {**{k: v for k, v in field.items() if k != "metadata"}, "schema": schema}


@functools.cache
def _stand_in(cls: type) -> type:
    """A plain class named like a model class, to stand for it in a rewritten model schema.

    pydantic-core serializes a ``model`` schema whose class is a complete pydantic model with that
    class's own serializer, whatever the schema says; the rewritten schemas would then be ignored
    (or, for a merged union, wrong). Serializing without checks, it needs of the class only a name.
    """
    return type(cls.__name__, (), {"__module__": __name__, "__doc__": f"Stands for {cls.__qualname__}."})


def _union_choices(schemas: list[_Schema]) -> set[str]:
    """The definitions named as a member of a union left in the schemas (they keep their class)."""
    found: set[str] = set()

    def visit(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            kind = value.get("type")
            if kind in ("tagged-union", "union"):
                choices = value["choices"]
                for choice in choices.values() if isinstance(choices, dict) else choices:
                    member = choice[0] if isinstance(choice, tuple) else choice
                    if isinstance(member, dict) and member.get("type") == "definition-ref":
                        found.add(member["schema_ref"])
            for key, item in value.items():
                if key not in _NOT_SCHEMAS:
                    visit(item)

    visit(schemas)
    return found


def _detached(value: Any, chosen: set[str], in_union: bool = False) -> Any:
    """The schema with every model's class replaced by its stand-in, but members of unions left."""
    if isinstance(value, list):
        return [_detached(item, chosen, in_union) for item in value]
    if isinstance(value, tuple):
        return tuple(_detached(item, chosen, in_union) for item in value)
    if not isinstance(value, dict):
        return value
    kind = value.get("type")
    inner = kind in ("tagged-union", "union") or (kind is None and in_union)  # through ``choices``
    out = {
        key: item if key in _NOT_SCHEMAS else _detached(item, chosen, inner) for key, item in value.items()
    }
    if kind == "model" and not in_union and value.get("ref") not in chosen:
        out["cls"] = _stand_in(value["cls"])
    return out


def _model_schema(schema: _Schema, definitions: dict[str, _Schema]) -> _Schema:
    while schema.get("type") == "definition-ref":
        schema = definitions[schema["schema_ref"]]
    if schema.get("type") != "model":
        raise TypeError(f"not a model schema: {schema.get('type')}")
    return schema


def _is_list(schema: _Schema) -> bool:
    while schema.get("type") in _WRAPPERS:
        schema = schema["schema"]
    return schema.get("type") == "list"


@functools.cache
def _compiled(cls: type[BaseModel]) -> _Compiled:
    """Compile the concrete serializer of a model class (once per class)."""
    cls.model_rebuild()
    original: _Schema = dict(cls.__pydantic_core_schema__)
    if original.get("type") == "definitions":
        top, definitions = original["schema"], list(original["definitions"])
    else:
        top, definitions = original, []
    compiler = _Compiler(definitions)
    rewritten_top = compiler.rewrite(top)
    rewritten_defs = [compiler.rewrite(d) for d in definitions]
    rewritten_defs.extend(compiler.added)
    chosen = _union_choices([rewritten_top, *rewritten_defs])
    rewritten_top = _detached(rewritten_top, chosen)
    rewritten_defs = [_detached(d, chosen) for d in rewritten_defs]
    compiler.definitions = {d["ref"]: d for d in rewritten_defs}

    def serializer_of(schema: _Schema) -> SchemaSerializer:
        if rewritten_defs:
            schema = {"type": "definitions", "schema": schema, "definitions": rewritten_defs}
        return SchemaSerializer(cast(CoreSchema, schema))

    serializer = serializer_of(rewritten_top)
    schema = rewritten_top
    if rewritten_defs:
        schema = {"type": "definitions", "schema": rewritten_top, "definitions": rewritten_defs}
    model = _model_schema(rewritten_top, compiler.definitions)
    fields: dict[str, _Schema] = model["schema"]["fields"]
    walked = {
        name: _is_list(field["schema"])
        for name, field in fields.items()
        if compiler.holds_union(field["schema"], set())
    }
    by_field: dict[str, SchemaSerializer] = {}
    if walked:
        by_field = {name: serializer_of(field["schema"]) for name, field in fields.items()}
    excluded = frozenset(name for name, info in cls.model_fields.items() if info.exclude)
    omitted_empty = frozenset(
        name for name, field in fields.items() if _empty_default(field["schema"]) is not None
    )
    return _Compiled(serializer, walked, by_field, excluded, omitted_empty, schema)


def omitted_when_empty(cls: type[BaseModel]) -> frozenset[str]:
    """The fields of ``cls`` that are not written when they hold an empty collection (their default)."""
    return _compiled(cls).omitted_empty


def write_numbered(
    model: BaseModel, indent: int | None = None, level: int = 0
) -> tuple[bytes, list[XmlInfo]]:
    """The JSON text of ``model`` with layouts as numbers, and the layouts those numbers index.

    Write the layouts with ``write_layouts``; ``indent`` and ``level`` are those of ``write_json``.
    """
    table = LayoutNumbers()
    token = _WRITING_LAYOUTS.set(table)
    try:
        text = write_json(model, indent, level)
    finally:
        _WRITING_LAYOUTS.reset(token)
    return text, table.layouts


def write_layouts(layouts: list[XmlInfo], indent: int | None = None, level: int = 0) -> bytes:
    """The JSON array of a document's layout table (``indent`` and ``level`` as for ``write_json``)."""
    text = _layouts_serializer().to_json(
        layouts, indent=indent, exclude_none=True, exclude_defaults=True, warnings="error"
    )
    return _indented(text, indent, level)


@functools.cache
def _layouts_serializer() -> SchemaSerializer:
    """The serializer of a list of layouts: one call for the whole table."""
    return SchemaSerializer(cast(CoreSchema, {"type": "list", "items_schema": _compiled(XmlInfo).schema}))


def write_json(model: BaseModel, indent: int | None = None, level: int = 0) -> bytes:
    """The JSON text of ``model`` (None fields left out), as ``model.model_dump_json`` writes it.

    ``indent`` None gives one line; a number pretty-prints with that many spaces, as pydantic does,
    with the lines after the first indented ``level`` times more (for text nested in other JSON).
    Raises ``PydanticSerializationError`` for a value that is not of its field's type (``dumps``
    refuses those too) and for nesting deeper than pydantic-core serializes (about 250 levels).
    """
    return b"".join(_pieces(model, indent, level))


def _pieces(model: BaseModel, indent: int | None, level: int) -> Iterator[bytes]:
    compiled = _compiled(type(model))
    if not compiled.walked:
        yield _indented(
            compiled.serializer.to_json(
                model, indent=indent, exclude_none=True, exclude_defaults=True, warnings="error"
            ),
            indent,
            level,
        )
        return
    entries: list[tuple[str, Any, bool | None]] = []
    for name, value in model.__dict__.items():
        if value is None or name in compiled.excluded:
            continue
        if name in compiled.omitted_empty and isinstance(value, (list, dict, tuple)) and not value:
            continue
        entries.append((name, value, compiled.walked.get(name)))
    if not entries:
        yield b"{}"
        return
    inner = _pad(indent, level + 1)
    yield b"{" + inner
    for position, (name, value, walked_list) in enumerate(entries):
        if position:
            yield b"," + inner
        yield b'"' + name.encode() + (b'": ' if indent is not None else b'":')
        written_apart = isinstance(value, list) and all(isinstance(item, (BaseModel, str)) for item in value)
        if walked_list and written_apart:
            yield from _list_pieces(value, indent, level + 1)
        elif walked_list is False and isinstance(value, BaseModel):
            yield from _pieces(value, indent, level + 1)
        else:
            text = compiled.fields[name].to_json(
                value, indent=indent, exclude_none=True, exclude_defaults=True, warnings="error"
            )
            yield _indented(text, indent, level + 1)
    yield _pad(indent, level) + b"}"


def _list_pieces(values: Sequence[BaseModel | str], indent: int | None, level: int) -> Iterator[bytes]:
    if not values:
        yield b"[]"
        return
    inner = _pad(indent, level + 1)
    yield b"[" + inner
    for position, value in enumerate(values):
        if position:
            yield b"," + inner
        if isinstance(value, str):
            yield pydantic_core.to_json(value)
        else:
            yield from _pieces(value, indent, level + 1)
    yield _pad(indent, level) + b"]"


def _pad(indent: int | None, level: int) -> bytes:
    """What goes between two entries at ``level``: nothing in one line, else a newline and indentation."""
    return b"" if indent is None else b"\n" + b" " * (indent * level)


def _indented(text: bytes, indent: int | None, level: int) -> bytes:
    """Pretty-printed JSON text moved in to ``level`` (JSON text has no raw newline inside strings)."""
    if indent is None or level == 0 or not indent:
        return text
    return text.replace(b"\n", b"\n" + b" " * (indent * level))

"""Binding tables compiled once per model class from its fields' ``XmlBinding`` metadata.

The reader and the writer both look up what an attribute or child element means here, so the two can
never disagree: an element name read into a field is written back from the same field.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Union

from ovfkit.model.base import OvfModel, XmlBinding
from ovfkit.model.values import (
    ResourceType,
    format_bool,
    format_int,
    parse_bool,
    parse_int,
    parse_resource_type,
)

__all__ = ["Codec", "ClassBinding", "FieldSpec", "binding_of"]


@dataclass(frozen=True, slots=True)
class Codec:
    """How a simple value is read from and written to XML text."""

    name: str
    parse: Callable[[str], Any]
    format: Callable[[Any], str]
    #: ``read(text) -> (value or None, text is the canonical form of value)``, one call for both.
    read: Callable[[str], tuple[Any, bool]]
    #: True when ``format(parse(text)) == text`` always holds (no lexical form to remember).
    exact: bool = False

    def means(self, spelling: str, value: Any) -> bool:
        """Whether an original spelling still reads as ``value`` (so a writer may keep it)."""
        return bool(spelling == value if self.exact else self.parse(spelling) == value)


def _identity(text: str) -> str:
    return text


def _tokens(text: str) -> list[str] | None:
    return text.split()


def _join(value: list[str]) -> str:
    return " ".join(value)


def _format_resource_type(value: ResourceType | int) -> str:
    return str(int(value))


def _read_str(text: str) -> tuple[str, bool]:
    return text, True


def _read_int(text: str) -> tuple[int | None, bool]:
    if text.isdigit() and text.isascii() and len(text) <= 40:
        return int(text), text[0] != "0" or len(text) == 1
    value = parse_int(text)
    return value, value is not None and format_int(value) == text


def _read_bool(text: str) -> tuple[bool | None, bool]:
    if text == "true":
        return True, True
    if text == "false":
        return False, True
    return parse_bool(text), False


_RESOURCE_TYPES = {str(n): ResourceType(n) for n in range(0, 41)}


def _read_resource_type(text: str) -> tuple[ResourceType | None, bool]:
    found = _RESOURCE_TYPES.get(text)
    if found is not None:
        return found, True
    value = parse_resource_type(text)
    return value, value is not None and str(int(value)) == text


def _read_tokens(text: str) -> tuple[list[str], bool]:
    tokens = text.split()
    return tokens, " ".join(tokens) == text


STR = Codec("string", _identity, _identity, _read_str, exact=True)
INT = Codec("integer", parse_int, format_int, _read_int)
BOOL = Codec("boolean", parse_bool, format_bool, _read_bool)
RESOURCE_TYPE = Codec("ResourceType", parse_resource_type, _format_resource_type, _read_resource_type)
TOKENS = Codec("token list", _tokens, _join, _read_tokens)

_CODECS: dict[Any, Codec] = {str: STR, int: INT, bool: BOOL, ResourceType: RESOURCE_TYPE}


@dataclass(slots=True)
class FieldSpec:
    """One bound field of a model class."""

    name: str
    binding: XmlBinding
    order: int
    is_list: bool
    codec: Codec | None = None
    model: type[OvfModel] | None = None


@dataclass(slots=True)
class ClassBinding:
    """Everything the reader and writer need to know about one model class."""

    cls: type[OvfModel]
    attrs: dict[tuple[str | None, str], FieldSpec] = field(default_factory=dict)
    children: dict[tuple[str | None, str], FieldSpec] = field(default_factory=dict)
    attr_fields: list[FieldSpec] = field(default_factory=list)
    child_fields: list[FieldSpec] = field(default_factory=list)
    text: FieldSpec | None = None
    sections: FieldSpec | None = None
    content: FieldSpec | None = None
    child_list_fields: list[FieldSpec] = field(default_factory=list)
    child_scalar_names: frozenset[str] = frozenset()
    child_by_name: dict[str, FieldSpec] = field(default_factory=dict)
    attr_scalar_names: frozenset[str] = frozenset()
    attr_list_names: tuple[str, ...] = ()


_CACHE: dict[type, ClassBinding] = {}


def _unwrap(annotation: Any) -> tuple[bool, list[Any]]:
    """Return (is_list, the non-None member types) of a field annotation."""
    is_list = False
    origin = typing.get_origin(annotation)
    if origin is list:
        is_list = True
        (annotation,) = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
    else:
        members = [annotation]
    return is_list, members


def binding_of(cls: type[OvfModel]) -> ClassBinding:
    """Return the compiled binding of a model class (compiled on first use, then cached)."""
    found = _CACHE.get(cls)
    if found is not None:
        return found
    result = ClassBinding(cls)
    order = 0
    for name, info in cls.model_fields.items():
        meta = next((m for m in info.metadata if isinstance(m, XmlBinding)), None)
        if meta is None:
            continue
        is_list, members = _unwrap(info.annotation)
        spec = FieldSpec(name, meta, order, is_list)
        order += 1
        if meta.kind == "child":
            if meta.polymorphic == "section":
                result.sections = spec
            elif meta.polymorphic == "content":
                result.content = spec
            else:
                (model,) = members
                if not (isinstance(model, type) and issubclass(model, OvfModel)):
                    raise TypeError(f"{cls.__name__}.{name}: child fields hold models")
                spec.model = model
                for local in meta.names:
                    result.children[(meta.family, local)] = spec
            result.child_fields.append(spec)
            continue
        (member,) = members
        if meta.kind == "attr" and is_list:
            spec.codec = TOKENS
            spec.is_list = False
        else:
            spec.codec = _CODECS[member]
        if meta.kind == "attr":
            for local in meta.names:
                result.attrs[(meta.family, local)] = spec
            result.attr_fields.append(spec)
        elif meta.kind == "leaf":
            for local in meta.names:
                result.children[(meta.family, local)] = spec
            result.child_fields.append(spec)
        else:
            result.text = spec
    if getattr(cls, "xsd_type", "") in {"RASD_Type", "SASD_Type", "EPASD_Type", "VSSD_Type"}:
        # CIM schemas list properties alphabetically; new elements go where the schema puts them.
        ordered = sorted(result.child_fields, key=lambda s: s.binding.name)
        for index, spec in enumerate(ordered):
            spec.order = index
        result.child_fields = ordered
    result.child_list_fields = [spec for spec in result.child_fields if spec.is_list]
    result.child_scalar_names = frozenset(spec.name for spec in result.child_fields if not spec.is_list)
    result.child_by_name = {spec.name: spec for spec in result.child_fields}
    result.attr_list_names = tuple(spec.name for spec in result.attr_fields if spec.codec is TOKENS)
    result.attr_scalar_names = frozenset(spec.name for spec in result.attr_fields if spec.codec is not TOKENS)
    _CACHE[cls] = result
    return result

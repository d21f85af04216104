"""Typed fields of the oVirt views: one descriptor per field, reading and writing the model's own text.

A view stores nothing: each field reads the text of one element or attribute of the model it wraps
(through the view's ``_read``) and converts it; assigning converts back and writes the text into the
same place (through ``_write``), so the model stays the one truth and writes back losslessly.
Absent fields read as None; present text that is not of the field's type raises ``OvfValueError``
with the element's line; assigning None removes the element or attribute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar, overload

from ovfkit.errors import quote
from ovfkit.ovirt.errors import OvfValueError
from ovfkit.ovirt.values import OpenIntEnum, OpenStrEnum, format_date, parse_date, parse_flag, parse_number

__all__ = ["DATE", "FLAG", "NUMBER", "TEXT", "Codec", "Field", "FieldHost", "int_enum", "str_enum"]

T = TypeVar("T")
IE = TypeVar("IE", bound=OpenIntEnum)
SE = TypeVar("SE", bound=OpenStrEnum)


@dataclass(frozen=True, slots=True)
class Codec(Generic[T]):
    """How a field's text becomes a value and back; ``parse`` returns None for text of another type."""

    kind: str
    parse: Callable[[str], T | None]
    format: Callable[[T], str]
    #: Empty (or whitespace) text reads as None rather than being parsed.
    empty_is_none: bool = True


def _text(text: str) -> str:
    return text


TEXT: Codec[str] = Codec("text", _text, _text, empty_is_none=False)
NUMBER: Codec[int] = Codec("an integer", parse_number, str)
FLAG: Codec[bool] = Codec("a boolean (true or false)", parse_flag, lambda value: "true" if value else "false")
DATE: Codec[datetime] = Codec("a date (yyyy/MM/dd HH:mm:ss)", parse_date, format_date)


def int_enum(cls: type[IE]) -> Codec[IE]:
    """A codec for an integer enumeration written as its number."""

    def parse(text: str) -> IE | None:
        number = parse_number(text)
        return None if number is None else cls(number)

    return Codec(f"a {cls.__name__} number", parse, lambda value: str(int(value)))


def str_enum(cls: type[SE]) -> Codec[SE]:
    """A codec for a text enumeration written as its value."""

    def parse(text: str) -> SE | None:
        stripped = text.strip()
        return cls(stripped) if stripped else None

    return Codec(f"a {cls.__name__}", parse, lambda value: str(value.value))


class FieldHost(Protocol):
    """What a view gives its fields: the text and line of a key, and a way to write it."""

    def _read(self, key: str) -> tuple[str | None, int | None]:
        """The text of the key's element or attribute (None when absent) and its source line."""

    def _write(self, key: str, text: str | None) -> None:
        """Write the key's text (None removes it)."""

    def _where(self) -> str:
        """What the view is, for messages (``Content``, ``Disk f934...``)."""


class Field(Generic[T]):
    """A typed field of a view, bound to one element or attribute ``key`` of its model."""

    def __init__(self, key: str, codec: Codec[T], doc: str = "") -> None:
        self.key = key
        self.codec = codec
        self.__doc__ = doc or f"``{key}`` as {codec.kind}; None when absent."

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Field[T]: ...

    @overload
    def __get__(self, obj: FieldHost, owner: type | None = None) -> T | None: ...

    def __get__(self, obj: FieldHost | None, owner: type | None = None) -> Field[T] | T | None:
        if obj is None:
            return self
        return self.read(obj)

    def read(self, host: FieldHost) -> T | None:
        """Read the field from a view."""
        text, line = host._read(self.key)
        if text is None:
            return None
        if self.codec.empty_is_none and not text.strip():
            return None
        value = self.codec.parse(text)
        if value is None:
            raise OvfValueError(
                f"{host._where()}: {self.key} {quote(text, 80)!r} is not {self.codec.kind}", line=line
            )
        return value

    def __set__(self, obj: FieldHost, value: T | None) -> None:
        obj._write(self.key, None if value is None else self.codec.format(value))

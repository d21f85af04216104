"""P rules: ProductSection properties: references resolve, values fit their types and qualifiers."""

from __future__ import annotations

import decimal
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ovfkit.model.base import OvfModel
from ovfkit.model.sections import ProductSection, Property
from ovfkit.model.values import parse_int
from ovfkit.validate.context import Context, leaf_lexicals
from ovfkit.validate.diagnostic import Diagnostic, Severity
from ovfkit.validate.registry import rule
from ovfkit.validate.rules._common import PROPERTY_REFERENCE, describe, q, qs

__all__ = ["INTEGER_RANGES", "Qualifier", "parse_qualifiers", "type_problem"]

#: The integer property types of DSP0243 (and VMware's ``int``) with their ranges.
INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "uint8": (0, 2**8 - 1),
    "sint8": (-(2**7), 2**7 - 1),
    "uint16": (0, 2**16 - 1),
    "sint16": (-(2**15), 2**15 - 1),
    "uint32": (0, 2**32 - 1),
    "sint32": (-(2**31), 2**31 - 1),
    "uint64": (0, 2**64 - 1),
    "sint64": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
}
_REALS = frozenset({"real32", "real64", "real"})
_REAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN", re.ASCII)
#: A finite real number as a property value or a MinValue/MaxValue bound may write it (exponents bounded).
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?", re.ASCII)
#: Types whose values are not checked beyond being text.
_TEXT_TYPES = frozenset({"string", "password", "expression"})
_QUALIFIER = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\s*(?:\(([^()]*)\)|\{([^{}]*)\})?")
_SEPARATOR = re.compile(r"[\s,]*")


def _known_type(kind: str) -> bool:
    base = kind.strip()
    if base in INTEGER_RANGES or base in _REALS or base in _TEXT_TYPES or base == "boolean":
        return True
    return base == "ip" or base.startswith(("ip:", "string["))


def type_problem(kind: str, value: str) -> str | None:
    """Why ``value`` is not a value of property type ``kind`` (None when it is, or the type is free text)."""
    base = kind.strip()
    if base in INTEGER_RANGES:
        number = parse_int(value)
        if number is None:
            return f"{qs(value, 60)} is not an integer ({base})"
        low, high = INTEGER_RANGES[base]
        if not low <= number <= high:
            return f"{number} is outside {base} ({low} to {high})"
        return None
    if base in _REALS:
        return None if _REAL.fullmatch(value.strip()) else f"{qs(value, 60)} is not a real number ({base})"
    if base == "boolean":
        return (
            None
            if value.strip().lower() in ("true", "false", "1", "0")
            else f"{qs(value, 60)} is not a boolean"
        )
    if base == "ip" or base.startswith("ip:"):
        try:
            ipaddress.ip_address(value.strip())
        except ValueError:
            return f"{qs(value, 60)} is not an IP address ({q(base, 40)})"
        return None
    if base.startswith("string[") and base.endswith("]"):
        choices = [c.strip() for c in base[7:-1].split(",")]
        return None if value in choices else f"{qs(value, 60)} is not one of {', '.join(choices)}"
    return None


@dataclass(frozen=True, slots=True)
class Qualifier:
    """One ``ovf:qualifiers`` entry: ``MinLen(8)`` is ``Qualifier("MinLen", "8")``; ValueMap has choices."""

    name: str
    argument: str | None
    choices: tuple[str, ...] = ()


def _split_choices(text: str) -> tuple[str, ...]:
    return tuple(
        c.strip().strip('"').strip("'") for c in re.findall(r'"[^"]*"|\'[^\']*\'|[^,]+', text) if c.strip()
    )


def parse_qualifiers(text: str) -> tuple[list[Qualifier], str | None]:
    """Parse ``MinLen(1),MaxLen(253)`` or ``ValueMap{"a","b"}``: (qualifiers, what is malformed or None)."""
    found: list[Qualifier] = []
    stripped = text.strip()
    position = 0
    while position < len(stripped):
        if found:
            separator = _SEPARATOR.match(stripped, position)
            if separator is None or separator.end() == position:
                return found, f"expected ',' or a space before {qs(stripped[position:], 60)}"
            position = separator.end()
        match = _QUALIFIER.match(stripped, position)
        if match is None:
            return found, f"cannot read {qs(stripped[position:], 60)}"
        name, argument, choices = match.group(1), match.group(2), match.group(3)
        if name in ("MinLen", "MaxLen") and (argument is None or parse_int(argument) is None):
            return found, f"{name} needs an integer argument, as in {name}(8)"
        if name in ("MinValue", "MaxValue") and (argument is None or _bound(argument) is None):
            return found, f"{name} needs a number, as in {name}(8) or {name}(0.5)"
        if name == "ValueMap" and choices is None:
            return found, 'ValueMap needs a list of values in braces, as in ValueMap{"a","b"}'
        found.append(Qualifier(name, argument, _split_choices(choices) if choices is not None else ()))
        position = match.end()
    return found, None


def _bound(text: str) -> decimal.Decimal | None:
    """A MinValue or MaxValue argument: an integer (DSP0004) or a decimal number (for real properties)."""
    stripped = text.strip()
    return decimal.Decimal(stripped) if _DECIMAL.fullmatch(stripped) else None


def _number(kind: str, value: str) -> decimal.Decimal | None:
    """A numeric property's value as an exact number (None for other types and for text that is none)."""
    base = kind.strip()
    if base in INTEGER_RANGES:
        found = parse_int(value)
        return None if found is None else decimal.Decimal(found)
    if base in _REALS and _DECIMAL.fullmatch(value.strip()):
        return decimal.Decimal(value.strip())
    return None


def qualifier_problem(kind: str, qualifiers: list[Qualifier], value: str) -> str | None:
    """Why ``value`` breaks one of the qualifiers, or None."""
    number = _number(kind, value)
    for qualifier in qualifiers:
        argument = parse_int(qualifier.argument) if qualifier.argument is not None else None
        if qualifier.name == "MinLen" and argument is not None and len(value) < argument:
            return f"is {len(value)} characters long, less than MinLen({argument})"
        if qualifier.name == "MaxLen" and argument is not None and len(value) > argument:
            return f"is {len(value)} characters long, more than MaxLen({argument})"
        bound = _bound(qualifier.argument) if qualifier.argument is not None else None
        if qualifier.name == "MinValue" and bound is not None and number is not None and number < bound:
            return f"is {q(value.strip(), 40)}, less than MinValue({q(qualifier.argument, 40)})"
        if qualifier.name == "MaxValue" and bound is not None and number is not None and number > bound:
            return f"is {q(value.strip(), 40)}, more than MaxValue({q(qualifier.argument, 40)})"
        if qualifier.name == "ValueMap" and qualifier.choices:
            if number is not None:
                allowed = {parse_int(c) for c in qualifier.choices}
                if number not in allowed:
                    return f"is not in ValueMap{{{q(','.join(qualifier.choices), 80)}}}"
            elif value not in qualifier.choices:
                return f"is not in ValueMap{{{q(','.join(qualifier.choices), 80)}}}"
    return None


def _values(prop: Property) -> Iterator[tuple[OvfModel, str, str]]:
    """``(model, where, value)`` of a property's default and per-configuration values, skipping empty ones."""
    if prop.value:
        yield prop, "default value", prop.value
    for value in prop.values:
        if value.value:
            yield value, f'value for configuration "{q(value.configuration or "", 40)}"', value.value


def _name(section: ProductSection, prop: Property) -> str:
    return f'property "{q(section.full_key(prop))}"'


@rule(
    "P101",
    "undefined-property-reference",
    Severity.ERROR,
    "A ${name} reference (in a Disk capacity or an Item value) names no ProductSection property.",
)
def undefined_property_reference(ctx: Context) -> Iterator[Diagnostic]:
    """``${key}`` must name a property of a ProductSection."""
    for disk in ctx.disks:
        for match in PROPERTY_REFERENCE.finditer(disk.capacity or ""):
            if match.group(1) not in ctx.property_keys:
                yield ctx.emit(
                    "P101",
                    disk,
                    f'Disk "{q(disk.disk_id)}" capacity refers to property "{q(match.group(1), 60)}", '
                    "which no ProductSection defines",
                    attribute="capacity",
                )
    for entry in [*ctx.item_index.with_lexical, *ctx.allocation_items]:
        for local, occurrence, text in leaf_lexicals(entry.item):
            for match in PROPERTY_REFERENCE.finditer(text):
                if match.group(1) not in ctx.property_keys:
                    yield ctx.emit(
                        "P101",
                        entry.item,
                        f'{describe(entry.item)} {local} refers to property "{q(match.group(1), 60)}", '
                        "which no ProductSection defines",
                        leaf=local,
                        occurrence=occurrence,
                    )


@rule(
    "P102",
    "property-type-mismatch",
    Severity.ERROR,
    "A property's default or per-configuration value is not a value of its ovf:type.",
)
def property_type_mismatch(ctx: Context) -> Iterator[Diagnostic]:
    """Values fit the declared type (integers in range, booleans, reals, IP addresses)."""
    for section, prop in ctx.properties:
        if not prop.type:
            continue
        for model, where, value in _values(prop):
            if PROPERTY_REFERENCE.search(value):
                continue
            problem = type_problem(prop.type, value)
            if problem is not None:
                yield ctx.emit(
                    "P102",
                    model,
                    f"{_name(section, prop)} {where}: {problem}",
                    attribute="value",
                )


@rule(
    "P103",
    "property-qualifier-violation",
    Severity.ERROR,
    "A property's value breaks its qualifiers (MinLen, MaxLen, MinValue, MaxValue, ValueMap).",
)
def property_qualifier_violation(ctx: Context) -> Iterator[Diagnostic]:
    """Values respect the property's qualifiers."""
    for section, prop in ctx.properties:
        if not prop.qualifiers:
            continue
        qualifiers, malformed = parse_qualifiers(prop.qualifiers)
        if malformed is not None:
            continue
        for model, where, value in _values(prop):
            if PROPERTY_REFERENCE.search(value):
                continue
            problem = qualifier_problem(prop.type or "string", qualifiers, value)
            if problem is not None:
                yield ctx.emit("P103", model, f"{_name(section, prop)} {where} {problem}", attribute="value")


@rule(
    "P104",
    "unknown-property-type",
    Severity.WARNING,
    "A property's ovf:type is none of the types DSP0243 defines (uint8 ... sint64, real32, "
    "real64, boolean, string).",
)
def unknown_property_type(ctx: Context) -> Iterator[Diagnostic]:
    """Consumers only know the DSP0243 types (and the common VMware ones: int, real, ip, ip:network)."""
    for section, prop in ctx.properties:
        if prop.type is not None and not _known_type(prop.type):
            yield ctx.emit(
                "P104",
                prop,
                f"{_name(section, prop)} has type {qs(prop.type, 60)}, which DSP0243 does not define",
                attribute="type",
            )


@rule(
    "P105",
    "malformed-qualifiers",
    Severity.WARNING,
    "A property's ovf:qualifiers cannot be read (MinLen(n), MaxLen(n), ValueMap{...} and so on).",
)
def malformed_qualifiers(ctx: Context) -> Iterator[Diagnostic]:
    """Qualifiers are written Name(argument) or ValueMap{values}, separated by commas."""
    for section, prop in ctx.properties:
        if prop.qualifiers:
            _, malformed = parse_qualifiers(prop.qualifiers)
            if malformed is not None:
                yield ctx.emit(
                    "P105",
                    prop,
                    f"{_name(section, prop)} qualifiers {qs(prop.qualifiers, 80)}: {malformed}",
                    attribute="qualifiers",
                )


@rule(
    "P106",
    "duplicate-property-key",
    Severity.ERROR,
    "Two properties have the same fully qualified key (class.key.instance) in one virtual system "
    "or envelope.",
)
def duplicate_property_key(ctx: Context) -> Iterator[Diagnostic]:
    """Property keys identify values in the OVF environment, so each is defined once."""
    owners = [ctx.envelope, *ctx.contents]
    for owner in owners:
        seen: set[str] = set()
        for section in owner.sections:
            if not isinstance(section, ProductSection):
                continue
            for prop in section.properties:
                key = section.full_key(prop)
                if not prop.key:
                    continue
                if key in seen:
                    yield ctx.emit("P106", prop, f'property key "{q(key)}" is defined twice', attribute="key")
                seen.add(key)

"""``validate``, ``is_valid``, ``iter_diagnostics``: check one OVF document with the XSD and the rules.

A document that cannot be read (not well formed, not OVF, hostile, compressed, badly encoded) is a
finding (an ``X`` error), not an exception; a file that does not exist, a bad profile name or an
unknown rule code is misuse and raises.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from typing import IO, Union

from ovfkit.dialects import detect_dialect, ovf_version
from ovfkit.errors import OvfError, OvfParseError, OvfSecurityError, quote
from ovfkit.model.envelope import Envelope
from ovfkit.model.environment import Environment
from ovfkit.schema.bundled import schema_for_namespace
from ovfkit.schema.xsd import XsdCheck, XsdError, validate_tree
from ovfkit.validate.context import Context
from ovfkit.validate.diagnostic import Diagnostic
from ovfkit.validate.locate import Locator
from ovfkit.validate.registry import ValidationUsageError, get_rule, iter_model_rules, select_codes
from ovfkit.validate.report import Report
from ovfkit.validate.xsd import xsd_diagnostics
from ovfkit.xmlio.reader import read_tree
from ovfkit.xmlio.safe import DEFAULT_LIMITS, Limits, Parsed, parse_bytes, read_source

__all__ = ["PROFILES", "UnreadableInputError", "is_valid", "iter_diagnostics", "validate"]

#: The validation profiles: the DMTF XSD as written, DSP0243's extension allowance, the oVirt flavour.
PROFILES = ("strict", "relaxed", "ovirt")

Source = Union[str, bytes, "os.PathLike[str]", IO[bytes], Envelope, Environment]
Codes = str | Iterable[str] | None

_XSD_CODES = ("S001", "S002", "S003", "S004", "S005")
_MAX_MESSAGE = 300

#: From this size on, the XSD check runs on a worker thread while the model is read and checked
#: (libxml2 validates without the GIL); below it, starting a thread costs more than it saves.
BACKGROUND_XSD_MIN_BYTES = 128 * 1024


class UnreadableInputError(OvfParseError):
    """The input could not be read at all (a missing or unreadable file): misuse, not a finding."""


def _read(source: Source, limits: Limits, name: str | None) -> tuple[bytes, str, list[str]]:
    """The bytes to validate, the name to report them under, and what the package reader tolerated.

    Raises for input that cannot be read.
    """
    if isinstance(source, (Envelope, Environment)):
        from ovfkit.api import dumps

        return dumps(source), name or "<model>", []
    if isinstance(source, (str, os.PathLike)) and not (
        isinstance(source, str) and source.lstrip("\ufeff \t\r\n").startswith("<")
    ):
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise UnreadableInputError("no such file", source=path)
        if path.lower().endswith(".ova"):
            from ovfkit.ova import read_package_descriptor

            found = read_package_descriptor(path, limits)
            return found.data, name or str(found.name), list(found.notes)
    try:
        data, read_name = read_source(source, limits)
    except OvfSecurityError:
        raise
    except OvfParseError as exc:
        if exc.message.startswith("cannot read file"):
            raise UnreadableInputError(exc.message, source=exc.source) from None
        raise
    return data, name or read_name, []


def _unreadable(code: str, exc: OvfError, name: str, locator: Locator | None = None) -> Diagnostic:
    """The X diagnostic for input that could not be read; an error on the root element gets its column."""
    entry = get_rule(code)
    root = locator.root if locator is not None else None
    if locator is not None and root is not None and exc.column is None and exc.line == root.sourceline:
        line, column, path = locator.of_element(root)
        message = quote(exc.message, _MAX_MESSAGE)
        return Diagnostic(entry.code, entry.name, entry.severity, message, name, line, column, path)
    return Diagnostic(
        entry.code,
        entry.name,
        entry.severity,
        quote(exc.message, _MAX_MESSAGE),
        name,
        exc.line,
        exc.column,
        exc.path,
    )


def _parse_code(exc: OvfParseError) -> str:
    """The X code of a failure to parse bytes."""
    if isinstance(exc, OvfSecurityError):
        return "X002"
    if "-compressed" in exc.message:
        return "X005"
    if exc.message.startswith(("bytes are not valid", "unknown encoding")):
        return "X004"
    return "X001"


def _schema_choice(parsed: Parsed, dialect: str, profile: str) -> tuple[str | None, str]:
    """The bundled schema key to check against (None when none applies) and, if none, why."""
    if profile == "ovirt":
        return (
            None,
            "the ovirt profile checks the oVirt flavour with the O rules; DMTF publishes no schema for it",
        )
    if dialect == "ovirt" and profile == "relaxed":
        return None, "the oVirt flavour has no DMTF schema; its structure is checked by the O and S1 rules"
    tag = parsed.root.tag
    namespace = tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else None
    schema = schema_for_namespace(namespace)
    if schema is None:
        return None, f"no DMTF schema exists for the namespace '{quote(str(namespace), 120)}'"
    return schema.key, ""


def _start_xsd(parsed: Parsed, profile: str, size: int) -> XsdCheck | None:
    """Start the XSD check of a large document on a worker thread, when its schema is already known.

    The schema follows from the root's namespace unless the document is in the oVirt flavour,
    which needs the model to tell; an envelope without a prefix is never in that flavour, so its
    check can start before the model is read.
    """
    if size < BACKGROUND_XSD_MIN_BYTES or profile == "ovirt" or parsed.root.prefix is not None:
        return None
    key, _ = _schema_choice(parsed, "", profile)
    if key is None:
        return None
    return XsdCheck(parsed.root, key, prune_foreign=profile == "relaxed")


def _check_model(
    model: Envelope,
    name: str,
    dialect: str,
    profile: str,
    version: str,
    xsd_checked: bool,
    locator: Locator,
    enabled: frozenset[str],
) -> list[Diagnostic]:
    """Run the enabled model rules that apply to this document.

    The cyclic garbage collector is paused meanwhile: the rules build many small containers and
    no cycles, and a collection would scan the whole (large) model for nothing.
    """
    context = Context(
        model,
        source=name,
        dialect=dialect,
        profile=profile,
        version=version,
        xsd_checked=xsd_checked,
        locator=locator,
    )
    found: list[Diagnostic] = []
    collecting = gc.isenabled()
    gc.disable()
    try:
        for entry in iter_model_rules(enabled):
            if entry.scope == "ovirt" and not context.is_ovirt:
                continue
            if entry.scope == "standard" and context.is_ovirt:
                continue
            assert entry.check is not None
            found.extend(entry.check(context))
    finally:
        if collecting:
            gc.enable()
    return found


def _validate_bytes(
    data: bytes, name: str, profile: str, enabled: frozenset[str], limits: Limits, notes: list[str]
) -> Report:
    try:
        parsed = parse_bytes(data, name, limits)
    except OvfParseError as exc:
        code = _parse_code(exc)
        found = [_unreadable(code, exc, name)] if code in enabled else []
        return Report(name, profile, tuple(found))
    locator = Locator(parsed.root, parsed.text)
    xsd_enabled = any(code in enabled for code in _XSD_CODES)
    background = _start_xsd(parsed, profile, len(data)) if xsd_enabled else None
    try:
        model = read_tree(parsed, name, limits)
        model.document.warnings.extend(notes)
    except OvfParseError as exc:
        if background is not None:
            background.errors()
        code = "X002" if isinstance(exc, OvfSecurityError) else "X003"
        found = [_unreadable(code, exc, name, locator)] if code in enabled else []
        return Report(name, profile, tuple(found))
    if isinstance(model, Envelope):
        dialect, version = detect_dialect(model), ovf_version(model)
    else:
        dialect, version = "environment", "environment"
    diagnostics: list[Diagnostic] = []
    key, reason = _schema_choice(parsed, dialect, profile)
    if key is None and "S006" in enabled:
        entry = get_rule("S006")
        line, column, path = locator.of_element(parsed.root)
        diagnostics.append(
            Diagnostic(entry.code, entry.name, entry.severity, reason, name, line, column, path)
        )
    if isinstance(model, Envelope):
        # the rules run while a check started in the background finishes
        diagnostics.extend(
            _check_model(model, name, dialect, profile, version, key is not None, locator, enabled)
        )
    errors: list[XsdError] | None = None
    if background is not None:
        finished = background.errors()
        if background.key == key:  # else not the schema the document turned out to need
            errors = finished
    if key is not None and xsd_enabled:
        if errors is None:
            errors = validate_tree(parsed.root, key, prune_foreign=profile == "relaxed")
        diagnostics.extend(
            xsd_diagnostics(errors, parsed.root, key, source=name, locator=locator, enabled=enabled)
        )
    if "X006" in enabled:
        entry = get_rule("X006")
        for warning in model.document.warnings:
            diagnostics.append(
                Diagnostic(
                    entry.code, entry.name, entry.severity, quote(warning, _MAX_MESSAGE), name, 1, 1, None
                )
            )
    diagnostics.sort(key=Diagnostic.sort_key)
    return Report(name, profile, tuple(diagnostics), dialect=dialect, ovf_version=version, schema=key)


def validate(
    source_or_model: Source,
    profile: str = "relaxed",
    select: Codes = None,
    ignore: Codes = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    name: str | None = None,
) -> Report:
    """Validate an OVF descriptor (or OVF environment document) and return a ``Report``.

    ``source_or_model`` is a path (``.ovf``, ``.ova``, ``ovf-env.xml``), bytes, XML text, a binary
    file object, or a loaded ``Envelope``/``Environment`` (validated as ``ovfkit.dumps`` writes it).
    ``profile`` is ``relaxed`` (default: DSP0243's extension allowance), ``strict`` (the DMTF XSD as
    written) or ``ovirt`` (the oVirt flavour, checked by the O rules). ``select`` and ``ignore`` take
    rule codes or prefixes (``"R1,S"``) as ruff does. ``name`` overrides the file name reported.

    Raises ``ValidationUsageError`` for an unknown profile or code, and ``UnreadableInputError`` (an
    ``OvfParseError``) when a file is missing or cannot be read; content that cannot be read as OVF
    is reported as ``X`` errors instead.
    """
    if profile not in PROFILES:
        raise ValidationUsageError(
            f"unknown validation profile '{quote(str(profile), 40)}'; expected one of {', '.join(PROFILES)}"
        )
    enabled = select_codes(select, ignore)
    try:
        data, source_name, notes = _read(source_or_model, limits, name)
    except OvfSecurityError as exc:
        source_name = name or exc.source or "<input>"
        found = [_unreadable("X002", exc, source_name)] if "X002" in enabled else []
        return Report(source_name, profile, tuple(found))
    except UnreadableInputError:
        raise
    except OvfParseError as exc:
        source_name = name or exc.source or "<input>"
        found = [_unreadable("X003", exc, source_name)] if "X003" in enabled else []
        return Report(source_name, profile, tuple(found))
    return _validate_bytes(data, source_name, profile, enabled, limits, notes)


def iter_diagnostics(
    source_or_model: Source,
    profile: str = "relaxed",
    select: Codes = None,
    ignore: Codes = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    name: str | None = None,
) -> Iterator[Diagnostic]:
    """The diagnostics of ``validate(...)``, in document order."""
    yield from validate(source_or_model, profile, select, ignore, limits=limits, name=name).diagnostics


def is_valid(
    source_or_model: Source,
    profile: str = "relaxed",
    select: Codes = None,
    ignore: Codes = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> bool:
    """True when ``validate(...)`` finds no error (warnings and infos allowed)."""
    return validate(source_or_model, profile, select, ignore, limits=limits).ok

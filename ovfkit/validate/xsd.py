"""XSD findings as diagnostics: libxml2's errors, located and rewritten with the document's own prefixes.

A libxml2 message names elements in Clark notation (``{http://...}Disk``) and lists up to dozens of
expected names; here each name is written with the prefix the document uses for its namespace
(``ovf:Disk``, or just ``Disk`` for the default namespace), long lists are shortened, and each error
gets one of the ``S0xx`` codes by what it says (unexpected element, missing element, missing
attribute, invalid value, anything else).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ovfkit.errors import quote
from ovfkit.namespaces import XSD_SUFFIXED, Ns
from ovfkit.schema.xsd import XsdError
from ovfkit.validate.diagnostic import Diagnostic
from ovfkit.validate.locate import Locator
from ovfkit.validate.registry import get_rule

__all__ = ["Prefixes", "classify", "rewrite", "xsd_diagnostics"]

_CLARK = re.compile(r"\{([^}]*)\}([A-Za-z_][\w.\-]*)")
_EXPECTED = re.compile(r"\( ([^()]*) \)")
#: What libxml2 writes before an attribute's name (``Element 'x', attribute '{uri}y': ...``).
_ATTRIBUTE_LEAD = "attribute '"
#: What libxml2 writes before the name of the element a message is about.
_SUBJECT_LEAD = "Element '"
#: The most expected names a message lists before it says how many more there are.
MAX_EXPECTED = 8
#: The longest message an XSD diagnostic carries.
MAX_MESSAGE = 400


def classify(error: XsdError) -> str:
    """The S code of a libxml2 error."""
    text = error.message
    if "This element is not expected" in text:
        return "S001"
    if "Missing child element" in text:
        return "S002"
    if "is required but missing" in text:
        return "S003"
    if (
        "is not a valid value" in text
        or "is not accepted by the pattern" in text
        or "is not an element of the set" in text
        or "facet" in text
    ):
        return "S004"
    return "S005"


class Prefixes(NamedTuple):
    """How a message writes the names of each namespace URI.

    ``elements`` for the names a message expects (the parent's children) and other elements,
    ``attributes`` for attributes (which need a prefix), ``subject`` (when given) for the element
    the message is about, as it is written.
    """

    elements: dict[str, str]
    attributes: dict[str, str]
    subject: dict[str, str] | None = None


def _prefixes(el: Any) -> Prefixes:
    """The prefixes in scope at an element (the default namespace as ``""``, for elements only).

    A namespace bound both as the default and to a prefix (``xmlns`` and ``xmlns:ovf`` naming the
    same URI, as VMware writes) is written as the element itself is written (``Disk`` when it has
    no prefix, ``ovf:Disk`` when it has), and the names a message expects as the parent writes
    its namespace; attributes keep the prefix (``ovf:capacity``), since an attribute without one
    is in no namespace. A DMTF namespace the document does not bind gets its usual prefix, unless
    the document binds that prefix to another namespace.
    """
    elements: dict[str, str] = {}
    attributes: dict[str, str] = {}
    nsmap = el.nsmap
    for prefix, uri in nsmap.items():
        if prefix is None:
            elements.setdefault(uri, "")
        else:
            elements[uri] = prefix
            attributes[uri] = prefix
    parent = el.getparent()
    _written_as(parent, elements)
    subject = dict(elements)
    _written_as(el, subject)
    for found in (elements, attributes, subject):
        for uri, real in XSD_SUFFIXED.items():  # the relaxed check reads these as the namespace they mean
            if uri in found:
                found.setdefault(real, found[uri])
        for ns in Ns:
            bound = nsmap.get(ns.prefix)
            if bound is None or bound == ns.value:
                found.setdefault(ns.value, ns.prefix)
    return Prefixes(elements, attributes, subject)


def _written_as(el: Any, prefixes: dict[str, str]) -> None:
    """Record how an element writes its own namespace (with its prefix, or none)."""
    tag = el.tag if el is not None else None
    if isinstance(tag, str) and tag.startswith("{"):
        prefixes[tag[1:].partition("}")[0]] = el.prefix or ""


def _element_of(error: XsdError, locator: Locator) -> Any | None:
    """The element an error is about (in the relaxed check, a renamed one is found by its name as written)."""
    if error.line is None:
        return None
    el = locator.element_at(error.line, error.tag)
    if el is None and error.tag is not None:
        uri, _, local = error.tag[1:].partition("}")
        for suffixed, real in XSD_SUFFIXED.items():
            if uri == real:
                el = locator.element_at(error.line, f"{{{suffixed}}}{local}")
                if el is not None:
                    break
    return el


def _shorten_expected(match: re.Match[str]) -> str:
    names = [n.strip() for n in match.group(1).split(",")]
    if len(names) > MAX_EXPECTED:
        names = [*names[:MAX_EXPECTED], f"and {len(names) - MAX_EXPECTED} more"]
    return "( " + ", ".join(names) + " )"


def rewrite(message: str, prefixes: Prefixes | dict[str, str]) -> str:
    """Write Clark names with the document's prefixes and shorten lists of expected names.

    ``prefixes`` maps namespace URIs to prefixes (``""`` for the default namespace); a ``Prefixes``
    gives attributes (names after ``attribute '``) and the element a message is about (the name
    after its leading ``Element '``) their own maps.
    """
    if isinstance(prefixes, Prefixes):
        elements, attributes, subject = prefixes
    else:
        elements = attributes = prefixes
        subject = None
    text = message.strip()
    subject_at = len(_SUBJECT_LEAD) if text.startswith(_SUBJECT_LEAD) else -1

    def name(match: re.Match[str]) -> str:
        uri, local = match.group(1), match.group(2)
        start = match.start()
        is_attribute = text.endswith(_ATTRIBUTE_LEAD, max(0, start - len(_ATTRIBUTE_LEAD)), start)
        if is_attribute:
            prefix = attributes.get(uri) or elements.get(uri) or None
        elif start == subject_at and subject is not None:
            prefix = subject.get(uri)
        else:
            prefix = elements.get(uri)
        if prefix is None:
            return match.group(0)
        return f"{prefix}:{local}" if prefix else local

    text = _CLARK.sub(name, text)
    text = _EXPECTED.sub(_shorten_expected, text)
    return quote(text, MAX_MESSAGE)


def xsd_diagnostics(
    errors: list[XsdError],
    root: Any,
    key: str,
    *,
    source: str | None,
    locator: Locator,
    enabled: frozenset[str],
) -> list[Diagnostic]:
    """The errors of validating the tree at ``root`` against the bundled schema ``key``, as S diagnostics."""
    found: list[Diagnostic] = []
    root_prefixes: Prefixes | None = None
    for error in errors:
        code = classify(error)
        if code not in enabled:
            continue
        entry = get_rule(code)
        el = _element_of(error, locator)
        if el is not None:
            line, column, path = locator.of_xsd_error(el)
            prefixes = _prefixes(el)
        else:
            line, column, path = error.line, None, None
            if root_prefixes is None:
                root_prefixes = _prefixes(root)
            prefixes = root_prefixes
        message = f"{rewrite(error.message, prefixes)} [{key}]"
        found.append(Diagnostic(entry.code, entry.name, entry.severity, message, source, line, column, path))
    return found

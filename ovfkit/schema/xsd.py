"""XSD validation of a parsed tree against a bundled DMTF schema on libxml2, with the extension allowance.

``validate_tree(root, key)`` checks the tree as written. With ``prune_foreign=True`` (the ``relaxed``
profile) elements in namespaces the schema does not define (vendor sections such as ``vmw:...``,
``vbox:Machine``, OVF 2 sections in a 1.x envelope) are removed from a copy before it is checked:
DSP0243 lets such extensions exist, and the semantic rules check them instead. The copy keeps the
source line numbers, so errors still point into the document. The tree passed in is never changed.

``XsdCheck`` runs ``validate_tree`` on a worker thread. libxml2 validates without holding the GIL,
so the check of a large document runs beside the Python work that reads the same tree (reading
never changes it). Each compiled schema is used by one thread at a time: its error log is shared.
"""

from __future__ import annotations

import copy
import functools
import re
import threading
from dataclasses import dataclass
from typing import Any

from ovfkit.namespaces import XSD_SUFFIXED, Ns
from ovfkit.schema.bundled import BUNDLED, lxml_schema

__all__ = ["DMTF_NAMESPACES", "XsdCheck", "XsdError", "foreign_elements", "validate_tree"]

#: Namespaces the bundled schemas define besides their own target namespace.
DMTF_NAMESPACES = frozenset(
    {
        Ns.RASD.value,
        Ns.VSSD.value,
        Ns.SASD.value,
        Ns.EPASD.value,
        Ns.CIM.value,
        Ns.XSI.value,
        Ns.XML.value,
        "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_BootConfigSetting",
        "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_BootSourceSetting",
        "http://www.w3.org/2000/09/xmldsig#",
        "http://www.w3.org/2001/04/xmlenc#",
        "http://www.w3.org/2009/xmlenc11#",
    }
)

_ELEMENT = re.compile(r"Element '(\{[^}]*\}[^']+|[^'{]+)'")


@dataclass(frozen=True, slots=True)
class XsdError:
    """One libxml2 validation error: source line, message, libxml2 error type and the element's Clark tag."""

    line: int | None
    message: str
    kind: str
    tag: str | None


def _namespace(tag: str) -> str | None:
    return tag[1:].partition("}")[0] if tag.startswith("{") else None


def foreign_elements(root: Any, schema_namespace: str) -> list[Any]:
    """The outermost elements whose namespace the schema does not define (never the root)."""
    allowed = DMTF_NAMESPACES | {schema_namespace}
    found: list[Any] = []
    stack = [iter(root)]
    while stack:
        for el in stack[-1]:
            tag = el.tag
            if not isinstance(tag, str):
                continue
            uri = _namespace(tag)
            if uri is not None and uri not in allowed and uri not in XSD_SUFFIXED:
                found.append(el)
                continue
            stack.append(iter(el))
            break
        else:
            stack.pop()
    return found


def _errors(schema: Any) -> list[XsdError]:
    found: list[XsdError] = []
    for entry in schema.error_log:
        match = _ELEMENT.search(entry.message)
        found.append(
            XsdError(entry.line or None, entry.message, entry.type_name, match.group(1) if match else None)
        )
    return found


def validate_tree(root: Any, key: str, *, prune_foreign: bool = False) -> list[XsdError]:
    """Validate a tree against the bundled schema ``key``; return its errors (empty when valid).

    With ``prune_foreign`` a document that fails is checked again without its foreign-namespace
    elements (on a copy), and the errors of that check are returned.
    """
    schema = lxml_schema(key)
    with _schema_lock(key):
        if schema.validate(root):
            return []
        errors = _errors(schema)
    if not prune_foreign:
        return errors
    namespace = BUNDLED[key].namespace
    suffixed = _suffixed_in_use(root)
    if not suffixed and not foreign_elements(root, namespace):
        return errors
    pruned = copy.deepcopy(root)
    _remove_keeping_tails(foreign_elements(pruned, namespace))
    _rename_suffixed(pruned, suffixed)
    with _schema_lock(key):
        if schema.validate(pruned):
            return []
        return _errors(schema)


@functools.cache
def _schema_lock(key: str) -> threading.Lock:
    """The lock that lets one thread at a time validate with (and read the error log of) schema ``key``."""
    return threading.Lock()


class XsdCheck:
    """``validate_tree(root, key, prune_foreign=...)`` started on a worker thread; ``errors()`` waits for it.

    The caller must not change the tree until ``errors()`` has returned.
    """

    def __init__(self, root: Any, key: str, *, prune_foreign: bool) -> None:
        #: The bundled schema checked against.
        self.key = key
        self._errors: list[XsdError] = []
        self._failure: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(root, key, prune_foreign), name=f"ovfkit-xsd-{key}", daemon=True
        )
        self._thread.start()

    def _run(self, root: Any, key: str, prune_foreign: bool) -> None:
        try:
            self._errors = validate_tree(root, key, prune_foreign=prune_foreign)
        except BaseException as exc:  # handed to the thread that waits in errors()
            self._failure = exc

    def errors(self) -> list[XsdError]:
        """Wait for the check; return its errors, or raise what it raised."""
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        return self._errors


def _suffixed_in_use(root: Any) -> list[str]:
    """The ``.xsd``-suffixed DMTF namespaces that elements of the tree are in (see ``XSD_SUFFIXED``)."""
    return [uri for uri in XSD_SUFFIXED if next(root.iter(f"{{{uri}}}*"), None) is not None]


def _rename_suffixed(root: Any, suffixed: list[str]) -> None:
    """Move the elements and attributes of ``.xsd``-suffixed namespaces into the namespaces they stand for.

    The relaxed check reads them as ovfkit and VirtualBox do; the strict one sees them as written.
    """
    for uri in suffixed:
        real = XSD_SUFFIXED[uri]
        for el in root.iter(f"{{{uri}}}*"):
            el.tag = f"{{{real}}}{el.tag.partition('}')[2]}"
    prefixes = tuple(f"{{{uri}}}" for uri in suffixed)
    if prefixes:
        for el in root.iter():
            attrib = el.attrib if isinstance(el.tag, str) else None
            if attrib is None:
                continue
            for name in [n for n in attrib if n.startswith(prefixes)]:
                uri, _, local = name[1:].partition("}")
                attrib[f"{{{XSD_SUFFIXED[uri]}}}{local}"] = attrib.pop(name)


def _remove_keeping_tails(elements: list[Any]) -> None:
    """Remove elements (none inside another, in document order), in time linear in what they hold.

    The text after each removed element joins the tail of the nearest sibling kept before it (or its
    parent's text), so that text the schema forbids stays where the schema sees it. Each element is
    emptied before it is unlinked: lxml frees children that no Python object refers to at once,
    whereas unlinking a whole subtree would redeclare its namespaces node by node (quadratic in a
    large subtree). Texts are collected and joined once per receiving node, not appended one by one.
    """
    tails: dict[Any, list[str]] = {}
    texts: dict[Any, list[str]] = {}
    for el in elements:
        parent = el.getparent()
        if parent is None:
            continue
        tail = el.tail
        el.clear()
        if tail:
            previous = el.getprevious()
            if previous is not None:
                tails.setdefault(previous, [previous.tail or ""]).append(tail)
            else:
                texts.setdefault(parent, [parent.text or ""]).append(tail)
        parent.remove(el)
    for node, parts in tails.items():
        node.tail = "".join(parts)
    for node, parts in texts.items():
        node.text = "".join(parts)

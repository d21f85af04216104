"""Whether a model can be written as well-formed XML, within the limits the XML loader holds.

``from_json`` turns JSON into models that no XML parser has seen; ``check_writable`` walks such a model
and refuses what ``dumps`` could not write as well-formed XML (names, prefixes, declarations, comments,
processing instructions, the bytes around the root, characters XML 1.0 cannot carry), naming the JSON
path of the offending value. It also holds ``Limits`` exactly as loading the written XML would:

- ``max_depth``: typed elements and generic nodes nest no deeper than the loader reads (the root at
  depth 0, one more for every typed child or node; typed leaves are not counted, as the reader does not);
- ``max_elements`` and ``max_nodes``: the walk first counts at most what the XML can hold (each typed
  field of a model at most one element or attribute, from its class, so little work per model); only
  when that is over a limit does a second walk count every element, attribute, namespace declaration,
  comment and processing instruction the XML will hold, apart from what the writer may add beyond the
  model's values (declarations for new elements, values kept only by their original spelling, an
  empty token list the document had);
- ``max_text``: no string is longer than the JSON text it came from, so the strings are walked only
  when the text is longer than ``max_text``;
- ``max_bytes``: the JSON form writes each layout once and every element that shares it names it by
  number, so a small JSON text can stand for a large document (a long gap in a layout that thousands
  of elements use). The characters and entries of the layouts, counted once per element that uses one,
  must stay within ``max_bytes``; the walk stops at the element that goes over. What is done per
  layout (declaring its namespaces, scanning its strings) is done once per layout and scope, not once
  per element, so the work before that stop is bounded by the JSON text too.

Only when what the writer may add could tip a count over its limit, or strings are long enough to make
a text node over ``max_text``, is the model written and read back through the loader, which decides.

Names are checked once for all elements written alike (a section holds thousands of Items with a few
layouts, and each vendor setting repeats on many of them): a layout by scope, name, attribute and child
names; a generic node by scope, name, namespace and attribute names; the child names of a layout once
each. Such elements are still counted, and their extensions walked, one by one.
"""

from __future__ import annotations

import codecs
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Union

from pydantic import BaseModel

from ovfkit.convert_errors import OvfJsonError, OvfJsonLimitError, json_path
from ovfkit.errors import OvfError, OvfSecurityError, quote
from ovfkit.model.base import Comment, Node, OvfModel, ProcessingInstruction, XmlInfo
from ovfkit.model.binding import TOKENS, binding_of
from ovfkit.model.envelope import Document, Envelope
from ovfkit.model.environment import Environment
from ovfkit.namespaces import FAMILY_OF, Ns
from ovfkit.xmlio.safe import DEFAULT_LIMITS, Limits

__all__ = ["check_writable", "may_hold_illegal_characters"]

Model = Union[Envelope, Environment]  # noqa: UP007  (a runtime alias on Python 3.10)

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


def may_hold_illegal_characters(text: str | bytes) -> bool:
    """False when the JSON text certainly holds no character XML 1.0 cannot carry (one regex scan).

    Such a character is in JSON text as an escape (``\\b``, ``\\f``, ``\\u0001``, ``\\uFFFE``) or
    as U+FFFE/U+FFFF itself. (Looking for ``\\u``, ``\\b`` and ``\\f`` as substrings first is
    slower: the JSON of a laid-out document is full of ``\\n``, a near miss for each.)
    """
    if isinstance(text, bytes):
        if not text.isascii() and (b"\xef\xbf\xbe" in text or b"\xef\xbf\xbf" in text):
            return True
        return any(match.group() != b"\\\\" for match in _ESCAPE_BYTES.finditer(text))
    if not text.isascii() and ("\ufffe" in text or "\uffff" in text):
        return True
    return any(match.group() != "\\\\" for match in _ESCAPE_TEXT.finditer(text))


class _XmlError(Exception):
    """A reason the model cannot be written; the path is collected while the walk unwinds."""

    def __init__(self, message: str, limit: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.limit = limit  # a resource limit, not malformed XML
        self.parts: list[str | int] = []
        #: the entry of the document's layout table the problem is in, and how many parts are inside it
        self.layout: int | None = None
        self.layout_parts = 0

    def at(self, *parts: str | int) -> _XmlError:
        """Prepend path parts (called from the innermost frame outwards)."""
        self.parts[0:0] = parts
        return self

    def in_layout(self, number: int | None) -> _XmlError:
        """Mark the problem as one in entry ``number`` of the layout table (None: not from a table)."""
        if number is not None and self.layout is None:
            self.layout = number
            self.layout_parts = len(self.parts)
        return self

    def located(self) -> tuple[str, str]:
        """The JSON path and message: a problem in a layout of the table is named there.

        The element that uses the layout is named in the message: whether a prefix is declared, say,
        depends on where the layout is used.
        """
        parts: list[str | int] = ["document", *self.parts]
        if self.layout is None:
            return json_path(parts), self.message
        inside = parts[len(parts) - self.layout_parts :] if self.layout_parts else []
        element = parts[: len(parts) - self.layout_parts - 1]  # without its "xml"
        message = f"{self.message} (in the layout of {json_path(element)})"
        return json_path(["layouts", self.layout, *inside]), message


_Scope = dict[str, str]
_FIRST = operator.itemgetter(0)
_Counts = Callable[[dict[str, Any]], tuple[int, int, int]]


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the walk needs of a model class: its typed children, and how to count what it writes.

    ``count(data)`` gives, for a model's ``__dict__``: the typed leaf elements written for the values
    set (one per entry of a list), the typed attributes written for the values set, and the token-list
    attributes set to ``[]`` (the writer keeps one as an empty attribute when the document had it and
    leaves it out otherwise, so those count as slack).
    """

    children: tuple[tuple[str, bool], ...]
    count: _Counts
    #: at most the elements of one model but its list leaves: itself and one per scalar leaf
    most_elements: int
    #: at most its typed attributes: one per typed attribute
    most_attributes: int
    #: the values of its leaf lists, when it has any
    lists: Callable[[dict[str, Any]], tuple[Any, ...]] | None


def _values(names: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A getter of the values of ``names`` as a tuple (one C call for two names or more)."""
    if len(names) >= 2:
        return operator.itemgetter(*names)
    if names:
        (name,) = names
        return lambda data: (data[name],)
    return lambda data: ()


def _counter(
    scalar_leaves: list[str], list_leaves: list[str], scalar_attrs: list[str], tokens: list[str]
) -> _Counts:
    """The ``_Facts.count`` of a class with these typed leaves and attributes."""
    leaf_values, list_values, attr_values = (
        _values(scalar_leaves),
        _values(list_leaves),
        _values(scalar_attrs),
    )
    token_values = _values(tokens)
    leaf_count, attr_count = len(scalar_leaves), len(scalar_attrs)

    def count(data: dict[str, Any]) -> tuple[int, int, int]:
        leaves = leaf_count - leaf_values(data).count(None)
        if list_leaves:
            leaves += sum(map(len, list_values(data)))
        attributes = attr_count - attr_values(data).count(None)
        empty = 0
        if tokens:
            empty = token_values(data).count([])
            attributes += len(tokens) - empty
        return leaves, attributes, empty

    return count


_FACTS: dict[type, _Facts] = {}


def _facts(cls: type[OvfModel]) -> _Facts:
    """The facts of a model class (compiled on first use, then kept in ``_FACTS``)."""
    binding = binding_of(cls)
    children = tuple((s.name, s.is_list) for s in binding.child_fields if s.codec is None)
    leaves = [s for s in binding.child_fields if s.codec is not None]
    lists = [s.name for s in leaves if s.is_list]
    counter = _counter(
        [s.name for s in leaves if not s.is_list],
        lists,
        [s.name for s in binding.attr_fields if s.codec is not TOKENS],
        [s.name for s in binding.attr_fields if s.codec is TOKENS],
    )
    scalars = [s for s in leaves if not s.is_list]
    facts = _Facts(
        children, counter, 1 + len(scalars), len(binding.attr_fields), _values(lists) if lists else None
    )
    _FACTS[cls] = facts
    return facts


class _Checker:
    """Walks a model and raises ``_XmlError`` for anything that would not be well-formed XML."""

    def __init__(
        self, limits: Limits, exact: bool = True, layout_numbers: dict[int, int] | None = None
    ) -> None:
        self.ovf_uri: str | None = None  # the envelope's own namespace, when it is not a known one
        self.max_depth = limits.max_depth
        self.max_elements = limits.max_elements
        self.max_nodes = limits.max_nodes
        self.max_bytes = limits.max_bytes
        self.elements = 0  # elements the XML certainly has
        self.nodes = 0  # nodes of every kind it certainly has
        self.slack = 0  # elements or nodes the writer may add beyond those (see _Facts)
        # Exact counts, or (False) upper bounds from each class's typed fields, which never refuse:
        # over a limit, the walk is done again with exact counts.
        self.exact = exact
        self.names: set[str] = set()
        self.resolved: set[tuple[Any, ...]] = set()
        self.element_uris: dict[tuple[int, str], str | None] = {}
        # by scope id, the ids of XmlInfos found in ``resolved`` (the model holds them during the walk)
        self.checked_layouts: dict[int, set[int]] = {}
        #: the characters and entries of the layouts, counted once for each element that uses one; by
        #: id, each layout's
        self.layout_characters = 0
        self.layout_sizes: dict[int, int] = {}
        #: the scope a layout's declarations make in a scope, by (scope id, id of its ``ns`` tuple)
        self.declared: dict[tuple[int, int], _Scope] = {}
        self.scopes: list[_Scope] = []  # kept alive so that scope ids stay unique during a walk
        #: the number of each XmlInfo of the document's layout table, by id
        self.layout_numbers = layout_numbers or {}

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
        seen: set[str] = set()
        for index, pair in enumerate(pairs):
            prefix, uri = pair
            try:
                if prefix in seen:
                    raise _XmlError(f"the prefix {quote(repr(prefix), 80)} is declared twice on one element")
                seen.add(prefix)
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

    def element_name(self, name: str, scope: _Scope) -> str | None:
        """Check an element name in scope; return its namespace (None for none)."""
        key = (id(scope), name)
        if key in self.element_uris:
            return self.element_uris[key]
        self.qname(name, "element")
        if name.startswith("xmlns:"):
            # Namespaces in XML 1.0: element names must not have the prefix xmlns (xml is allowed).
            raise _XmlError(f"{quote(name, 80)!r}: the xmlns prefix cannot name an element")
        uri = self.uri_of(name, scope, True) or None
        self.element_uris[key] = uri
        return uri

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

    def too_deep(self) -> _XmlError:
        return _XmlError(f"elements nest deeper than the limit of {self.max_depth}", limit=True)

    def over_count(self) -> _XmlError:
        if self.elements > self.max_elements:
            return _XmlError(f"more elements than the limit of {self.max_elements}", limit=True)
        return _XmlError(
            "more nodes (elements, attributes, namespace declarations, comments, processing "
            f"instructions) than the limit of {self.max_nodes}",
            limit=True,
        )

    def count(self, model: OvfModel, facts: _Facts, info: XmlInfo | None) -> None:
        """Count the element, typed leaves and typed attributes the XML of one model holds.

        Its untyped attributes, declarations and what is on its leaves are counted by ``model`` and
        ``layout``, its children where they are walked.
        """
        leaves, attributes, empty_tokens = facts.count(model.__dict__)
        self.elements += 1 + leaves
        self.nodes += 1 + leaves + attributes
        if info is not None:
            self.slack += empty_tokens
            if info.lexical:
                self.slack += len(info.lexical)  # a None value whose original text is written
        else:
            self.slack += 1 + leaves + attributes  # declarations the writer may add for a new element
        if self.elements > self.max_elements or self.nodes > self.max_nodes:
            raise self.over_count()

    def model(self, model: OvfModel, scope: _Scope, depth: int) -> None:
        if depth >= self.max_depth:
            raise self.too_deep()
        data = model.__dict__
        cls = type(model)
        facts = _FACTS.get(cls) or _facts(cls)
        info = data["xml"]
        attributes = data["attributes"]
        if self.exact:
            self.count(model, facts, info)
        else:
            # At most what the element holds: each scalar leaf and typed attribute at most one element
            # or attribute (a typed value kept only by its original spelling too), each entry of a
            # leaf list one element; a new element, a declaration for itself and for each of those.
            elements = facts.most_elements
            if facts.lists is not None:
                elements += sum(map(len, facts.lists(data)))
            self.elements += elements
            self.nodes += elements + facts.most_attributes
            if info is None:
                self.nodes += elements + facts.most_attributes
        if info is not None:
            self.repeat_layout(info)
            try:
                scope = self.layout(info, scope, model)
            except _XmlError as problem:
                raise problem.in_layout(self.layout_numbers.get(id(info))).at("xml") from None
        if attributes:
            self.nodes += len(attributes)
            try:
                self.extra_attributes(model, scope)
            except _XmlError as problem:
                raise problem.at("attributes") from None
        extensions = data["extensions"]
        if extensions:
            self.extensions(extensions, scope, depth, "extensions")
        for name, is_list in facts.children:
            value = data[name]
            if value is None:
                continue
            if is_list:
                if value:
                    self.models(value, name, scope, depth + 1)
            else:
                try:
                    self.model(value, scope, depth + 1)
                except _XmlError as problem:
                    raise problem.at(name) from None

    def models(self, children: list[Any], field: str, scope: _Scope, depth: int) -> None:
        """The models of a list field; most are only counted, as many elements are written alike.

        A child without typed children, untyped attributes or namespace declarations of its own, laid
        out like an element already checked in this scope (same name, attribute and child names; no
        attributes on its leaves), holds nothing new to check but its extensions: it is counted here
        as ``model`` counts it for an upper bound. Any other child, and every child of an exact count,
        goes through ``model``.
        """
        fast = not self.exact and depth < self.max_depth
        resolved = self.resolved
        scope_id = id(scope)
        # the layouts found checked in this scope, by identity: children share their XmlInfo
        checked = self.checked_layouts.setdefault(scope_id, set())
        for index, child in enumerate(children):
            data = child.__dict__
            info = data["xml"]
            facts = _FACTS.get(type(child)) or _facts(type(child))
            if fast and info is not None and not facts.children and not data["attributes"]:
                if id(info) not in checked:
                    layout = info.__dict__
                    if (
                        not layout["ns"]
                        and not layout["leaf_attrs"]
                        and (scope_id, layout["name"], layout["attrs"], layout["children"]) in resolved
                    ):
                        checked.add(id(info))
                if id(info) in checked:
                    try:
                        self.repeat_layout(info)
                    except _XmlError as problem:
                        raise problem.at(field, index) from None
                    elements = facts.most_elements
                    if facts.lists is not None:
                        elements += sum(map(len, facts.lists(data)))
                    self.elements += elements
                    self.nodes += elements + facts.most_attributes
                    extensions = data["extensions"]
                    if extensions:
                        try:
                            self.extensions(extensions, scope, depth, "extensions")
                        except _XmlError as problem:
                            raise problem.at(field, index) from None
                    continue
            try:
                self.model(child, scope, depth)
            except _XmlError as problem:
                raise problem.at(field, index) from None

    def repeat_layout(self, info: XmlInfo) -> None:
        """Count one more element using a layout; over ``max_bytes`` is a limit error."""
        self.layout_characters += self.layout_sizes.get(id(info)) or self.layout_size(info)
        if self.layout_characters > self.max_bytes:
            raise _XmlError(
                f"the XML written from this JSON would be larger than the limit of {self.max_bytes} bytes: "
                f"its layouts, repeated for each element that uses them, hold over {self.max_bytes} "
                "characters and entries",
                limit=True,
            )

    def layout_size(self, info: XmlInfo) -> int:
        """The characters and entries of a layout: what each element that uses it repeats."""
        layout = info.__dict__
        size = len(layout["name"]) + sum(map(len, layout["gaps"])) + sum(map(len, layout["children"]))
        size += sum(map(len, layout["attrs"])) + sum(len(prefix) + len(uri) for prefix, uri in layout["ns"])
        size += sum(len(key) + len(value) for key, value in layout["lexical"].items())
        for key, pairs in layout["leaf_attrs"].items():
            size += len(key) + sum(len(name) + len(value) for name, value in pairs) + len(pairs)
        entries = len(layout["gaps"]) + len(layout["children"]) + len(layout["attrs"]) + len(layout["ns"])
        size += entries + len(layout["lexical"]) + len(layout["leaf_attrs"])
        self.layout_sizes[id(info)] = size
        return size

    def declared_by_a_child(self, model: OvfModel, entry: str) -> bool:
        """True when a typed child element declares the prefix of ``entry`` itself."""
        prefix = entry.rpartition(":")[0]
        for name, is_list in (_FACTS.get(type(model)) or _facts(type(model))).children:
            value = model.__dict__[name]
            for child in value if is_list else [value]:
                if child is not None and child.xml is not None and any(p == prefix for p, _ in child.xml.ns):
                    return True
        return False

    def layout(self, info: XmlInfo, scope: _Scope, model: OvfModel) -> _Scope:
        layout = info.__dict__
        ns = layout["ns"]
        if ns:
            self.nodes += len(ns)
            # elements of one layout in one scope declare the same: the scope is made once
            declared = self.declared.get((id(scope), id(ns)))
            if declared is None:
                try:
                    declared = self.declare(ns, scope)
                except _XmlError as problem:
                    raise problem.at("ns") from None
                self.declared[(id(scope), id(ns))] = declared
            scope = declared
        leaf_attrs = layout["leaf_attrs"]
        if leaf_attrs:
            on_leaves = sum(len(pairs) for pairs in leaf_attrs.values())
            if self.exact:
                self.slack += on_leaves  # written with their leaf, which may be gone
            else:
                self.nodes += on_leaves
        # Elements written alike share one check: same scope, name, attribute and child names.
        key = (id(scope), layout["name"], layout["attrs"], layout["children"])
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
        if leaf_attrs:
            for index, entry in enumerate(info.children):
                if entry == "*":
                    continue
                try:
                    pairs = leaf_attrs.get(str(index))
                    if pairs:
                        self.leaf(entry, pairs, scope)
                    elif not self.child_name(entry, scope, model):
                        shared = False
                except _XmlError as problem:
                    raise problem.at("children", index) from None
        else:
            # Each name once, in the order of first appearance (a section holds thousands of Items).
            for entry in dict.fromkeys(info.children):
                if entry == "*":
                    continue
                try:
                    if not self.child_name(entry, scope, model):
                        shared = False
                except _XmlError as problem:
                    raise problem.at("children", info.children.index(entry)) from None
        for index_key in leaf_attrs:
            if not index_key.isdigit() or int(index_key) >= len(info.children):
                error = _XmlError("a leaf_attrs key must be the index of a child")
                raise error.at("leaf_attrs", index_key)
        if not leaf_attrs and shared:
            self.resolved.add(key)
        return scope

    def child_name(self, entry: str, scope: _Scope, model: OvfModel) -> bool:
        """Check the name of a typed child in scope; False when only the child's own declaration allows it."""
        try:
            self.element_name(entry, scope)
        except _XmlError:
            # a typed child may declare its own prefix (<ns0:Item xmlns:ns0="...">)
            self.qname(entry, "element")
            if not self.declared_by_a_child(model, entry):
                raise
            return False
        return True

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
                # A document may carry both spellings (``ovf:key`` and ``key``): the reader types the
                # first and keeps the other untyped, where the layout records it as read.
                read_so = model.xml is not None and name in model.xml.attrs
                if spec is not None and data[spec.name] not in (None, []) and not read_so:
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
                    self.nodes += 1
                    if self.exact and self.nodes > self.max_nodes:
                        raise self.over_count()
            except _XmlError as problem:
                raise problem.at(field, index) from None

    def node(self, node: Node, scope: _Scope, depth: int) -> None:
        if depth >= self.max_depth:
            raise self.too_deep()
        data = node.__dict__
        ns, attributes, children = data["ns"], data["attributes"], data["children"]
        self.elements += 1
        self.nodes += 1 + len(ns) + len(attributes)
        if self.exact and (self.elements > self.max_elements or self.nodes > self.max_nodes):
            raise self.over_count()
        if ns:
            try:
                scope = self.declare(ns, scope)
            except _XmlError as problem:
                raise problem.at("ns") from None
        # Nodes written alike (vendor settings on every Item) share one check.
        names = tuple(map(_FIRST, attributes))
        key = ("node", id(scope), data["name"], data["namespace"], names)
        if key not in self.resolved:
            self.node_names(data["name"], data["namespace"], names, scope)
            self.resolved.add(key)
        gaps = data["gaps"]
        if len(gaps) > len(children) + 1 or (not children and gaps and not gaps[0]):
            # the writer refuses these: more runs than it can place, or an empty run alone
            raise _XmlError(
                f"{len(gaps)} text runs around {len(children)} children: a node needs one run before each "
                "child and one after the last (none at all when it is empty)"
            ).at("gaps")
        if children:
            self.extensions(children, scope, depth, "children")

    def node_names(
        self, name: str, namespace: str | None, attributes: tuple[str, ...], scope: _Scope
    ) -> None:
        """A generic node's name and attribute names in scope, and its namespace as its name resolves."""
        try:
            uri = self.element_name(name, scope)
        except _XmlError as problem:
            raise problem.at("name") from None
        if attributes:
            try:
                self.attribute_names(attributes, scope)
            except _XmlError as problem:
                if problem.parts:
                    problem.parts.append(0)
                raise problem.at("attributes") from None
        if uri != (namespace or None):
            raise _XmlError(
                f"the element {quote(name, 80)!r} would be in the namespace {quote(str(uri), 80)!r}, "
                f"not {quote(str(namespace), 80)!r} (declare its prefix, or set its namespace)"
            ).at("namespace")

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
                        self.nodes += 1
                except _XmlError as problem:
                    raise problem.at(field, index) from None


def _characters(value: Any, layout_numbers: dict[int, int], scanned: set[int]) -> None:
    """Raise ``_XmlError`` at the first string (key or value) holding a character XML 1.0 cannot carry.

    A layout many elements share is scanned once (``scanned`` holds the ids of those done).
    """
    if isinstance(value, str):
        bad = _ILLEGAL.search(value)
        if bad:
            raise _XmlError(f"the character U+{ord(bad.group(0)):04X} cannot be written in XML 1.0")
    elif isinstance(value, BaseModel):
        for key, item in value.__dict__.items():
            if isinstance(item, XmlInfo):
                if id(item) in scanned:
                    continue
                scanned.add(id(item))
            try:
                _characters(item, layout_numbers, scanned)
            except _XmlError as problem:
                if isinstance(item, XmlInfo):
                    problem.in_layout(layout_numbers.get(id(item)))
                raise problem.at(key) from None
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            try:
                _characters(item, layout_numbers, scanned)
            except _XmlError as problem:
                raise problem.at(index) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            try:
                _characters(key, layout_numbers, scanned)
                _characters(item, layout_numbers, scanned)
            except _XmlError as problem:
                raise problem.at(key) from None


def _text_over(value: Any, max_text: int, gap_lengths: dict[int, int] | None = None) -> bool:
    """True when a string, or strings that could be written as one text node, are over ``max_text``.

    Checked: every string; every list of strings taken together (the gaps of an element, which a
    removed child between them joins); a model's text together with its gaps. A layout many elements
    share is looked at once (``gap_lengths``: the length of its gaps, by id).
    """
    if gap_lengths is None:
        gap_lengths = {}
    if isinstance(value, str):
        return len(value) > max_text
    if isinstance(value, XmlInfo):
        if id(value) in gap_lengths:
            return False
        gap_lengths[id(value)] = sum(map(len, value.gaps))
        return any(_text_over(item, max_text, gap_lengths) for item in value.__dict__.values())
    if isinstance(value, BaseModel):
        data = value.__dict__
        if isinstance(value, OvfModel):
            text = binding_of(type(value)).text
            info = value.xml
            if text is not None and info is not None:
                own = data[text.name]
                gaps = gap_lengths.get(id(info))
                if gaps is None:
                    gaps = sum(map(len, info.gaps))
                if isinstance(own, str) and len(own) + gaps > max_text:
                    return True
        return any(_text_over(item, max_text, gap_lengths) for item in data.values())
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(item, str) for item in value):
            return sum(map(len, value)) > max_text
        return any(_text_over(item, max_text, gap_lengths) for item in value)
    if isinstance(value, dict):
        return any(_text_over(item, max_text, gap_lengths) for item in value.values())
    return False


def _read_back(model: Model, limits: Limits, name: str) -> None:
    """Write ``model`` and load the XML under ``limits``: what the loader refuses, this refuses."""
    from ovfkit.api import dumps, loads

    try:
        data = dumps(model)
    except OvfError as exc:
        raise OvfJsonError(f"the model cannot be written as XML: {exc.message}", source=name) from None
    wide = replace(limits, max_bytes=max(limits.max_bytes, len(data)))
    try:
        loads(data, limits=wide, source=name)
    except OvfSecurityError as exc:
        raise OvfJsonLimitError(exc.message, source=name) from None
    except OvfError as exc:
        raise OvfJsonError(
            f"the XML written from the model cannot be read: {exc.message}", source=name
        ) from None


def check_writable(
    model: Model,
    *,
    limits: Limits = DEFAULT_LIMITS,
    source: str | None = None,
    scan_characters: bool = True,
    text: str | bytes | None = None,
    layouts: Sequence[XmlInfo] = (),
) -> None:
    """Raise ``OvfJsonError`` (with the JSON path) if ``dumps`` could not write ``model`` as well-formed XML.

    Checked: element, attribute and PI names; that every prefix used is declared; namespace
    declarations; comments and PI text; the XML declaration, encoding and what is around the root;
    and, unless ``scan_characters`` is False, that no string holds a character XML 1.0 cannot carry.
    ``limits`` are held as loading the written XML would hold them (see the module docstring): over
    one is an ``OvfJsonLimitError`` (an ``OvfJsonError`` and an ``OvfSecurityError``). ``text`` is
    the JSON text the model was read from, when there was one: no string is longer than it, so no
    text node can be over a ``max_text`` at least as long, and the strings need no walk. ``layouts``
    is the layout table of that text: a problem in one of its entries is named there
    (``$.layouts[3].children[1]``), with the element it was found on.
    """
    name = source or "<json>"
    numbers = {id(info): number for number, info in enumerate(layouts)}
    # Counting exactly costs more than the rest of the walk: an upper bound usually settles it.
    bound = _walk(model, limits, name, scan_characters, False, numbers)
    if bound.elements > limits.max_elements or bound.nodes > limits.max_nodes:
        exact = _walk(model, limits, name, False, True, numbers)  # raises at the element over a limit
        if exact.elements > limits.max_elements or exact.nodes > limits.max_nodes:
            raise OvfJsonLimitError(exact.over_count().message, source=name)  # nodes around the root
        if exact.elements + exact.slack > limits.max_elements or exact.nodes + exact.slack > limits.max_nodes:
            _read_back(model, limits, name)
            return
    if (text is None or len(text) > limits.max_text) and _text_over(model, limits.max_text):
        _read_back(model, limits, name)


def _walk(
    model: Model,
    limits: Limits,
    name: str,
    scan_characters: bool,
    exact: bool,
    layout_numbers: dict[int, int] | None = None,
) -> _Checker:
    """Walk the model once: raise what cannot be written, and count what can."""
    layout_numbers = layout_numbers or {}
    checker = _Checker(limits, exact, layout_numbers)
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
            checker.nodes += len(scope) - 1
        checker.model(model, scope, 0)
        if scan_characters:
            _characters(model, layout_numbers, set())
    except _XmlError as problem:
        error = OvfJsonLimitError if problem.limit else OvfJsonError
        path, message = problem.located()
        raise error(message, source=name, path=path) from None
    return checker

"""Read a parsed lxml tree into ovfkit models, keeping every node, prefix, attribute and gap.

A recursive descent over the tree. For a typed element the class binding says which child tags
are typed leaves (read in place, with their text typed by the field's codec), which are typed
models (read recursively), and which are neither: those become generic ``Node`` (or
``Comment``/``ProcessingInstruction``) entries in the model's ``extensions``. The layout
(``XmlInfo``) records the order of the children and the text between them. Models are built
without re-validation: the values were typed here.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import operator
import re
from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

from ovfkit.errors import OvfParseError, OvfSecurityError, quote
from ovfkit.model.base import (
    SET_DICT,
    SET_EXTRA,
    SET_FIELDS_SET,
    SET_PRIVATE,
    Comment,
    Node,
    OvfModel,
    ProcessingInstruction,
    XmlInfo,
    _defaults_of,
)
from ovfkit.model.binding import ClassBinding, FieldSpec, binding_of
from ovfkit.model.envelope import CONTENT_CLASSES, SECTION_CLASSES, Document, Envelope
from ovfkit.model.environment import Environment
from ovfkit.namespaces import CIM_BY_CLASS, FAMILY_OF, OVF_ENVELOPE_URIS, XSD_SUFFIXED, Ns
from ovfkit.xmlio.read_layouts import (
    MAX_CHILDREN,
    NODE_FIELDS,
    TAG_OF,
    compile_layout,
)
from ovfkit.xmlio.safe import Limits, Parsed, occurrences
from ovfkit.xmlio.start_tag import empty_tag_end, start_tag_at

__all__ = ["read_tree"]

_XSI_TYPE = "{" + Ns.XSI.value + "}type"
_XML_NS = Ns.XML.value
_COMMENT = etree.Comment
_PI = etree.ProcessingInstruction


#: What ``Model.__new__`` is for a pydantic model (it defines none), without the lookup through the class.
_NEW: Any = object.__new__


def _make_comment(text: str, line: int | None = None) -> Comment:
    obj: Comment = _NEW(Comment)
    _set_dict(obj, {"kind": "comment", "text": text, "line": line}, {"text"})
    return obj


def _make_pi(target: str, text: str, line: int | None = None) -> ProcessingInstruction:
    obj: ProcessingInstruction = _NEW(ProcessingInstruction)
    _set_dict(obj, {"kind": "pi", "target": target, "text": text, "line": line}, {"target", "text"})
    return obj


_NO_DECLS: list[tuple[str, str]] = []
_LIBXML2_MAX_TEXT = 10_000_000
_UNTYPED = object()  # an untypeable scalar leaf: holds its place, reads as None
_POLY = object()  # a tag whose class depends on its xsi:type
_UNKNOWN = object()  # a tag not yet looked up
_NODE = object()  # a child read as an untyped node, whatever its content
_GENERAL = object()  # a layout read by the general reader
_FIRST = operator.itemgetter(0)
#: How many layouts of a class are compared before a lookup by hash (see ``_Layouts``).
_RECENT_LAYOUTS = 8
#: A child layout is compiled on this sighting; at most this many are compiled per name context,
#: with at most this many children in all contexts together (compiled code takes about 1 KB per
#: child); only documents of at least this many characters are read with compiled layouts.
_COMPILE_AFTER = 32
_MAX_COMPILED = 64
_MAX_COMPILED_CHILDREN = 2048
_COMPILE_MIN_CHARS = 100_000
#: Every field of an XmlInfo counts as set; one shared set, never grown (it holds them all).
_INFO_FIELDS = set(XmlInfo.model_fields)


def _set_dict(obj: Any, data: dict[str, Any], fields_set: set[str]) -> None:
    """Give a pydantic model its field values without validation (the reader typed them)."""
    SET_DICT(obj, data)
    SET_FIELDS_SET(obj, fields_set)
    SET_EXTRA(obj, None)
    SET_PRIVATE(obj, None)


class _Names:
    """What tags bind to and how names are written, for documents sharing one namespace context.

    A tag's field in a class, an element's or attribute's qualified name, a class's blank values
    and the layout tuples depend only on the namespace families and, when no element below the
    root declares a namespace, the root's declarations. Documents written by the same tool share
    those, so one ``_Names`` serves them all (see ``_names_for``); every cache in it is filled on
    first sight of a tag or class.
    """

    def __init__(
        self,
        families: dict[str | None, str],
        fast_names: bool,
        ambiguous_uris: frozenset[str | None],
        root_scope_el: dict[str, str],
    ) -> None:
        self.families = families
        #: Element names follow from their URI (no nested declarations); else ask each element.
        self.fast_names = fast_names
        #: URIs bound to two prefixes at the root: their elements say which one they use.
        self.ambiguous_uris = ambiguous_uris
        self.root_scope_el = root_scope_el
        self.tags: dict[str, tuple[str | None, str | None, str]] = {}
        self.qnames: dict[str, str] = {}
        self.prefixed: dict[str | None, dict[str, str]] = {}
        self.attr_qnames: dict[str, str] = {}
        self.lookups: dict[int, dict[str, Any]] = {}
        self.leafmaps: dict[int, _Memo] = {}
        #: Per class: Clark attribute name -> its typed field (None: untyped), made on first sight.
        self.attr_specs: dict[int, _Memo] = {}
        #: Compiled readers by class and child tags (see ``read_layouts``), how often each layout was
        #: seen before it was compiled, and how many were compiled.
        self.layout_readers: dict[int, _Layouts] = {}
        self.layout_counts: dict[tuple[int, tuple[Any, ...]], int] = {}
        self.compiled = 0
        self.compiled_children = 0
        #: One string per tag for the layouts kept here.
        self.interned: dict[str, str] = {}
        self.shapes: dict[int, tuple[dict[str, Any], tuple[str, ...]]] = {}
        self.layouts: dict[tuple[str, ...], tuple[str, ...]] = {}
        #: An untyped element's (qualified name, namespace URI) by tag, when its URI tells its prefix.
        self.node_names: dict[str, tuple[str, str | None]] = {}

    def size(self) -> int:
        """How many tags and layouts are cached (to bound the memory kept across reads)."""
        # list() copies the values in one step: another thread reading with these names may add some
        prefixed = sum(len(by) for by in list(self.prefixed.values()))
        attr_specs = sum(len(by) for by in list(self.attr_specs.values()))
        cached = len(self.tags) + len(self.layouts) + len(self.attr_qnames) + len(self.node_names)
        cached += len(self.layout_counts) + len(self.interned)
        return cached + prefixed + attr_specs

    def split(self, tag: str) -> tuple[str | None, str | None, str]:
        """Return (uri, family, local) of a Clark-notation tag, cached."""
        found = self.tags.get(tag)
        if found is None:
            if tag[0] == "{":
                uri, local = tag[1:].split("}", 1)
            else:
                uri, local = None, tag
            found = (uri, self.families.get(uri), local)
            self.tags[tag] = found
        return found

    def uri_qname(self, tag: str) -> str | None:
        """An element's qualified name when its URI alone tells it, else None."""
        found = self.qnames.get(tag)
        if found is not None or not self.fast_names:
            return found
        uri, _, local = self.split(tag)
        if uri in self.ambiguous_uris:
            return None
        if uri is None:
            name = local
        else:
            prefix = self.root_scope_el.get(uri)
            if prefix is None:
                # Only the xml namespace is in scope undeclared (``<xml:x>``); ask the element.
                return None
            name = f"{prefix}:{local}" if prefix else local
        self.qnames[tag] = name
        return name

    def lookup(self, binding: ClassBinding, tag: str) -> Any:
        """The field a child tag binds to in a class: a FieldSpec, ``_POLY``, or None."""
        _, family, local = self.split(tag)
        spec = binding.children.get((family, local))
        if spec is not None:
            return spec
        if family != "ovf":
            return None
        if binding.sections is not None and (local in SECTION_CLASSES or local == "Section"):
            return _POLY
        if binding.content is not None and (local in CONTENT_CLASSES or local == "Content"):
            return _POLY
        return None

    def leafmap(self, binding: ClassBinding) -> _Memo:
        """Per class: tag -> how a child with that tag is read.

        A typed leaf's entry is (field, is_list, reader or None, qualified name or None, None, None);
        a typed model's is (field, is_list, None, qualified name or None, its class binding, the
        compiled readers of that class by child layout); a tag the class never types (and comments
        and PIs) has ``_NODE``; a section or content chosen by its type has None.
        """
        found = _Memo(functools.partial(self.leaf_entry, binding))
        self.leafmaps[id(binding)] = found
        return found

    def leaf_entry(self, binding: ClassBinding, tag: Any) -> Any:
        """A tag's leaf entry in a class (see ``leafmap``), or None when it is not a typed leaf."""
        if not isinstance(tag, str):
            return _NODE  # a comment or processing instruction
        spec = self.lookup(binding, tag)
        if spec is None:
            return _NODE
        if not isinstance(spec, FieldSpec):
            return None
        codec = spec.codec
        if codec is None:
            assert spec.model is not None
            model_binding = binding_of(spec.model)
            by_layout = self.layout_readers.get(id(model_binding))
            if by_layout is None:
                by_layout = self.layout_readers.setdefault(id(model_binding), _Layouts())
            return (spec.name, spec.is_list, None, self.uri_qname(tag), model_binding, by_layout)
        return (spec.name, spec.is_list, None if codec.exact else codec.read, self.uri_qname(tag), None, None)

    def attr_spec(self, binding: ClassBinding, clark: str) -> FieldSpec | None:
        """The typed field an attribute (by Clark name) binds to in a class, or None."""
        _, family, local = self.split(clark)
        return binding.attrs.get((family, local))

    def shape(self, binding: ClassBinding) -> tuple[dict[str, Any], tuple[str, ...]]:
        """A class's field values before reading (in field order), and the lists to create fresh.

        ``extensions``, ``attributes`` and ``xml`` are set after reading; the root's ``document``
        (its only other factory) is set by ``read_tree``.
        """
        cls = binding.cls
        plain, lists, dicts, factories = _defaults_of(cls)
        template = dict.fromkeys(cls.model_fields)
        template.update(plain)
        fresh = tuple(name for name in lists if name != "extensions")
        assert set(dicts) <= {"attributes"}, dicts
        assert {name for name, _ in factories} <= {"document"}, factories
        found = (template, fresh)
        self.shapes[id(binding)] = found
        return found


class _Layouts(dict[tuple[Any, ...], Any]):
    """One class's compiled readers (or ``_GENERAL``) by child tags, and the ones dispatched last.

    Children of one class tend to cycle through a few layouts: comparing the tags with those of the
    last few layouts costs a length check or a few ``memcmp`` where a dict lookup hashes every tag
    (lxml gives new strings each time, so their hashes are never cached). ``recent`` is one tuple,
    replaced whole: threads reading with the same names see matching pairs.
    """

    __slots__ = ("recent",)

    def __init__(self) -> None:
        super().__init__()
        self.recent: tuple[tuple[tuple[Any, ...], Any], ...] = ()

    def find(self, tags: tuple[Any, ...]) -> Any:
        """The entry for ``tags`` (None when there is none yet); one found by hash becomes a recent one."""
        for recent_tags, found in self.recent:
            if recent_tags == tags:
                return found
        found = self.get(tags)
        if found is not None:
            self.recent = ((tags, found), *self.recent[: _RECENT_LAYOUTS - 1])
        return found


class _Memo(dict[Any, Any]):
    """Values made by ``make`` on first sight of a key, and kept (a class's entries by tag or name)."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        found = self[key] = self.make(key)
        return found


#: Shared name caches by namespace context: (extra families, root declarations, nested, ambiguous).
_NAMES: dict[tuple[Any, ...], _Names] = {}
#: Bounds on what is kept across reads: contexts, and tags and layouts per context.
_MAX_CONTEXTS = 32
_MAX_NAMES = 20_000


def _compiled_children() -> int:
    """How many children the compiled layouts of all name contexts read together."""
    # list() copies the values in one step: another thread may add a context meanwhile
    return sum(names.compiled_children for names in list(_NAMES.values()))


def _names_for(
    families: dict[str | None, str],
    root_decls: list[tuple[str, str]],
    nested: bool,
    ambiguous_uris: set[str | None],
) -> _Names:
    """The shared ``_Names`` of a namespace context, made on first use."""
    extra = tuple(sorted((uri or "", family) for uri, family in families.items() if uri not in FAMILY_OF))
    key = (extra, tuple(root_decls), nested, frozenset(ambiguous_uris))
    found = _NAMES.get(key)
    if found is None or found.size() > _MAX_NAMES:
        if len(_NAMES) >= _MAX_CONTEXTS:
            _NAMES.clear()
        scope_el: dict[str, str] = {}
        for prefix, uri in root_decls:
            scope_el[uri] = prefix
        found = _Names(families, not nested, frozenset(ambiguous_uris), scope_el)
        _NAMES[key] = found
    return found


class _Reader:
    """Reads one tree by recursive descent; holds the per-document caches."""

    def __init__(self, parsed: Parsed, source: str, limits: Limits) -> None:
        self.parsed = parsed
        self.source = source
        self.limits = limits
        self.max_text = limits.max_text
        self.max_depth = limits.max_depth
        # No text node or attribute value is longer than the document, and libxml2 itself refuses
        # longer ones than its own limit: check only limits stricter than both.
        self.check_text = limits.max_text < min(_LIBXML2_MAX_TEXT, len(parsed.text))
        self.nested = False
        # Per compiled layout, the XmlInfo its last element got, with the (gaps, attribute names,
        # name) it holds: elements written alike share one (see read_layouts).
        self.shared_infos: dict[object, tuple[Any, ...]] = {}
        #: (Clark names, attribute scope, qualified names) of the last untyped element's attributes
        #: read by a compiled layout (see node_attr_names).
        self.last_node_attrs: tuple[Any, ...] = (None, None, ())
        #: (class binding, attribute scope, Clark names, plan, qualified names) of the last typed
        #: element's attributes (see attr_plan): elements written alike read theirs by it.
        self.last_attr_plan: tuple[Any, ...] = (None, None, None, (), ())
        self.families: dict[str | None, str] = dict(FAMILY_OF)
        self.decls: dict[Any, list[tuple[str, str]]] = {}
        #: Attribute names as written, by element, when the tree cannot tell them (see prepare).
        self.written_attrs: dict[Any, list[str]] | None = None
        self.names = _Names(self.families, False, frozenset(), {})  # replaced by prepare()
        self.warnings: list[str] = list(parsed.warnings)
        self.leaf_decls = False
        #: Whether compiled layout readers may read (set by ``prepare``).
        self.compiled = False

    # -- names -------------------------------------------------------------------------------

    def qname(self, el: Any, tag: str, scope_el: dict[str, str]) -> str:
        """The element's qualified name as written."""
        names = self.names
        found = names.uri_qname(tag)
        if found is not None:
            return found
        # The URI has two prefixes (commonly the default one and ``ovf``), or declarations are
        # nested: the element itself says which prefix it was written with.
        prefix = el.prefix
        by_prefix = names.prefixed.get(prefix)
        if by_prefix is None:
            by_prefix = names.prefixed[prefix] = {}
        found = by_prefix.get(tag)
        if found is None:
            local = names.split(tag)[2]
            found = by_prefix[tag] = f"{prefix}:{local}" if prefix else local
        return found

    def attr_qnames(self, el: Any, items: list[tuple[str, str]], scope_at: dict[str, str]) -> list[str]:
        """The qualified names of an element's attributes, in order."""
        if self.written_attrs is not None:
            written = self.written_attrs.get(el)
            if written is not None and len(written) == len(items):
                return written
        if self.names.fast_names:
            known = self.names.attr_qnames.get
            attr_qname = self.attr_qname
            return [known(clark) or attr_qname(clark, scope_at) for clark, _ in items]
        return [self.attr_qname(clark, scope_at) for clark, _ in items]

    def node_attr_names(self, keys: list[str], scope_at: dict[str, str]) -> tuple[str, ...]:
        """The qualified names of an untyped element's attributes (Clark ``keys``, in order), kept as
        ``last_node_attrs`` for the next element with the same ones (compiled layouts only: no
        element declares its own names there)."""
        attr_qname = self.attr_qname
        found = tuple([attr_qname(clark, scope_at) for clark in keys])
        self.last_node_attrs = (keys, scope_at, found)
        return found

    def attr_qname(self, clark: str, scope_at: dict[str, str]) -> str:
        """An attribute's qualified name (lxml does not keep attribute prefixes: derive it)."""
        fast_names = self.names.fast_names
        if clark[0] != "{":
            if fast_names:
                self.names.attr_qnames[clark] = clark
            return clark
        if fast_names:
            found = self.names.attr_qnames.get(clark)
            if found is not None:
                return found
        uri, local = clark[1:].split("}", 1)
        if uri == _XML_NS:
            name = "xml:" + local
        else:
            prefix = scope_at.get(uri)
            if prefix is None:
                raise OvfParseError(f"attribute {clark} has no prefix in scope", source=self.source)
            name = f"{prefix}:{local}"
        if fast_names:
            self.names.attr_qnames[clark] = name
        return name

    def prepare(self, root: Any) -> None:
        """Find namespace declarations below the root and decide how prefixes are recovered."""
        text = self.parsed.text
        root_decls = [(p or "", u) for p, u in root.nsmap.items()]
        # Every declaration spells ``xmlns``: no more of them than the root's own, none below it.
        spelled = self.parsed.xmlns_seen
        if spelled is None:
            spelled = occurrences(text, "xmlns", len(root_decls))
        if spelled > len(root_decls):
            pending: list[tuple[str, str]] = []
            for event, obj in etree.iterwalk(root, events=("start-ns", "start")):
                if event == "start-ns":
                    pending.append(obj)
                elif pending:
                    self.decls[obj] = [(p or "", u) for p, u in pending]
                    pending = []
        elif root_decls:
            self.decls[root] = root_decls
        nested = any(el is not root for el in self.decls)
        declared_uris = {uri for decls in self.decls.values() for _, uri in decls}
        for uri in sorted(declared_uris & XSD_SUFFIXED.keys()):
            self.warnings.append(
                f"namespace {uri!r} is read as {XSD_SUFFIXED[uri]!r} (the DMTF namespace with '.xsd' "
                "appended, as VirtualBox writes it); other consumers and the DMTF schema do not know it"
            )
        for uri in sorted(declared_uris - FAMILY_OF.keys()):
            meant = CIM_BY_CLASS.get(uri.rstrip("/").rpartition("/")[2])
            if meant is not None:
                self.warnings.append(
                    f"namespace {uri!r} names a DMTF class but is not its namespace {meant!r}: its "
                    "elements are read as vendor extensions, not as the properties they look like"
                )
        # An element's prefix follows from its URI unless the URI is bound to two prefixes.
        seen: dict[str, str] = {}
        ambiguous_uris: set[str | None] = set()
        attribute_prefixes: dict[str, set[str]] = {}
        for decls in self.decls.values():
            for prefix, uri in decls:
                if seen.setdefault(uri, prefix) != prefix:
                    ambiguous_uris.add(uri)
                if prefix:
                    attribute_prefixes.setdefault(uri, set()).add(prefix)
        if any(len(prefixes) > 1 for prefixes in attribute_prefixes.values()):
            # Two prefixes for one URI: lxml cannot tell which one an attribute was written with.
            self.written_attrs = _written_attribute_names(text, self.parsed.prolog_end, root)
        self.names = _names_for(self.families, self.decls.get(root, []), nested, ambiguous_uris)
        self.leaf_decls = nested
        self.nested = nested or bool(self.decls)
        # Compiled layouts pay off in large documents (a small one reads faster without their
        # dispatch); they read without nested declarations or attribute spellings.
        self.compiled = len(text) >= _COMPILE_MIN_CHARS and not (nested or self.written_attrs is not None)

    def root_kind(self, root: Any) -> type[OvfModel]:
        tag = root.tag
        uri, local = tag[1:].split("}", 1) if tag[0] == "{" else (None, tag)
        if local == "Envelope":
            if uri in OVF_ENVELOPE_URIS or uri is None:
                if uri is None or OVF_ENVELOPE_URIS[uri] == "unknown":
                    self.warnings.append(f"envelope namespace {uri!r} is not one DSP0243 defines")
                return Envelope
            if uri.startswith("http://schemas.dmtf.org/ovf/envelope"):
                self.warnings.append(f"envelope namespace {uri!r} is not one DSP0243 defines")
                self.families[uri] = "ovf"
                return Envelope
        if local == "Environment" and self.families.get(uri) == "env":
            return Environment
        raise OvfParseError(
            f"not an OVF document: the root element is {quote(root.tag, 120)}, "
            "expected an OVF Envelope or an OVF Environment",
            source=self.source,
            line=root.sourceline,
        )

    def read(self) -> OvfModel:
        root = self.parsed.root
        root_cls = self.root_kind(root)
        self.prepare(root)
        model: OvfModel = self.read_typed(root, binding_of(root_cls), {}, {}, 0)
        return model

    # -- checks ------------------------------------------------------------------------------

    def too_long(self, el: Any) -> OvfSecurityError:
        return OvfSecurityError(
            f"a text node is longer than the limit of {self.max_text} characters",
            source=self.source,
            line=el.sourceline,
        )

    def enter(self, el: Any, depth: int) -> None:
        if depth >= self.limits.max_depth:
            raise OvfSecurityError(
                f"elements nest deeper than the limit of {self.limits.max_depth}",
                source=self.source,
                line=el.sourceline,
            )

    def scoped(
        self, el: Any, scope_el: dict[str, str], scope_at: dict[str, str]
    ) -> tuple[list[tuple[str, str]], dict[str, str], dict[str, str]]:
        declared = self.decls.get(el)
        if not declared:
            return [], scope_el, scope_at
        scope_el = dict(scope_el)
        scope_at = dict(scope_at)
        for prefix, uri in declared:
            scope_el[uri] = prefix
            if prefix:
                scope_at[uri] = prefix
        return declared, scope_el, scope_at

    # -- elements ----------------------------------------------------------------------------

    def polymorphic(self, binding: ClassBinding, el: Any) -> tuple[FieldSpec | None, type[OvfModel] | None]:
        """The field and class of a section or content element, if it is one."""
        local = self.names.split(el.tag)[2]
        if binding.sections is not None:
            if local in SECTION_CLASSES:
                return binding.sections, SECTION_CLASSES[local]
            name = self.xsi_type(el)[:-5]
            if local == "Section" and name in SECTION_CLASSES:
                return binding.sections, SECTION_CLASSES[name]
        if binding.content is not None:
            if local in CONTENT_CLASSES:
                return binding.content, CONTENT_CLASSES[local]
            name = self.xsi_type(el)[:-5]
            if local == "Content" and name in CONTENT_CLASSES:
                return binding.content, CONTENT_CLASSES[name]
        return None, None

    @staticmethod
    def xsi_type(el: Any) -> str:
        value = el.get(_XSI_TYPE)
        if not value:
            return ""
        local = value.rpartition(":")[2].strip()
        return local if local.endswith("_Type") else ""

    def check_leaf(self, child: Any, value: str) -> None:
        """Refuse a typed leaf whose text or tail is longer than ``max_text``."""
        tail = child.tail
        if len(value) > self.max_text or (tail is not None and len(tail) > self.max_text):
            raise self.too_long(child)

    def leaf_attributes(
        self, child: Any, items: list[tuple[str, str]], scope_el: dict[str, str], scope_at: dict[str, str]
    ) -> list[tuple[str, str]]:
        """A typed leaf's namespace declarations and attributes, by qualified name, as written."""
        _, _, child_scope_at = self.scoped(child, scope_el, scope_at)
        entry = [("xmlns:" + p if p else "xmlns", u) for p, u in self.decls.get(child) or []]
        entry.extend(zip(self.attr_qnames(child, items, child_scope_at), [v for _, v in items], strict=True))
        return entry

    def layout_reader(self, binding: ClassBinding, tags: tuple[Any, ...], by_layout: _Layouts) -> Any:
        """The compiled reader of a class and child layout, once the layout is common; else ``_GENERAL``.

        Compiling costs about as much as reading a hundred elements, so a layout is compiled on its
        ``_COMPILE_AFTER``-th sighting (counted across the documents sharing these names); at most
        ``_MAX_COMPILED`` layouts per namespace context, and ``_MAX_COMPILED_CHILDREN`` children in
        all contexts together (compiled code takes about 1 KB per child).
        """
        names = self.names
        # A kept layout holds one string per distinct tag (lxml makes a new one per element).
        tags = tuple([names.interned.setdefault(tag, tag) if tag.__class__ is str else tag for tag in tags])
        counted = (id(binding), tags)
        seen = names.layout_counts.get(counted, 0) + 1
        if seen < _COMPILE_AFTER:
            if len(names.layout_counts) < _MAX_NAMES:
                names.layout_counts[counted] = seen
            return _GENERAL
        if names.compiled >= _MAX_COMPILED or _compiled_children() + len(tags) > _MAX_COMPILED_CHILDREN:
            by_layout[tags] = _GENERAL  # common, but over the budget: read in general from now on
            return _GENERAL
        leafmap = names.leafmaps.get(id(binding))
        if leafmap is None:
            leafmap = names.leafmap(binding)
        entries = [leafmap[tag] for tag in tags]
        shape = names.shapes.get(id(binding))
        if shape is None:
            shape = names.shape(binding)
        children = tuple("*" if entry is _NODE or entry is None else entry[3] or "" for entry in entries)
        children = names.layouts.setdefault(children, children)
        node_names = [
            self.node_name(tag) if entry is _NODE else None for tag, entry in zip(tags, entries, strict=True)
        ]
        compiled = compile_layout(binding, entries, node_names, _NODE, shape[0], shape[1], children)
        names.compiled += 1
        names.compiled_children += len(tags)
        found: Any = _GENERAL if compiled is None else compiled
        by_layout[tags] = found
        return found

    def node_name(self, tag: Any) -> tuple[str, str | None] | None:
        """An untyped element's (qualified name, namespace) when its namespace tells its prefix."""
        if not isinstance(tag, str):
            return None  # a comment or processing instruction
        names = self.names
        found = names.node_names.get(tag)
        if found is None:
            qname = names.uri_qname(tag)
            if qname is None:
                return None
            found = names.node_names[tag] = (qname, names.split(tag)[0])
        return found

    def read_attributes(
        self,
        el: Any,
        items: list[tuple[str, str]],
        binding: ClassBinding,
        scope_at: dict[str, str],
        data: dict[str, Any],
        lexical: dict[str, str],
        attributes: dict[str, str],
        assign: Any,
    ) -> tuple[str, ...]:
        """Read a typed element's attributes: typed ones into ``data`` (calling ``assign`` with each
        field set), others into ``attributes``; return their qualified names in order."""
        keys = tuple(map(_FIRST, items))
        last = self.last_attr_plan
        plan: tuple[tuple[str, str | None, Any], ...]
        attr_names: tuple[str, ...]
        if keys == last[2] and binding is last[0] and scope_at is last[1]:
            plan, attr_names = last[3], last[4]
        else:
            plan, attr_names = self.attr_plan(el, items, binding, scope_at)
            if self.written_attrs is None:  # names written per element are not shared
                self.last_attr_plan = (binding, scope_at, keys, plan, attr_names)
        check_text = self.check_text
        for (attr_name, field, read), (_, value) in zip(plan, items, strict=True):
            if check_text and len(value) > self.max_text:
                raise self.too_long(el)
            if field is None:
                attributes[attr_name] = value
                continue
            assign(field)
            if read is None:
                data[field] = value
                continue
            parsed, canonical = read(value)
            if parsed is not None:
                data[field] = parsed
            if not canonical:
                lexical[attr_name] = value
        return attr_names

    def attr_plan(
        self, el: Any, items: list[tuple[str, str]], binding: ClassBinding, scope_at: dict[str, str]
    ) -> tuple[tuple[tuple[str, str | None, Any], ...], tuple[str, ...]]:
        """How ``read_attributes`` reads attributes with these names in a class: per attribute its
        qualified name, the typed field it sets (None: untyped, or a field an earlier attribute set)
        and the codec's read (None: the text as it is); and the qualified names in order."""
        names = self.names
        attr_specs = names.attr_specs.get(id(binding))
        if attr_specs is None:
            attr_specs = names.attr_specs[id(binding)] = _Memo(functools.partial(names.attr_spec, binding))
        done: set[str] = set()
        attr_names = tuple(self.attr_qnames(el, items, scope_at))
        plan: list[tuple[str, str | None, Any]] = []
        for (clark, _), attr_name in zip(items, attr_names, strict=True):
            aspec = attr_specs[clark]
            if aspec is None or aspec.name in done:
                plan.append((attr_name, None, None))
                continue
            done.add(aspec.name)
            codec = aspec.codec
            assert codec is not None
            plan.append((attr_name, aspec.name, None if codec.exact else codec.read))
        return tuple(plan), attr_names

    def read_typed(
        self,
        el: Any,
        binding: ClassBinding,
        scope_el: dict[str, str],
        scope_at: dict[str, str],
        depth: int,
        qname: str | None = None,
    ) -> Any:
        """Read a typed element and everything below it into its model (``qname``: its name, if known)."""
        if depth >= self.max_depth:
            self.enter(el, depth)
        if depth and self.compiled and binding.text is None and len(el) <= MAX_CHILDREN:
            kids = el[:]
            layout = tuple(map(TAG_OF, kids))
            by_layout = self.names.layout_readers.get(id(binding))
            if by_layout is None:
                by_layout = self.names.layout_readers.setdefault(id(binding), _Layouts())
            layout_reader = by_layout.find(layout)
            if layout_reader is None:
                layout_reader = self.layout_reader(binding, layout, by_layout)
            if layout_reader is not _GENERAL:
                obj = layout_reader(self, el, kids, scope_el, scope_at, depth, qname)
                if obj is not None:
                    return obj
        return self.read_general(el, binding, scope_el, scope_at, depth, qname)

    def read_general(
        self,
        el: Any,
        binding: ClassBinding,
        scope_el: dict[str, str],
        scope_at: dict[str, str],
        depth: int,
        qname: str | None,
    ) -> Any:
        """Read a typed element child by child (``read_typed`` without compiled layouts)."""
        if self.nested and el in self.decls:
            declared, scope_el, scope_at = self.scoped(el, scope_el, scope_at)
        else:
            declared = _NO_DECLS
        max_text = self.max_text
        check_text = self.check_text
        cls = binding.cls
        names = self.names
        shape = names.shapes.get(id(binding))
        if shape is None:
            shape = names.shape(binding)
        template, list_names = shape
        data = template.copy()
        for list_name in list_names:
            data[list_name] = []
        lexical: dict[str, str] = {}
        extensions: list[Any] = []
        attributes: dict[str, str] = {}
        assigned: list[str] = ["xml", "line"]
        untyped = False
        items = el.items()
        attr_names = (
            self.read_attributes(el, items, binding, scope_at, data, lexical, attributes, assigned.append)
            if items
            else ()
        )
        # children
        text = el.text
        if check_text and text is not None and len(text) > max_text:
            raise self.too_long(el)
        gaps = [text or ""]
        children: list[str] = []
        leaf_attrs: dict[str, list[tuple[str, str]]] = {}
        leafmap = names.leafmaps.get(id(binding))
        if leafmap is None:
            leafmap = names.leafmap(binding)
        leaf_decls = self.leaf_decls
        # Compiled layouts for children (the depth check of read_typed holds for them too).
        compiled = self.compiled and depth + 1 < self.max_depth
        children_append = children.append
        gaps_append = gaps.append
        assigned_append = assigned.append
        last_tag: Any = None  # children repeat tags: a tag equal to the last one is not hashed again
        leaf: Any = None
        # The last child named through its own prefix (the URI has two, or declarations are nested):
        # its tag, prefix and qualified name.
        named: tuple[Any, Any, str] = (None, None, "")
        for child in el:
            tag = child.tag
            if tag != last_tag:
                leaf = leafmap[tag]
                last_tag = tag
            if leaf is _NODE:
                extensions.append(self.read_other(child, scope_el, scope_at, depth + 1))
                children_append("*")
                tail = child.tail
                if check_text and tail is not None and len(tail) > max_text:
                    raise self.too_long(child)
                gaps_append(tail or "")
                continue
            if leaf is None:
                pass
            elif leaf[4] is not None:
                name, is_list, _, child_qname, child_binding, by_layout = leaf
                if is_list or data[name] is None:
                    if child_qname is None:
                        prefix = child.prefix
                        if tag == named[0] and prefix == named[1]:
                            child_qname = named[2]
                        else:
                            child_qname = self.qname(child, tag, scope_el)
                            named = (tag, prefix, child_qname)
                    if compiled and len(child) <= MAX_CHILDREN:
                        # read_typed's dispatch, inline: one call less per child (``compiled``
                        # holds only above the depth limit, which read_typed would check)
                        built = None
                        kids = child[:]
                        layout = tuple(map(TAG_OF, kids))
                        layout_reader = by_layout.find(layout)
                        if layout_reader is None:
                            layout_reader = self.layout_reader(child_binding, layout, by_layout)
                        if layout_reader is not _GENERAL:
                            built = layout_reader(
                                self, child, kids, scope_el, scope_at, depth + 1, child_qname
                            )
                        if built is None:
                            built = self.read_general(
                                child, child_binding, scope_el, scope_at, depth + 1, child_qname
                            )
                    else:
                        built = self.read_typed(
                            child, child_binding, scope_el, scope_at, depth + 1, child_qname
                        )
                    assigned_append(name)
                    if is_list:
                        data[name].append(built)
                    else:
                        data[name] = built
                    children_append(child_qname)
                    tail = child.tail
                    if check_text and tail is not None and len(tail) > max_text:
                        raise self.too_long(child)
                    gaps_append(tail or "")
                    continue
            elif not len(child):
                name, is_list, read, child_qname, _, _ = leaf
                if is_list or data[name] is None:
                    value = child.text or ""
                    if read is not None:
                        value_text = value
                        value, canonical = read(value_text)
                        if not canonical:
                            if value is None:
                                if is_list:
                                    # An untypeable entry of a list stays a node.
                                    self.read_child(
                                        child,
                                        binding,
                                        data,
                                        children,
                                        extensions,
                                        assigned,
                                        scope_el,
                                        scope_at,
                                        depth,
                                    )
                                    if check_text:
                                        self.check_leaf(child, "")
                                    gaps_append(child.tail or "")
                                    continue
                                value = _UNTYPED
                                untyped = True
                            lexical[str(len(children))] = value_text
                    if check_text:
                        self.check_leaf(child, value_text if read is not None else value)
                    child_items = child.items()
                    if child_items or (leaf_decls and child in self.decls):
                        leaf_attrs[str(len(children))] = self.leaf_attributes(
                            child, child_items, scope_el, scope_at
                        )
                    children_append(child_qname or self.qname(child, tag, scope_el))
                    assigned_append(name)
                    if is_list:
                        data[name].append(value)
                    else:
                        data[name] = value
                    gaps_append(child.tail or "")
                    continue
            self.read_child(child, binding, data, children, extensions, assigned, scope_el, scope_at, depth)
            tail = child.tail
            if check_text and tail is not None and len(tail) > max_text:
                raise self.too_long(child)
            gaps_append(tail or "")
        text_spec = binding.text
        if text_spec is not None:
            data[text_spec.name] = "".join(gaps)
            assigned.append(text_spec.name)
            if not children:
                gaps = []
        elif len(gaps) == 1 and not gaps[0]:
            gaps = []
        if untyped:
            for key, value in data.items():
                if value is _UNTYPED:
                    data[key] = None
        layouts = names.layouts
        children_t = tuple(children)
        children_t = layouts.setdefault(children_t, children_t)
        gaps_t = tuple(gaps)
        info = _NEW(XmlInfo)
        SET_DICT(
            info,
            {
                "name": qname or self.qname(el, el.tag, scope_el),
                "ns": tuple(declared),
                "attrs": tuple(attr_names),
                "children": children_t,
                "gaps": gaps_t,
                "lexical": lexical,
                "leaf_attrs": leaf_attrs,
            },
        )
        SET_FIELDS_SET(info, _INFO_FIELDS)
        SET_EXTRA(info, None)
        SET_PRIVATE(info, None)
        data["xml"] = info
        data["line"] = el.sourceline
        data["extensions"] = extensions
        data["attributes"] = attributes
        fields_set = set(assigned)
        if extensions:
            fields_set.add("extensions")
        if attributes:
            fields_set.add("attributes")
        obj = _NEW(cls)
        SET_DICT(obj, data)
        SET_FIELDS_SET(obj, fields_set)
        SET_EXTRA(obj, None)
        SET_PRIVATE(obj, None)
        return obj

    def read_child(
        self,
        child: Any,
        binding: ClassBinding,
        data: dict[str, Any],
        children: list[str],
        extensions: list[Any],
        assigned: list[str],
        scope_el: dict[str, str],
        scope_at: dict[str, str],
        depth: int,
    ) -> None:
        """Read a child that is not a simple typed leaf: a typed model, or an untyped node."""
        tag = child.tag
        spec: Any = None
        child_cls = None
        if isinstance(tag, str):
            names = self.names
            lookups = names.lookups.get(id(binding))
            if lookups is None:
                lookups = names.lookups[id(binding)] = {}
            spec = lookups.get(tag, _UNKNOWN)
            if spec is _UNKNOWN:
                spec = lookups[tag] = names.lookup(binding, tag)
            if spec is _POLY:
                spec, child_cls = self.polymorphic(binding, child)
            if spec is not None and (
                spec.codec is not None or (not spec.is_list and data[spec.name] is not None)
            ):
                spec = None  # a complex or repeated leaf, or a second single child: a generic node
        if spec is None:
            extensions.append(self.read_other(child, scope_el, scope_at, depth + 1))
            children.append("*")
            return
        built = self.read_typed(child, binding_of(child_cls or spec.model), scope_el, scope_at, depth + 1)
        assigned.append(spec.name)
        if spec.is_list:
            data[spec.name].append(built)
        else:
            data[spec.name] = built
        children.append(built.xml.name)

    def read_other(self, el: Any, scope_el: dict[str, str], scope_at: dict[str, str], depth: int) -> Any:
        """Read an untyped node: an element as a generic ``Node``, or a comment or PI."""
        tag = el.tag
        if tag is _COMMENT or tag is _PI:
            # libxml2 gives the line a comment or PI ends on; the writer aligns by where it starts
            text = el.text or ""
            end = el.sourceline
            line = end - text.count("\n") if end is not None else None
            if tag is _COMMENT:
                return _make_comment(text, line)
            return _make_pi(el.target, text, line)
        if depth >= self.max_depth:
            self.enter(el, depth)
        if self.leaf_decls and el in self.decls:  # never the root: only nested declarations count
            declared, scope_el, scope_at = self.scoped(el, scope_el, scope_at)
        else:
            declared = []
        check_text = self.check_text
        items = el.items()
        if items:
            qnames = self.attr_qnames(el, items, scope_at)
            if check_text:
                for _, value in items:
                    if len(value) > self.max_text:
                        raise self.too_long(el)
            attrs = [(qname, value) for qname, (_, value) in zip(qnames, items, strict=True)]
        else:
            attrs = []
        text = el.text
        if check_text and text is not None and len(text) > self.max_text:
            raise self.too_long(el)
        children: list[Any] = []
        if len(el):
            gaps = [text or ""]
            for child in el:
                children.append(self.read_other(child, scope_el, scope_at, depth + 1))
                tail = child.tail
                if check_text and tail is not None and len(tail) > self.max_text:
                    raise self.too_long(child)
                gaps.append(tail or "")
        else:
            gaps = [text] if text else []
        found = self.names.node_names.get(tag) or self.node_name(tag)
        if found is None:
            found = (self.qname(el, tag, scope_el), self.names.split(tag)[0])
        node = _NEW(Node)
        SET_DICT(
            node,
            {
                "kind": "element",
                "name": found[0],
                "namespace": found[1],
                "ns": declared,
                "attributes": attrs,
                "children": children,
                "gaps": gaps,
                "line": el.sourceline,
            },
        )
        SET_FIELDS_SET(node, NODE_FIELDS)
        SET_EXTRA(node, None)
        SET_PRIVATE(node, None)
        return node


# Markup in document order: comments, PIs and CDATA (skipped), end tags, and start tags with
# their attributes (group 1: the name, group 2: the attributes). Text cannot hold a "<".
_MARKUP = re.compile(
    r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|</[^>]*>"
    r"|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"([^\s=/>]+)\s*=\s*(?:\"[^\"]*\"|'[^']*')")


def _written_attribute_names(text: str, start: int, root: Any) -> dict[Any, list[str]]:
    """Each element's attribute names as written (without namespace declarations), from the text.

    Start tags come in the same order as ``root.iter()`` gives the elements; only elements with
    attributes are kept.
    """
    elements = (el for el in root.iter() if isinstance(el.tag, str))
    found: dict[Any, list[str]] = {}
    for match in _MARKUP.finditer(text, start):
        if match.group(1) is None:
            continue
        el = next(elements, None)
        if el is None:
            break
        names = [
            name
            for name in _ATTRIBUTE.findall(match.group(2))
            if name != "xmlns" and not name.startswith("xmlns:")
        ]
        if names:
            found[el] = names
    return found


_PI_BODY = re.compile(r"([^ \t\r\n]*)[ \t\r\n]*(.*)", re.DOTALL)


def _split_pi(body: str) -> tuple[str, str]:
    """A processing instruction's target and text, split at XML whitespace (as libxml2 does)."""
    match = _PI_BODY.match(body)
    assert match is not None
    return match.group(1), match.group(2)


def _xml_newlines(raw: str) -> str:
    """Raw document text with line ends normalized as an XML parser does (CRLF and lone CR to LF)."""
    if "\r" not in raw:
        return raw
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def _space_start(text: str, end: int) -> int:
    """Where the run of XML whitespace that ends at ``end`` starts (without copying the text)."""
    start = end
    while start > 0:
        chunk = text[max(0, start - 4096) : start]
        kept = len(chunk.rstrip(" \t\r\n"))
        start -= len(chunk) - kept
        if kept:
            break
    return start


def _epilog(text: str, after: list[Any]) -> list[Any]:
    """The comments, PIs and whitespace after the root, read from the text exactly as written.

    The text is scanned backwards from its end (only comments, PIs and whitespace may follow the
    root); when that does not account for every node lxml saw after the root, they are laid out
    one per line instead.
    """
    items: list[Any] = []
    end = len(text)
    while end > 0:
        stripped = _space_start(text, end)
        if stripped < end:
            items.append(text[stripped:end].replace("\r\n", "\n"))
            end = stripped
            continue
        if text.endswith("-->", 0, end):
            start = text.rfind("<!--", 0, end - 3)
            if start < 0:
                break
            items.append(_make_comment(_xml_newlines(text[start + 4 : end - 3])))
            end = start
        elif text.endswith("?>", 0, end):
            start = text.rfind("<?", 0, end - 2)
            if start < 0:
                break
            target, rest = _split_pi(_xml_newlines(text[start + 2 : end - 2]))
            items.append(_make_pi(target, rest))
            end = start
        else:
            break
    items.reverse()
    nodes = [item for item in items if not isinstance(item, str)]

    def same(node: Any, seen: Any) -> bool:
        if isinstance(node, Comment):
            return bool(seen.tag is _COMMENT and node.text == (seen.text or ""))
        return bool(seen.tag is not _COMMENT and node.target == getattr(seen, "target", ""))

    if len(nodes) == len(after) and all(same(n, a) for n, a in zip(nodes, after, strict=True)):
        return items
    fallback: list[Any] = []
    for node in after:
        fallback.append("\n")
        if node.tag is _COMMENT:
            fallback.append(_make_comment(node.text or ""))
        else:
            fallback.append(_make_pi(getattr(node, "target", ""), node.text or ""))
    if text.endswith("\n") or after:
        fallback.append("\n")
    return fallback


def _document(parsed: Parsed) -> Document:
    """The BOM, declaration, and the comments, PIs and whitespace around the root."""
    text = parsed.text
    prolog: list[Any] = []
    pos = len(parsed.declaration) if parsed.declaration else 0
    end = parsed.prolog_end
    while pos < end:
        if text.startswith("<!--", pos):
            close = text.index("-->", pos + 4)
            prolog.append(_make_comment(_xml_newlines(text[pos + 4 : close])))
            pos = close + 3
        elif text.startswith("<?", pos):
            close = text.index("?>", pos + 2)
            target, rest = _split_pi(_xml_newlines(text[pos + 2 : close]))
            prolog.append(_make_pi(target, rest))
            pos = close + 2
        else:
            stop = pos
            while stop < end and text[stop] in " \t\r\n":
                stop += 1
            if stop == pos:
                raise AssertionError(f"unexpected prolog text at offset {pos}")
            prolog.append(text[pos:stop].replace("\r\n", "\n"))
            pos = stop
    root = parsed.root
    epilog = _epilog(text, list(root.itersiblings()))
    newline = "\n"
    if "\r" in text and text.count("\r\n") == text.count("\n"):
        newline = "\r\n"
    document: Document = _NEW(Document)
    values: dict[str, Any] = {
        "bom": parsed.bom,
        "declaration": parsed.declaration,
        "encoding": parsed.encoding,
        "newline": newline,
        "prolog": prolog,
        "epilog": epilog,
        "warnings": parsed.warnings,
    }
    root_tag = start_tag_at(text, parsed.prolog_end)
    values["root_tag"] = root_tag.replace("\r\n", "\n") if root_tag is not None else None
    values["empty_tag_end"] = empty_tag_end(parsed.root, text)
    _set_dict(document, values, set(values))
    return document


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Keep the cyclic garbage collector out of a read.

    A read makes hundreds of thousands of small objects and no reference cycles, so collections
    during it only cost time, and so would the first collection after it, which would scan every
    new object once. Objects that survive the read are moved to the oldest generation instead
    (``gc.freeze`` then ``gc.unfreeze``), unless the process already keeps frozen objects.
    """
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


def read_tree(parsed: Parsed, source: str, limits: Limits) -> Envelope | Environment:
    """Turn a safely parsed document into an ``Envelope`` or ``Environment`` model.

    ``parsed`` must come from ``parse_bytes`` or ``parse_text`` under the same ``limits``: they count
    elements and nodes before the tree is built, so the reader does not count again; it checks
    nesting depth and (when they are stricter than the document's length) text lengths.
    """
    reader = _Reader(parsed, source, limits)
    with _no_collection():
        model = reader.read()
    assert isinstance(model, (Envelope, Environment))
    document = _document(parsed)
    document.__dict__["warnings"] = reader.warnings
    model.__dict__["document"] = document
    return model

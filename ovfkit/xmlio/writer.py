"""Write models back to XML bytes, exactly as they were read where nothing changed.

The writer follows each model's layout (``XmlInfo``): element and attribute names with their
prefixes, namespace declarations, attribute order, the text between children and the original
lexical form of every value that still means the same. What the layout does not mention (new
values, new models) is written where the schema puts it, laid out like its neighbours, with the
prefixes already in scope; what was removed leaves with its own slot, so comments and vendor
elements stay next to the children they were next to. The output is text built here, not by a
serializer, because no XML library lets a caller choose the prefix of every element; every name
and character is checked, and a model that cannot be written as XML that reads back the same
raises ``OvfWriteError``.

Elements written exactly as read take a compiled fast path (``write_fast``); every other element,
and every one the fast path declines, is written by the general code here, the children of a read
element that changed by ``write_children``. ``write_text`` holds the character and name rules,
``write_layout`` the whitespace of what is new, ``write_plan`` what each slot of a layout stands for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ovfkit.errors import OvfWriteError, quote
from ovfkit.model.base import Comment, Node, OvfModel, ProcessingInstruction, XmlInfo
from ovfkit.model.binding import TOKENS, ClassBinding, FieldSpec, binding_of
from ovfkit.model.envelope import Document, Envelope
from ovfkit.model.environment import Environment
from ovfkit.namespaces import DEFAULT_PREFIX, DEFAULT_URI, FAMILY_OF, Ns
from ovfkit.xmlio import write_fast
from ovfkit.xmlio.start_tag import first_start_tag, same_start_tag
from ovfkit.xmlio.write_children import Children
from ovfkit.xmlio.write_layout import DEFAULT_UNIT, blank, document_unit, inner_layout
from ovfkit.xmlio.write_plan import CONTENT_NAMES, EXT, LEAF, LEAF_LIST, MODEL, MODEL_LIST, SKIP, Plan, Step
from ovfkit.xmlio.write_text import (
    check_comment,
    check_declaration,
    check_pi,
    check_tokens,
    encode_output,
    escape_attr,
    escape_text,
    is_name,
    shown,
)

__all__ = ["write_document"]


class Scope:
    """The namespace declarations in force at one element, with caches of what resolves there."""

    __slots__ = ("cache", "fast", "names_ok", "plans", "prefixes")

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes  # prefix ("" = default) -> URI
        self.cache: dict[tuple[int, str], FieldSpec | None] = {}
        self.plans: dict[tuple[int, int], tuple[tuple[str, ...], Plan]] = {}
        self.names_ok: set[str] = set()
        #: compiled fast writers by layout (see ``write_fast``)
        self.fast: dict[Any, Any] = {}

    def declare(self, pairs: list[tuple[str, str]]) -> Scope:
        """The scope inside an element that makes these declarations."""
        updated = dict(self.prefixes)
        updated.update(pairs)
        return Scope(updated)

    def uri_of(self, qname: str, element: bool) -> str | None:
        """The namespace URI of a qualified name here (None for no namespace)."""
        prefix, sep, _ = qname.rpartition(":")
        if not sep:
            return (self.prefixes.get("") or None) if element else None
        if prefix == "xml":
            return Ns.XML.value
        uri = self.prefixes.get(prefix)
        if uri is None:
            raise OvfWriteError(f"prefix {shown(prefix)} of {shown(qname)} is not declared")
        return uri


class Writer:
    """Writes one document into a list of strings."""

    def __init__(self, ovf_uri: str, bare_ovf: bool, unit: str, charrefs: str | None = None) -> None:
        self.out: list[str] = []
        self.ovf_uri = ovf_uri
        # The envelope's own namespace is OVF whatever it is, as the reader took it.
        self.families: dict[str | None, str] = {**FAMILY_OF, ovf_uri: "ovf"}
        self.bare_ovf = bare_ovf
        self.unit = unit
        self.names_ok: set[str] = set()
        self.path: list[str] = []
        self.plans_by_value: dict[tuple[int, tuple[str, ...]], Plan] = {}
        self.escape_text: Callable[[str], str] = escape_text
        self.escape_attr: Callable[[str], str] = escape_attr
        #: the compiled fast path is used unless values need character references for the encoding
        self.fast = charrefs is None
        #: how empty-element tags end: ``/>``, or `` />`` in a document read that wrote them so
        self.end_empty = "/>"
        if charrefs is not None:
            self.escape_text = lambda text: _charrefs(escape_text(text), charrefs)
            self.escape_attr = lambda text: _charrefs(escape_attr(text), charrefs)

    # -- names -------------------------------------------------------------------------------

    def check_name(self, name: str) -> str:
        """Refuse a name that is not an XML qualified name."""
        if name not in self.names_ok:
            if not isinstance(name, str) or not is_name(name):
                raise OvfWriteError(f"{shown(name)} is not a valid XML name", path=self.where())
            self.names_ok.add(name)
        return name

    def check_attribute_name(self, name: str) -> str:
        """Refuse an attribute name that is not a qualified name or that is a namespace declaration."""
        self.check_name(name)
        if name == "xmlns" or name.startswith("xmlns:"):
            raise OvfWriteError(
                f"{shown(name)} is a namespace declaration, not an attribute (declare it in ns)",
                path=self.where(),
            )
        return name

    def where(self) -> str:
        """The path of the element being written, for error messages."""
        return quote("/" + "/".join(self.path), 300)

    def declare(self, scope: Scope, pairs: list[tuple[str, str]]) -> Scope:
        """The scope inside an element making these declarations, after checking them."""
        seen: set[str] = set()
        where = self.where()
        for prefix, uri in pairs:
            if not isinstance(prefix, str) or not isinstance(uri, str):
                raise OvfWriteError("a namespace declaration is not a pair of strings", path=where)
            if prefix in seen:
                raise OvfWriteError(
                    f"the prefix {shown(prefix)} is declared twice on one element", path=where
                )
            seen.add(prefix)
            check_declaration(prefix, uri, where)
        return scope.declare(pairs)

    def declarations(self, pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
        """Namespace declarations as attribute text."""
        escape = self.escape_attr
        return "".join(
            f' xmlns:{prefix}="{escape(uri)}"' if prefix else f' xmlns="{escape(uri)}"'
            for prefix, uri in pairs
        )

    def family_uri(self, family: str | None) -> str | None:
        """The URI new names of a family are written in."""
        if family is None:
            return None
        if family == "ovf":
            return self.ovf_uri
        return DEFAULT_URI[family]

    def prefix_for(
        self, family: str | None, scope: Scope, element: bool, new_decls: list[tuple[str, str]]
    ) -> str | None:
        """A prefix in scope for a family (None = no namespace); declares one when needed."""
        if family is None:
            return None
        if family == "xml":
            return "xml"
        if element and family == "ovf" and self.bare_ovf and "" not in scope.prefixes:
            return ""
        default = scope.prefixes.get("")
        if element and default is not None and self.families.get(default) == family:
            return ""
        for prefix, uri in scope.prefixes.items():
            if prefix and self.families.get(uri) == family:
                return prefix
        for prefix, uri in new_decls:
            if self.families.get(uri) == family:
                return prefix
        fresh: str = DEFAULT_PREFIX.get(family, family)
        taken = set(scope.prefixes) | {p for p, _ in new_decls}
        base, n = fresh, 1
        while fresh in taken:
            n += 1
            fresh = f"{base}{n}"
        new_uri = self.family_uri(family)
        assert new_uri is not None
        new_decls.append((fresh, new_uri))
        return fresh

    def resolve_child(self, binding: ClassBinding, qname: str, scope: Scope) -> FieldSpec | None:
        """The field a child element name stands for in a class, here."""
        key = (id(binding), qname)
        cache = scope.cache
        if key in cache:
            return cache[key]
        local = qname.rpartition(":")[2]
        try:
            uri = scope.uri_of(qname, element=True)
        except OvfWriteError:
            # The child declares its own prefix (``<rasd:X xmlns:rasd="...">``): the element
            # carries the declaration, so the field is the one bound to that local name.
            matches = {s.name: s for (_, name), s in binding.children.items() if name == local}
            if len(matches) == 1:
                spec = next(iter(matches.values()))
            elif binding.sections is not None and local.endswith("Section"):
                spec = binding.sections
            elif binding.content is not None and local in CONTENT_NAMES:
                spec = binding.content
            else:
                spec = None
            cache[key] = spec
            return spec
        family = self.families.get(uri)
        spec = binding.children.get((family, local))
        if spec is None and family == "ovf":
            if binding.sections is not None and (local.endswith("Section") or local == "Section"):
                spec = binding.sections
            elif binding.content is not None and local in CONTENT_NAMES:
                spec = binding.content
        cache[key] = spec
        return spec

    def resolve_attr(self, binding: ClassBinding, qname: str, scope: Scope) -> FieldSpec | None:
        """The field an attribute name stands for in a class, here."""
        key = (~id(binding), qname)
        cache = scope.cache
        if key in cache:
            return cache[key]
        uri = scope.uri_of(qname, element=False)
        local = qname.rpartition(":")[2]
        family = self.families.get(uri)
        spec = binding.attrs.get((family, local))
        cache[key] = spec
        return spec

    # -- values ------------------------------------------------------------------------------

    def lexical(self, spec: FieldSpec, value: Any, original: str | None) -> str | None:
        """The text to write for a value: its original form while that still means it."""
        codec = spec.codec
        assert codec is not None
        if original is not None and codec.means(original, value):
            return original
        if value is None:
            return None
        if codec is TOKENS:
            return check_tokens(value, self.where())
        if codec.exact:
            if not isinstance(value, str):
                raise OvfWriteError(
                    f"{spec.name} holds a {type(value).__name__}, not a string", path=self.where()
                )
            return value
        try:
            return codec.format(value)
        except (TypeError, ValueError):
            raise OvfWriteError(
                f"{spec.name} holds a {type(value).__name__}, not a {codec.name}", path=self.where()
            ) from None

    # -- nodes -------------------------------------------------------------------------------

    def write_extension(self, node: Any, scope: Scope) -> None:
        """Write a generic node: an element, a comment or a processing instruction."""
        if isinstance(node, Node):
            self.write_node(node, scope)
        elif isinstance(node, Comment):
            check_comment(node.text, self.where())
            self.out.append(f"<!--{node.text}-->")
        elif isinstance(node, ProcessingInstruction):
            check_pi(node.target, node.text, self.where())
            self.out.append(f"<?{node.target} {node.text}?>" if node.text else f"<?{node.target}?>")
        else:
            raise OvfWriteError(f"cannot write a {type(node).__name__} as XML", path=self.where())

    def write_node(self, node: Node, scope: Scope) -> None:
        """Write an untyped element, checking every name, declaration and attribute."""
        out = self.out
        name = self.check_name(node.name)
        self.path.append(name)
        out.append("<" + name)
        if node.ns:
            scope = self.declare(scope, node.ns)
            out.append(self.declarations(node.ns))
        uri = scope.uri_of(name, element=True)
        if uri != (node.namespace or None):
            raise OvfWriteError(
                f"the element {shown(name)} would be in the namespace {shown(uri)}, "
                f"not {shown(node.namespace)} (declare its prefix, or set its namespace)",
                path=self.where(),
            )
        attributes = node.attributes
        if attributes:
            escape = self.escape_attr
            for qname, value in attributes:
                self.check_attribute_name(qname)
                out.append(f' {qname}="{escape(self.attribute_value(qname, value))}"')
            if len(attributes) > 1:
                self.check_unique_attributes([qname for qname, _ in attributes], scope)
            else:
                scope.uri_of(attributes[0][0], element=False)
        children = node.children
        gaps = node.gaps
        if len(gaps) > len(children) + 1 or (not children and gaps and not gaps[0]):
            # Text runs beyond one per child and one more cannot be told apart when read back, and
            # an element without children and text reads back with no runs at all.
            raise OvfWriteError(
                f"{shown(name)} has {len(gaps)} text runs around {len(children)} children: it needs one run "
                "before each child and one after the last (none at all for an empty element)",
                path=self.where(),
            )
        if not children and not (gaps and gaps[0]):
            out.append(self.end_empty)
        else:
            escape = self.escape_text
            out.append(">")
            if gaps:
                out.append(escape(gaps[0]))
            for index, child in enumerate(children):
                self.write_extension(child, scope)
                if index + 1 < len(gaps):
                    out.append(escape(gaps[index + 1]))
            out.append(f"</{name}>")
        self.path.pop()

    def check_unique_attributes(self, names: list[str], scope: Scope) -> None:
        """Refuse two attributes with one name, or with one namespace and local name."""
        seen: set[tuple[str | None, str]] = set()
        for qname in names:
            key = (scope.uri_of(qname, element=False), qname.rpartition(":")[2])
            if key in seen:
                raise OvfWriteError(f"the attribute {shown(qname)} is written twice", path=self.where())
            seen.add(key)

    # -- typed models ------------------------------------------------------------------------

    def write_model(
        self,
        model: OvfModel,
        binding: ClassBinding,
        default_local: str,
        default_family: str | None,
        scope: Scope,
        indent: str,
        template: tuple[str, str] | None = None,
        extra_decls: list[tuple[str, str]] | None = None,
    ) -> None:
        """Write a typed element; ``indent`` is the gap before it, ``template`` a new element's layout."""
        info = model.xml
        if info is not None and self.fast and not extra_decls and write_fast.write(self, model, info, scope):
            return
        self.write_model_general(
            model, binding, default_local, default_family, scope, indent, template, extra_decls
        )

    def write_model_general(
        self,
        model: OvfModel,
        binding: ClassBinding,
        default_local: str,
        default_family: str | None,
        scope: Scope,
        indent: str,
        template: tuple[str, str] | None = None,
        extra_decls: list[tuple[str, str]] | None = None,
    ) -> None:
        """Write a typed element without the fast path (see ``write_model``)."""
        info = model.xml
        new_decls: list[tuple[str, str]] = list(extra_decls or [])
        if info is not None:
            qname = info.name
            new_decls.extend(info.ns)
        else:
            lookup = scope.declare(new_decls) if new_decls else scope
            prefix = self.prefix_for(default_family, lookup, True, new_decls)
            qname = f"{prefix}:{default_local}" if prefix else default_local
        self.check_name(qname)
        self.path.append(qname)
        if new_decls:
            scope = self.declare(scope, new_decls)
        attr_parts, scope = self.typed_attributes(model, binding, info, scope, new_decls)
        out = self.out
        out.append("<" + qname)
        if new_decls:
            out.append(self.declarations(new_decls))
        out.extend(attr_parts)
        scope.uri_of(qname, element=True)
        if binding.text is not None:
            self.write_text_content(model, binding, qname, scope)
        elif self.is_empty(model, binding):
            out.append(self.end_empty)
        else:
            out.append(">")
            if info is None:
                inner, closing = template or inner_layout(indent, self.unit)
                self.write_new_children(model, binding, scope, inner, closing)
            else:
                self.write_read_children(model, binding, scope, info, indent)
            out.append(f"</{qname}>")
        self.path.pop()

    def typed_attributes(
        self,
        model: OvfModel,
        binding: ClassBinding,
        info: XmlInfo | None,
        scope: Scope,
        new_decls: list[tuple[str, str]],
    ) -> tuple[list[str], Scope]:
        """A typed element's attributes in their written order, then new ones (declaring their prefixes)."""
        parts: list[str] = []
        names: list[str] = []
        typed_done: set[str] = set()
        untyped_done: set[str] = set()
        extra = model.attributes
        data = model.__dict__
        escape = self.escape_attr
        if info is not None:
            lexical = info.lexical
            for aname in info.attrs:
                spec = self.resolve_attr(binding, aname, scope)
                if spec is not None and spec.name not in typed_done:
                    typed_done.add(spec.name)
                    text = self.lexical(spec, data[spec.name], lexical.get(aname))
                    if text is not None:
                        parts.append(f' {aname}="{escape(text)}"')
                        names.append(aname)
                elif aname in extra:
                    untyped_done.add(aname)
                    parts.append(f' {aname}="{escape(self.attribute_value(aname, extra[aname]))}"')
                    names.append(aname)
        added: list[tuple[str, str]] = []
        for spec in binding.attr_fields:
            if spec.name in typed_done:
                continue
            value = data[spec.name]
            if value is None or value == []:
                continue
            prefix = self.prefix_for(spec.binding.family, scope, False, added)
            aname = f"{prefix}:{spec.binding.name}" if prefix else spec.binding.name
            text = self.lexical(spec, value, None)
            parts.append(f' {aname}="{escape(text or "")}"')
            names.append(aname)
            typed_done.add(spec.name)
        if added:
            new_decls.extend(d for d in added if d not in new_decls)
            scope = scope.declare(added)
        for aname, avalue in extra.items():
            if aname in untyped_done:
                continue
            self.check_attribute_name(aname)
            if self.resolve_attr(binding, aname, scope) is not None:
                raise OvfWriteError(
                    f"the untyped attribute {shown(aname)} stands for a typed field of "
                    f"{type(model).__name__}; set the field instead",
                    path=self.where(),
                )
            parts.append(f' {aname}="{escape(self.attribute_value(aname, avalue))}"')
            names.append(aname)
        if len(names) > 1 and (info is None or len(names) > len(info.attrs)):
            # (the names of a layout read from a document are unique; new ones may not be)
            self.check_unique_attributes(names, scope)
        return parts, scope

    def attribute_value(self, name: str, value: Any) -> str:
        """An untyped attribute's value, refused unless it is text."""
        if not isinstance(value, str):
            raise OvfWriteError(
                f"the attribute {shown(name)} holds a {type(value).__name__}", path=self.where()
            )
        return value

    def is_empty(self, model: OvfModel, binding: ClassBinding) -> bool:
        """Whether a typed element has nothing inside (written as an empty-element tag)."""
        if model.extensions:
            return False
        info = model.xml
        if info is not None and any(info.gaps):
            return False
        data = model.__dict__
        for spec in binding.child_fields:
            value = data[spec.name]
            if value is not None and value != []:
                return False
        return True

    def write_text_content(self, model: OvfModel, binding: ClassBinding, qname: str, scope: Scope) -> None:
        """The content of an element typed as text (a message): its text, and any nodes inside it."""
        out = self.out
        assert binding.text is not None
        value = model.__dict__[binding.text.name] or ""
        if not isinstance(value, str):
            raise OvfWriteError(f"the text of {shown(qname)} is a {type(value).__name__}", path=self.where())
        info = model.xml
        extensions = model.extensions
        escape = self.escape_text
        if (
            info is not None
            and info.children
            and "".join(info.gaps) == value
            and len(extensions) == len(info.children)
        ):
            out.append(">" + escape(info.gaps[0]))
            for index, ext in enumerate(extensions):
                self.write_extension(ext, scope)
                out.append(escape(info.gaps[index + 1]))
            out.append(f"</{qname}>")
            return
        if not value and not extensions:
            out.append(self.end_empty)
            return
        out.append(">" + escape(value))
        for ext in extensions:
            self.write_extension(ext, scope)
        out.append(f"</{qname}>")

    def write_leaf(self, qname: str, text: str, attrs: list[tuple[str, str]] | None, scope: Scope) -> None:
        """A typed leaf element with its text (and the attributes it was read with)."""
        out = self.out
        if attrs:
            declared = [
                (name[6:], value) for name, value in attrs if name == "xmlns" or name.startswith("xmlns:")
            ]
            inner = self.declare(scope, declared) if declared else scope
            inner.uri_of(qname, element=True)
            plain = [name for name, _ in attrs if name != "xmlns" and not name.startswith("xmlns:")]
            for name in plain:
                self.check_name(name)
            if len(plain) > 1:
                self.check_unique_attributes(plain, inner)
            elif plain:
                inner.uri_of(plain[0], element=False)
            escape = self.escape_attr
            out.append("<" + qname + "".join(f' {name}="{escape(value)}"' for name, value in attrs))
        else:
            out.append("<" + qname)
        if text:
            out.append(f">{self.escape_text(text)}</{qname}>")
        else:
            out.append(self.end_empty)

    def write_child(
        self,
        model: OvfModel,
        spec: FieldSpec,
        value: Any,
        qname: str | None,
        index: int | None,
        scope: Scope,
        indent: str,
        template: tuple[str, str] | None = None,
    ) -> None:
        """One child of a typed element: a leaf (at a laid-out slot when ``index`` is given) or a model."""
        info = model.xml
        if spec.codec is not None:
            key = str(index)
            original = info.lexical.get(key) if info is not None and index is not None else None
            text = self.lexical(spec, value, original)
            attrs = info.leaf_attrs.get(key) if info is not None and index is not None else None
            if qname is None:
                decls: list[tuple[str, str]] = []
                prefix = self.prefix_for(spec.binding.family, scope, True, decls)
                qname = f"{prefix}:{spec.binding.name}" if prefix else spec.binding.name
                if decls:
                    attrs = [("xmlns:" + p if p else "xmlns", u) for p, u in decls]
            elif not attrs:
                scope.uri_of(qname, element=True)
            self.write_leaf(self.check_name(qname), text or "", attrs, scope)
            return
        if not isinstance(value, OvfModel):
            raise OvfWriteError(f"{spec.name} holds a {type(value).__name__}, not a model", path=self.where())
        local = spec.binding.name
        if spec.model is None:
            local = type(value).__name__
        elif not isinstance(value, spec.model):
            raise OvfWriteError(
                f"{spec.name} holds a {type(value).__name__}, not a {spec.model.__name__}", path=self.where()
            )
        self.write_model(value, binding_of(type(value)), local, spec.binding.family, scope, indent, template)

    def write_new_children(
        self, model: OvfModel, binding: ClassBinding, scope: Scope, inner: str, closing: str
    ) -> None:
        """The children of a new element, in schema order, each after ``inner``, then ``closing``."""
        out = self.out
        for spec in binding.child_fields:
            for value in self.values_of(model, spec):
                out.append(inner)
                self.write_child(model, spec, value, None, None, scope, inner)
        for ext in model.extensions:
            out.append(inner)
            self.write_extension(ext, scope)
        out.append(closing)

    @staticmethod
    def values_of(model: OvfModel, spec: FieldSpec) -> list[Any]:
        """The values of a field as a list (none, one, or the list itself)."""
        value = model.__dict__[spec.name]
        if spec.is_list:
            return list(value)
        return [] if value is None else [value]

    def layout_gaps(self, info: XmlInfo) -> tuple[str, ...]:
        """The gaps of a layout, one per slot and one more, with text in them escaped."""
        children = info.children
        gaps = info.gaps
        if len(gaps) != len(children) + 1:
            gaps = (*gaps[: len(children) + 1], *([""] * (len(children) + 1 - len(gaps))))
        joined = "".join(gaps)
        if "&" in joined or "<" in joined or ">" in joined or "\r" in joined or not self.fast:
            escape = self.escape_text
            gaps = tuple(gap if blank(gap) else escape(gap) for gap in gaps)
        return gaps

    def write_read_children(
        self, model: OvfModel, binding: ClassBinding, scope: Scope, info: XmlInfo, indent: str
    ) -> None:
        """The children of an element read from a document, in their slots, with new ones beside them."""
        Children(self, model, binding, scope, info, indent).write()

    def plan_for(
        self, binding: ClassBinding, children: tuple[str, ...], scope: Scope, info: XmlInfo | None = None
    ) -> Plan:
        """How to write a layout: resolved once per class, scope and (shared) tuple of child names.

        A leaf that declares namespaces itself (``<rasd:X xmlns:rasd="...">``) resolves in its own
        scope; such a layout is resolved for that element alone.
        """
        own_scopes: dict[int, Scope] = {}
        if info is not None and info.leaf_attrs:
            for key, attrs in info.leaf_attrs.items():
                declared = [(n[6:], v) for n, v in attrs if n == "xmlns" or n.startswith("xmlns:")]
                if declared:
                    own_scopes[int(key)] = scope.declare(declared)
        if not own_scopes:
            key2 = (id(binding), id(children))
            cached = scope.plans.get(key2)
            if cached is not None and cached[0] is children:
                return cached[1]
            plan = self.plans_by_value.get((id(binding), children))
            if plan is None:
                plan = self.build_plan(binding, children, scope, own_scopes)
                self.plans_by_value[(id(binding), children)] = plan
            scope.plans[key2] = (children, plan)
            return plan
        return self.build_plan(binding, children, scope, own_scopes)

    def build_plan(
        self, binding: ClassBinding, children: tuple[str, ...], scope: Scope, own_scopes: dict[int, Scope]
    ) -> Plan:
        """Resolve every child name of a layout to its field."""
        steps: list[Step] = []
        occurrences: dict[str, int] = {}
        extension_count = 0
        for index, entry in enumerate(children):
            if entry == "*":
                steps.append((entry, "", EXT, None, None))
                extension_count += 1
                continue
            self.check_name(entry)
            spec = self.resolve_child(binding, entry, own_scopes.get(index, scope))
            if spec is None or (not spec.is_list and spec.name in occurrences):
                steps.append((entry, "", SKIP, None, None))
                continue
            occurrences[spec.name] = occurrences.get(spec.name, 0) + 1
            codec = spec.codec
            if codec is not None:
                kind = LEAF_LIST if spec.is_list else LEAF
                steps.append((entry, spec.name, kind, None if codec.exact else codec.format, spec))
            else:
                steps.append((entry, spec.name, MODEL_LIST if spec.is_list else MODEL, None, spec))
        return Plan(tuple(steps), occurrences, extension_count)

    def render(self, write: Callable[[], None]) -> str:
        """Run a write into a separate buffer and return what it wrote."""
        buffer: list[str] = []
        saved, self.out = self.out, buffer
        try:
            write()
        finally:
            self.out = saved
        return "".join(buffer)


def _charrefs(text: str, encoding: str) -> str:
    """Characters an encoding cannot carry, as character references (for text and attribute values)."""
    if text.isascii():
        return text
    return text.encode(encoding, "xmlcharrefreplace").decode(encoding)


def _write_prolog(out: list[str], items: list[Any], where: str) -> None:
    for item in items:
        if isinstance(item, str):
            if not blank(item):
                raise OvfWriteError(
                    "only whitespace, comments and processing instructions may surround the root"
                )
            out.append(item)
        elif isinstance(item, Comment):
            check_comment(item.text, where)
            out.append(f"<!--{item.text}-->")
        elif isinstance(item, ProcessingInstruction):
            check_pi(item.target, item.text, where)
            out.append(f"<?{item.target} {item.text}?>" if item.text else f"<?{item.target}?>")
        else:
            raise OvfWriteError(f"cannot write a {type(item).__name__} around the root")


def _render(model: Envelope | Environment, charrefs: str | None, fast: bool = True) -> str:
    """The document as text (``charrefs``: the encoding values must be written for)."""
    document: Document = model.document
    ovf_uri = Ns.OVF1.value
    bare = False
    if isinstance(model, Envelope):
        namespace = model.namespace
        if namespace is not None and (
            FAMILY_OF.get(namespace) == "ovf" or namespace.startswith("http://schemas.dmtf.org/ovf/envelope")
        ):
            ovf_uri = namespace
        if model.xml is not None:
            prefixes = dict(model.xml.ns)
            bare = "" not in prefixes and any(":" not in c for c in model.xml.children if c != "*")
    unit = document_unit(model.xml.gaps) if model.xml is not None else DEFAULT_UNIT
    writer = Writer(ovf_uri, bare, unit, charrefs)
    writer.fast = writer.fast and fast
    writer.end_empty = document.empty_tag_end
    out = writer.out
    if document.declaration is not None:
        out.append(document.declaration)
    elif model.xml is None:
        out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    _write_prolog(out, document.prolog, "/")
    root_scope = Scope({})
    decls: list[tuple[str, str]] = []
    indent = ""
    if model.xml is None:
        indent = "\n"
        # A new document declares the namespaces its content is likely to use.
        if isinstance(model, Envelope):
            decls = [
                ("", ovf_uri),
                ("ovf", ovf_uri),
                ("rasd", Ns.RASD.value),
                ("vssd", Ns.VSSD.value),
                ("xsi", Ns.XSI.value),
            ]
        else:
            decls = [("", Ns.ENV.value), ("oe", Ns.ENV.value), ("xsi", Ns.XSI.value)]
    family = "ovf" if isinstance(model, Envelope) else "env"
    writer.write_model(
        model, binding_of(type(model)), type(model).__name__, family, root_scope, indent, None, decls
    )
    if model.xml is None and not document.epilog:
        out.append("\n")
    _write_prolog(out, document.epilog, "/")
    return "".join(out)


def write_document(model: Envelope | Environment, *, encoding: str | None = None) -> bytes:
    """Serialize an ``Envelope`` or ``Environment`` to bytes."""
    document: Document = model.document
    target = encoding or document.encoding
    try:
        text = _render(model, None)
    except OvfWriteError:
        # Compiled writers keep no element path: the general writer finds the error again, with it.
        text = _render(model, None, fast=False)
    text = _root_tag_as_written(text, document)
    if document.newline == "\r\n":
        text = text.replace("\n", "\r\n")
    try:
        data = encode_output(text, target)
    except UnicodeEncodeError:
        # Some character has no form in the encoding: values take character references, and
        # markup (names, comments, processing instructions) that still cannot be encoded is refused.
        text = _render(model, target)
        if document.newline == "\r\n":
            text = text.replace("\n", "\r\n")
        try:
            data = encode_output(text, target)
        except UnicodeEncodeError as error:
            raise OvfWriteError(
                f"character U+{ord(error.object[error.start]):04X} in a name, comment or processing "
                f"instruction cannot be written in {target}"
            ) from None
    if document.bom and target.replace("_", "-").lower() in ("utf-8", "utf8"):
        data = b"\xef\xbb\xbf" + data
    elif document.bom and target.lower().startswith(("utf-16-", "utf-32-")):
        data = "\ufeff".encode(target) + data
    return data


def _root_tag_as_written(text: str, document: Document) -> str:
    """The output with the root's start tag as it was read, when the root still says the same."""
    written = document.root_tag
    if not written:
        return text
    found = first_start_tag(text)
    if found is None:
        return text
    start, end = found
    if text[start:end] == written or not same_start_tag(written, text[start:end]):
        return text
    return text[:start] + written + text[end:]


def iter_models(model: OvfModel) -> Iterator[OvfModel]:
    """Every model in a tree, depth first (the root first)."""
    stack = [model]
    while stack:
        current = stack.pop()
        yield current
        for spec in reversed(binding_of(type(current)).child_fields):
            if spec.codec is not None:
                continue
            value = current.__dict__[spec.name]
            if isinstance(value, list):
                stack.extend(reversed(value))
            elif value is not None:
                stack.append(value)

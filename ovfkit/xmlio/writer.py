"""Write models back to XML bytes, exactly as they were read where nothing changed.

The writer follows each model's layout (``XmlInfo``): element and attribute names with their
prefixes, namespace declarations, attribute order, the text between children and the original
lexical form of every value that still means the same. What the layout does not mention (new
values, new models) is written where the schema puts it, indented like its neighbours, with the
prefixes already in scope. The output is text built here, not by a serializer, because no XML
library lets a caller choose the prefix of every element; every name and character is checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ovfkit.errors import OvfWriteError
from ovfkit.model.base import Comment, Node, OvfModel, ProcessingInstruction
from ovfkit.model.binding import ClassBinding, FieldSpec, binding_of
from ovfkit.model.envelope import Document, Envelope
from ovfkit.model.environment import Environment
from ovfkit.namespaces import DEFAULT_PREFIX, DEFAULT_URI, FAMILY_OF, Ns

__all__ = ["write_document"]

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NAME = re.compile(
    r"(?:[A-Za-z_\u00c0-\u02ff\u0370-\u1fff\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff"
    r"\uf900-\ufdcf\ufdf0-\ufffd][\w.\-\u00b7\u0300-\u036f\u203f-\u2040]*:)?"
    r"[A-Za-z_\u00c0-\u02ff\u0370-\u1fff\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff"
    r"\uf900-\ufdcf\ufdf0-\ufffd][\w.\-\u00b7\u0300-\u036f\u203f-\u2040]*"
)


def _escape_text(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _escape_attr(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\t" in text:
        text = text.replace("\t", "&#9;")
    return text


_MISSING = object()
_EXT, _SKIP, _LEAF, _LEAF_LIST, _MODEL, _MODEL_LIST = range(6)


class _Plan:
    """A resolved layout: one step per child, how often each field occurs, how many extensions."""

    __slots__ = ("extension_count", "occurrences", "steps")

    def __init__(
        self,
        steps: tuple[tuple[str, str, int, Any, FieldSpec | None], ...],
        occurrences: dict[str, int],
        extension_count: int,
    ) -> None:
        self.steps = steps
        self.occurrences = occurrences
        self.extension_count = extension_count


class _Scope:
    """The namespace declarations in force at one element."""

    __slots__ = ("cache", "children", "names_ok", "plans", "prefixes")

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes  # prefix ("" = default) -> URI
        self.cache: dict[tuple[int, str], FieldSpec | None] = {}
        self.children: dict[int, dict[str, Any]] = {}
        self.plans: dict[tuple[int, int], tuple[tuple[str, ...], _Plan]] = {}
        self.names_ok: set[str] = set()

    def cache_for(self, binding: ClassBinding) -> dict[str, Any]:
        found = self.children.get(id(binding))
        if found is None:
            found = {}
            self.children[id(binding)] = found
        return found

    def declare(self, pairs: list[tuple[str, str]]) -> _Scope:
        updated = dict(self.prefixes)
        updated.update(pairs)
        return _Scope(updated)

    def uri_of(self, qname: str, element: bool) -> str | None:
        prefix, sep, _ = qname.rpartition(":")
        if not sep:
            return self.prefixes.get("") if element else None
        if prefix == "xml":
            return Ns.XML.value
        uri = self.prefixes.get(prefix)
        if uri is None:
            raise OvfWriteError(f"prefix {prefix!r} of {qname!r} is not declared")
        return uri


class _Writer:
    """Writes one document into a list of strings."""

    def __init__(self, ovf_uri: str, bare_ovf: bool) -> None:
        self.out: list[str] = []
        self.ovf_uri = ovf_uri
        # The envelope's own namespace is OVF whatever it is, as the reader took it.
        self.families: dict[str | None, str] = {**FAMILY_OF, ovf_uri: "ovf"}
        self.bare_ovf = bare_ovf
        self.names_ok: set[str] = set()
        self.path: list[str] = []
        self.plans_by_value: dict[tuple[int, tuple[str, ...]], _Plan] = {}

    # -- names -------------------------------------------------------------------------------

    def check_name(self, name: str) -> str:
        if name not in self.names_ok:
            if not _NAME.fullmatch(name):
                raise OvfWriteError(f"{name!r} is not a valid XML name", path=self.where())
            self.names_ok.add(name)
        return name

    def where(self) -> str:
        return "/" + "/".join(self.path)

    def family_uri(self, family: str | None) -> str | None:
        if family is None:
            return None
        if family == "ovf":
            return self.ovf_uri
        return DEFAULT_URI[family]

    def prefix_for(
        self, family: str | None, scope: _Scope, element: bool, new_decls: list[tuple[str, str]]
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

    def resolve_child(self, binding: ClassBinding, qname: str, scope: _Scope) -> FieldSpec | None:
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
            else:
                spec = None
            cache[key] = spec
            return spec
        family = self.families.get(uri)
        spec = binding.children.get((family, local))
        if spec is None and family == "ovf":
            if binding.sections is not None and (local.endswith("Section") or local == "Section"):
                spec = binding.sections
            elif binding.content is not None and local in (
                "Content",
                "VirtualSystem",
                "VirtualSystemCollection",
            ):
                spec = binding.content
        cache[key] = spec
        return spec

    def resolve_attr(self, binding: ClassBinding, qname: str, scope: _Scope) -> FieldSpec | None:
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

    @staticmethod
    def lexical(spec: FieldSpec, value: Any, original: str | None) -> str | None:
        """The text to write for a value: its original form while that still means it."""
        codec = spec.codec
        assert codec is not None
        if original is not None:
            if codec.exact:
                if original == value:
                    return original
            elif codec.parse(original) == value:
                return original
        if value is None:
            return None
        return codec.format(value)

    # -- nodes -------------------------------------------------------------------------------

    def write_extension(self, node: Any, scope: _Scope) -> None:
        out = self.out
        if isinstance(node, Comment):
            if "--" in node.text or node.text.endswith("-"):
                raise OvfWriteError("a comment may not contain '--' or end with '-'", path=self.where())
            out.append(f"<!--{node.text}-->")
        elif isinstance(node, ProcessingInstruction):
            self.check_name(node.target)
            if "?>" in node.text:
                raise OvfWriteError("a processing instruction may not contain '?>'", path=self.where())
            out.append(f"<?{node.target} {node.text}?>" if node.text else f"<?{node.target}?>")
        elif isinstance(node, Node):
            self.write_node(node, scope)
        else:
            raise OvfWriteError(f"cannot write a {type(node).__name__} as XML", path=self.where())

    def write_node(self, node: Node, scope: _Scope) -> None:
        out = self.out
        name = self.check_name(node.name)
        self.path.append(name)
        out.append("<" + name)
        if node.ns:
            scope = scope.declare(node.ns)
            for prefix, uri in node.ns:
                out.append(
                    f' xmlns:{prefix}="{_escape_attr(uri)}"' if prefix else f' xmlns="{_escape_attr(uri)}"'
                )
        scope.uri_of(name, element=True)
        for qname, value in node.attributes:
            self.check_name(qname)
            if ":" in qname:
                scope.uri_of(qname, element=False)
            out.append(f' {qname}="{_escape_attr(value)}"')
        children = node.children
        gaps = node.gaps
        if not children and not (gaps and gaps[0]):
            out.append("/>")
        else:
            out.append(">")
            if gaps:
                out.append(_escape_text(gaps[0]))
            for index, child in enumerate(children):
                self.write_extension(child, scope)
                if index + 1 < len(gaps):
                    out.append(_escape_text(gaps[index + 1]))
            out.append(f"</{name}>")
        self.path.pop()

    def write_leaf(self, qname: str, text: str, attrs: list[tuple[str, str]] | None, scope: _Scope) -> None:
        out = self.out
        out.append("<" + qname)
        if attrs:
            for name, value in attrs:
                out.append(f' {name}="{_escape_attr(value)}"')
        if text:
            out.append(f">{_escape_text(text)}</{qname}>")
        else:
            out.append("/>")

    def write_model(
        self,
        model: OvfModel,
        binding: ClassBinding,
        default_local: str,
        default_family: str | None,
        scope: _Scope,
        depth: int,
        extra_decls: list[tuple[str, str]] | None = None,
    ) -> None:
        out = self.out
        info = model.xml
        if (
            info is not None
            and not extra_decls
            and not info.ns
            and not info.attrs
            and not model.attributes
            and not (binding.attr_scalar_names & model.__pydantic_fields_set__)
            and not any(model.__dict__[name] for name in binding.attr_list_names)
        ):
            # The common case: an element read without attributes, still without any.
            qname = info.name
            if qname not in scope.names_ok:
                self.check_name(qname)
                scope.uri_of(qname, element=True)
                scope.names_ok.add(qname)
            self.path.append(qname)
            if binding.text is not None:
                out.append("<" + qname)
                self.write_text_content(model, binding, qname, scope)
            elif info.children or info.gaps or not self.is_empty(model, binding):
                out.append(f"<{qname}>")
                self.write_children(model, binding, scope, depth)
                out.append(f"</{qname}>")
            else:
                out.append(f"<{qname}/>")
            self.path.pop()
            return
        new_decls: list[tuple[str, str]] = list(extra_decls or [])
        if info is not None:
            qname = info.name
            new_decls.extend(info.ns)
        else:
            if new_decls:
                scope = scope.declare(new_decls)
            prefix = self.prefix_for(default_family, scope, True, new_decls)
            qname = f"{prefix}:{default_local}" if prefix else default_local
        self.check_name(qname)
        self.path.append(qname)
        if new_decls:
            scope = scope.declare(new_decls)
        # Attributes in their written order, then new ones; declarations added for new names.
        attr_parts: list[str] = []
        written: set[str] = set()
        extra_attrs = model.attributes
        lexical = info.lexical if info is not None else {}
        data = model.__dict__
        if info is not None:
            for aname in info.attrs:
                spec = self.resolve_attr(binding, aname, scope)
                if spec is not None:
                    written.add(spec.name)
                    text = self.lexical(spec, data[spec.name], lexical.get(aname))
                    if text is not None:
                        attr_parts.append(f' {aname}="{_escape_attr(text)}"')
                elif aname in extra_attrs:
                    attr_parts.append(f' {aname}="{_escape_attr(extra_attrs[aname])}"')
                written.add(aname)
        added_decls: list[tuple[str, str]] = []
        for spec in binding.attr_fields:
            if spec.name in written:
                continue
            value = data[spec.name]
            if value is None or value == []:
                continue
            prefix = self.prefix_for(spec.binding.family, scope, False, added_decls)
            aname = f"{prefix}:{spec.binding.name}" if prefix else spec.binding.name
            text = self.lexical(spec, value, None)
            attr_parts.append(f' {aname}="{_escape_attr(text or "")}"')
        if added_decls:
            new_decls.extend(d for d in added_decls if d not in new_decls)
            scope = scope.declare(added_decls)
        for aname, avalue in extra_attrs.items():
            if aname not in written:
                self.check_name(aname)
                if ":" in aname:
                    scope.uri_of(aname, element=False)
                attr_parts.append(f' {aname}="{_escape_attr(avalue)}"')
        out.append("<" + qname)
        for prefix, uri in new_decls:
            out.append(
                f' xmlns:{prefix}="{_escape_attr(uri)}"' if prefix else f' xmlns="{_escape_attr(uri)}"'
            )
        out.extend(attr_parts)
        scope.uri_of(qname, element=True)
        if binding.text is not None:
            self.write_text_content(model, binding, qname, scope)
        elif self.is_empty(model, binding):
            out.append("/>")
        else:
            out.append(">")
            self.write_children(model, binding, scope, depth)
            out.append(f"</{qname}>")
        self.path.pop()

    def is_empty(self, model: OvfModel, binding: ClassBinding) -> bool:
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

    def write_text_content(self, model: OvfModel, binding: ClassBinding, qname: str, scope: _Scope) -> None:
        out = self.out
        assert binding.text is not None
        value = model.__dict__[binding.text.name] or ""
        info = model.xml
        extensions = model.extensions
        if (
            info is not None
            and info.children
            and "".join(info.gaps) == value
            and len(extensions) == len(info.children)
        ):
            out.append(">" + _escape_text(info.gaps[0]))
            for index, ext in enumerate(extensions):
                self.write_extension(ext, scope)
                out.append(_escape_text(info.gaps[index + 1]))
            out.append(f"</{qname}>")
            return
        if not value and not extensions:
            out.append("/>")
            return
        out.append(">" + _escape_text(value))
        for ext in extensions:
            self.write_extension(ext, scope)
        out.append(f"</{qname}>")

    def values_of(self, model: OvfModel, spec: FieldSpec) -> list[Any]:
        value = model.__dict__[spec.name]
        if spec.is_list:
            return list(value)
        return [] if value is None else [value]

    def write_child(
        self,
        model: OvfModel,
        spec: FieldSpec,
        value: Any,
        qname: str | None,
        index: int | None,
        scope: _Scope,
        depth: int,
    ) -> None:
        info = model.xml
        if spec.codec is not None:
            original = info.lexical.get(str(index)) if info is not None and index is not None else None
            text = self.lexical(spec, value, original)
            attrs = info.leaf_attrs.get(str(index)) if info is not None and index is not None else None
            if qname is None:
                decls: list[tuple[str, str]] = []
                prefix = self.prefix_for(spec.binding.family, scope, True, decls)
                qname = f"{prefix}:{spec.binding.name}" if prefix else spec.binding.name
                if decls:
                    attrs = [("xmlns:" + p if p else "xmlns", u) for p, u in decls]
            self.write_leaf(self.check_name(qname), text or "", attrs, scope)
            return
        if not isinstance(value, OvfModel):
            raise OvfWriteError(f"{spec.name} holds a {type(value).__name__}, not a model", path=self.where())
        local = spec.binding.name
        if spec.model is None:
            local = type(value).__name__
        self.write_model(value, binding_of(type(value)), local, spec.binding.family, scope, depth + 1)

    def write_children(self, model: OvfModel, binding: ClassBinding, scope: _Scope, depth: int) -> None:
        out = self.out
        info = model.xml
        data = model.__dict__
        if info is None:
            indent = "\n" + "  " * (depth + 1)
            for spec in binding.child_fields:
                for value in self.values_of(model, spec):
                    out.append(indent)
                    self.write_child(model, spec, value, None, None, scope, depth)
            for ext in model.extensions:
                out.append(indent)
                self.write_extension(ext, scope)
            out.append("\n" + "  " * depth)
            return
        children = info.children
        gaps = info.gaps
        if len(gaps) != len(children) + 1:
            gaps = (*gaps, *([""] * (len(children) + 1 - len(gaps))))
        joined = "".join(gaps)
        if "&" in joined or "<" in joined or ">" in joined or "\r" in joined:
            gaps = tuple(_escape_text(gap) for gap in gaps)  # text between children, not just indentation
        plan = self.plan_for(binding, children, scope)
        lexical = info.lexical
        leaf_attrs = info.leaf_attrs
        special = bool(lexical or leaf_attrs)
        extensions = model.extensions
        leftovers = self.leftovers(binding, data, plan, model.__pydantic_fields_set__)
        track = bool(leftovers) or len(extensions) > plan.extension_count
        ext_index = 0
        counters: dict[str, int] = {}
        after: dict[str, int] = {}  # field -> position in out after its last element and gap
        starts: dict[str, int] = {}  # field -> position in out where its first element starts
        append = out.append
        append(gaps[0])
        for index, (entry, name, kind, fmt, step_spec) in enumerate(plan.steps):
            gap_after = gaps[index + 1]
            if kind == _EXT:
                if ext_index < len(extensions):
                    self.write_extension(extensions[ext_index], scope)
                    ext_index += 1
                    append(gap_after)
                else:
                    out[-1] = gap_after
                continue
            if kind == _SKIP:
                out[-1] = gap_after
                continue
            value = data[name]
            if kind in (_LEAF, _MODEL):
                if value is None and not (kind == _LEAF and special and str(index) in lexical):
                    # removed; an untypeable leaf (None with its text kept) is still written
                    out[-1] = gap_after
                    continue
            else:
                position = counters.get(name, 0)
                if position >= len(value):
                    out[-1] = gap_after
                    continue
                counters[name] = position + 1
                value = value[position]
            if track and name not in starts:
                starts[name] = len(out)
            if kind in (_LEAF, _LEAF_LIST):
                attrs = None
                if special:
                    key = str(index)
                    original = lexical.get(key)
                    attrs = leaf_attrs.get(key)
                    if original is not None:
                        assert step_spec is not None
                        text = self.lexical(step_spec, value, original) or ""
                    else:
                        text = value if fmt is None else fmt(value)
                else:
                    text = value if fmt is None else fmt(value)
                if attrs:
                    self.write_leaf(entry, text, attrs, scope)
                elif text:
                    if "&" in text or "<" in text or ">" in text or "\r" in text:
                        text = _escape_text(text)
                    append(f"<{entry}>{text}</{entry}>")
                else:
                    append(f"<{entry}/>")
            else:
                assert step_spec is not None
                self.write_child(model, step_spec, value, entry, index, scope, depth)
            append(gap_after)
            if track:
                after[name] = len(out)
        # Values and extensions the layout does not mention: new ones, written next to their kind.
        if track:
            self.write_new(
                model, binding, leftovers, after, starts, extensions[ext_index:], gaps, scope, depth
            )

    def plan_for(self, binding: ClassBinding, children: tuple[str, ...], scope: _Scope) -> _Plan:
        """How to write a layout: resolved once per class, scope and (shared) tuple of child names."""
        key = (id(binding), id(children))
        cached = scope.plans.get(key)
        if cached is not None and cached[0] is children:
            return cached[1]
        plan = self.plans_by_value.get((id(binding), children))
        if plan is None:
            steps: list[tuple[str, str, int, Any, FieldSpec | None]] = []
            occurrences: dict[str, int] = {}
            extension_count = 0
            for entry in children:
                if entry == "*":
                    steps.append((entry, "", _EXT, None, None))
                    extension_count += 1
                    continue
                self.check_name(entry)
                spec = self.resolve_child(binding, entry, scope)
                if spec is None or (not spec.is_list and spec.name in occurrences):
                    steps.append((entry, "", _SKIP, None, None))
                    continue
                occurrences[spec.name] = occurrences.get(spec.name, 0) + 1
                codec = spec.codec
                if codec is not None:
                    kind = _LEAF_LIST if spec.is_list else _LEAF
                    steps.append((entry, spec.name, kind, None if codec.exact else codec.format, spec))
                else:
                    steps.append((entry, spec.name, _MODEL_LIST if spec.is_list else _MODEL, None, spec))
            plan = _Plan(tuple(steps), occurrences, extension_count)
            self.plans_by_value[(id(binding), children)] = plan
        scope.plans[key] = (children, plan)
        return plan

    def leftovers(
        self, binding: ClassBinding, data: dict[str, Any], plan: _Plan, fields_set: set[str]
    ) -> list[tuple[FieldSpec, list[Any]]]:
        """Typed values the layout does not place (new ones), per field in schema order.

        Scalar fields can only gain a value by assignment, which pydantic records in the model's
        fields set; list fields can grow in place, so each one is checked.
        """
        occurrences = plan.occurrences
        found: list[tuple[FieldSpec, list[Any]]] = []
        for spec in binding.child_list_fields:
            value = data[spec.name]
            placed = occurrences.get(spec.name, 0)
            if len(value) > placed:
                found.append((spec, value[placed:]))
        for name in fields_set & binding.child_scalar_names:
            if name not in occurrences and data[name] is not None:
                found.append((binding.child_by_name[name], [data[name]]))
        if len(found) > 1:
            found.sort(key=lambda pair: pair[0].order)
        return found

    def write_new(
        self,
        model: OvfModel,
        binding: ClassBinding,
        leftovers: list[tuple[FieldSpec, list[Any]]],
        after: dict[str, int],
        starts: dict[str, int],
        extensions: list[Any],
        gaps: tuple[str, ...],
        scope: _Scope,
        depth: int,
    ) -> None:
        """Insert new children: after the last of their field, else before the next field in order.

        A position in ``out`` is either just after a gap that precedes an element (each new child
        goes there followed by an indentation) or the final gap before the closing tag (each new
        child goes before it, preceded by an indentation).
        """
        out = self.out
        indent = self.indent_of(gaps, depth)
        end = len(out) - 1  # the final gap
        order_of = {spec.name: spec.order for spec in binding.child_fields}
        later_starts = sorted((order_of[name], position) for name, position in starts.items())
        inserts: list[tuple[int, int, list[str]]] = []
        for sequence, (spec, values) in enumerate(leftovers):
            position = after.get(spec.name)
            if position is None:
                following = [p for order, p in later_starts if order > spec.order]
                position = min(following) if following else end
            if position > end:
                position = end
            chunk: list[str] = []
            for value in values:
                piece = self.render(
                    lambda v=value, s=spec: self.write_child(model, s, v, None, None, scope, depth)
                )
                chunk.extend((indent, piece) if position == end else (piece, indent))
            inserts.append((position, sequence, chunk))
        if extensions:
            chunk = []
            for ext in extensions:
                piece = self.render(lambda e=ext: self.write_extension(e, scope))
                chunk.extend((indent, piece))
            inserts.append((end, len(inserts), chunk))
        for position, _, chunk in sorted(inserts, key=lambda x: (x[0], x[1]), reverse=True):
            out[position:position] = chunk

    def render(self, write: Any) -> str:
        """Run a write into a separate buffer and return what it wrote."""
        buffer: list[str] = []
        saved, self.out = self.out, buffer
        try:
            write()
        finally:
            self.out = saved
        return "".join(buffer)

    def indent_of(self, gaps: tuple[str, ...], depth: int) -> str:
        """The text before a child: copied from the layout when it is indentation."""
        for gap in gaps[:-1]:
            if "\n" in gap and gap.strip(" \t\r\n") == "":
                return gap
        return "\n" + "  " * (depth + 1)

    def insert_before(self, write: Any) -> None:
        """Write a new child just before the next one, repeating the gap that precedes it."""
        gap = self.out[-1]
        write()
        self.out.append(gap)

    def insert_at_end(self, write: Any, indent: str) -> None:
        """Write a new child after the last one, before the closing tag."""
        final = self.out.pop()
        self.out.append(indent)
        write()
        self.out.append(final)


def _write_prolog(out: list[str], items: list[Any]) -> None:
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Comment):
            out.append(f"<!--{item.text}-->")
        else:
            out.append(f"<?{item.target} {item.text}?>" if item.text else f"<?{item.target}?>")


def write_document(model: Envelope | Environment, *, encoding: str | None = None) -> bytes:
    """Serialize an ``Envelope`` or ``Environment`` to bytes."""
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
    writer = _Writer(ovf_uri, bare)
    out = writer.out
    if document.declaration is not None:
        out.append(document.declaration)
    elif model.xml is None:
        out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    _write_prolog(out, document.prolog)
    root_scope = _Scope({})
    decls: list[tuple[str, str]] = []
    if model.xml is None:
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
    writer.write_model(model, binding_of(type(model)), type(model).__name__, family, root_scope, 0, decls)
    if model.xml is None and not document.epilog:
        out.append("\n")
    _write_prolog(out, document.epilog)
    text = "".join(out)
    bad = _ILLEGAL.search(text)
    if bad:
        raise OvfWriteError(
            f"character U+{ord(bad.group(0)):04X} cannot be written in XML 1.0 "
            f"(at offset {bad.start()} of the output)"
        )
    if document.newline == "\r\n":
        text = text.replace("\n", "\r\n")
    target = encoding or document.encoding
    try:
        data = text.encode(target, "xmlcharrefreplace")
    except LookupError:
        raise OvfWriteError(f"unknown output encoding {target!r}") from None
    if document.bom and target.replace("_", "-").lower() in ("utf-8", "utf8"):
        data = b"\xef\xbb\xbf" + data
    elif document.bom and target.lower().startswith(("utf-16-", "utf-32-")):
        data = "\ufeff".encode(target) + data
    return data


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

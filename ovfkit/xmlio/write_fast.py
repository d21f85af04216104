"""The writer's fast path: compiled writers for elements written exactly as they were read.

Most elements of a loaded document are written back unchanged, and most share their layout (the
same child names, attribute names and element name) with many others: the Items of a hardware
section, the Files and Disks. For a layout seen often enough, this module generates and compiles
one Python function that writes such an element with a single formatted string per run of leaves,
instead of interpreting the layout child by child.

A compiled writer first checks that the element is still as read: no lexical forms or leaf
attributes to honour, every laid-out value present, no value the layout has no slot for, list
lengths equal to their slot counts, every model in a list read from a document, and no character
that needs escaping in the values and gaps it writes. If any check fails it writes nothing and
returns False, and the general writer (``writer.py``) writes the element; the two give the same
bytes (``tests/unit/xmlio/test_writer_fast.py`` proves it on every corpus file).

The generated source only ever contains field names (Python identifiers), qualified names that
passed the XML name check (no quotes, braces or backslashes) and fixed code; values are never
part of it.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ovfkit.errors import OvfWriteError
from ovfkit.model.base import Node, OvfModel, XmlInfo
from ovfkit.model.binding import BOOL, INT, RESOURCE_TYPE, STR, TOKENS, ClassBinding, FieldSpec, binding_of
from ovfkit.model.values import ResourceType
from ovfkit.xmlio.write_plan import EXT, LEAF, MODEL, MODEL_LIST, SKIP, Plan

if TYPE_CHECKING:
    from ovfkit.xmlio.writer import Scope, Writer

__all__ = [
    "COMPILE_AFTER",
    "COMPILE_PER_NAME",
    "MAX_COMPILED",
    "clear",
    "write",
    "write_extension",
    "write_model_child",
]

#: A layout is compiled once the general writer has done about as much work with it as compiling
#: would cost: work is counted in slots written (an element, its attributes and children), and
#: compiling costs ``COMPILE_AFTER`` slots plus ``COMPILE_PER_NAME`` for each distinct name in it.
COMPILE_AFTER = 64
COMPILE_PER_NAME = 12
#: At most this many compiled layouts are kept between documents (least recently used go first).
MAX_COMPILED = 1024
#: Layouts with more distinct steps than this (after runs of one list are folded) are not compiled.
MAX_STEPS = 400

_NOT_COMPILABLE = object()
_first = itemgetter(0)
_second = itemgetter(1)
_UNSAFE_IN_SOURCE = frozenset("'\"\\{}\r\n")


# Shared between documents: compiled writers and use counts, keyed by everything they depend on.
_compiled: collections.OrderedDict[Any, Any] = collections.OrderedDict()
_seen: dict[Any, _Pending] = {}


def clear() -> None:
    """Forget every compiled writer (tests use it to compare the fast and general paths)."""
    _compiled.clear()
    _seen.clear()


def write(writer: Writer, model: OvfModel, info: XmlInfo, scope: Scope) -> bool:
    """Write ``model`` with its compiled writer if its layout has one and it is still as read."""
    layout = info.__dict__
    children = layout["children"]
    entry = scope.fast.get(id(children))
    if entry is None or entry[0] is not children:
        entry = (children, {})
        scope.fast[id(children)] = entry
    functions: dict[Any, Any] = entry[1]
    key = (type(model), layout["name"], layout["attrs"])
    function = functions.get(key)
    if function is None or type(function) is _Pending:
        function = _lookup(writer, model, info, scope, function)
        functions[key] = function
        if type(function) is _Pending:
            return False  # not compiled yet
    if function is _NOT_COMPILABLE:
        return False
    result: bool = function(writer, model, model.__dict__, layout, scope)
    return result


def write_model_child(
    writer: Writer, value: Any, scope: Scope, indent: str, local: str, family: str | None
) -> None:
    """Write a model child from a compiled writer: compiled again if it can be, else in general."""
    data = value.__dict__
    info = data["xml"]
    layout = info.__dict__
    children = layout["children"]
    entry = scope.fast.get(id(children))
    if entry is not None and entry[0] is children:
        function = entry[1].get((type(value), layout["name"], layout["attrs"]))
        if function is not None and type(function) is not _Pending:
            if function is not _NOT_COMPILABLE and function(writer, value, data, layout, scope):
                return
            writer.write_model_general(value, binding_of(type(value)), local, family, scope, indent)
            return
    writer.write_model(value, binding_of(type(value)), local, family, scope, indent)


def write_extension(writer: Writer, node: Any, scope: Scope) -> None:
    """Write an extension from a compiled writer: an empty node by template, anything else in general.

    The first node of each name, namespace and attribute names in a scope is written (and so
    checked) by the general writer, which leaves a template for the others.
    """
    if type(node) is Node:
        data = node.__dict__
        if not data["ns"] and not data["children"] and not data["gaps"]:
            attributes = data["attributes"]
            key = (data["name"], data["namespace"], *map(_first, attributes))
            template = scope.fast.get(key)
            if template is None:
                writer.write_node(node, scope)
                scope.fast[key] = (
                    "<" + data["name"] + "".join([f' {q}="%s"' for q, _ in attributes]) + writer.end_empty
                )
                return
            values = tuple(map(_second, attributes))
            try:
                joined = "".join(values)
            except TypeError:
                joined = '"'  # not text: the general writer refuses it
            if not (
                '"' in joined
                or "&" in joined
                or "<" in joined
                or "\n" in joined
                or "\r" in joined
                or "\t" in joined
            ):
                writer.out.append(template % values)
                return
    writer.write_extension(node, scope)


class _Pending:
    """A layout not compiled yet: its key among all documents' layouts, the general writer's work
    with it so far, and what compiling it would cost (both in slots written)."""

    __slots__ = ("cost", "done", "key", "work")

    def __init__(self, key: Any, info: XmlInfo) -> None:
        self.key = key
        self.done = 0
        self.work = 1 + len(info.children) + len(info.attrs)
        self.cost = COMPILE_AFTER + COMPILE_PER_NAME * (len(set(info.children)) + len(info.attrs))

    def __call__(self, *_: Any) -> bool:
        """Called like a compiled writer, it writes nothing: the general writer writes (and counts)."""
        return False


def _lookup(writer: Writer, model: OvfModel, info: XmlInfo, scope: Scope, pending: _Pending | None) -> Any:
    """The compiled writer of a layout, compiled once the general writer did as much work with it."""
    if pending is None:
        signature = scope.fast.get("signature")
        if signature is None:
            signature = (tuple(sorted(scope.prefixes.items())), writer.ovf_uri, writer.bare_ovf)
            scope.fast["signature"] = signature
        key = (signature, type(model), info.name, info.attrs, info.children)
        found = _compiled.get(key)
        if found is not None:
            _compiled.move_to_end(key)
            return found
        pending = _seen.get(key)
        if pending is None:
            if len(_seen) > 8 * MAX_COMPILED:
                _seen.clear()
            pending = _seen[key] = _Pending(key, info)
    pending.done += pending.work
    if pending.done < pending.cost:
        return pending
    key = pending.key
    _seen.pop(key, None)
    try:
        found = _Compiler(writer, binding_of(type(model)), info, scope).compile()
    except OvfWriteError:
        found = None  # the general writer will report it
    if found is None:
        found = _NOT_COMPILABLE
    _compiled[key] = found
    if len(_compiled) > MAX_COMPILED:
        _compiled.popitem(last=False)
    return found


# -- the compiler ------------------------------------------------------------------------------

#: How a simple value of each codec becomes text in generated code: (class check or None, expression).
_FORMATS: dict[int, tuple[str | None, str]] = {
    id(STR): ("str", "{v}"),
    id(INT): ("int", "_int({v})"),
    id(RESOURCE_TYPE): ("_ResourceType", "_int({v})"),
    id(BOOL): ("bool", "_bool[{v}]"),
}

_ATTR_SPECIALS = ('"', "&", "<", "\n", "\r", "\t")


def _literal(text: str) -> str:
    """Markup for an f-string in generated source; refused (not compiled) if it could break out."""
    if _UNSAFE_IN_SOURCE & set(text):
        raise _RefusedError
    return text


class _RefusedError(Exception):
    """The layout is not one the fast path writes."""


class _Compiler:
    """Generates the source of one layout's writer."""

    def __init__(self, writer: Writer, binding: ClassBinding, info: XmlInfo, scope: Scope) -> None:
        self.writer = writer
        self.binding = binding
        self.info = info
        self.scope = scope
        self.lines: list[str] = []
        self.names: dict[str, Any] = {
            "_int": int.__repr__,
            "_bool": ("false", "true"),
            "_ResourceType": ResourceType,
            "_OvfModel": OvfModel,
            "_model_child": write_model_child,
            "_NOT": _NOT_COMPILABLE,
            "_extension": write_extension,
        }
        self.counter = 0

    def emit(self, line: str, depth: int = 1) -> None:
        self.lines.append("    " * depth + line)

    def constant(self, value: Any) -> str:
        """A name in the generated function's globals bound to ``value``."""
        self.counter += 1
        name = f"_k{self.counter}"
        self.names[name] = value
        return name

    def compile(self) -> Callable[..., bool] | None:
        try:
            self.generate()
        except _RefusedError:
            return None
        source = "def _write(w, m, d, i, scope):\n" + "\n".join(self.lines) + "\n"
        namespace: dict[str, Any] = dict(self.names)
        exec(compile(source, f"<ovfkit layout {self.info.name}>", "exec"), namespace)
        function: Callable[..., bool] = namespace["_write"]
        return function

    # -- pieces ------------------------------------------------------------------------------

    def generate(self) -> None:
        writer, binding, info, scope = self.writer, self.binding, self.info, self.scope
        name = info.name
        writer.check_name(name)
        scope.uri_of(name, element=True)
        emit = self.emit
        emit("if i['ns'] or i['lexical'] or i['leaf_attrs']:")
        emit("return False", 2)
        attr_markup, attr_checks, typed_attrs = self.attributes()
        children = info.children
        if binding.text is not None:
            if children:
                raise _RefusedError
            self.check_absent(typed_attrs, set())
            self.text_element(name, attr_markup, attr_checks)
            return
        plan = writer.build_plan(binding, children, scope, {})
        if any(kind == SKIP for _, _, kind, _, _ in plan.steps):
            raise _RefusedError
        self.check_absent(typed_attrs, set(plan.occurrences))
        self.check_lists(plan.occurrences, plan.extension_count)
        emit("g = i['gaps']")
        emit(f"if len(g) != {len(children) + 1}:" if children else "if len(g) > 1:")
        emit("return False", 2)
        if not children:
            self.empty_element(name, attr_markup, attr_checks)
            return
        self.children(name, attr_markup, attr_checks, plan)

    def attributes(self) -> tuple[list[str], list[str], set[str]]:
        """Load and check the attribute values; return (markup pieces, values to check, typed fields)."""
        writer, binding, info, scope = self.writer, self.binding, self.info, self.scope
        markup: list[str] = []
        checks: list[str] = []
        typed: set[str] = set()
        for aname in info.attrs:
            spec = writer.resolve_attr(binding, aname, scope)
            if spec is not None and spec.name in typed:
                raise _RefusedError  # two attributes for one field: the general writer sorts it out
            writer.check_attribute_name(aname)
            if spec is not None:
                typed.add(spec.name)
        if len(info.attrs) > 1:
            writer.check_unique_attributes(list(info.attrs), scope)
        emit = self.emit
        emit("x = d['attributes']")
        untyped = [a for a in info.attrs if writer.resolve_attr(binding, a, scope) is None]
        emit(f"if len(x) != {len(untyped)}:")
        emit("return False", 2)
        for index, aname in enumerate(info.attrs):
            var = f"a{index}"
            spec = writer.resolve_attr(binding, aname, scope)
            if spec is None:
                emit(f"{var} = x.get({aname!r})")
                emit(f"if type({var}) is not str:")
                emit("return False", 2)
                checks.append(var)
            else:
                emit(f"{var} = d[{spec.name!r}]")
                emit(f"if {var} is None:")
                emit("return False", 2)
                codec = spec.codec
                if codec is TOKENS:
                    emit(f"if type({var}) is not list or not all(type(z) is str for z in {var}):")
                    emit("return False", 2)
                    emit(f"t = ' '.join({var})")
                    emit(f"if t.split() != {var}:")
                    emit("return False", 2)
                    emit(f"{var} = t")
                    checks.append(var)
                elif codec is STR:
                    checks.append(var)
                else:
                    assert codec is not None
                    emit(f"{var} = {_FORMATS[id(codec)][1].format(v=var)}")
            markup.append(f' {_literal(aname)}="{{{var}}}"')
        return markup, checks, typed

    def check_absent(self, typed_attrs: set[str], laid_out: set[str]) -> None:
        """Fail when a field the layout has no place for holds a value (a new one)."""
        binding = self.binding
        absent = {spec.name for spec in binding.attr_fields if spec.codec is not TOKENS} - typed_attrs
        absent |= {spec.name for spec in binding.child_fields if not spec.is_list} - laid_out
        if binding.text is not None:
            absent.discard(binding.text.name)
        emit = self.emit
        if absent:
            names = self.constant(frozenset(absent))
            emit("fs = m.__pydantic_fields_set__")
            emit(f"if not {names}.isdisjoint(fs):")
            emit(f"for n in {names}.intersection(fs):", 2)
            emit("if d[n] is not None:", 3)
            emit("return False", 4)
        for spec in binding.attr_fields:
            if spec.codec is TOKENS and spec.name not in typed_attrs:
                emit(f"if d[{spec.name!r}]:")
                emit("return False", 2)
        for spec in binding.child_fields:
            if spec.is_list and spec.name not in laid_out:
                emit(f"if d[{spec.name!r}]:")
                emit("return False", 2)

    def check_lists(self, occurrences: dict[str, int], extensions: int) -> None:
        emit = self.emit
        for spec in self.binding.child_fields:
            if spec.is_list and spec.name in occurrences:
                emit(f"L_{spec.name} = d[{spec.name!r}]")
                emit(f"if len(L_{spec.name}) != {occurrences[spec.name]}:")
                emit("return False", 2)
        emit("E = d['extensions']")
        emit(f"if len(E) != {extensions}:")
        emit("return False", 2)

    def attribute_check(self, checks: list[str], depth: int = 1) -> None:
        if not checks:
            return
        joined = checks[0] if len(checks) == 1 else "(" + " + ".join(checks) + ")"
        self.emit(f"s = {joined}", depth)
        self.emit("if " + " or ".join(f"{c!r} in s" for c in _ATTR_SPECIALS) + ":", depth)
        self.emit("return False", depth + 1)

    def text_element(self, name: str, attr_markup: list[str], attr_checks: list[str]) -> None:
        """An element typed as text (a message) with no nodes inside."""
        binding = self.binding
        assert binding.text is not None
        emit = self.emit
        emit("if d['extensions'] or i['gaps']:")
        emit("return False", 2)
        emit(f"v = d[{binding.text.name!r}] or ''")
        emit("if type(v) is not str:")
        emit("return False", 2)
        self.attribute_check(attr_checks)
        start = "<" + _literal(name) + "".join(attr_markup)
        emit("if not v:")
        emit(f"w.out.append(f'{start}{{w.end_empty}}')", 2)
        emit("return True", 2)
        emit("if '&' in v or '<' in v or '>' in v or '\\r' in v:")
        emit("return False", 2)
        emit(f"w.out.append(f'{start}>{{v}}</{_literal(name)}>')")
        emit("return True")

    def empty_element(self, name: str, attr_markup: list[str], attr_checks: list[str]) -> None:
        """An element read without children: an empty-element tag, or its text (whitespace) kept."""
        emit = self.emit
        self.attribute_check(attr_checks)
        start = "<" + _literal(name) + "".join(attr_markup)
        emit("if not g or not g[0]:")
        emit(f"w.out.append(f'{start}{{w.end_empty}}')", 2)
        emit("return True", 2)
        emit("s = g[0]")
        emit("if '&' in s or '<' in s or '>' in s or '\\r' in s:")
        emit("return False", 2)
        emit(f"w.out.append(f'{start}>{{s}}</{_literal(name)}>')")
        emit("return True")

    def children(self, name: str, attr_markup: list[str], attr_checks: list[str], plan: Plan) -> None:
        """An element with children: runs of leaves as formatted strings, models and nodes by calls.

        Every value is loaded and checked first, and the gaps and text values are checked for
        characters that need escaping in one scan, so that nothing is written unless the element
        can be written here (a model in a list that was not read from a document is the one late
        refusal: what was written is then taken back).
        """
        emit = self.emit
        steps = plan.steps
        self.attribute_check(attr_checks)
        # Fold runs of one model list (or of extensions) into loops.
        segments: list[tuple[int, int, int, FieldSpec | None]] = []  # (kind, first step, count, field)
        index = 0
        while index < len(steps):
            _, field, kind, _, spec = steps[index]
            end = index + 1
            if kind in (MODEL_LIST, EXT):
                while end < len(steps) and steps[end][2] == kind and steps[end][1] == field:
                    end += 1
            segments.append((kind, index, end - index, spec))
            index = end
        if len(segments) > MAX_STEPS:
            raise _RefusedError
        gaps_count = len(steps) + 1
        unpack = gaps_count <= 64
        if unpack:
            emit(", ".join(f"g{i}" for i in range(gaps_count)) + ", = g")

        def gap(i: int) -> str:
            return f"g{i}" if unpack else f"g[{i}]"

        # Load and check every value.
        checked: list[str] = [gap(i) for i in range(gaps_count)] if unpack else []
        positions: dict[str, int] = {}
        pieces: dict[int, str] = {}
        for kind, first, count, spec in segments:
            if kind == EXT:
                continue
            assert spec is not None
            field = spec.name
            if kind == MODEL_LIST:
                positions[field] = positions.get(field, 0) + count
                continue
            if kind == MODEL:
                emit(f"c{first} = d[{field!r}]")
                self.model_check(f"c{first}", spec, lambda depth: emit("return False", depth))
                continue
            codec = spec.codec
            assert codec is not None
            var = f"v{first}"
            check, expression = _FORMATS[id(codec)]
            if kind == LEAF:
                emit(f"{var} = d[{field!r}]")
            else:
                position = positions.get(field, 0)
                positions[field] = position + 1
                emit(f"{var} = L_{field}[{position}]")
            if codec is STR:
                # An empty text is written as an empty-element tag: the general writer does that.
                condition = f"not {var}" if kind == LEAF else f"type({var}) is not str or not {var}"
                checked.append(var)
            else:
                condition = f"{var} is None" if kind == LEAF else f"type({var}) is not {check}"
            emit(f"if {condition}:")
            emit("return False", 2)
            tag = _literal(steps[first][0])
            pieces[first] = f"<{tag}>{{{expression.format(v=var)}}}</{tag}>"
        if not unpack:
            checked.insert(0, "''.join(g)")
        if checked:
            joined = checked[0] if len(checked) == 1 else "''.join((" + ", ".join(checked) + ",))"
            emit(f"s = {joined}")
            emit("if '&' in s or '<' in s or '>' in s or '\\r' in s:")
            emit("return False", 2)
        # Write.
        emit("o = w.out")
        lists = any(kind == MODEL_LIST for kind, _, _, _ in segments)
        if lists:
            emit("mark = len(o)")
        run: list[str] = ["<" + _literal(name) + "".join(attr_markup) + ">"]

        def flush() -> None:
            if run:
                emit(f"o.append(f'{''.join(run)}')")
            run.clear()

        positions = {}
        ext_position = 0
        for kind, first, count, spec in segments:
            if kind == EXT:
                flush()
                if count == 1:
                    emit(f"o.append({gap(first)})")
                    emit(f"_extension(w, E[{ext_position}], scope)")
                else:
                    emit(f"for i in range({count}):")
                    emit(f"o.append(g[{first} + i])", 2)
                    emit(f"_extension(w, E[{ext_position} + i], scope)", 2)
                ext_position += count
                continue
            assert spec is not None
            field = spec.name
            family = spec.binding.family
            if kind == MODEL_LIST:
                flush()
                position = positions.get(field, 0)
                positions[field] = position + count
                # The compiled writer of each model is looked up here rather than in a call: lists
                # are where most elements of a document are.
                emit("F = scope.fast")
                emit(f"for i in range({count}):")
                emit(f"c = L_{field}[{position} + i]", 2)
                emit("cd = c.__dict__", 2)
                emit("x = cd['xml']", 2)
                check = (
                    f"type(c) is not {self.constant(spec.model)}"
                    if spec.model is not None
                    else "not isinstance(c, _OvfModel)"
                )
                emit(f"if {check} or x is None:", 2)
                emit("del o[mark:]", 3)
                emit("return False", 3)
                emit(f"gi = g[{first} + i]", 2)
                emit("o.append(gi)", 2)
                emit("xd = x.__dict__", 2)
                emit("k = xd['children']", 2)
                emit("e = F.get(id(k))", 2)
                emit("if e is not None and e[0] is k:", 2)
                emit("f = e[1].get((type(c), xd['name'], xd['attrs']))", 3)
                emit("if f is not None and f is not _NOT and f(w, c, cd, xd, scope):", 3)
                emit("continue", 4)
                emit(f"_model_child(w, c, scope, gi, {spec.binding.name!r}, {family!r})", 2)
                continue
            run.append(f"{{{gap(first)}}}")
            if kind == MODEL:
                flush()
                emit(f"_model_child(w, c{first}, scope, {gap(first)}, {spec.binding.name!r}, {family!r})")
                continue
            run.append(pieces[first])
        run.append(f"{{{gap(len(steps))}}}</{_literal(name)}>")
        flush()
        emit("return True")

    def model_check(self, var: str, spec: FieldSpec, fail: Callable[[int], Any], depth: int = 1) -> None:
        """Fail unless a model child is of its field's class and was read from a document."""
        if spec.model is not None:
            cls = self.constant(spec.model)
            self.emit(f"if type({var}) is not {cls} or {var}.__dict__['xml'] is None:", depth)
        else:
            self.emit(f"if not isinstance({var}, _OvfModel) or {var}.__dict__['xml'] is None:", depth)
        fail(depth + 1)

    @staticmethod
    def local(spec: FieldSpec) -> str:
        return spec.binding.name

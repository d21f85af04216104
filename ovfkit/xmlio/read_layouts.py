"""Compiled readers for typed elements whose children follow a layout seen before.

Documents repeat layouts: thousands of Items with the same child tags in the same order, Disks and
Files with no children at all. For a model class and one such sequence of child tags, this module
generates a straight-line reader (Python source compiled once per namespace context) that builds
exactly the model the general reader in ``reader.py`` builds, with the per-child decisions taken at
compile time. It serves only what it can read without surprises: it returns None, before reading
any nested model, when a leaf turns out to have children or attributes, a list entry cannot be
typed, or a text is longer than the limit; the general reader then reads the element (and says
what is wrong, in document order).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from ovfkit.model.base import SET_DICT, SET_EXTRA, SET_FIELDS_SET, SET_PRIVATE, Node, SharedFieldSet, XmlInfo
from ovfkit.model.binding import ClassBinding

__all__ = [
    "MAX_CHILDREN",
    "NODE_FIELDS",
    "TAG_OF",
    "LayoutReader",
    "compile_layout",
]

#: Layouts with more children than this are read by the general reader (no source per section).
MAX_CHILDREN = 64
#: The tag of an lxml node, for ``tuple(map(TAG_OF, children))``.
TAG_OF = operator.attrgetter("tag")

#: (reader, element, its children, element scope, attribute scope, depth, qualified name or None)
LayoutReader = Callable[[Any, Any, list[Any], dict[str, str], dict[str, str], int, "str | None"], Any]

#: Every field of a Node counts as set; one shared set, never grown (it holds them all).
NODE_FIELDS = set(Node.model_fields)


def _node_lines(index: int) -> list[str]:
    """Source reading child ``index``, an untyped element: in place when it has no children (and no
    text limit is checked)."""
    child, node, text = f"c{index}", f"n{index}", f"t{index}"
    keys, names, attributes = f"k{index}", f"q{index}", f"a{index}"
    return [
        f"    if len({child}) or r.check_text:",
        f"        {node} = r.read_other({child}, scope_el, scope_at, depth + 1)",
        "    else:",
        f"        {keys} = {child}.keys()",
        f"        if {keys}:",
        # the qualified names of the last such element's attributes when its Clark names were alike
        "            last = r.last_node_attrs",
        f"            if {keys} == last[0] and scope_at is last[1]:",
        f"                {names} = last[2]",
        "            else:",
        f"                {names} = r.node_attr_names({keys}, scope_at)",
        f"            {attributes} = list(zip({names}, {child}.values()))",
        "        else:",
        f"            {attributes} = []",
        f"        {text} = {child}.text",
        f"        {node} = new(NODE)",
        f"        set_dict({node}, {{'kind': 'element', 'name': N{index}, 'namespace': U{index}, 'ns': [],"
        f" 'attributes': {attributes}, 'children': [],"
        f" 'gaps': [{text}] if {text} else [], 'line': {child}.sourceline}})",
        f"        set_fields({node}, NODE_FIELDS)",
        f"        set_extra({node}, None)",
        f"        set_private({node}, None)",
    ]


def compile_layout(
    binding: ClassBinding,
    entries: list[Any],
    node_names: list[tuple[str, str | None] | None],
    node: object,
    template: dict[str, Any],
    list_names: tuple[str, ...],
    children: tuple[str, ...],
) -> LayoutReader | None:
    """A reader for elements of ``binding``'s class whose children have one layout, or None.

    ``entries`` are the children's leaf-map entries, in order (see ``reader._Names.leafmap``);
    ``node_names`` the (qualified name, namespace) of each untyped child element when its namespace
    alone tells its prefix (an untyped element without children is then read here); ``node`` the
    marker of an untyped child, ``template`` and ``list_names`` the class's blank values and its
    list fields, ``children`` the layout tuple shared with the general reader. None when the layout
    needs decisions made while reading: a section or content child, a single-valued field given
    twice, a mixed-content class, or a child whose name its namespace alone does not tell.
    """
    if binding.text is not None or len(entries) > MAX_CHILDREN:
        return None
    lines: list[str] = []
    names: dict[str, Any] = {
        "TEMPLATE": template,
        "BINDING": binding,
        "CHILDREN": children,
        "XmlInfo": XmlInfo,
        "CLS": binding.cls,
        "new": object.__new__,
        "set_dict": SET_DICT,
        "set_fields": SET_FIELDS_SET,
        "set_extra": SET_EXTRA,
        "set_private": SET_PRIVATE,
    }
    count = len(entries)
    leaves: list[int] = []
    singles: set[str] = set()
    fields: list[str] = ["xml", "line"]
    lists: dict[str, list[str]] = {name: [] for name in list_names}
    model_lists: set[str] = set()
    later: list[str] = []  # nested models and nodes, in document order
    extensions: list[str] = []
    singles_out: list[str] = []
    model_singles: list[str] = []
    reads_nodes = False
    for index, entry in enumerate(entries):
        child = f"c{index}"
        if entry is node:
            extensions.append(f"n{index}")
            node_name = node_names[index]
            if node_name is None:
                later.append(f"    n{index} = r.read_other({child}, scope_el, scope_at, depth + 1)")
                continue
            reads_nodes = True
            names[f"N{index}"], names[f"U{index}"] = node_name
            later.extend(_node_lines(index))
            continue
        if entry is None:
            return None
        name, is_list, read, qname, model_binding, _ = entry
        if qname is None or (not is_list and (name in singles or template.get(name) is not None)):
            return None
        singles.add(name)
        if name not in fields:
            fields.append(name)
        if model_binding is not None:
            names[f"B{index}"] = model_binding
            names[f"Q{index}"] = qname
            value = f"m{index}"
            call = f"r.read_typed({child}, B{index}, scope_el, scope_at, depth + 1, Q{index})"
            later.append(f"    {value} = {call}")
        else:
            leaves.append(index)
            value = f"v{index}"
            lines.append(f"    {value} = {child}.text or ''")
            if read is not None:
                names[f"read{index}"] = read
                lines.append(f"    x{index}, ok{index} = read{index}({value})")
                if is_list:
                    lines.append(f"    if x{index} is None and not ok{index}:")
                    lines.append("        return None")
                value = f"x{index}"
        if is_list:
            lists[name].append(value)
            if model_binding is not None:
                model_lists.add(name)
        elif model_binding is not None:
            model_singles.append(f"    data[{name!r}] = {value}")
        else:
            singles_out.append(f"    data[{name!r}] = {value}")
    head = ["def read(r, el, kids, scope_el, scope_at, depth, qname):"]
    if count:
        unpacked = ", ".join(f"c{index}" for index in range(count))
        head.append(f"    {unpacked}, = kids")
    if leaves:
        tests = [f"len(c{index})" for index in leaves] + [f"c{index}.keys()" for index in leaves]
        head.append(f"    if {' or '.join(tests)}:")
        head.append("        return None")
    if reads_nodes:
        # read_other would refuse a node below the depth limit: the general reader says so
        head.append("    if depth + 1 >= r.max_depth:")
        head.append("        return None")
        names.update(NODE=Node, NODE_FIELDS=NODE_FIELDS)
    body = head + lines
    # A text over ``max_text`` (checked only in documents longer than it): the general reader says
    # which one, in document order.
    lengths = ["len(el.text or '')"] + [f"len(v{index})" for index in leaves]
    lengths += [f"len(c{index}.tail or '')" for index in range(count)]
    body.append("    if r.check_text:")
    body.append("        limit = r.max_text")
    body.append(f"        if {' or '.join(f'{length} > limit' for length in lengths)}:")
    body.append("            return None")
    body.append("    data = TEMPLATE.copy()")
    # Lists first, as the general reader has them: a list attribute (ovf:configuration) fills its own.
    for name, values in lists.items():
        if name not in model_lists:
            body.append(f"    data[{name!r}] = [{', '.join(values)}]")
    body.append("    lexical = {}")
    body.append("    attributes = {}")
    if extensions:
        fields.append("extensions")
    # An element without attributes has the fields set of every other one of this layout: one
    # shared set (a model copies it before an assignment would change it, see SharedFieldSet).
    names["SHARED_FIELDS"] = SharedFieldSet(fields)
    body.append("    items = el.items()")
    body.append("    if items:")
    body.append("        fields = set(SHARED_FIELDS)")
    body.append(
        "        attr_names = r.read_attributes(el, items, BINDING, scope_at, data, lexical, attributes,"
        " fields.add)"
    )
    body.append("        if attributes:")
    body.append("            fields.add('attributes')")
    body.append("    else:")
    body.append("        fields = SHARED_FIELDS")
    body.append("        attr_names = ()")
    for index in leaves:
        entry = entries[index]
        if entry[2] is not None:
            body.append(f"    if not ok{index}:")
            body.append(f"        lexical[{str(index)!r}] = v{index}")
    body.extend(singles_out)
    body.extend(later)
    body.extend(model_singles)
    for name in model_lists:
        body.append(f"    data[{name!r}] = [{', '.join(lists[name])}]")
    body.append(f"    extensions = [{', '.join(extensions)}]")
    gaps = ", ".join(["el.text or ''"] + [f"c{index}.tail or ''" for index in range(count)])
    if count:
        body.append(f"    gaps = ({gaps},)")
    else:
        body.append("    text = el.text")
        body.append("    gaps = (text,) if text else ()")
    # Elements written alike share their XmlInfo (it is immutable): the one the last element of this
    # layout got in this document is kept while the next ones match it. Spellings (``lexical``) are
    # per element.
    body.extend(
        [
            "    attrs = tuple(attr_names)",
            "    name = qname or r.qname(el, el.tag, scope_el)",
            "    last = r.shared_infos.get(KEY)",
            "    if last is not None and last[0] == gaps and last[1] == attrs and last[2] == name"
            " and not lexical:",
            "        info = last[3]",
            "    else:",
            "        info = new(XmlInfo)",
            "        set_dict(info, {'name': name, 'ns': (), 'attrs': attrs, 'children': CHILDREN,"
            " 'gaps': gaps, 'lexical': lexical, 'leaf_attrs': {}})",
            "        set_fields(info, INFO_FIELDS)",
            "        set_extra(info, None)",
            "        set_private(info, None)",
            "        if not lexical:",
            "            r.shared_infos[KEY] = (gaps, attrs, name, info)",
            "    data['xml'] = info",
            "    data['line'] = el.sourceline",
            "    data['extensions'] = extensions",
            "    data['attributes'] = attributes",
            "    obj = new(CLS)",
            "    set_dict(obj, data)",
            "    set_fields(obj, fields)",
            "    set_extra(obj, None)",
            "    set_private(obj, None)",
            "    return obj",
        ]
    )
    names["INFO_FIELDS"] = set(XmlInfo.model_fields)
    names["KEY"] = object()  # this reader's entry in ``shared_infos``
    source = "\n".join(body) + "\n"
    # The source holds only field names and indexes; every value from the document is in ``names``.
    exec(compile(source, f"<ovfkit layout reader for {binding.cls.__name__}>", "exec"), names)
    reader: LayoutReader = names["read"]
    return reader

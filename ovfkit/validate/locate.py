"""Where a finding is: line, column and element path of a model object, its attributes or leaf children.

Validation keeps the parsed tree and the decoded text of the document beside the model. A model
object is matched to its element by walking both in step (the reader records one ``XmlInfo.children``
entry per child node, in document order), once, the first time a location is asked for; valid
documents never pay for it.

libxml2 numbers an element by the line where its start tag *ends*; a rule's finding is reported
where the element's start tag begins (``<Disk``, as people and editors count), and a finding about
an attribute adds it to the path (``.../Disk[2]/@ovf:fileRef``). XSD findings keep libxml2's line.
"""

from __future__ import annotations

import bisect
import re
from collections import deque
from typing import Any, NamedTuple

from ovfkit.model.base import Node, OvfModel
from ovfkit.model.binding import binding_of

__all__ = ["Location", "Locator"]


class Location(NamedTuple):
    """A 1-based line and column and an element path; each None when unknown."""

    line: int | None
    column: int | None
    path: str | None


_ATTRIBUTE = re.compile(r"""\s+([^\s=/>]+)\s*=\s*(?:"[^"]*"|'[^']*')""")
_NAME_END = frozenset(" \t\r\n/>")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _written_name(el: Any) -> str:
    prefix = el.prefix
    local = _local(el.tag)
    return f"{prefix}:{local}" if prefix else local


_MODEL_FIELDS: dict[type[OvfModel], tuple[str, ...]] = {}
#: A model with at most this many untyped children has them looked up by position; more are walked.
_FEW_EXTENSIONS = 4


def _model_fields(cls: type[OvfModel]) -> tuple[str, ...]:
    """The names of a model class's child fields that hold models (not simple leaves), computed once."""
    names = _MODEL_FIELDS.get(cls)
    if names is None:
        names = tuple(spec.name for spec in binding_of(cls).child_fields if spec.codec is None)
        _MODEL_FIELDS[cls] = names
    return names


def _typed_children(model: OvfModel) -> dict[str, deque[OvfModel]]:
    """A model's typed child models, by qualified name as written, each queue in document order."""
    found: dict[str, deque[OvfModel]] = {}
    for name in _model_fields(type(model)):
        value = getattr(model, name)
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, OvfModel) and child.xml is not None:
                found.setdefault(child.xml.name, deque()).append(child)
    return found


class Locator:
    """Locates model objects and tree elements of one document (``root`` and ``text`` may be None)."""

    def __init__(self, root: Any | None, text: str | None) -> None:
        self.root = root
        self.text = text
        self._elements: dict[int, Any] | None = None
        self._line_starts: list[int] | None = None
        self._by_tag: dict[str, dict[int, Any]] = {}
        self._siblings: dict[tuple[Any, str], dict[Any, int]] = {}

    # -- model objects -----------------------------------------------------------------------

    def _map(self, model: OvfModel, el: Any, found: dict[int, Any]) -> None:
        found[id(model)] = el
        info = model.xml
        if info is None:
            return
        typed = _typed_children(model)
        if not typed:  # only leaves and untyped children (an Item, a Disk)
            self._map_extensions(model, info.children, el, found)
            return
        extensions = iter(model.extensions)
        for entry, child in zip(info.children, el):  # noqa: B905 (one entry per child node, by construction)
            if entry == "*":
                node = next(extensions, None)
                if isinstance(node, Node):
                    self._map_node(node, child, found)
            else:
                queue = typed.get(entry)
                if queue:
                    self._map(queue.popleft(), child, found)

    def _map_extensions(
        self, model: OvfModel, children: tuple[str, ...], el: Any, found: dict[int, Any]
    ) -> None:
        """Map the untyped children of a model that has no typed child models.

        A few are fetched by position, so that the element's many leaf children get no Python
        object each; more are walked alongside the children, to stay linear.
        """
        if not model.extensions:
            return
        extensions = iter(model.extensions)
        if len(model.extensions) <= _FEW_EXTENSIONS:
            for position, entry in enumerate(children):
                if entry == "*":
                    node = next(extensions, None)
                    if isinstance(node, Node) and position < len(el):
                        self._map_node(node, el[position], found)
            return
        for entry, child in zip(children, el):  # noqa: B905 (one entry per child node, by construction)
            if entry == "*":
                node = next(extensions, None)
                if isinstance(node, Node):
                    self._map_node(node, child, found)

    def _map_node(self, node: Node, el: Any, found: dict[int, Any]) -> None:
        found[id(node)] = el
        for child, child_el in zip(node.children, el):  # noqa: B905 (one child per child node)
            if isinstance(child, Node):
                self._map_node(child, child_el, found)

    def element_of(self, obj: OvfModel | Node, model_root: OvfModel) -> Any | None:
        """The tree element a model object was read from, or None."""
        if self.root is None:
            return None
        if self._elements is None:
            self._elements = {}
            self._map(model_root, self.root, self._elements)
        return self._elements.get(id(obj))

    def of_model(
        self,
        obj: OvfModel | Node,
        model_root: OvfModel,
        leaf: str | None = None,
        occurrence: int = 0,
        attribute: str | None = None,
    ) -> Location:
        """Locate a model object, its ``occurrence``-th child element named ``leaf``, or its ``attribute``.

        ``leaf`` and ``attribute`` are local names (any prefix). A child that is not there locates
        the object itself; an attribute is located at its element, and named in the path.
        """
        el = self.element_of(obj, model_root)
        if el is None:
            line = obj.line
            return Location(line, None, None)
        if leaf is not None:
            try:
                children = el.iterchildren(f"{{*}}{leaf}")  # libxml2 picks them: no proxy for the others
            except ValueError:  # not a name lxml can look for: locate the object itself
                children = iter(())
            for index, child in enumerate(children):
                if index == occurrence:
                    el = child
                    break
        return self.of_element(el, attribute)

    # -- tree elements -----------------------------------------------------------------------

    def of_element(self, el: Any, attribute: str | None = None) -> Location:
        """Locate a tree element's start tag and give its path (ending ``/@ovf:fileRef`` for an attribute)."""
        path = self.path(el)
        start = self.start_offset(el)
        if start is None:
            return Location(el.sourceline, None, path)
        if attribute is not None:
            written = self._attribute_name(start, attribute)
            if written is not None:
                path += f"/@{written}"
        line, column = self._position(start)
        return Location(line, column, path)

    def of_xsd_error(self, el: Any) -> Location:
        """Locate an element for a libxml2 error: libxml2's line, with a column when the tag starts on it."""
        line = el.sourceline
        start = self.start_offset(el)
        column = None
        if start is not None:
            start_line, start_column = self._position(start)
            if start_line == line:
                column = start_column
        return Location(line, column, self.path(el))

    def path(self, el: Any) -> str:
        """``/Envelope/VirtualSystem/VirtualHardwareSection/Item[3]``: names as written, index when needed."""
        steps: list[str] = []
        while el is not None:
            parent = el.getparent()
            step = _written_name(el)
            if parent is not None:
                positions = self._positions_among_siblings(parent, el.tag)
                if len(positions) > 1:
                    step += f"[{positions[el]}]"
            steps.append(step)
            el = parent
        return "/" + "/".join(reversed(steps))

    def _positions_among_siblings(self, parent: Any, tag: str) -> dict[Any, int]:
        """1-based positions of a parent's children with one tag (cached: many siblings' paths stay cheap)."""
        key = (parent, tag)
        found = self._siblings.get(key)
        if found is None:
            found = {child: index for index, child in enumerate(parent.iterchildren(tag), start=1)}
            self._siblings[key] = found
        return found

    def _starts(self) -> list[int] | None:
        if self.text is None:
            return None
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return self._line_starts

    def _position(self, offset: int) -> tuple[int, int]:
        starts = self._starts()
        assert starts is not None
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def _later_on_same_line(self, el: Any) -> int:
        """How many elements with the same tag come after ``el`` and end their start tag on its line."""
        line = el.sourceline
        tag = el.tag
        count = 0
        for descendant in el.iterdescendants(tag):
            if descendant.sourceline != line:
                return count
            count += 1
        node = el
        while node is not None:
            for sibling in node.itersiblings():
                if not isinstance(sibling.tag, str):
                    continue
                if sibling.sourceline != line:
                    return count
                count += sum(1 for e in sibling.iter(tag) if e.sourceline == line)
            node = node.getparent()
        return count

    def start_offset(self, el: Any) -> int | None:
        """The offset of the ``<`` that starts an element's start tag in the text, or None."""
        starts = self._starts()
        text = self.text
        line = el.sourceline
        if starts is None or text is None or line is None or not 1 <= line <= len(starts):
            return None
        end = starts[line] if line < len(starts) else len(text)
        needle = "<" + _written_name(el)
        skip = self._later_on_same_line(el)
        position = end
        while True:
            position = text.rfind(needle, 0, position)
            if position < 0:
                return None
            after = position + len(needle)
            if after < len(text) and text[after] in _NAME_END:
                if skip == 0:
                    return position
                skip -= 1

    def _attribute_name(self, start: int, local_name: str) -> str | None:
        """The qualified name, as written, of an attribute (by local name) of the start tag at ``start``."""
        text = self.text
        assert text is not None
        position = start + 1
        while position < len(text) and text[position] not in _NAME_END:
            position += 1
        while True:
            match = _ATTRIBUTE.match(text, position)
            if match is None:
                return None
            if match.group(1).rpartition(":")[2] == local_name:
                return match.group(1)
            position = match.end()

    def element_at(self, line: int, tag: str | None) -> Any | None:
        """The first element with this Clark tag whose start tag ends on ``line`` (for XSD messages).

        The elements of each tag asked for are indexed by line once; libxml2 finds them (``iter(tag)``),
        so a document with many elements of other tags costs no Python work per element.
        """
        if self.root is None or tag is None:
            return None
        lines = self._by_tag.get(tag)
        if lines is None:
            lines = {}
            try:
                for el in self.root.iter(tag):
                    lines.setdefault(el.sourceline, el)
            except ValueError:  # not a tag lxml can match (a message quoting something else)
                pass
            self._by_tag[tag] = lines
        return lines.get(line)

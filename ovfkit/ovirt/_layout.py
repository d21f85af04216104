"""Edit untyped child elements of a model in place, so that writing it back changes only that element.

A model keeps its untyped children in ``extensions`` and their places in ``xml.children`` (a ``"*"``
per extension, in order) with the text between children in ``xml.gaps``. Adding or removing an
extension here updates both, repeating the neighbouring indentation, so ``ovfkit.dumps`` writes the
document as it was except for the one element.
"""

from __future__ import annotations

from collections.abc import Callable

from ovfkit.model.base import Node, OvfModel

__all__ = ["find_nodes", "insert_node", "new_node", "remove_node", "set_text"]


def find_nodes(model: OvfModel, match: Callable[[Node], bool]) -> list[Node]:
    """The model's untyped child elements that ``match`` accepts, in document order."""
    return [node for node in model.extensions if isinstance(node, Node) and match(node)]


def new_node(name: str, namespace: str | None, text: str) -> Node:
    """A new element with simple text content."""
    return Node(name=name, namespace=namespace, gaps=[text] if text else [])


def set_text(node: Node, text: str) -> None:
    """Replace an element's content with ``text`` (empty text writes ``<Name/>``)."""
    node.children = []
    node.gaps = [text] if text else []


def _slot_of(model: OvfModel, index: int) -> int | None:
    """The position in ``xml.children`` of the extension with this index, or None when unplaced."""
    info = model.xml
    if info is None:
        return None
    seen = -1
    for position, entry in enumerate(info.children):
        if entry == "*":
            seen += 1
            if seen == index:
                return position
    return None


def _index_of(model: OvfModel, node: Node) -> int:
    for index, extension in enumerate(model.extensions):
        if extension is node:
            return index
    raise ValueError(f"{node.name} is not a child of this {type(model).__name__}")


def insert_node(model: OvfModel, node: Node, after: Node | None = None) -> None:
    """Add ``node`` as a child of ``model``: right after ``after`` (one of its extensions), else last."""
    extensions = list(model.extensions)
    info = model.xml
    if after is not None:
        index = _index_of(model, after) + 1
        slot = _slot_of(model, index - 1)
        position = None if slot is None else slot + 1
    else:
        index = len(extensions)
        placed = sum(1 for entry in info.children if entry == "*") if info is not None else 0
        position = len(info.children) if info is not None and placed == len(extensions) else None
    extensions.insert(index, node)
    if info is not None and position is not None:
        children = list(info.children)
        count = len(children)
        gaps = list(info.gaps) or [""] * (count + 1)
        if position < count:
            gaps[position:position] = [gaps[position]]
        else:
            indent = gaps[count - 1] if count else _guess_indent(gaps[count])
            gaps[count:count] = [indent]
        children.insert(position, "*")
        model.xml = info.model_copy(update={"children": tuple(children), "gaps": tuple(gaps)})
    model.extensions = extensions


def _guess_indent(closing: str) -> str:
    """Indentation for the first child of an element whose closing tag is preceded by ``closing``."""
    if "\n" in closing:
        return closing + "  "
    return closing


def remove_node(model: OvfModel, node: Node) -> None:
    """Remove one of the model's untyped child elements, with the text that separated it."""
    index = _index_of(model, node)
    slot = _slot_of(model, index)
    extensions = list(model.extensions)
    del extensions[index]
    info = model.xml
    if info is not None and slot is not None:
        children = list(info.children)
        count = len(children)
        gaps = list(info.gaps)
        if gaps:
            del gaps[slot if slot == count - 1 else slot + 1]
        del children[slot]
        model.xml = info.model_copy(update={"children": tuple(children), "gaps": tuple(gaps)})
    model.extensions = extensions

"""Which Items say the same thing on both sides, their layout left out.

Two Items are identical when they are of the same class and every field but ``xml`` and ``line`` is
equal, their ``extensions`` compared as ``==`` does (a ``Node``'s source line left out): ``fingerprint``
equality (``ovfkit.diff.inventory``), without building fingerprints or calling the models' generic equality.
Large descriptors compared with a near copy of themselves are almost all identical Items, so this
runs over every Item of both sides; its cost is bound by memory traffic (the Items of a loaded model
lie scattered in memory) more than by instructions: a version that compared chunks of Items with
``map`` over ``operator`` functions measured no faster than this loop.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ovfkit.diff.inventory import fingerprint_getter
from ovfkit.model.base import LAYOUT_FIELDS, Node
from ovfkit.model.cim import ResourceItem

__all__ = ["identical_flags", "identical_run"]

#: What a Node says, its source line left out (nested children compare with the model's own equality).
#: What an Item's fingerprint leaves out: its layout, and its extensions (compared as nodes, lines aside).
_NOT_FINGERPRINTED = LAYOUT_FIELDS | {"extensions"}
_NODE_CONTENT = operator.itemgetter("kind", "name", "namespace", "ns", "attributes", "children", "gaps")


def _same_nodes(nodes_a: list[Any], nodes_b: list[Any]) -> bool:
    """Extension lists compared as ``==`` does, without the model's slow generic equality for plain Nodes."""
    if len(nodes_a) != len(nodes_b):
        return False
    for node_a, node_b in zip(nodes_a, nodes_b, strict=True):
        if node_a.__class__ is not node_b.__class__:
            return False
        if node_a.__class__ is Node:
            if _NODE_CONTENT(node_a.__dict__) != _NODE_CONTENT(node_b.__dict__):
                return False
        elif node_a != node_b:
            return False
    return True


class _Identical:
    """Whether two Items are identical (see the module docstring); keeps the last class's field getter."""

    __slots__ = ("getter", "getter_class")

    def __init__(self) -> None:
        self.getter_class: type | None = None
        self.getter: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None

    def __call__(self, item_a: ResourceItem, item_b: ResourceItem) -> bool:
        if item_a is item_b:
            return True
        cls = item_a.__class__
        if cls is not item_b.__class__:
            return False
        getter = self.getter
        if cls is not self.getter_class or getter is None:
            getter = self.getter = fingerprint_getter(cls, item_a, exclude=_NOT_FINGERPRINTED)
            self.getter_class = cls
        if getter(item_a.__dict__) != getter(item_b.__dict__):
            return False
        extensions_a, extensions_b = item_a.extensions, item_b.extensions
        return not (extensions_a or extensions_b) or _same_nodes(extensions_a, extensions_b)


def identical_flags(items_a: Sequence[ResourceItem], items_b: Sequence[ResourceItem]) -> list[bool]:
    """Per position of two equally long lists of Items: whether the two Items are identical."""
    if len(items_a) != len(items_b):
        raise ValueError("identical_flags compares lists of the same length")
    return list(map(_Identical(), items_a, items_b))


def identical_run(items_a: Iterable[ResourceItem], items_b: Iterable[ResourceItem]) -> int:
    """How many Items at the start of both sequences are identical."""
    count = 0
    identical = _Identical()
    for item_a, item_b in zip(items_a, items_b, strict=False):
        if not identical(item_a, item_b):
            break
        count += 1
    return count

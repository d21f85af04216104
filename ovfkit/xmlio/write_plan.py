"""The plan of a layout: what each child slot of an element read from a document stands for."""

from __future__ import annotations

from typing import Any

from ovfkit.model.binding import FieldSpec

__all__ = ["CONTENT_NAMES", "EXT", "LEAF", "LEAF_LIST", "MODEL", "MODEL_LIST", "SKIP", "Plan", "Step"]

#: Kinds of slot: an extension (``*``), a name standing for nothing (skipped), a simple value
#: (of a scalar or a list field), a model (of a scalar or a list field).
EXT, SKIP, LEAF, LEAF_LIST, MODEL, MODEL_LIST = range(6)

#: Local names of the elements an OVF content field holds.
CONTENT_NAMES = frozenset({"Content", "VirtualSystem", "VirtualSystemCollection"})

#: One step of a plan: (qualified name as laid out, field name, kind, formatter or None, field).
Step = tuple[str, str, int, Any, FieldSpec | None]


class Plan:
    """A resolved layout: one step per child, and how many slots each list field and the extensions have."""

    __slots__ = ("extension_count", "occurrences", "steps")

    def __init__(self, steps: tuple[Step, ...], occurrences: dict[str, int], extension_count: int) -> None:
        self.steps = steps
        self.occurrences = occurrences
        self.extension_count = extension_count

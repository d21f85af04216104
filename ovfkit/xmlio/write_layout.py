"""Whitespace for what the writer adds: new children are laid out like the document around them.

A document's layout is its gaps (the text between children, see ``XmlInfo.gaps``). A new child copies
the gap of a sibling next to it; a new element's own children copy a neighbour of the same kind or,
without one, the indentation of their parent plus the document's indentation unit (two spaces, four
spaces, a tab, or nothing at all in a document written without whitespace).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "DEFAULT_UNIT",
    "blank",
    "child_gap",
    "document_unit",
    "inner_layout",
    "line_start",
    "unit_between",
]

#: The indentation unit of a new document, and of a document whose own unit cannot be told.
DEFAULT_UNIT = "  "


def blank(gap: str) -> bool:
    """Whether a gap is only XML whitespace (indentation rather than text)."""
    return not gap.strip(" \t\r\n")


def line_start(gap: str) -> str:
    """The indentation a gap gives the element after it: a newline and what follows the last one.

    Empty when the gap holds no newline (a document without line breaks there).
    """
    if "\n" not in gap:
        return ""
    return "\n" + gap.rpartition("\n")[2]


def child_gap(gaps: Sequence[str]) -> str | None:
    """The gap an element puts before its children: the first indentation among them.

    ``""`` when every gap before a child is empty (no whitespace between elements); None when the
    gaps say nothing (no children, or only text).
    """
    before = gaps[:-1]
    for gap in before:
        if "\n" in gap and blank(gap):
            return gap
    if before and not any(before):
        return ""
    return None


def unit_between(inner: str, outer: str) -> str | None:
    """The indentation unit that takes a line from ``outer`` to ``inner`` (both gaps), if there is one."""
    inner_line, outer_line = line_start(inner), line_start(outer)
    if not inner_line or not outer_line or not blank(inner_line):
        return None
    if inner_line.startswith(outer_line) and len(inner_line) > len(outer_line):
        unit = inner_line[len(outer_line) :]
        if not unit.strip(" \t"):
            return unit
    return None


def document_unit(root_gaps: Sequence[str]) -> str:
    """The indentation unit of a document, told from its root's gaps (``DEFAULT_UNIT`` if unclear)."""
    if len(root_gaps) < 2:
        return DEFAULT_UNIT
    inner = child_gap(root_gaps)
    if inner is None or not inner:
        return DEFAULT_UNIT
    found = unit_between(inner, root_gaps[-1])
    if found is None:
        tail = line_start(inner)[1:]
        return tail if tail and not tail.strip(" \t") else DEFAULT_UNIT
    return found


def inner_layout(indent: str, unit: str) -> tuple[str, str]:
    """(gap before each child, gap before the end tag) of a new element whose start tag follows ``indent``.

    Without a newline in ``indent`` the document has no line breaks there, and neither do new children.
    """
    line = line_start(indent)
    if not line:
        return "", ""
    return line + unit, line

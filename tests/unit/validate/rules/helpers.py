"""Shared helpers for the rule family tests: run one code over a changed copy of the valid fixture."""

from __future__ import annotations

from ovfkit.validate import validate
from tests.unit.validate.documents import VALID

ITEM_END = "      </Item>\n    </VirtualHardwareSection>"


def document(*changes: tuple[str, str]) -> bytes:
    """The valid fixture with each ``(old, new)`` replacement made once (each ``old`` must be there)."""
    text = VALID
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text.encode("utf-8")


def with_items(*items: str) -> bytes:
    """The valid fixture with Items (the text inside ``<Item>``) appended to its VirtualHardwareSection."""
    added = "".join(f"      </Item>\n      <Item>{item}" for item in items)
    return document((ITEM_END, added + ITEM_END))


def found(data: bytes, code: str) -> list[str]:
    """The messages of ``code`` diagnostics, in document order."""
    return [d.message for d in validate(data, select=code).diagnostics]

"""Small documents for the validation tests: the valid fixture and ways to change one line of it."""

from __future__ import annotations

from tests.conftest import FIXTURES

VALID = (FIXTURES / "validate" / "valid.ovf").read_text(encoding="utf-8")
OVIRT = (FIXTURES.parent / "tests" / "rules" / "cases" / "O101" / "pass.ovf").read_text(encoding="utf-8")


def changed(old: str, new: str, text: str = VALID) -> bytes:
    """The document with one piece of text replaced (which must be there)."""
    assert old in text, old
    return text.replace(old, new, 1).encode("utf-8")


def line_of(data: bytes, needle: str) -> int:
    """The 1-based line of the first occurrence of ``needle``."""
    text = data.decode("utf-8")
    return text[: text.index(needle)].count("\n") + 1

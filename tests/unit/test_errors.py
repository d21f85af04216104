"""Tests of the exception tree's message helpers."""

from __future__ import annotations

from ovfkit.errors import quote


def test_quote_keeps_printable_text() -> None:
    assert quote("Hard disk 1 (vmdisk1)") == "Hard disk 1 (vmdisk1)"


def test_quote_cuts_long_text() -> None:
    assert quote("x" * 300, 10) == "x" * 9 + "…"


def test_quote_escapes_what_could_drive_a_terminal() -> None:
    """C0 and C1 controls (XML allows C1 such as the CSI \\x9b), line breaks and bidirectional
    overrides are shown escaped, so a quoted document value stays one inert line."""
    assert quote("a\x1b[31mb\x9b2Jc\nd\u202ee\ufefff") == "a\\x1b[31mb\\x9b2Jc\\x0ad\\u202ee\\ufefff"

"""How the writer lays out what it adds (``ovfkit.xmlio.write_layout``)."""

from __future__ import annotations

import pytest

from ovfkit.xmlio.write_layout import (
    DEFAULT_UNIT,
    blank,
    child_gap,
    document_unit,
    inner_layout,
    line_start,
    unit_between,
)


def test_blank_gaps_hold_only_xml_whitespace() -> None:
    assert blank("") and blank(" \t\r\n")
    assert not blank("\n  x") and not blank("\u00a0")


def test_the_line_a_gap_starts() -> None:
    assert line_start("\n\n    ") == "\n    "
    assert line_start("\r\n\t") == "\n\t"
    assert line_start("  ") == ""


def test_the_gap_before_children() -> None:
    assert child_gap(("\n    ", "\n    ", "\n  ")) == "\n    "
    assert child_gap(("text", "\n\n    ", "\n  ")) == "\n\n    "
    assert child_gap(("", "", "")) == ""
    assert child_gap(("\n  ",)) is None
    assert child_gap(("text", "\n")) is None


@pytest.mark.parametrize(
    ("inner", "outer", "unit"),
    [
        ("\n    ", "\n  ", "  "),
        ("\n\t\t", "\n\t", "\t"),
        ("\n        ", "\n    ", "    "),
        ("\n  ", "\n", "  "),
        ("\n  ", "\n  ", None),
        ("", "", None),
        ("\n x", "\n", None),
    ],
)
def test_the_unit_between_two_levels(inner: str, outer: str, unit: str | None) -> None:
    assert unit_between(inner, outer) == unit


@pytest.mark.parametrize(
    ("gaps", "unit"),
    [
        (("\n  ", "\n  ", "\n"), "  "),
        (("\n\t", "\n"), "\t"),
        (("\n    ", "\n    ", "\n"), "    "),
        (("", "", ""), DEFAULT_UNIT),
        ((), DEFAULT_UNIT),
        (("\n   ", "x"), "   "),
    ],
)
def test_a_documents_unit_from_its_root(gaps: tuple[str, ...], unit: str) -> None:
    assert document_unit(gaps) == unit


def test_the_layout_of_a_new_element() -> None:
    assert inner_layout("\n    ", "  ") == ("\n      ", "\n    ")
    assert inner_layout("\n\n\t", "\t") == ("\n\t\t", "\n\t")
    assert inner_layout("", "  ") == ("", "")
    assert inner_layout("   ", "  ") == ("", "")

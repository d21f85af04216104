"""Validation never raises on readable input: mutated documents give reports, not exceptions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ovfkit.validate import Report, validate
from tests.unit.validate.documents import OVIRT, VALID

FRAGMENTS = [
    '"',
    "<",
    ">",
    "/>",
    "${x}",
    "-1",
    "1_000",
    "byte * 2^99999999999",
    "ovf://disk/",
    "../",
    "{slot=0xZZ",
    "}",
    "<rasd:Parent>",
    "</Item>",
    "<Item>",
    'ovf:required="false"',
    "00:00:00:00:00:00",
    "\u0663",
    "&#9;",
    "<vmw:X/>",
]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([VALID, OVIRT]),
    st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from(FRAGMENTS), st.integers(0, 20)), min_size=1, max_size=6
    ),
    st.sampled_from(["relaxed", "strict", "ovirt"]),
)
def test_mutated_documents_give_reports(base: str, edits: list[tuple[float, str, int]], profile: str) -> None:
    text = base
    for where, fragment, cut in edits:
        position = int(where * len(text))
        text = text[:position] + fragment + text[position + cut :]
    report = validate(text.encode("utf-8"), profile=profile)
    assert isinstance(report, Report)
    for diagnostic in report.diagnostics:
        assert len(diagnostic.message) <= 500
        assert diagnostic.line is None or diagnostic.line >= 1
        assert diagnostic.column is None or diagnostic.column >= 1

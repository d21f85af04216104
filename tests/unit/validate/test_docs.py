"""Every rule has its page and every page its rule; pages have the fixed shape and current examples."""

from __future__ import annotations

import re

import pytest

from ovfkit.validate import all_rules, validate
from ovfkit.validate.docs import pages_dir, rule_page
from tests.conftest import ROOT

CASES = ROOT / "tests" / "rules" / "cases"
SECTIONS = ["## What it checks", "## Why it matters", "## Example", "## How to fix", "## Reference"]


def test_pages_and_rules_match_one_to_one() -> None:
    assert pages_dir() == ROOT / "docs" / "rules"
    assert sorted(p.stem for p in pages_dir().glob("*.md")) == sorted(r.code for r in all_rules())


@pytest.mark.parametrize("entry", all_rules(), ids=lambda r: r.code)
def test_page_shape(entry: object) -> None:
    page = rule_page(entry.code)  # type: ignore[attr-defined]
    assert page.splitlines()[0] == f"# {entry.code} {entry.name}"  # type: ignore[attr-defined]
    positions = [page.index(section) for section in SECTIONS]
    assert positions == sorted(positions)
    for section, following in zip(SECTIONS, [*SECTIONS[1:], None], strict=True):
        body = page[page.index(section) + len(section) : page.index(following) if following else None]
        assert body.strip(), section


@pytest.mark.parametrize("entry", all_rules(), ids=lambda r: r.code)
def test_page_example_output_is_what_validate_says(entry: object) -> None:
    code = entry.code  # type: ignore[attr-defined]
    page = rule_page(code)
    block = re.search(r"reports:\n\n```text\n(.*?)\n```", page, re.DOTALL)
    assert block is not None
    path = CASES / code / "fail.ovf"
    profile = re.search(r"<!-- profile: (\w+) -->", path.read_bytes().decode("latin-1"))
    report = validate(path, profile=profile.group(1) if profile else "relaxed", name="vm.ovf")
    assert block.group(1).splitlines() == [d.format() for d in report.diagnostics if d.code == code]

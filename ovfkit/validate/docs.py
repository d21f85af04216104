"""The rule doc pages (``docs/rules/<CODE>.md``): where they are and how to read one.

The pages ship with the package (``ovfkit/docs/rules`` in a wheel) and are read from the source
tree's ``docs/rules`` in a checkout, the way the bundled schemas are found.
"""

from __future__ import annotations

from pathlib import Path

from ovfkit.errors import OvfError
from ovfkit.validate.registry import get_rule

__all__ = ["pages_dir", "rule_page"]


def pages_dir() -> Path:
    """The folder holding the rule pages: inside the installed package, else the source tree's."""
    here = Path(__file__).resolve()
    packaged = here.parent.parent / "docs" / "rules"
    if packaged.is_dir():
        return packaged
    source_tree = here.parents[2] / "docs" / "rules"
    if source_tree.is_dir():
        return source_tree
    raise OvfError("the rule documentation is missing from this installation")


def rule_page(code: str) -> str:
    """The Markdown page of one rule; raises ``ValidationUsageError`` for an unknown code."""
    entry = get_rule(code)
    path = pages_dir() / f"{entry.code}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise OvfError(f"the page of rule {entry.code} is missing from this installation") from None

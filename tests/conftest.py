"""Shared test fixtures: where the shared corpus is, and which of its files are which."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared/corpus is not present (it is only beside a development checkout)"
)


def corpus_index() -> list[dict[str, str]]:
    """Rows of ../shared/corpus/INDEX.tsv (empty when the corpus is absent)."""
    index = CORPUS / "INDEX.tsv"
    if not index.is_file():
        return []
    with index.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def corpus_documents(well_formed: bool | None = True) -> list[Path]:
    """Corpus OVF descriptors and environment documents (not manifests), by well-formedness."""
    found = []
    for row in corpus_index():
        path = SHARED / row["file"]
        if path.suffix == ".mf":
            continue
        is_well_formed = row["well_formed"] != "no"
        if well_formed is None or is_well_formed == well_formed:
            found.append(path)
    return found


def corpus_id(path: Path) -> str:
    """A short test id for a corpus file."""
    return str(path.relative_to(CORPUS)) if CORPUS in path.parents else path.name


def _known_failures() -> dict[str, str]:
    """Test ids listed in tests/known_failures.txt, with the bug each one shows."""
    listed: dict[str, str] = {}
    path = ROOT / "tests" / "known_failures.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        node, _, reason = line.partition(" # ")
        listed[node.strip()] = reason.strip()
    return listed


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of known open bugs as expected failures, with the bug as the reason."""
    known = _known_failures()
    for item in items:
        reason = known.get(item.nodeid) or known.get(item.nodeid.split("[", 1)[0])
        if reason is not None:
            item.add_marker(pytest.mark.xfail(reason=f"open bug: {reason}", strict=False))

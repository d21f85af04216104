"""The seed documents the fuzzers mutate: the fixtures (always present) and the corpus (when present)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CORPUS, FIXTURES, corpus_documents

#: Seeds larger than this are left out of the CI-sized run (they make each example slow).
CI_SEED_BYTES = 64 * 1024
_SUFFIXES = (".ovf", ".xml")


def fixture_seeds() -> list[Path]:
    """Every XML fixture under ``fixtures/`` (valid, vendor-flavoured and deliberately malformed)."""
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in _SUFFIXES and p.is_file())


def corpus_seeds() -> list[Path]:
    """Every corpus document (well-formed or not); empty when ../shared/corpus is absent."""
    if not CORPUS.is_dir():
        return []
    return sorted(corpus_documents(well_formed=None))


def seed_bytes(paths: list[Path], max_bytes: int | None = CI_SEED_BYTES) -> list[bytes]:
    """The contents of ``paths``, leaving out files over ``max_bytes`` (None: keep all)."""
    found = []
    for path in paths:
        data = path.read_bytes()
        if max_bytes is None or len(data) <= max_bytes:
            found.append(data)
    return found

"""A hypothesis fuzzer over mutated corpus documents: only ``OvfError`` escapes, and loaded means lossless.

Seeds are the XML fixtures (always present) and the shared corpus (when present, ``needs_corpus``);
``tests/fuzz/mutations.py`` mutates them as bytes, as trees and in other encodings. Every example
goes through the oracles of ``tests/fuzz/oracles.py``: ``loads`` (bytes, str, file object),
``dumps`` (lossless, stable), ``to_json``/``from_json``, ``validate`` and ``diff``. The default
profile (``fuzz-ci``) runs a few thousand examples in about a minute; ``HYPOTHESIS_PROFILE=fuzz-long``
runs fifty times more (``FUZZ_EXAMPLES_SCALE`` scales either).
"""

from __future__ import annotations

import functools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ovfkit
from tests.conftest import needs_corpus
from tests.fuzz import oracles
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.mutations import byte_mutation, mutated
from tests.fuzz.seeds import corpus_seeds, fixture_seeds, seed_bytes

SOURCES = [pytest.param("fixtures", id="fixtures"), pytest.param("corpus", id="corpus", marks=needs_corpus)]


@functools.cache
def _seeds(source: str) -> tuple[bytes, ...]:
    paths = fixture_seeds() if source == "fixtures" else corpus_seeds()
    return tuple(seed_bytes(paths))


@functools.cache
def _seed_model(seed: bytes) -> object:
    try:
        return ovfkit.loads(seed)
    except ovfkit.OvfError:
        return None


@functools.cache
def _json_seeds(source: str) -> tuple[bytes, ...]:
    to_json, _ = oracles.convert_functions()
    found = []
    for seed in _seeds(source):
        model = _seed_model(seed)
        if model is not None:
            found.append(to_json(model).encode())
    return tuple(found)


@pytest.mark.parametrize("source", SOURCES)
def test_loading_mutants_raises_only_ovf_errors_and_round_trips(source: str) -> None:
    @fuzz_settings(700)
    @given(mutated(_seeds(source)))
    def check(pair: tuple[bytes, bytes]) -> None:
        _, data = pair
        oracles.check_load(data)
        oracles.check_load_entry_points(data)
        oracles.check_compiled_layouts(data)

    check()


@pytest.mark.parametrize("source", SOURCES)
def test_json_form_of_loaded_mutants_round_trips(source: str) -> None:
    @fuzz_settings(250)
    @given(mutated(_seeds(source)))
    def check(pair: tuple[bytes, bytes]) -> None:
        _, data = pair
        model = oracles.check_load(data)
        if model is not None:
            oracles.check_json(model)

    check()


@pytest.mark.parametrize("source", SOURCES)
def test_validating_mutants_reports_instead_of_raising(source: str) -> None:
    @fuzz_settings(150)
    @given(mutated(_seeds(source)))
    def check(pair: tuple[bytes, bytes]) -> None:
        _, data = pair
        oracles.check_validate(data)

    check()


@pytest.mark.parametrize("source", SOURCES)
def test_diffing_mutants_against_their_seed_raises_only_ovf_errors(source: str) -> None:
    @fuzz_settings(250)
    @given(mutated(_seeds(source)))
    def check(pair: tuple[bytes, bytes]) -> None:
        seed, data = pair
        model = oracles.guarded("loads", lambda: ovfkit.loads(data))
        if model is not None:
            oracles.check_diff(_seed_model(seed), model)

    check()


def _json_mutation(document: bytes) -> st.SearchStrategy[bytes]:
    """The JSON form changed as JSON (a value replaced somewhere) or as bytes."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        if draw(st.booleans()):
            return draw(byte_mutation(document))
        data = json.loads(document)
        node = data
        for _ in range(draw(st.integers(1, 8))):
            if isinstance(node, dict) and node:
                key = draw(st.sampled_from(sorted(node)))
                if not isinstance(node[key], (dict, list)) or draw(st.integers(0, 3)) == 0:
                    node[key] = draw(_JSON_VALUES)
                    break
                node = node[key]
            elif isinstance(node, list) and node:
                index = draw(st.integers(0, len(node) - 1))
                if not isinstance(node[index], (dict, list)) or draw(st.integers(0, 3)) == 0:
                    node[index] = draw(_JSON_VALUES)
                    break
                node = node[index]
            else:
                break
        return json.dumps(data).encode()

    return build()


_JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.sampled_from(["", "<", "--", "?>", "]]>", "\x00", "\ud800", "&x;", "a:b:c", "xmlns", "Envelope"]),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.sampled_from(["kind", "name", "text", "target", "ns", "xml"]), st.text(max_size=5)),
)


@pytest.mark.parametrize("source", SOURCES)
def test_mutated_json_is_refused_or_writable(source: str) -> None:
    seeds = _json_seeds(source)

    @fuzz_settings(300)
    @given(st.sampled_from(seeds).flatmap(_json_mutation))
    def check(data: bytes) -> None:
        oracles.check_from_json(data)

    check()

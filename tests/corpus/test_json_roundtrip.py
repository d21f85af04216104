"""Every well-formed corpus file survives OVF -> JSON -> OVF, and its JSON matches the JSON Schema."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema
import pytest

import ovfkit
from ovfkit.cli.show import summary
from ovfkit.convert import from_json, json_schema, summary_data, to_json, to_summary
from tests.conftest import corpus_documents, corpus_id, needs_corpus
from tests.helpers import assert_same_document

pytestmark = [needs_corpus, pytest.mark.corpus]

WELL_FORMED = corpus_documents(well_formed=True)


@functools.lru_cache(maxsize=1)
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema())


@pytest.mark.parametrize("path", WELL_FORMED, ids=corpus_id)
def test_json_round_trip_is_lossless(path: Path) -> None:
    data = path.read_bytes()
    model = ovfkit.loads(data)
    back = from_json(to_json(model))
    assert back == model
    out = ovfkit.dumps(back)
    # exactly the direct round trip: C14N-equal to the input, same prefixes and attribute order
    assert out == ovfkit.dumps(model)
    assert_same_document(data, out)


@pytest.mark.parametrize("path", WELL_FORMED, ids=corpus_id)
def test_pretty_json_reads_back_the_same(path: Path) -> None:
    model = ovfkit.loads(path.read_bytes())
    pretty = to_json(model, indent=2)
    assert json.loads(pretty) == json.loads(to_json(model))
    assert ovfkit.dumps(from_json(pretty)) == ovfkit.dumps(model)


@pytest.mark.parametrize("path", WELL_FORMED, ids=corpus_id)
def test_json_matches_the_json_schema(path: Path) -> None:
    document = json.loads(to_json(ovfkit.loads(path.read_bytes())))
    errors = sorted(validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, f"{errors[0].json_path}: {errors[0].message[:300]}"


@pytest.mark.parametrize("path", WELL_FORMED, ids=corpus_id)
def test_summary_is_plain_json_and_what_show_prints(path: Path) -> None:
    model = ovfkit.loads(path.read_bytes())
    data = to_summary(model)
    assert data["ovfkit"] == "1" and data["kind"] == "summary"
    assert json.loads(json.dumps(data)) == data
    assert summary_data(model) == summary(model)

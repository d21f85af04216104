"""The stored diff fixtures are what fixtures/diff/generate.py builds, and every OVF among them loads."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

import ovfkit
from ovfkit.model.envelope import Envelope
from tests.unit.diff.builders import DIFF


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("diff_fixture_generator", DIFF / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def test_stored_fixtures_match_the_generator() -> None:
    generator = _generator()
    built = generator.build()
    assert generator.differing(built) == [], "run: python fixtures/diff/generate.py --write (on purpose only)"
    assert generator.main(["--check"]) == 0


@pytest.mark.parametrize("path", sorted(DIFF.glob("*/*.ovf")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_loads_without_warnings(path: object) -> None:
    model = ovfkit.load(path)  # type: ignore[arg-type]
    assert isinstance(model, Envelope)
    assert model.virtual_systems()
    assert model.document.warnings == []

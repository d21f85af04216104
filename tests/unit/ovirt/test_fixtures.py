"""The stored oVirt fixtures are what fixtures/ovirt/generate.py builds, and every OVF in them round-trips."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

import ovfkit
from tests.helpers import assert_same_document
from tests.unit.ovirt.samples import OVIRT


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ovirt_fixture_generator", OVIRT / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def test_stored_fixtures_match_the_generator() -> None:
    generator = _generator()
    stale = [
        relative
        for relative, content in generator.fixtures().items()
        if (OVIRT / relative).read_bytes() != content.encode("utf-8")
    ]
    assert stale == [], "run: python fixtures/ovirt/generate.py --write (and review the diff)"
    assert generator.main([]) == 0


@pytest.mark.parametrize(
    "path",
    sorted(p for p in OVIRT.rglob("*.ovf") if "malformed" not in p.parts),
    ids=lambda p: str(p.relative_to(OVIRT)),
)
def test_fixture_ovf_round_trips_byte_for_byte(path: object) -> None:
    data = path.read_bytes()  # type: ignore[attr-defined]
    model = ovfkit.loads(data)
    out = ovfkit.dumps(model)
    assert out == data
    assert_same_document(data, out)

"""Samples and helpers of the oVirt tests: the fixture folder, an OVA-flavour OVF, line diffs of writes."""

from __future__ import annotations

import difflib

import ovfkit
from ovfkit.model.envelope import Envelope
from tests.conftest import FIXTURES

OVIRT = FIXTURES / "ovirt"


def load_fixture(relative: str) -> Envelope:
    """Load an oVirt fixture OVF."""
    model = ovfkit.load(OVIRT / relative)
    assert isinstance(model, Envelope)
    return model


def ova_flavour() -> Envelope:
    """The OVA-flavour sample (``fixtures/ovirt/ova/exported-vm.ovf``) as a model."""
    return load_fixture("ova/exported-vm.ovf")


def changed_lines(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two written documents, whitespace kept."""
    removed, added = [], []
    old, new = before.decode("utf-8").splitlines(), after.decode("utf-8").splitlines()
    for line in difflib.ndiff(old, new):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added

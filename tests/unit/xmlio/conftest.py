"""Fixtures of the XML-reading tests: the canary and loopback-listener trap of the hostile tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.xmlio.hostile import Trap, listening, make_canary


@pytest.fixture
def trap(tmp_path: Path) -> Iterator[Trap]:
    """A canary in the test's folder and a loopback listener that runs for this test only."""
    with listening() as listener:
        yield Trap(make_canary(tmp_path), listener)
        # a second lock: a test that forgot to look still fails when the listener was contacted
        listener.assert_untouched()

"""The fuzz targets, one function of the input bytes each; shared by the harnesses and ``reproduce.py``."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fuzz import oracles  # noqa: E402


def load_target(data: bytes) -> None:
    """``loads`` on bytes, str and file object; round trip; compiled layouts against the general
    reader; JSON form; diff with itself."""
    model = oracles.check_load(data)
    oracles.check_load_entry_points(data)
    oracles.check_compiled_layouts(data)
    if model is not None:
        oracles.check_json(model)
        oracles.check_diff(None, model)


def layouts_target(data: bytes) -> None:
    """The reader with every layout compiled against the general reader: same model or same error."""
    oracles.check_compiled_layouts(data)


def validate_target(data: bytes) -> None:
    """``validate`` on the bytes (unreadable input must be a finding, not an exception)."""
    oracles.check_validate(data)


def json_target(data: bytes) -> None:
    """``from_json`` on mutated JSON: only ``OvfError``; what it accepts can be written as XML."""
    oracles.check_from_json(data)


def ova_target(data: bytes) -> None:
    """The OVA reader on mutated archives: ``verify``, streaming every member, ``read_descriptor``."""
    from ovfkit import ova

    oracles.guarded("ova.verify", lambda: ova.verify(io.BytesIO(data)))

    def stream() -> None:
        with ova.open(io.BytesIO(data)) as package:
            for member in package:
                member.read()

    oracles.guarded("ova.open/iterate", stream)
    found = oracles.guarded("ova.read_descriptor", lambda: ova.read_descriptor(io.BytesIO(data)))
    if found is not None:
        oracles.check_load(found[0])


TARGETS: dict[str, Callable[[bytes], None]] = {
    "load": load_target,
    "layouts": layouts_target,
    "validate": validate_target,
    "json": json_target,
    "ova": ova_target,
}

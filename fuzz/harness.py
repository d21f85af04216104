"""Shared machinery of the atheris harnesses: import ovfkit instrumented, then fuzz one target.

Each harness (``fuzz_load.py``, ``fuzz_validate.py``, ``fuzz_ova.py``) passes a target taking the
input bytes; the oracles live in ``tests/fuzz/oracles.py`` (shared with the hypothesis fuzzer), so
any crash found here reproduces with ``python fuzz/reproduce.py TARGET CRASH_FILE``. An uncaught
exception (anything but an ``OvfError`` from ovfkit, or a broken oracle) is a libFuzzer crash.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The ovfkit modules every target may reach, imported under instrumentation so libFuzzer sees
#: their branch coverage (ovfkit imports most of them lazily, on first use).
_MODULES = (
    "ovfkit",
    "ovfkit.api",
    "ovfkit.errors",
    "ovfkit.dialects",
    "ovfkit.hardware",
    "ovfkit.units",
    "ovfkit.namespaces",
    "ovfkit.model",
    "ovfkit.xmlio.safe",
    "ovfkit.xmlio.reader",
    "ovfkit.xmlio.read_layouts",
    "ovfkit.xmlio.writer",
    "ovfkit.xmlio.write_children",
    "ovfkit.xmlio.write_fast",
    "ovfkit.xmlio.write_layout",
    "ovfkit.xmlio.write_plan",
    "ovfkit.xmlio.write_text",
    "ovfkit.convert",
    "ovfkit.convert_check",
    "ovfkit.convert_write",
    "ovfkit.validate",
    "ovfkit.diff",
    "ovfkit.ova",
    "ovfkit.ovirt",
)


def import_instrumented() -> None:
    """Import ovfkit's modules with atheris coverage instrumentation (when atheris is present)."""
    import importlib

    try:
        import atheris
    except ImportError:  # reproducing a crash does not need atheris
        for name in _MODULES:
            importlib.import_module(name)
        return
    with atheris.instrument_imports(include=["ovfkit"]):
        for name in _MODULES:
            importlib.import_module(name)


def run(target: Callable[[bytes], None]) -> None:
    """Hand ``target`` and the command line to libFuzzer and fuzz until it stops."""
    import atheris

    atheris.Setup(sys.argv, target)
    atheris.Fuzz()

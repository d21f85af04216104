"""The public surface of ovfkit.ovirt is exactly what __all__ lists, and every name is documented."""

from __future__ import annotations

import inspect

import ovfkit.ovirt


def test_all_names_exist_and_nothing_else_is_public() -> None:
    lazy = {"SnapshotChainDiff", "diff_snapshots"}  # imported on first access (cold start)
    public = {name for name in vars(ovfkit.ovirt) if not name.startswith("_")} | lazy
    modules = {name for name in public if inspect.ismodule(getattr(ovfkit.ovirt, name))}
    assert set(ovfkit.ovirt.__all__) == public - modules - {"annotations", "TYPE_CHECKING"}
    assert sorted(ovfkit.ovirt.__all__) == ovfkit.ovirt.__all__


def test_every_public_name_has_a_docstring() -> None:
    for name in ovfkit.ovirt.__all__:
        value = getattr(ovfkit.ovirt, name)
        assert inspect.getdoc(value), name


def test_errors_are_parse_errors() -> None:
    for error in (ovfkit.ovirt.OvfAddressError, ovfkit.ovirt.OvfRestError, ovfkit.ovirt.OvfValueError):
        assert issubclass(error, ovfkit.OvfParseError)
        assert issubclass(error, ValueError)

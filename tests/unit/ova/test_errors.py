"""OVA errors: one tree under OvfError, messages naming the package, the member and the reason."""

from __future__ import annotations

import pytest

from ovfkit.errors import OvfError, OvfParseError, OvfSecurityError
from ovfkit.ova.errors import (
    OvaCompressedError,
    OvaError,
    OvaFormatError,
    OvaLimitError,
    OvaTruncatedError,
    OvaUnsafeError,
    with_package,
)


def test_message_names_package_member_and_reason() -> None:
    error = OvaUnsafeError("the name contains a '..' component", package="x.ova", member="../evil")
    assert str(error) == "x.ova: member '../evil': the name contains a '..' component"
    assert (error.package, error.member, error.code) == ("x.ova", "../evil", "OVA101")


def test_control_characters_are_escaped_and_names_bounded() -> None:
    error = OvaUnsafeError("bad", package="x.ova", member="\x1b[31m" + "a" * 500)
    assert "\x1b" not in str(error) and len(str(error)) < 200


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (OvaFormatError, (OvfParseError, ValueError)),
        (OvaTruncatedError, (OvaFormatError,)),
        (OvaCompressedError, (OvaFormatError,)),
        (OvaUnsafeError, (OvfSecurityError,)),
        (OvaLimitError, (OvfSecurityError,)),
    ],
)
def test_hierarchy(cls: type[OvaError], bases: tuple[type[Exception], ...]) -> None:
    assert issubclass(cls, OvaError) and issubclass(cls, OvfError)
    for base in bases:
        assert issubclass(cls, base)


def test_with_package_fills_only_a_missing_source() -> None:
    assert str(with_package(OvaError("reason"), "x.ova")) == "x.ova: reason"
    assert str(with_package(OvaError("reason", package="a.ova"), "x.ova")) == "a.ova: reason"

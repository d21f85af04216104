"""The exceptions of OVA package handling; each names the package, the member and the reason.

::

    OvaError(OvfError)                            any failure reading or writing an OVA package
    ├── OvaReadError                              the file cannot be read (missing, permissions, I/O)
    ├── OvaFormatError(OvaError, OvfParseError)   not a complete, well-formed tar archive
    │   ├── OvaTruncatedError                     ends inside a header or a member, or without its end
    │   └── OvaCompressedError                    gzip/xz/bzip2/zip/zstd, refused unless asked for
    ├── OvaUnsafeError(OvaError, OvfSecurityError)  a member refused: name, type, duplicate, sparse
    ├── OvaLimitError(OvaError, OvfSecurityError)   a configured limit was exceeded (``OvaLimits``)
    ├── OvaTrustError                             trust anchors given by the user cannot be read
    ├── OvaPackError                              ``pack`` cannot build the package it was asked for
    └── OvaExtractError                           ``extract`` cannot write where it was asked to

Problems found in a readable package (a wrong digest, a bad signature) are not exceptions: they are
``Finding`` values in a ``VerifyResult``. ``verify`` turns the format, unsafe and limit errors of
the package itself into findings too; only ``OvaReadError``, ``OvaTrustError`` and misuse escape.
"""

from __future__ import annotations

from ovfkit.errors import OvfError, OvfParseError, OvfSecurityError, quote

__all__ = [
    "OvaCompressedError",
    "OvaError",
    "OvaExtractError",
    "OvaFormatError",
    "OvaLimitError",
    "OvaPackError",
    "OvaReadError",
    "OvaTrustError",
    "OvaTruncatedError",
    "OvaUnsafeError",
    "member_label",
    "with_package",
]


def member_label(name: str) -> str:
    """A member name as it may appear in a message: quoted, escaped, at most 120 characters."""
    return repr(quote(name, 120))


class OvaError(OvfError):
    """Root of the OVA exceptions.

    ``package`` is the archive (also ``source``), ``member`` the member's name when one is concerned,
    ``reason`` the message without the package and member, and ``code`` the stable finding code that
    ``verify`` reports for it.
    """

    code = "OVA100"

    def __init__(
        self, reason: str, *, package: str | None = None, member: str | None = None, code: str | None = None
    ) -> None:
        if code is not None:
            self.code = code
        self.reason = quote(reason, 600)
        self.package = package
        self.member = member
        message = f"member {member_label(member)}: {self.reason}" if member is not None else self.reason
        super().__init__(message, source=package)


def with_package(exc: OvaError, package: str) -> OvaError:
    """``exc``, naming ``package`` as its source when it names none yet."""
    if exc.package is None and exc.source is None:
        exc.package = exc.source = package
    return exc


class OvaReadError(OvaError):
    """The package (or a file ``pack`` needs) cannot be read: missing, not a file, permissions, I/O."""

    code = "OVA100"


class OvaFormatError(OvaError, OvfParseError):
    """The package is not a complete, well-formed tar archive."""

    code = "OVA105"


class OvaTruncatedError(OvaFormatError):
    """The archive ends inside a header or a member, or without its end-of-archive marker."""

    code = "OVA104"


class OvaCompressedError(OvaFormatError):
    """The archive is compressed (gzip, xz, bzip2, zip, zstd) and compressed input was not allowed."""

    code = "OVA107"


class OvaUnsafeError(OvaError, OvfSecurityError):
    """A member was refused: unsafe name, link, device, directory, duplicate or sparse member."""

    code = "OVA101"


class OvaLimitError(OvaError, OvfSecurityError):
    """A limit of ``OvaLimits`` was exceeded (members, header size, size of a member read whole)."""

    code = "OVA106"


class OvaTrustError(OvaError):
    """A trust file given by the user cannot be read or holds no certificate."""

    code = "OVA100"


class OvaPackError(OvaError):
    """``pack`` cannot build the package: a bad href, a missing file, a key that cannot sign."""

    code = "OVA100"


class OvaExtractError(OvaError):
    """``extract`` cannot write the package where it was asked to (existing files, I/O errors)."""

    code = "OVA100"

"""``extract``: write a verified package's members into one folder, never outside it, never over a file.

The package is read once. Each member is written, while it is hashed, to a new temporary file in
the destination (``O_CREAT | O_EXCL | O_NOFOLLOW``, relative to a descriptor of the folder opened
once). Only when the whole package verifies are the temporaries renamed to the members' names
(hard-linked, so an existing name is never replaced, unless ``force``); otherwise they are removed
and nothing is left behind. Member names are single safe file names, so nothing can land outside
the folder. A package file's headers are all checked (seeking over the data) before anything is
written, and members the manifest does not list are never written. A package without a manifest
is not extracted: none of its members can be verified.

Whenever ``extract`` does not finish (the package does not verify, a name exists, an I/O error),
the destination is left as it was: the temporaries are removed, names already given are taken back
(with ``force``, what they replaced is put back), and the folders ``extract`` created for the
destination are removed again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from ovfkit.ova.errors import (
    OvaError,
    OvaExtractError,
    OvaFormatError,
    OvaLimitError,
    OvaUnsafeError,
    with_package,
)
from ovfkit.ova.findings import VerifyResult
from ovfkit.ova.limits import DEFAULT_OVA_LIMITS, OvaLimits
from ovfkit.ova.reader import MemberInfo, ProgressCallback, Source, open_package
from ovfkit.ova.verify import Trust, verify

__all__ = ["ExtractResult", "extract"]

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(slots=True)
class ExtractResult:
    """What ``extract`` did: the verification result, the folder, the names written (in order).

    ``refused`` says why nothing was written when the package verified but cannot be extracted.
    """

    verify: VerifyResult
    destination: str
    written: list[str] = field(default_factory=list)
    refused: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the package verified and was written."""
        return self.verify.ok and self.refused is None


def _make_folders(path: str) -> list[str]:
    """Create ``path`` and its missing parents; return the folders this call created, outermost first."""
    missing: list[str] = []
    current = os.path.abspath(path)
    while not os.path.lexists(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    created: list[str] = []
    for folder in reversed(missing):
        try:
            os.mkdir(folder)
        except FileExistsError:
            continue  # made by someone else meanwhile: not ours to remove
        except OSError:
            _remove_folders(created)
            raise
        created.append(folder)
    return created


def _remove_folders(created: list[str]) -> None:
    """Remove the folders ``_make_folders`` created, innermost first, if they are still empty."""
    for folder in reversed(created):
        try:
            os.rmdir(folder)
        except OSError:
            return  # not empty (someone else wrote there) or gone: leave it and its parents


class _Folder:
    """The destination folder, opened once; every name is resolved relative to it.

    ``close(keep=False)`` takes back everything written (temporaries, published names, backups put
    back) and removes the folders made for the destination; ``close(keep=True)`` keeps what was
    published and drops the backups of replaced files.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        if not ({os.open, os.link, os.rename, os.unlink, os.stat} <= os.supports_dir_fd):
            raise OvaExtractError("extracting needs a platform with dir_fd support (POSIX)")
        try:
            self.created = _make_folders(path)
        except OSError as exc:
            raise OvaExtractError(f"cannot use {path!r} as the destination: {exc.strerror or exc}") from None
        try:
            flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
            self.fd = os.open(os.path.abspath(path), flags)  # the folder _make_folders made or found
        except OSError as exc:
            _remove_folders(self.created)
            raise OvaExtractError(f"cannot use {path!r} as the destination: {exc.strerror or exc}") from None
        self.token = secrets.token_hex(6)
        self.temporaries: dict[int, tuple[str, str]] = {}
        #: names given so far, in order, each with the backup of what it replaced (``force``) or None
        self.published: list[tuple[str, str | None]] = []

    def _entry(self, name: str) -> os.stat_result | None:
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise OvaExtractError(f"cannot check {name!r} in {self.path!r}: {exc.strerror or exc}") from None

    def exists(self, name: str) -> bool:
        return self._entry(name) is not None

    def _refuse_existing(self, name: str, force: bool) -> None:
        entry = self._entry(name)
        if entry is None:
            return
        if not force:
            raise OvaExtractError(f"{name!r} already exists in {self.path!r} (use --force to overwrite it)")
        if stat.S_ISDIR(entry.st_mode):
            raise OvaExtractError(f"{name!r} is a folder in {self.path!r}; --force replaces only files")

    def create(self, info: MemberInfo, force: bool) -> IO[bytes]:
        self._refuse_existing(info.name, force)
        temporary = f".ovfkit-{self.token}-{info.index}.part"
        try:
            fd = os.open(temporary, _CREATE, 0o644, dir_fd=self.fd)
        except OSError as exc:
            raise OvaExtractError(f"cannot create a file in {self.path!r}: {exc.strerror or exc}") from None
        self.temporaries[info.index] = (temporary, info.name)
        return os.fdopen(fd, "wb")

    def publish(self, index: int, force: bool) -> str:
        """Give a temporary its member's name; with ``force``, what had the name is kept aside."""
        temporary, name = self.temporaries[index]
        self._refuse_existing(name, force)
        backup = None
        try:
            if force and self.exists(name):
                backup = f".ovfkit-{self.token}-{index}.old"
                os.rename(name, backup, src_dir_fd=self.fd, dst_dir_fd=self.fd)
            try:
                self._link_without_replacing(temporary, name)
            except BaseException:
                if backup is not None:
                    os.rename(backup, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
                raise
        except OSError as exc:
            raise OvaExtractError(f"cannot write {name!r} in {self.path!r}: {exc.strerror or exc}") from None
        del self.temporaries[index]
        self.published.append((name, backup))
        return name

    def _link_without_replacing(self, temporary: str, name: str) -> None:
        try:
            os.link(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd, follow_symlinks=False)
        except FileExistsError:
            raise OvaExtractError(
                f"{name!r} already exists in {self.path!r} (use --force to overwrite it)"
            ) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV):
                raise
            # no hard links on this file system: check, then rename (a narrow race, documented)
            if self.exists(name):
                raise OvaExtractError(
                    f"{name!r} already exists in {self.path!r} (use --force to overwrite it)"
                ) from None
            os.rename(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
            return
        os.unlink(temporary, dir_fd=self.fd)

    def _take_back(self) -> None:
        """Remove the names given so far and put back what they replaced, last first."""
        for name, backup in reversed(self.published):
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=self.fd)
                if backup is not None:
                    os.rename(backup, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        self.published.clear()

    def close(self, keep: bool) -> None:
        """Remove the temporaries; keep the published names (``keep``) or take everything back."""
        for temporary, _ in self.temporaries.values():
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self.fd)
        self.temporaries.clear()
        if keep:
            for _, backup in self.published:
                if backup is not None:
                    with contextlib.suppress(OSError):
                        os.unlink(backup, dir_fd=self.fd)
        else:
            self._take_back()
        os.close(self.fd)
        if not keep:
            _remove_folders(self.created)


def _check_structure(
    source: Source, limits: OvaLimits, allow_compressed: bool, strict: bool
) -> VerifyResult | None:
    """Read every header of a package file, seeking over the data, before anything is written.

    A hostile archive (a bad member at the end of a large package, a member flood) is thus refused
    before the first byte lands in the destination. Only done for paths to uncompressed packages;
    returns the failed result, or None when the structure is sound (or was not checked).
    """
    if not isinstance(source, (str, os.PathLike)):
        return None
    try:
        with open_package(source, limits=limits, allow_compressed=allow_compressed) as package:
            if package.compression is not None:
                return None
            for _ in package:
                pass
    except (OvaFormatError, OvaUnsafeError, OvaLimitError) as exc:
        result = VerifyResult(package=os.fspath(source), strict=strict)
        result.add(exc.code, exc.reason, member=exc.member)
        return result
    return None


def extract(
    source: Source,
    destination: str | os.PathLike[str],
    *,
    force: bool = False,
    trust: Trust | None = None,
    strict: bool = False,
    limits: OvaLimits = DEFAULT_OVA_LIMITS,
    allow_compressed: bool = False,
    at: datetime | None = None,
    progress: ProgressCallback | None = None,
) -> ExtractResult:
    """Verify ``source`` and, only if it verifies, write its members into the folder ``destination``.

    Writes the descriptor, the manifest, the certificate and every file whose digest matched; never
    outside ``destination`` and never over an existing file unless ``force``. Returns an
    ``ExtractResult`` (``written`` is empty when the package did not verify). Raises
    ``OvaExtractError`` when the folder cannot be written or a member's name already exists there.
    """
    try:
        return _extract(
            source, os.fspath(destination), force, trust, strict, limits, allow_compressed, at, progress
        )
    except OvaError as exc:
        label = str(source) if not hasattr(source, "read") else str(getattr(source, "name", "<stream>"))
        raise with_package(exc, label) from None


def _extract(
    source: Source,
    destination: str,
    force: bool,
    trust: Trust | None,
    strict: bool,
    limits: OvaLimits,
    allow_compressed: bool,
    at: datetime | None,
    progress: ProgressCallback | None,
) -> ExtractResult:
    """Verify and write (``extract`` without the error labelling)."""
    refused = _check_structure(source, limits, allow_compressed, strict)
    if refused is not None:
        return ExtractResult(refused, destination)
    folder = _Folder(destination)
    done = False
    try:
        result = verify(
            source,
            trust=trust,
            strict=strict,
            limits=limits,
            allow_compressed=allow_compressed,
            at=at,
            progress=progress,
            sink=lambda info: folder.create(info, force),
        )
        outcome = ExtractResult(result, folder.path)
        if not result.ok:
            return outcome
        if result.manifest is None:
            outcome.refused = "the package has no manifest, so none of its members can be verified"
            return outcome
        for member in result.members:
            companion = member.name in (result.manifest, result.certificate)
            if member.index in folder.temporaries and (member.verified is True or companion):
                outcome.written.append(folder.publish(member.index, force))
        done = True
        return outcome
    finally:
        folder.close(keep=done)

"""``pack``: build an OVA package from a descriptor and the files its References section names.

The archive is POSIX ustar, as VMware ovftool writes and expects: the descriptor first, then the
manifest (``SHA256(name)= hex`` lines, or SHA512), then the certificate when signing, then the
files in References order, then two zero blocks padded to a 10 KiB record. Files are resolved only
inside the descriptor's folder: hrefs that are absolute, URLs, paths, ``..`` or symbolic links
leading out of the folder are refused. ``ovf:size`` values are changed only when asked
(``update_sizes``), through the model (``load``, set ``File.size``, ``dumps``), so nothing else of
the descriptor changes. The output is written to a temporary file and renamed into place.
"""

from __future__ import annotations

import errno
import io
import os
import secrets
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Union

from ovfkit.errors import quote
from ovfkit.ova.certificate import sign_manifest
from ovfkit.ova.errors import OvaError, OvaPackError, OvaReadError, with_package
from ovfkit.ova.hashing import digest_bytes, hash_stream
from ovfkit.ova.manifest import format_manifest
from ovfkit.ova.names import href_problem, name_problem, same_name_key
from ovfkit.ova.ustar import BLOCK, MAX_USTAR_NAME, RECORD, padding, ustar_header

if TYPE_CHECKING:
    from ovfkit.model.envelope import File

__all__ = ["PackResult", "pack"]

PathLike = Union[str, "os.PathLike[str]"]
_BUFFER = 1024 * 1024


@dataclass(slots=True)
class PackResult:
    """What ``pack`` wrote: the output, its members (name, size) in order, the manifest algorithm,
    whether it is signed, and the File ids whose ``ovf:size`` was updated."""

    output: str
    members: list[tuple[str, int]] = field(default_factory=list)
    algorithm: str = "SHA256"
    signed: bool = False
    updated_sizes: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        """The bytes of member data in the package."""
        return sum(size for _, size in self.members)


@dataclass(slots=True)
class _Input:
    """One file to pack: its File, member name, path, and the identity it had when first seen."""

    file: File
    name: str
    path: str
    size: int
    identity: tuple[int, int, int, int]


def _identity(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _label(file: File) -> str:
    return f"File {quote(file.id or '?', 60)!r} (href {quote(file.href or '', 120)!r})"


def _inside(path: str, folder: str) -> bool:
    real = os.path.realpath(path)
    return os.path.commonpath([real, folder]) == folder


def _plan(
    files: list[File], folder: str, reserved: set[str], update_sizes: bool
) -> tuple[list[_Input], list[str]]:
    """Check every File and find its file; set sizes when asked. Returns (inputs, updated File ids)."""
    inputs: list[_Input] = []
    updated: list[str] = []
    seen = set(reserved)
    real_folder = os.path.realpath(folder)
    for file in files:
        label = _label(file)
        problem = href_problem(file.href)
        if problem is not None:
            raise OvaPackError(f"{label}: {problem[1]}; pack only takes files from the descriptor's folder")
        if file.chunk_size:
            raise OvaPackError(f"{label}: chunked files (ovf:chunkSize) are not supported by pack")
        name = file.href or ""
        if len(name.encode("utf-8")) > MAX_USTAR_NAME:
            raise OvaPackError(f"{label}: ustar member names are limited to {MAX_USTAR_NAME} bytes")
        key = same_name_key(name)
        if key in seen:
            raise OvaPackError(
                f"{label}: the name is already used by the descriptor, manifest or another File"
            )
        seen.add(key)
        path = os.path.join(folder, name)
        if not _inside(path, real_folder):
            raise OvaPackError(f"{label}: the file is a symbolic link leading out of the descriptor's folder")
        try:
            info = os.stat(path)
        except OSError as exc:
            raise OvaReadError(f"{label}: cannot read {path!r}: {exc.strerror or exc}") from None
        if not stat.S_ISREG(info.st_mode):
            raise OvaPackError(f"{label}: {path!r} is not a regular file")
        if file.size != info.st_size and (file.size is not None or update_sizes):
            if not update_sizes:
                raise OvaPackError(
                    f"{label}: ovf:size is {file.size} but the file has {info.st_size} bytes "
                    "(update the sizes with --update-sizes)"
                )
            file.size = info.st_size
            updated.append(file.id or name)
        inputs.append(_Input(file, name, path, info.st_size, _identity(info)))
    return inputs, updated


def _open_unchanged(item: _Input) -> io.FileIO:
    try:
        handle = open(item.path, "rb", buffering=0)  # noqa: SIM115 - closed by the caller
    except OSError as exc:
        raise OvaReadError(f"cannot read {item.path!r}: {exc.strerror or exc}") from None
    if _identity(os.fstat(handle.fileno())) != item.identity:
        handle.close()
        raise OvaPackError(f"{item.path!r} changed while the package was being made")
    return handle


class _Progress:
    def __init__(self, callback: Callable[[int, int | None], None] | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.done = 0

    def __call__(self, count: int) -> None:
        self.done += count
        if self.callback is not None:
            self.callback(self.done, self.total)


def _copy_exact(item: _Input, out: IO[bytes], progress: _Progress) -> None:
    buffer = bytearray(_BUFFER)
    view = memoryview(buffer)
    with _open_unchanged(item) as source:
        left = item.size
        while left:
            count = source.readinto(view[: min(left, _BUFFER)])
            if not count:
                raise OvaPackError(f"{item.path!r} shrank while the package was being made")
            out.write(view[:count])
            left -= count
            progress(count)
        if source.read(1):
            raise OvaPackError(f"{item.path!r} grew while the package was being made")


def _write_member(out: IO[bytes], name: str, data: bytes, mtime: int) -> None:
    out.write(ustar_header(name, len(data), mtime))
    out.write(data)
    out.write(bytes(padding(len(data))))


def _publish(temporary: str, output: str, force: bool) -> None:
    if force:
        os.replace(temporary, output)
        return
    try:
        os.link(temporary, output)
    except FileExistsError:
        raise OvaPackError(f"{output!r} already exists (use --force to overwrite it)") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV):
            raise
        if os.path.lexists(output):
            raise OvaPackError(f"{output!r} already exists (use --force to overwrite it)") from None
        os.rename(temporary, output)
        return
    os.unlink(temporary)


def pack(
    descriptor_path: PathLike,
    output: PathLike,
    manifest: str = "sha256",
    sign_key: PathLike | None = None,
    sign_cert: PathLike | None = None,
    update_sizes: bool = False,
    *,
    force: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
) -> PackResult:
    """Write the OVA package ``output`` from the descriptor at ``descriptor_path``.

    ``manifest`` is ``sha256`` (ovftool's default) or ``sha512``. ``sign_key`` and ``sign_cert``
    (PEM files, given together) add a ``.cert`` signing the manifest. ``update_sizes`` sets each
    File's ``ovf:size`` to its file's size; without it a wrong ``ovf:size`` is an error. An existing
    ``output`` is replaced only with ``force``. ``progress`` is called with (bytes done, total).
    Raises ``OvaPackError``, ``OvaReadError`` or ``OvfParseError``; the output is left untouched then.
    """
    descriptor = os.fspath(descriptor_path)
    try:
        return _pack(
            descriptor, os.fspath(output), manifest, sign_key, sign_cert, update_sizes, force, progress
        )
    except OvaError as exc:
        raise with_package(exc, descriptor) from None


def _pack(
    descriptor_path: str,
    output: str,
    manifest: str,
    sign_key: PathLike | None,
    sign_cert: PathLike | None,
    update_sizes: bool,
    force: bool,
    progress: Callable[[int, int | None], None] | None,
) -> PackResult:
    """Build the package (``pack`` without the error labelling)."""
    from ovfkit.api import dumps, loads
    from ovfkit.model.envelope import Envelope
    from ovfkit.xmlio.safe import read_source

    algorithm = manifest.upper()
    if algorithm not in ("SHA256", "SHA512"):
        raise ValueError(f"manifest must be 'sha256' or 'sha512', not {manifest!r}")
    if (sign_key is None) != (sign_cert is None):
        raise ValueError("sign_key and sign_cert are given together")
    descriptor_name = os.path.basename(descriptor_path)
    problem = name_problem(descriptor_name)
    if problem is not None or not descriptor_name.lower().endswith(".ovf"):
        raise OvaPackError(
            f"the descriptor must be a safe file name ending in .ovf: {problem or descriptor_name!r}"
        )
    if len(descriptor_name.encode("utf-8")) > MAX_USTAR_NAME - 1:
        raise OvaPackError(f"ustar member names are limited to {MAX_USTAR_NAME} bytes")
    folder = os.path.dirname(os.path.abspath(descriptor_path))
    data, _ = read_source(descriptor_path)
    model = loads(data, source=descriptor_path)
    if not isinstance(model, Envelope):
        raise OvaPackError(f"{descriptor_path}: an OVF environment document is not a descriptor")
    stem = descriptor_name[: -len(".ovf")]
    manifest_name, certificate_name = stem + ".mf", stem + ".cert"
    reserved = {same_name_key(n) for n in (descriptor_name, manifest_name, certificate_name)}
    files = model.references.files if model.references is not None else []
    inputs, updated = _plan(files, folder, reserved, update_sizes)
    if updated:
        data = dumps(model)
    real_output = os.path.realpath(output)
    if real_output in {os.path.realpath(descriptor_path), *(os.path.realpath(i.path) for i in inputs)}:
        raise OvaPackError(f"{output!r} would replace one of the package's own files")
    if not force and os.path.lexists(output):
        raise OvaPackError(f"{output!r} already exists (use --force to overwrite it)")

    tracker = _Progress(progress, 2 * sum(item.size for item in inputs))
    digests = [(descriptor_name, digest_bytes(data, [algorithm])[algorithm])]
    for item in inputs:
        with _open_unchanged(item) as source:
            count, digest = hash_stream(source, [algorithm], on_chunk=tracker)
        if count != item.size:
            raise OvaPackError(f"{item.path!r} changed while the package was being made")
        digests.append((item.name, digest[algorithm]))
    manifest_bytes = format_manifest(digests, algorithm)
    certificate_bytes = None
    if sign_key is not None and sign_cert is not None:
        certificate_bytes = sign_manifest(
            manifest_bytes, manifest_name, _read_small(sign_key), _read_small(sign_cert), algorithm=algorithm
        )

    now = int(time.time())
    descriptor_mtime = now if updated else int(os.stat(descriptor_path).st_mtime)
    result = PackResult(
        output, algorithm=algorithm, signed=certificate_bytes is not None, updated_sizes=updated
    )
    out_dir = os.path.dirname(os.path.abspath(output))
    temporary = os.path.join(out_dir, f".{os.path.basename(output)[:100]}.ovfkit-{secrets.token_hex(6)}.part")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        raise OvaPackError(f"cannot write in {out_dir!r}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            written = 0
            for name, content, mtime in (
                (descriptor_name, data, descriptor_mtime),
                (manifest_name, manifest_bytes, now),
                (certificate_name, certificate_bytes, now),
            ):
                if content is None:
                    continue
                _write_member(out, name, content, mtime)
                result.members.append((name, len(content)))
                written += BLOCK + len(content) + padding(len(content))
            for item in inputs:
                out.write(ustar_header(item.name, item.size, item.identity[3] // 1_000_000_000))
                _copy_exact(item, out, tracker)
                out.write(bytes(padding(item.size)))
                result.members.append((item.name, item.size))
                written += BLOCK + item.size + padding(item.size)
            end = 2 * BLOCK
            end += -(written + end) % RECORD
            out.write(bytes(end))
        _publish(temporary, output, force)
    except OSError as exc:
        raise OvaPackError(f"cannot write {output!r}: {exc.strerror or exc}") from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
    return result


def _read_small(path: PathLike) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(1024 * 1024)
    except OSError as exc:
        raise OvaReadError(f"cannot read {os.fspath(path)!r}: {exc.strerror or exc}") from None

"""``verify``: read a package once, hash every member while streaming, check manifest, signature, References.

The result is data (``VerifyResult``): an unsafe or broken archive is a finding, not an exception.
Only a package that cannot be opened (``OvaReadError``), an unreadable trust file (``OvaTrustError``)
or misuse raise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import IO, TYPE_CHECKING, Union

from ovfkit.errors import OvfError
from ovfkit.ova.certificate import TrustSource, check_signature, load_trust_anchors, parse_certificate_file
from ovfkit.ova.checks import check_manifest, check_order, check_references
from ovfkit.ova.errors import OvaFormatError, OvaLimitError, OvaUnsafeError
from ovfkit.ova.findings import MemberResult, VerifyResult
from ovfkit.ova.hashing import ALGORITHMS, digest_bytes, hash_stream
from ovfkit.ova.limits import DEFAULT_OVA_LIMITS, OvaLimits
from ovfkit.ova.manifest import Manifest, parse_manifest
from ovfkit.ova.reader import MemberInfo, OvaPackage, ProgressCallback, Source, open_package

if TYPE_CHECKING:
    from cryptography import x509

__all__ = ["Sink", "Trust", "verify"]

#: Where ``verify`` may copy each member while hashing it (used by ``extract``): called with the
#: member's facts, returns a writable binary file (closed by ``verify``) or None to skip it.
Sink = Callable[[MemberInfo], IO[bytes] | None]

#: Trust anchors: a PEM file path, PEM bytes, or certificates already loaded.
Trust = Union[TrustSource, "list[x509.Certificate]"]


def _anchors(trust: Trust | None) -> list[x509.Certificate] | None:
    if trust is None:
        return None
    if isinstance(trust, list):
        return trust
    return load_trust_anchors(trust)


def _copy_buffered(sink: Sink | None, info: MemberInfo, data: bytes) -> None:
    if sink is None:
        return
    target = sink(info)
    if target is None:
        return
    try:
        target.write(data)
    finally:
        target.close()


def _read_members(
    package: OvaPackage, result: VerifyResult, sink: Sink | None, buffer_size: int
) -> tuple[Manifest | None, dict[str, bytes]]:
    """Stream every member: hash it with the algorithms the manifest asks for (all three before it).

    Members the manifest does not list are not copied to ``sink``: they cannot be verified.
    """
    manifest: Manifest | None = None
    buffered: dict[str, bytes] = {}
    buffer = bytearray(buffer_size)
    for member in package:
        record = MemberResult(member.name, member.size, member.kind, member.index)
        result.members.append(record)
        if member.kind == "padding":
            continue
        if member.data is not None:
            buffered[member.name] = member.data
            if member.kind == "manifest":
                manifest = parse_manifest(member.data, member.name)
            _copy_buffered(sink, member.info, member.data)
            continue
        algorithms = manifest.algorithms_for(member.name) if manifest is not None else set(ALGORITHMS)
        copy = sink is not None and (manifest is None or member.name in manifest.listed)
        target = sink(member.info) if sink is not None and copy else None
        try:
            _, record.digests = hash_stream(member, algorithms, sink=target, buffer=buffer)
        finally:
            if target is not None:
                target.close()
    return manifest, buffered


def _check_descriptor(result: VerifyResult, name: str, data: bytes) -> list[str]:
    from ovfkit.api import loads
    from ovfkit.model.envelope import Envelope

    try:
        model = loads(data, source=f"{result.package}!{name}")
    except OvfError as exc:
        result.add("OVA400", f"the descriptor cannot be read: {exc}", member=name)
        return []
    if not isinstance(model, Envelope):
        result.add("OVA400", "the descriptor is an OVF environment document, not an Envelope", member=name)
        return []
    return check_references(result, model)


def _check_certificate(
    result: VerifyResult,
    package: OvaPackage,
    manifest_bytes: bytes | None,
    anchors: list[x509.Certificate] | None,
    at: datetime | None,
) -> None:
    certificate = package.certificate
    if certificate is None or certificate.data is None:
        if anchors is not None:
            result.add("OVA311", "trust anchors were given but the package is not signed")
        else:
            result.add("OVA300", "the package is not signed")
        return
    result.signed = True
    result.certificate = certificate.name
    if package.manifest is None or manifest_bytes is None:
        result.add("OVA302", "the package has a certificate but no manifest to sign", member=certificate.name)
        return
    parsed, problems = parse_certificate_file(certificate.data, certificate.name)
    for item in problems:
        result.add(item.code, item.message, member=item.member)
    if parsed is None:
        return
    if parsed.target != package.manifest.name:
        result.add(
            "OVA302",
            f"the signature names {parsed.target[:120]!r}, not the manifest {package.manifest.name!r}",
            member=certificate.name,
        )
        return
    check = check_signature(parsed, manifest_bytes, name=certificate.name, anchors=anchors, at=at)
    result.signer = check.signer
    result.trusted = check.trusted
    for item in check.findings:
        result.add(item.code, item.message, member=item.member)


def _check_companion_names(result: VerifyResult, package: OvaPackage) -> None:
    if package.descriptor is None:
        return
    stem = package.descriptor.name[: -len(".ovf")]
    for member, suffix in ((package.manifest, ".mf"), (package.certificate, ".cert")):
        if member is not None and member.name != stem + suffix:
            result.add(
                "OVA116",
                f"the {member.kind} should be named {stem + suffix!r} after the descriptor",
                member=member.name,
            )


def verify(
    source: Source,
    *,
    trust: Trust | None = None,
    strict: bool = False,
    limits: OvaLimits = DEFAULT_OVA_LIMITS,
    allow_compressed: bool = False,
    at: datetime | None = None,
    progress: ProgressCallback | None = None,
    sink: Sink | None = None,
) -> VerifyResult:
    """Verify an OVA package: archive safety, order, manifest digests, signature, References.

    ``trust`` gives trust anchors (a PEM file, PEM bytes or loaded certificates); without it a
    signature is checked but its signer is not (a warning). ``strict`` turns every warning (SHA1,
    no manifest, unchecked signer, ...) into an error. ``at`` is the time certificates are checked
    at (default now). ``progress`` is called with (bytes read, archive size); ``sink`` receives a
    copy of each member the manifest lists (see ``Sink``; ``extract`` uses it). Raises
    ``OvaReadError`` when the package cannot be opened and ``OvaTrustError`` when the trust anchors
    cannot be read; everything else is a finding of the result.
    """
    anchors = _anchors(trust)
    label = str(source) if not hasattr(source, "read") else str(getattr(source, "name", "<stream>"))
    result = VerifyResult(package=label, strict=strict)
    try:
        package = open_package(source, limits=limits, allow_compressed=allow_compressed, progress=progress)
    except (OvaFormatError, OvaUnsafeError, OvaLimitError) as exc:
        result.add(exc.code, exc.reason, member=exc.member)
        return result
    with package:
        result.package = package.name
        try:
            manifest, buffered = _read_members(package, result, sink, limits.buffer_size)
        except (OvaFormatError, OvaUnsafeError, OvaLimitError) as exc:
            result.add(exc.code, exc.reason, member=exc.member)
            return result
        result.complete = True
        for record in result.members:
            if record.name in buffered:
                wanted = manifest.algorithms_for(record.name) if manifest is not None else set()
                record.digests = digest_bytes(buffered[record.name], wanted)
        references: list[str] = []
        if package.descriptor is not None and package.descriptor.data is not None:
            references = _check_descriptor(result, package.descriptor.name, package.descriptor.data)
        check_order(result, references)
        _check_companion_names(result, package)
        manifest_bytes = package.manifest.data if package.manifest is not None else None
        if manifest is None or package.manifest is None:
            result.add("OVA200", "the package has no manifest: no digest can be verified")
        else:
            result.manifest = package.manifest.name
            result.manifest_algorithms = manifest.algorithms
            certificate_name = package.certificate.name if package.certificate is not None else None
            check_manifest(result, manifest, package.manifest.name, certificate_name)
        _check_certificate(result, package, manifest_bytes, anchors, at)
    return result

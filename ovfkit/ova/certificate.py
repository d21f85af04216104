"""OVF certificates (``.cert``): an RSA signature over the raw manifest bytes, then PEM certificates.

The file holds one line ``ALG(name.mf)= hex`` (ALG is SHA256 or SHA512; SHA1 is accepted with a
warning) followed by the signer's certificate and, optionally, intermediate certificates. The
signature is RSA PKCS#1 v1.5 over the exact bytes of the manifest, as ``openssl dgst -sha256 -sign``
makes it. Checking it needs the ``cryptography`` package, imported only here and only when used.

Trust is what the user gives: a PEM file of trust anchors. A signer chains to an anchor through
the intermediates in the ``.cert`` file; a self-signed signer is accepted only when the trust file
holds that very certificate (pinning). Revocation is not checked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Union

from ovfkit.errors import quote
from ovfkit.ova.errors import OvaPackError, OvaTrustError
from ovfkit.ova.findings import Finding, finding
from ovfkit.ova.hashing import ALGORITHMS

if TYPE_CHECKING:
    from cryptography import x509

__all__ = [
    "CertificateFile",
    "SignatureCheck",
    "check_signature",
    "load_trust_anchors",
    "parse_certificate_file",
    "sign_manifest",
]

#: RSA keys shorter than this are refused.
MIN_RSA_BITS = 2048
#: The longest chain of intermediate certificates followed.
MAX_CHAIN = 8
_MAX_TRUST_FILE = 10 * 1024 * 1024

_SIGNATURE_LINE = re.compile(r"^\s*(?P<alg>[A-Za-z0-9_-]{1,16})\s*\((?P<name>.*)\)\s*=\s*(?P<hex>\S*)\s*$")
_PEM = re.compile(
    r"-----BEGIN (?P<label>[A-Z0-9 ]{1,40})-----(?P<body>.*?)-----END (?P=label)-----", re.DOTALL
)
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})+")

TrustSource = Union[str, "os.PathLike[str]", bytes]


def _require_cryptography() -> None:
    try:
        import cryptography  # noqa: F401
    except ImportError:  # pragma: no cover - exercised only without the dependency
        from ovfkit.ova.errors import OvaError

        raise OvaError(
            "checking or making signatures needs the 'cryptography' package (pip install 'ovfkit[ova]')"
        ) from None


def _hash(algorithm: str) -> Any:
    from cryptography.hazmat.primitives import hashes

    if algorithm == "SHA1":
        return hashes.SHA1()
    if algorithm == "SHA512":
        return hashes.SHA512()
    return hashes.SHA256()


@dataclass(frozen=True, slots=True)
class CertificateFile:
    """A parsed ``.cert`` file: signature algorithm, the file it signs, the signature, PEM certificates."""

    algorithm: str
    target: str
    signature: bytes
    certificates: tuple[bytes, ...]


def parse_certificate_file(
    data: bytes, name: str = "package.cert"
) -> tuple[CertificateFile | None, list[Finding]]:
    """Parse a ``.cert`` file: (the parsed file or None when unusable, findings)."""
    findings: list[Finding] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            finding("OVA301", f"the certificate file is not UTF-8 text (byte {exc.start})", member=name)
        ]
    certificates: list[bytes] = []
    for block in _PEM.finditer(text):
        label = block["label"]
        if "PRIVATE KEY" in label:
            findings.append(
                finding(
                    "OVA310", "the certificate file contains a private key: the key is exposed", member=name
                )
            )
        elif label == "CERTIFICATE":
            certificates.append(block.group(0).encode("ascii", "replace") + b"\n")
        else:
            findings.append(
                finding("OVA301", f"unexpected PEM block {label!r} in the certificate file", member=name)
            )
    outside = _PEM.sub("", text)
    signature_lines = []
    for raw_line in outside.split("\n"):
        line = raw_line.rstrip("\r")
        if not line.strip():
            continue
        match = _SIGNATURE_LINE.match(line)
        if match is None:
            findings.append(finding("OVA301", f"unexpected text: {quote(line.strip(), 80)!r}", member=name))
            continue
        signature_lines.append(match)
    if len(signature_lines) != 1:
        what = "no signature line" if not signature_lines else f"{len(signature_lines)} signature lines"
        findings.append(
            finding("OVA301", f"the certificate file has {what} ('ALG(name.mf)= hex')", member=name)
        )
        return None, findings
    match = signature_lines[0]
    algorithm = match["alg"].upper().replace("-", "").replace("_", "")
    if algorithm not in ALGORITHMS:
        refused = "MD5 signatures are refused" if algorithm == "MD5" else "SHA256 or SHA512 expected"
        findings.append(
            finding(
                "OVA301",
                f"unsupported signature algorithm {quote(match['alg'], 16)!r}: {refused}",
                member=name,
            )
        )
        return None, findings
    if not _HEX.fullmatch(match["hex"]):
        findings.append(finding("OVA301", "the signature is not an even number of hex digits", member=name))
        return None, findings
    if not certificates:
        findings.append(finding("OVA301", "the certificate file holds no PEM certificate", member=name))
        return None, findings
    if algorithm == "SHA1":
        findings.append(finding("OVA307", "the signature uses SHA1; use SHA256 or SHA512", member=name))
    parsed = CertificateFile(algorithm, match["name"], bytes.fromhex(match["hex"]), tuple(certificates))
    return parsed, findings


@dataclass(slots=True)
class SignatureCheck:
    """What checking a signature found: findings, the signer's subject, and whether it is trusted.

    ``trusted`` is None when no trust anchors were given.
    """

    findings: list[Finding] = field(default_factory=list)
    signer: str | None = None
    trusted: bool | None = None


def _fingerprint(certificate: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives import hashes

    return certificate.fingerprint(hashes.SHA256())


def _issued_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        child.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _valid_at(certificate: x509.Certificate, at: datetime) -> bool:
    return certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc


def _may_issue(certificate: x509.Certificate, *, anchor: bool) -> bool:
    from cryptography import x509

    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return anchor  # a v1 trust anchor chosen by the user may issue; an intermediate may not
    return bool(constraints.ca)


def _printable(text: str) -> str:
    """``text`` with control and invisible characters escaped (``\\x1b``), as a name in a message."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _name(name: x509.Name) -> str:
    """A distinguished name for messages: RFC 4514, escaped, at most 200 characters."""
    return quote(_printable(name.rfc4514_string()), 200)


def _subject(certificate: x509.Certificate) -> str:
    return _name(certificate.subject) or "<empty subject>"


def _chain(
    leaf: x509.Certificate,
    intermediates: list[x509.Certificate],
    anchors: list[x509.Certificate],
    at: datetime,
) -> tuple[bool, str]:
    """Whether ``leaf`` chains to one of ``anchors`` (or is pinned), and why."""
    pinned = {_fingerprint(anchor) for anchor in anchors}
    if _fingerprint(leaf) in pinned:
        return True, "the signer's certificate is pinned in the trust file"
    if leaf.issuer == leaf.subject and _issued_by(leaf, leaf):
        return False, "the signer's certificate is self-signed and not pinned in the trust file"
    current = leaf
    used: set[bytes] = set()
    for _ in range(MAX_CHAIN + 1):
        for anchor in anchors:
            if (
                anchor.subject == current.issuer
                and _may_issue(anchor, anchor=True)
                and _issued_by(current, anchor)
            ):
                if not _valid_at(anchor, at):
                    return False, f"the trust anchor {_subject(anchor)} is expired or not yet valid"
                return True, f"chains to the trust anchor {_subject(anchor)}"
        issuer = None
        for candidate in intermediates:
            if (
                _fingerprint(candidate) not in used
                and candidate.subject == current.issuer
                and _issued_by(current, candidate)
            ):
                issuer = candidate
                break
        if issuer is None:
            return (
                False,
                f"no trust anchor issued {_subject(current)} (issuer {_name(current.issuer)})",
            )
        if not _may_issue(issuer, anchor=False):
            return False, f"the intermediate certificate {_subject(issuer)} is not a CA"
        if not _valid_at(issuer, at):
            return False, f"the intermediate certificate {_subject(issuer)} is expired or not yet valid"
        used.add(_fingerprint(issuer))
        current = issuer
    return False, f"the certificate chain is longer than {MAX_CHAIN} certificates"


def check_signature(
    certificate_file: CertificateFile,
    manifest: bytes,
    *,
    name: str = "package.cert",
    anchors: list[x509.Certificate] | None = None,
    at: datetime | None = None,
) -> SignatureCheck:
    """Check a parsed ``.cert`` against the raw manifest bytes, at time ``at`` (default now).

    Reports a bad signature, a non-RSA or short key, a certificate outside its validity period or
    not allowed to sign, and (when ``anchors`` are given) whether the signer chains to one of them.
    """
    _require_cryptography()
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    when = at or datetime.now(timezone.utc)
    result = SignatureCheck()
    try:
        certificates = [x509.load_pem_x509_certificate(pem) for pem in certificate_file.certificates]
    except ValueError as exc:
        result.findings.append(
            finding("OVA301", f"a certificate cannot be read: {quote(str(exc), 200)}", member=name)
        )
        return result
    leaf, intermediates = certificates[0], certificates[1:]
    result.signer = _subject(leaf)
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        result.findings.append(
            finding("OVA305", f"the signing key is {type(key).__name__.lstrip('_')}, not RSA", member=name)
        )
        return result
    if key.key_size < MIN_RSA_BITS:
        result.findings.append(
            finding(
                "OVA305",
                f"the RSA key has {key.key_size} bits; at least {MIN_RSA_BITS} are required",
                member=name,
            )
        )
    try:
        key.verify(
            certificate_file.signature, manifest, padding.PKCS1v15(), _hash(certificate_file.algorithm)
        )
    except InvalidSignature:
        result.findings.append(
            finding(
                "OVA303",
                f"the {certificate_file.algorithm} signature does not match the manifest "
                "(tampered, or signed with another key)",
                member=name,
            )
        )
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
        if not usage.digital_signature:
            result.findings.append(
                finding(
                    "OVA312", "the certificate's key usage does not allow digital signatures", member=name
                )
            )
    except x509.ExtensionNotFound:
        pass
    if when < leaf.not_valid_before_utc:
        result.findings.append(
            finding(
                "OVA304",
                f"the certificate is not valid before {leaf.not_valid_before_utc:%Y-%m-%d}",
                member=name,
            )
        )
    elif when > leaf.not_valid_after_utc:
        result.findings.append(
            finding("OVA304", f"the certificate expired on {leaf.not_valid_after_utc:%Y-%m-%d}", member=name)
        )
    if anchors is None:
        result.findings.append(
            finding(
                "OVA308",
                f"signed by {result.signer}, but no trust anchors were given: the signer is not checked",
                member=name,
            )
        )
        return result
    trusted, reason = _chain(leaf, intermediates, anchors, when)
    result.trusted = trusted
    if trusted:
        result.findings.append(finding("OVA309", f"signed by {result.signer}: {reason}", member=name))
    else:
        result.findings.append(finding("OVA306", f"signed by {result.signer}: {reason}", member=name))
    return result


def _pem_certificates(
    data: bytes, where: str, error: type[OvaTrustError] | type[OvaPackError]
) -> list[x509.Certificate]:
    from cryptography import x509

    blocks = [m.group(0).encode("ascii", "replace") for m in _PEM.finditer(data.decode("latin-1"))]
    certificates = []
    try:
        for block in blocks:
            if block.startswith(b"-----BEGIN CERTIFICATE-----"):
                certificates.append(x509.load_pem_x509_certificate(block))
        if not blocks:
            certificates.append(x509.load_der_x509_certificate(data))
    except ValueError as exc:
        raise error(f"{where}: a certificate cannot be read: {quote(str(exc), 200)}") from None
    if not certificates:
        raise error(f"{where}: holds no PEM certificate")
    return certificates


def load_trust_anchors(source: TrustSource) -> list[x509.Certificate]:
    """The certificates of a trust file (PEM bundle, or one DER certificate); raises ``OvaTrustError``."""
    _require_cryptography()
    if isinstance(source, bytes):
        data, where = source, "the trust anchors"
    else:
        where = os.fspath(source)
        try:
            with open(where, "rb") as handle:
                data = handle.read(_MAX_TRUST_FILE + 1)
        except OSError as exc:
            raise OvaTrustError(f"{where}: cannot read the trust file: {exc.strerror or exc}") from None
        if len(data) > _MAX_TRUST_FILE:
            raise OvaTrustError(f"{where}: the trust file is larger than {_MAX_TRUST_FILE} bytes")
    return _pem_certificates(data, where, OvaTrustError)


def sign_manifest(
    manifest: bytes,
    manifest_name: str,
    key_pem: bytes,
    certificate_pem: bytes,
    *,
    algorithm: str = "SHA256",
    at: datetime | None = None,
) -> bytes:
    """The bytes of a ``.cert`` file signing ``manifest``: ``ALG(name.mf)= hex`` and the PEM certificates.

    The key must be an unencrypted PEM RSA key of at least 2048 bits matching the first certificate,
    which must be valid now. Raises ``OvaPackError`` otherwise.
    """
    _require_cryptography()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    algorithm = algorithm.upper()
    if algorithm not in ("SHA256", "SHA512"):
        raise ValueError(f"signatures use SHA256 or SHA512, not {algorithm!r}")
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except TypeError:
        raise OvaPackError("the signing key is encrypted; give an unencrypted PEM key") from None
    except ValueError as exc:
        raise OvaPackError(f"the signing key is not a PEM private key: {quote(str(exc), 200)}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise OvaPackError("the signing key is not an RSA key (OVF signatures are RSA)")
    if key.key_size < MIN_RSA_BITS:
        raise OvaPackError(f"the signing key has {key.key_size} bits; at least {MIN_RSA_BITS} are required")
    certificates = _pem_certificates(certificate_pem, "the signing certificate", OvaPackError)
    if certificates[0].public_key().public_numbers() != key.public_key().public_numbers():  # type: ignore[union-attr]
        raise OvaPackError("the signing certificate does not belong to the signing key")
    when = at or datetime.now(timezone.utc)
    if not _valid_at(certificates[0], when):
        raise OvaPackError(
            "the signing certificate is not valid now (valid "
            f"{certificates[0].not_valid_before_utc:%Y-%m-%d} to "
            f"{certificates[0].not_valid_after_utc:%Y-%m-%d})"
        )
    signature = key.sign(manifest, padding.PKCS1v15(), _hash(algorithm))
    from cryptography.hazmat.primitives.serialization import Encoding

    text = f"{algorithm}({manifest_name})= {signature.hex()}\n".encode()
    return text + b"".join(certificate.public_bytes(Encoding.PEM) for certificate in certificates)

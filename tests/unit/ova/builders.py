"""Builders for the OVA tests: descriptors, good and hostile tar archives, keys and certificates.

Every archive a test needs is made here, in memory, with ``tarfile`` or by hand; every key and
certificate with ``cryptography``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import tarfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

NOW = dt.datetime.now(dt.timezone.utc)

_DESCRIPTOR_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
    'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">\n'
)


def descriptor(files: Iterable[tuple[str, str, int | None]] = (), *, chunk_size: int | None = None) -> bytes:
    """A small OVF 1.x descriptor whose References list (id, href, size or None)."""
    lines = [_DESCRIPTOR_HEAD, "  <References>\n"]
    for file_id, href, size in files:
        size_attr = f' ovf:size="{size}"' if size is not None else ""
        chunk_attr = f' ovf:chunkSize="{chunk_size}"' if chunk_size else ""
        lines.append(f'    <File ovf:href="{href}" ovf:id="{file_id}"{size_attr}{chunk_attr}/>\n')
    lines.append("  </References>\n")
    lines.append('  <VirtualSystem ovf:id="vm">\n    <Info>A virtual machine</Info>\n  </VirtualSystem>\n')
    lines.append("</Envelope>\n")
    return "".join(lines).encode("utf-8")


def regular(name: str, data: bytes = b"", *, fmt: int = tarfile.USTAR_FORMAT, **pax: str) -> bytes:
    """Header(s), data and padding of one regular member (``pax`` adds pax records)."""
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 1_700_000_000
    if pax:
        info.pax_headers = dict(pax)
        fmt = tarfile.PAX_FORMAT
    return info.tobuf(fmt, "utf-8", "surrogateescape") + data + bytes(-len(data) % 512)


def special(
    name: str, kind: bytes, *, linkname: str = "", size: int = 0, fmt: int = tarfile.GNU_FORMAT
) -> bytes:
    """A header of another type (link, device, directory, FIFO, sparse) declaring ``size`` bytes."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = size
    return info.tobuf(fmt, "utf-8", "surrogateescape")


def pax_record(key: str, value: str) -> bytes:
    """One pax record, ``"%d %s=%s\\n"``, with its own length counted."""
    body = f" {key}={value}\n".encode()
    length = len(body) + len(str(len(body)))
    length += len(str(length)) - len(str(len(body)))
    return str(length).encode() + body


def global_header(*records: bytes) -> bytes:
    """A pax global header (type ``g``) with ``records``."""
    data = b"".join(records)
    info = tarfile.TarInfo("pax_global_header")
    info.type = tarfile.XGLTYPE
    info.size = len(data)
    return info.tobuf(tarfile.USTAR_FORMAT) + data + bytes(-len(data) % 512)


def end(blocks: int = 2) -> bytes:
    """The end-of-archive marker."""
    return bytes(512 * blocks)


def archive(*parts: bytes, marker: bool = True) -> bytes:
    """Members joined and closed with two zero blocks."""
    return b"".join(parts) + (end() if marker else b"")


def tar_members(members: Sequence[tuple[str, bytes]], fmt: int = tarfile.USTAR_FORMAT) -> bytes:
    """An archive written by ``tarfile`` itself (as other tools would)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as out:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            out.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def manifest_for(members: Iterable[tuple[str, bytes]], algorithm: str = "SHA256") -> bytes:
    """A manifest with one ``ALG(name)= hex`` line per member."""
    return "".join(
        f"{algorithm}({name})= {hashlib.new(algorithm.lower(), data).hexdigest()}\n" for name, data in members
    ).encode()


# -- keys and certificates --------------------------------------------------------------------------


@functools.cache
def rsa_key(bits: int = 2048, label: str = "signer") -> rsa.RSAPrivateKey:
    """An RSA key, made once per (bits, label) for the whole test run."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@functools.cache
def ec_key(label: str = "ec") -> ec.EllipticCurvePrivateKey:
    """An EC P-256 key (OVF signatures must be RSA)."""
    return ec.generate_private_key(ec.SECP256R1())


def certificate(
    subject: str,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    *,
    issuer: x509.Certificate | None = None,
    issuer_key: rsa.RSAPrivateKey | None = None,
    ca: bool | None = False,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    digital_signature: bool | None = None,
) -> x509.Certificate:
    """A certificate for ``key``: self-signed unless ``issuer``/``issuer_key`` are given."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer is not None else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - dt.timedelta(days=1))
        .not_valid_after(not_after or NOW + dt.timedelta(days=30))
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    if digital_signature is not None:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=digital_signature,
                content_commitment=False,
                key_encipherment=not digital_signature,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=bool(ca),
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    signing_key = issuer_key if issuer_key is not None else key
    return builder.sign(signing_key, hashes.SHA256())  # type: ignore[arg-type]


def pem(*certificates: x509.Certificate) -> bytes:
    """PEM text of certificates."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def key_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, password: bytes | None = None) -> bytes:
    """PEM text of a private key (encrypted with ``password`` when given)."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


@dataclass
class Signer:
    """A key and its certificate chain (signer first)."""

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    chain: list[x509.Certificate]

    def sign(self, manifest: bytes, target: str = "vm.mf", algorithm: str = "SHA256") -> bytes:
        """The bytes of a ``.cert`` file signing ``manifest``, as ovftool writes them."""
        chosen = {"SHA1": hashes.SHA1(), "SHA256": hashes.SHA256(), "SHA512": hashes.SHA512()}[algorithm]
        if isinstance(self.key, rsa.RSAPrivateKey):
            signature = self.key.sign(manifest, padding.PKCS1v15(), chosen)
        else:
            signature = self.key.sign(manifest, ec.ECDSA(chosen))
        return f"{algorithm}({target})= {signature.hex()}\n".encode() + pem(*self.chain)


def self_signed(subject: str = "Test Signer", bits: int = 2048, **options: object) -> Signer:
    """A signer with a self-signed certificate."""
    key = rsa_key(bits, subject)
    return Signer(key, [certificate(subject, key, **options)])  # type: ignore[arg-type]


@dataclass
class Authority:
    """A root CA, an intermediate CA, and a signer issued by the intermediate."""

    root_key: rsa.RSAPrivateKey
    root: x509.Certificate
    intermediate: x509.Certificate
    signer: Signer


@functools.cache
def authority() -> Authority:
    """A three-level PKI: root -> intermediate -> code signer."""
    root_key = rsa_key(2048, "root")
    root = certificate("Test Root CA", root_key, ca=True)
    intermediate_key = rsa_key(2048, "intermediate")
    intermediate = certificate(
        "Test Intermediate CA", intermediate_key, issuer=root, issuer_key=root_key, ca=True
    )
    signer_key = rsa_key(2048, "leaf")
    leaf = certificate(
        "Test Code Signer",
        signer_key,
        issuer=intermediate,
        issuer_key=intermediate_key,
        digital_signature=True,
    )
    return Authority(root_key, root, intermediate, Signer(signer_key, [leaf, intermediate]))


# -- whole packages ---------------------------------------------------------------------------------


@dataclass
class Package:
    """A package to build: files (in References order), manifest, certificate and member order."""

    files: dict[str, bytes] = field(
        default_factory=lambda: {"disk1.vmdk": b"disk one" * 100, "data.iso": b"iso"}
    )
    stem: str = "vm"
    algorithm: str = "SHA256"
    with_manifest: bool = True
    signer: Signer | None = None
    sign_algorithm: str = "SHA256"
    descriptor_bytes: bytes | None = None
    manifest_bytes: bytes | None = None
    certificate_bytes: bytes | None = None
    order: list[str] | None = None
    extra: list[tuple[str, bytes]] = field(default_factory=list)
    sizes: bool = True

    def members(self) -> list[tuple[str, bytes]]:
        """(name, bytes) of every member, in archive order."""
        ovf = self.descriptor_bytes
        if ovf is None:
            ovf = descriptor(
                (f"file{i}", name, len(data) if self.sizes else None)
                for i, (name, data) in enumerate(self.files.items(), start=1)
            )
        named = [(f"{self.stem}.ovf", ovf)]
        manifest = self.manifest_bytes
        if manifest is None and self.with_manifest:
            manifest = manifest_for([named[0], *self.files.items()], self.algorithm)
        if manifest is not None:
            named.append((f"{self.stem}.mf", manifest))
        certificate_data = self.certificate_bytes
        if certificate_data is None and self.signer is not None and manifest is not None:
            certificate_data = self.signer.sign(manifest, f"{self.stem}.mf", self.sign_algorithm)
        if certificate_data is not None:
            named.append((f"{self.stem}.cert", certificate_data))
        named.extend(self.files.items())
        named.extend(self.extra)
        if self.order is not None:
            by_name = dict(named)
            named = [(name, by_name[name]) for name in self.order]
        return named

    def bytes(self, fmt: int = tarfile.USTAR_FORMAT) -> bytes:
        """The archive."""
        return tar_members(self.members(), fmt)

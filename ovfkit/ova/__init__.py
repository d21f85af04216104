"""OVA packages: stream them safely, verify manifest and signature, extract and pack them.

``open(path)`` streams a package's members in order (never listing or extracting it),
``read_descriptor(path)`` checks every member's header (seeking over the data) and returns only
its ``.ovf``, ``verify(path)`` returns a ``VerifyResult``
(findings as data), ``extract(path, folder)`` writes a verified package into one folder, and
``pack(descriptor, output)`` builds a ustar package as VMware ovftool expects. Signatures need the
``cryptography`` package, imported only when a signature is checked or made.
"""

from ovfkit.ova.certificate import (
    CertificateFile,
    SignatureCheck,
    check_signature,
    load_trust_anchors,
    parse_certificate_file,
    sign_manifest,
)
from ovfkit.ova.errors import (
    OvaCompressedError,
    OvaError,
    OvaExtractError,
    OvaFormatError,
    OvaLimitError,
    OvaPackError,
    OvaReadError,
    OvaTruncatedError,
    OvaTrustError,
    OvaUnsafeError,
)
from ovfkit.ova.extract import ExtractResult, extract
from ovfkit.ova.findings import CODES, Finding, MemberResult, VerifyResult
from ovfkit.ova.limits import DEFAULT_OVA_LIMITS, OvaLimits
from ovfkit.ova.manifest import Manifest, ManifestEntry, format_manifest, parse_manifest
from ovfkit.ova.pack import PackResult, pack
from ovfkit.ova.reader import (
    MemberInfo,
    OvaMember,
    OvaPackage,
    PackageDescriptor,
    read_descriptor,
    read_package_descriptor,
)
from ovfkit.ova.reader import open_package as open
from ovfkit.ova.verify import verify

__all__ = [
    "CODES",
    "DEFAULT_OVA_LIMITS",
    "CertificateFile",
    "ExtractResult",
    "Finding",
    "Manifest",
    "ManifestEntry",
    "MemberInfo",
    "MemberResult",
    "OvaCompressedError",
    "OvaError",
    "OvaExtractError",
    "OvaFormatError",
    "OvaLimitError",
    "OvaLimits",
    "OvaMember",
    "OvaPackage",
    "OvaPackError",
    "OvaReadError",
    "OvaTrustError",
    "OvaTruncatedError",
    "OvaUnsafeError",
    "PackResult",
    "PackageDescriptor",
    "SignatureCheck",
    "VerifyResult",
    "check_signature",
    "extract",
    "format_manifest",
    "load_trust_anchors",
    "open",
    "pack",
    "parse_certificate_file",
    "parse_manifest",
    "read_descriptor",
    "read_package_descriptor",
    "sign_manifest",
    "verify",
]

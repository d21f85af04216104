"""Verification findings as data: stable codes, severities, messages, and the result of ``verify``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ovfkit.errors import quote

__all__ = ["CODES", "Finding", "MemberResult", "Severity", "VerifyResult", "finding"]

Severity = Literal["error", "warning", "info"]

#: Every finding code: (kebab-case name, default severity, what it means).
CODES: dict[str, tuple[str, Severity, str]] = {
    # the archive itself
    "OVA100": ("unreadable-package", "error", "the package cannot be read as an OVA"),
    "OVA101": ("unsafe-member", "error", "a member has an unsafe name or is not a regular file"),
    "OVA102": ("duplicate-member", "error", "two members have the same name (or differ only in case)"),
    "OVA103": ("sparse-member", "error", "a member is a sparse file"),
    "OVA104": (
        "truncated-archive",
        "error",
        "the archive ends early or a member declares more bytes than exist",
    ),
    "OVA105": (
        "malformed-archive",
        "error",
        "a header is corrupt, the file is empty, or data follows the end",
    ),
    "OVA106": (
        "limit-exceeded",
        "error",
        "too many members, too large a header, or too large a small member",
    ),
    "OVA107": (
        "compressed-archive",
        "error",
        "the archive is compressed and compressed input was not allowed",
    ),
    # order and contents
    "OVA110": ("descriptor-not-first", "error", "the .ovf descriptor is not the first member"),
    "OVA111": (
        "manifest-misplaced",
        "error",
        "the manifest neither follows the descriptor nor ends the archive",
    ),
    "OVA112": ("certificate-misplaced", "error", "the certificate does not follow the manifest"),
    "OVA113": ("multiple-descriptors", "error", "the package holds more than one .ovf, .mf or .cert"),
    "OVA114": ("file-order", "warning", "files are not in the order of the References section"),
    "OVA115": ("no-descriptor", "error", "the package holds no .ovf descriptor"),
    "OVA116": ("companion-name", "warning", "the .mf or .cert is not named after the .ovf"),
    # manifest
    "OVA200": ("no-manifest", "warning", "the package has no manifest: nothing can be verified"),
    "OVA201": ("manifest-syntax", "error", "a manifest line cannot be read"),
    "OVA202": ("manifest-algorithm-refused", "error", "a manifest line uses MD5 or an unknown algorithm"),
    "OVA203": ("manifest-sha1", "warning", "a manifest line uses SHA1 (an error with strict)"),
    "OVA204": ("manifest-bad-digest", "error", "a manifest digest is not hex or has the wrong length"),
    "OVA205": ("manifest-bad-name", "error", "a manifest entry names a path, '..' or an unsafe name"),
    "OVA206": ("manifest-duplicate", "error", "a file is listed more than once in the manifest"),
    "OVA207": ("digest-mismatch", "error", "a file's digest differs from the manifest"),
    "OVA208": ("not-in-manifest", "error", "a member of the package is missing from the manifest"),
    "OVA209": ("manifest-extra", "error", "the manifest lists a file the package does not contain"),
    # certificate
    "OVA300": ("unsigned", "info", "the package is not signed"),
    "OVA301": ("certificate-syntax", "error", "the .cert file cannot be read"),
    "OVA302": ("certificate-target", "error", "the .cert has no manifest or signs another file"),
    "OVA303": ("bad-signature", "error", "the signature does not match the manifest"),
    "OVA304": ("certificate-expired", "error", "the certificate is expired or not yet valid"),
    "OVA305": ("weak-key", "error", "the signing key is not RSA of at least 2048 bits"),
    "OVA306": ("untrusted-certificate", "error", "the certificate does not chain to a given trust anchor"),
    "OVA307": ("signature-sha1", "warning", "the signature uses SHA1 (an error with strict)"),
    "OVA308": ("trust-not-checked", "warning", "no trust anchors were given: the signer is not checked"),
    "OVA309": ("signed", "info", "who signed the package, and whether the signer is trusted"),
    "OVA310": ("certificate-private-key", "error", "the .cert file contains a private key"),
    "OVA311": ("unsigned-but-trust-given", "error", "trust anchors were given but the package is not signed"),
    "OVA312": ("certificate-usage", "error", "the certificate's key usage does not allow signatures"),
    # References
    "OVA400": ("descriptor-unreadable", "error", "the descriptor cannot be read as an OVF envelope"),
    "OVA401": ("missing-file", "error", "a file of the References section is not in the package"),
    "OVA402": ("external-file", "warning", "a File href is an external URL, not part of the package"),
    "OVA403": ("unreferenced-member", "warning", "a member is not named by the References section"),
    "OVA404": ("size-mismatch", "error", "a member's size differs from its File's ovf:size"),
    "OVA405": ("unsafe-href", "error", "a File href is absolute, a URL, a path or escapes the package"),
    "OVA406": ("duplicate-reference", "error", "two Files name the same href"),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing verification found: a stable code and name, a severity, a message, the member."""

    code: str
    name: str
    severity: Severity
    message: str
    member: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "member": self.member,
        }


def finding(
    code: str, message: str, *, member: str | None = None, severity: Severity | None = None
) -> Finding:
    """A ``Finding`` for ``code`` with its catalogued name and (unless given) default severity."""
    name, default, _ = CODES[code]
    return Finding(code, name, severity or default, quote(message, 500), member)


@dataclass(slots=True)
class MemberResult:
    """One member as verification saw it.

    ``verified`` is True when every manifest line naming it matched, False when one did not, and
    None when no manifest line names it (the manifest and certificate themselves, or no manifest).
    """

    name: str
    size: int
    kind: str
    index: int
    digests: dict[str, str] = field(default_factory=dict)
    verified: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "name": self.name,
            "size": self.size,
            "kind": self.kind,
            "index": self.index,
            "digests": dict(self.digests),
            "verified": self.verified,
        }


@dataclass(slots=True)
class VerifyResult:
    """What ``verify`` found about one package.

    ``complete`` is False when the archive could not be read to its end (the reason is among the
    findings). ``ok`` is True when the archive was read completely and no finding is an error.
    """

    package: str
    members: list[MemberResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    complete: bool = False
    strict: bool = False
    manifest: str | None = None
    manifest_algorithms: list[str] = field(default_factory=list)
    certificate: str | None = None
    signed: bool = False
    signer: str | None = None
    trusted: bool | None = None

    @property
    def ok(self) -> bool:
        """Whether the package verified: read to its end, and no error found."""
        return self.complete and not self.errors

    @property
    def errors(self) -> list[Finding]:
        """The findings of severity ``error``."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """The findings of severity ``warning``."""
        return [f for f in self.findings if f.severity == "warning"]

    def add(self, code: str, message: str, *, member: str | None = None) -> None:
        """Record a finding of ``code`` (warnings become errors when ``strict``)."""
        item = finding(code, message, member=member)
        if self.strict and item.severity == "warning":
            item = Finding(item.code, item.name, "error", item.message, item.member)
        self.findings.append(item)

    def member(self, name: str) -> MemberResult | None:
        """The first member named ``name``, or None."""
        for member in self.members:
            if member.name == name:
                return member
        return None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (what ``ovfkit ova verify --format json`` prints)."""
        return {
            "package": self.package,
            "verified": self.ok,
            "complete": self.complete,
            "strict": self.strict,
            "manifest": self.manifest,
            "manifest_algorithms": list(self.manifest_algorithms),
            "certificate": self.certificate,
            "signed": self.signed,
            "signer": self.signer,
            "trusted": self.trusted,
            "members": [m.to_dict() for m in self.members],
            "findings": [f.to_dict() for f in self.findings],
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

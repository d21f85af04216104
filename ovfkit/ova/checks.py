"""Cross-checks of a read package: member order, manifest against members, References against members."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ovfkit.errors import quote
from ovfkit.ova.findings import MemberResult, VerifyResult
from ovfkit.ova.manifest import Manifest
from ovfkit.ova.names import href_problem

if TYPE_CHECKING:
    from ovfkit.model.envelope import Envelope

__all__ = ["check_manifest", "check_order", "check_references"]

_CHUNK_SUFFIX = re.compile(r"\.[0-9]{9}$")


def _names(members: list[MemberResult], limit: int = 5) -> str:
    shown = ", ".join(repr(quote(m.name, 60)) for m in members[:limit])
    return shown + (", ..." if len(members) > limit else "")


def check_order(result: VerifyResult, reference_order: list[str]) -> None:
    """Descriptor first; manifest next or last; certificate right after the manifest; files in order.

    ``reference_order`` lists member names in the order of the References section.
    """
    members = result.members
    if not members:
        return
    by_kind: dict[str, list[MemberResult]] = {"descriptor": [], "manifest": [], "certificate": []}
    for member in members:
        if member.kind in by_kind:
            by_kind[member.kind].append(member)
    descriptors = by_kind["descriptor"]
    if not descriptors:
        result.add("OVA115", "the package holds no .ovf descriptor")
    elif members[0].kind != "descriptor":
        result.add(
            "OVA110",
            f"the first member is {members[0].name!r}; the descriptor {descriptors[0].name!r} "
            f"must come first (it is member {descriptors[0].index + 1})",
            member=descriptors[0].name,
        )
    for kind, suffix in (("descriptor", ".ovf"), ("manifest", ".mf"), ("certificate", ".cert")):
        found = by_kind[kind]
        if len(found) > 1:
            result.add(
                "OVA113",
                f"the package holds {len(found)} {suffix} members ({_names(found)}); only the first is used",
                member=found[1].name,
            )
    manifest = by_kind["manifest"][0] if by_kind["manifest"] else None
    certificate = by_kind["certificate"][0] if by_kind["certificate"] else None
    last = len(members) - 1
    if manifest is not None:
        follows_descriptor = bool(descriptors) and manifest.index == descriptors[0].index + 1
        at_end = manifest.index == last or (
            certificate is not None and certificate.index == last and manifest.index == last - 1
        )
        if not (follows_descriptor or at_end):
            result.add(
                "OVA111",
                f"the manifest is member {manifest.index + 1} of {len(members)}; "
                "it must follow the descriptor or end the archive",
                member=manifest.name,
            )
    if certificate is not None and manifest is not None and certificate.index != manifest.index + 1:
        result.add(
            "OVA112",
            f"the certificate is member {certificate.index + 1}; it must directly follow the manifest "
            f"(member {manifest.index + 1})",
            member=certificate.name,
        )
    rank = {name: position for position, name in enumerate(reference_order)}
    files = [m for m in members if m.kind == "file" and m.name in rank]
    ranks = [rank[m.name] for m in files]
    if ranks != sorted(ranks):
        expected = sorted(files, key=lambda m: rank[m.name])
        result.add(
            "OVA114",
            "files are not in the order of the References section: "
            f"expected {_names(expected)}; found {_names(files)}",
        )


def check_manifest(
    result: VerifyResult, manifest: Manifest, manifest_member: str, certificate: str | None
) -> None:
    """Each manifest entry against the members' digests, and each member against the manifest."""
    for item in manifest.findings:
        result.add(item.code, item.message, member=item.member)
    members = {m.name: m for m in result.members}
    for entry in manifest.entries:
        member = members.get(entry.name)
        if member is None:
            result.add(
                "OVA209",
                f"line {entry.line} lists {entry.name!r}, which the package does not contain",
                member=manifest_member,
            )
            continue
        actual = member.digests.get(entry.algorithm)
        if actual == entry.digest:
            if member.verified is None:
                member.verified = True
            continue
        member.verified = False
        result.add(
            "OVA207",
            f"the {entry.algorithm} digest does not match the manifest (manifest {entry.digest[:16]}..., "
            f"actual {(actual or 'not computed')[:16]}...)",
            member=member.name,
        )
    if not manifest.readable:
        return
    for member in result.members:
        if (
            member.kind == "padding"
            or member.name in (manifest_member, certificate)
            or member.name in manifest.listed
        ):
            continue
        result.add("OVA208", "the member is not listed in the manifest", member=member.name)


def _chunks(members: list[MemberResult], href: str) -> list[MemberResult]:
    prefix = href + "."
    return [m for m in members if m.name.startswith(prefix) and _CHUNK_SUFFIX.fullmatch(m.name[len(href) :])]


def check_references(result: VerifyResult, envelope: Envelope) -> list[str]:
    """Each File of the References section against the members; return member names in References order."""
    members = {m.name: m for m in result.members}
    files = envelope.references.files if envelope.references is not None else []
    referenced: list[str] = []
    hrefs: set[str] = set()
    for file in files:
        label = f"File {quote(file.id or '?', 60)!r} (href {quote(file.href or '', 120)!r})"
        problem = href_problem(file.href)
        if problem is not None:
            kind, reason = problem
            result.add("OVA402" if kind == "external" else "OVA405", f"{label}: {reason}")
            continue
        href = file.href or ""
        if href in hrefs:
            result.add("OVA406", f"{label}: another File names the same href")
            continue
        hrefs.add(href)
        if file.chunk_size:
            parts = _chunks(result.members, href)
        else:
            found = members.get(href) or members.get(unquote(href))
            parts = [found] if found is not None else []
        if not parts:
            what = "chunks" if file.chunk_size else "member"
            result.add("OVA401", f"{label}: the package has no such {what}")
            continue
        referenced.extend(part.name for part in parts)
        size = sum(part.size for part in parts)
        if file.size is not None and file.size != size:
            result.add(
                "OVA404",
                f"{label}: ovf:size is {file.size} but the package holds {size} bytes",
                member=parts[0].name,
            )
    named = set(referenced)
    for member in result.members:
        if member.kind == "file" and member.name not in named:
            result.add(
                "OVA403", "the member is not named by any File of the References section", member=member.name
            )
    return referenced

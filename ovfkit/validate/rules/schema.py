"""S rules: the DMTF XSD's findings (S0xx) and the structure DSP0243 requires beyond it (S1xx).

The S0xx codes come from libxml2 (see ``ovfkit.validate.xsd``). S101 and S103 restate what the XSD
requires (an Info in every section and content, a VirtualSystem or collection in the envelope) for
documents no XSD checked (OVF 0.9, the oVirt flavour, unknown namespaces), so they never repeat an
XSD error.
"""

from __future__ import annotations

from collections.abc import Iterator

from ovfkit.errors import quote
from ovfkit.model.base import Node
from ovfkit.model.sections import VirtualHardwareSection
from ovfkit.validate.context import Context
from ovfkit.validate.diagnostic import Diagnostic, Severity
from ovfkit.validate.registry import declare, rule

__all__ = ["OVIRT_SECTION_TYPES"]

declare(
    "S001", "xsd-unexpected-element", Severity.ERROR, "The XSD does not allow this element here.", stage="xsd"
)
declare(
    "S002",
    "xsd-missing-element",
    Severity.ERROR,
    "The XSD requires a child element that is missing.",
    stage="xsd",
)
declare(
    "S003",
    "xsd-missing-attribute",
    Severity.ERROR,
    "The XSD requires an attribute that is missing.",
    stage="xsd",
)
declare(
    "S004",
    "xsd-invalid-value",
    Severity.ERROR,
    "A value is not of the XSD type of its attribute or element (a number, an enumeration, a pattern).",
    stage="xsd",
)
declare("S005", "xsd-violation", Severity.ERROR, "Any other violation of the DMTF XSD.", stage="xsd")
declare(
    "S006",
    "no-schema",
    Severity.INFO,
    "No DMTF XSD applies to this document (OVF 0.9, the oVirt flavour, an unknown namespace).",
    stage="xsd",
)

#: ``xsi:type`` values of sections the oVirt engine writes beyond DSP0243.
OVIRT_SECTION_TYPES = frozenset(
    {
        "SnapshotsSection_Type",
        "UserDomainsSection_Type",
        "AffinityGroupsSection_Type",
        "AffinityLabelsSection_Type",
        "NumaNodeSection_Type",
        "VmExternalDataSection_Type",
    }
)


@rule(
    "S101", "missing-info", Severity.ERROR, "A section, VirtualSystem or VirtualSystemCollection has no Info."
)
def missing_info(ctx: Context) -> Iterator[Diagnostic]:
    """Every section and content element needs an Info (checked here when no XSD did)."""
    if ctx.xsd_checked:
        return
    for _, section in ctx.sections:
        if section.info is None:
            yield ctx.emit("S101", section, f"{type(section).__name__} has no Info element")
    if ctx.is_ovirt:
        return  # the engine never writes Info in Content
    for content in ctx.contents:
        if content.info is None:
            yield ctx.emit(
                "S101",
                content,
                f'{type(content).__name__} "{quote(content.id or "", 80)}" has no Info element',
            )


@rule(
    "S102",
    "missing-virtual-hardware",
    Severity.ERROR,
    "A VirtualSystem has no VirtualHardwareSection.",
)
def missing_virtual_hardware(ctx: Context) -> Iterator[Diagnostic]:
    """Each VirtualSystem describes its hardware in a VirtualHardwareSection."""
    for system in ctx.systems:
        if not any(isinstance(s, VirtualHardwareSection) for s in system.sections):
            yield ctx.emit(
                "S102", system, f'VirtualSystem "{quote(system.id or "", 80)}" has no VirtualHardwareSection'
            )


@rule(
    "S103", "missing-content", Severity.ERROR, "The envelope has no VirtualSystem or VirtualSystemCollection."
)
def missing_content(ctx: Context) -> Iterator[Diagnostic]:
    """An envelope describes one VirtualSystem or VirtualSystemCollection (checked here when no XSD did)."""
    if not ctx.xsd_checked and ctx.envelope.content is None:
        yield ctx.emit("S103", ctx.envelope, "the envelope has no VirtualSystem or VirtualSystemCollection")


def _section_name(node: Node) -> str | None:
    """The name a foreign section goes by, or None when the element is not a section."""
    if node.local_name == "Section":
        xsi_type = node.get("type") or ""
        return xsi_type.rpartition(":")[2] or "Section"
    if node.local_name.endswith("Section"):
        return node.name
    return None


@rule(
    "S104",
    "unknown-required-section",
    Severity.WARNING,
    'A section ovfkit does not know is not marked ovf:required="false", so consumers that do not '
    "know it must fail.",
)
def unknown_required_section(ctx: Context) -> Iterator[Diagnostic]:
    """Unknown sections must carry ovf:required="false" to be ignorable."""
    owners = [ctx.envelope, *ctx.contents]
    for owner in owners:
        for node in owner.extensions:
            if not isinstance(node, Node):
                continue
            name = _section_name(node)
            if name is None:
                continue
            if ctx.is_ovirt and name in OVIRT_SECTION_TYPES:
                continue
            required = (node.get("required") or "true").strip().lower()
            if required not in ("false", "0"):
                yield ctx.emit(
                    "S104",
                    node,
                    f'section {quote(name, 80)} is unknown and not marked ovf:required="false"; '
                    "a consumer that does not understand it must refuse the package",
                )

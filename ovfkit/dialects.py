"""Which tool wrote a descriptor: dialect detection from namespaces and structure, never ``ovf:version``."""

from __future__ import annotations

from ovfkit.model.envelope import Envelope
from ovfkit.namespaces import Ns, ovf_version_of

__all__ = ["DIALECTS", "OVIRT_DIALECTS", "detect_dialect", "is_ovirt", "ovf_version"]

#: Every dialect name ``detect_dialect`` returns.
DIALECTS = ("ovirt", "ovirt-ova", "ovf-0.9", "vmware", "virtualbox", "xen", "dmtf")

#: The two flavours oVirt / RHV writes.
OVIRT_DIALECTS = ("ovirt", "ovirt-ova")

_XEN_PREFIXES = ("http://schemas.citrix.com/ovf/envelope", "http://www.citrix.com/xenclient/ovf")

#: Root children that, unqualified under a prefixed ``ovf:Envelope``, mark the oVirt flavour.
_OVIRT_UNQUALIFIED = frozenset(
    {"References", "Section", "Content", "DiskSection", "NetworkSection", "VirtualSystem"}
)


def ovf_version(envelope: Envelope) -> str:
    """The OVF version the envelope namespace stands for: ``0.9``, ``1.x``, ``2.x`` or ``unknown``."""
    namespace = envelope.namespace
    if namespace is None:
        return "1.x" if envelope.xml is None else "unknown"
    return ovf_version_of(namespace)


def _declared(envelope: Envelope) -> dict[str, str]:
    return dict(envelope.xml.ns) if envelope.xml is not None else {}


def _is_ovirt_flavour(envelope: Envelope, declared: dict[str, str]) -> bool:
    """A prefixed OVF 1 ``ovf:Envelope`` (with or without the trailing slash), no default namespace,
    and unqualified OVF elements below it: what the engine (and virt-v2v for it) writes.
    """
    info = envelope.xml
    namespace = envelope.namespace
    if info is None or namespace is None or "" in declared or ":" not in info.name:
        return False
    if namespace.rstrip("/") != Ns.OVF1.value:
        return False
    return any(child in _OVIRT_UNQUALIFIED for child in info.children)


def detect_dialect(envelope: Envelope) -> str:
    """Name the dialect of a descriptor (see ``DIALECTS``).

    ``ovirt`` is the engine's own flavour (OVF_STORE, export domain, snapshot configuration, REST
    API ``All-Content``, virt-v2v's oVirt output): a prefixed ``ovf:Envelope`` in the OVF 1
    namespace with no default namespace, so that ``References``, ``Section xsi:type`` (or section
    elements), ``Content`` (or ``VirtualSystem``) are unqualified. ``ovirt-ova`` is the
    standard-shaped OVA export, which declares the ``ovirt`` namespace. ``ovf:version`` plays no
    part (oVirt writes its engine version there).
    """
    declared = _declared(envelope)
    uris = set(declared.values())
    namespace = envelope.namespace
    if namespace == Ns.OVF09.value:
        return "ovf-0.9"
    if _is_ovirt_flavour(envelope, declared):
        return "ovirt"
    if Ns.OVIRT.value in uris:
        return "ovirt-ova"
    if Ns.VBOX.value in uris:
        return "virtualbox"
    if any(uri.startswith(_XEN_PREFIXES) for uri in uris):
        return "xen"
    if Ns.VMW.value in uris or any(uri.startswith("http://www.vmware.com/") for uri in uris):
        return "vmware"
    return "dmtf"


def is_ovirt(envelope: Envelope) -> bool:
    """True for either oVirt flavour (``ovirt`` or ``ovirt-ova``)."""
    return detect_dialect(envelope) in OVIRT_DIALECTS

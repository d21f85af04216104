"""Which tool wrote a descriptor: dialect detection from namespaces and structure, never ``ovf:version``."""

from __future__ import annotations

from ovfkit.model.envelope import Envelope
from ovfkit.namespaces import Ns, ovf_version_of

__all__ = ["DIALECTS", "detect_dialect", "ovf_version"]

#: Every dialect name ``detect_dialect`` returns.
DIALECTS = ("ovirt", "ovirt-ova", "ovf-0.9", "vmware", "virtualbox", "xen", "dmtf")

_XEN_PREFIXES = ("http://schemas.citrix.com/ovf/envelope", "http://www.citrix.com/xenclient/ovf")


def ovf_version(envelope: Envelope) -> str:
    """The OVF version the envelope namespace stands for: ``0.9``, ``1.x``, ``2.x`` or ``unknown``."""
    namespace = envelope.namespace
    if namespace is None:
        return "1.x" if envelope.xml is None else "unknown"
    return ovf_version_of(namespace)


def _declared(envelope: Envelope) -> dict[str, str]:
    return dict(envelope.xml.ns) if envelope.xml is not None else {}


def detect_dialect(envelope: Envelope) -> str:
    """Name the dialect of a descriptor (see ``DIALECTS``).

    ``ovirt`` is the engine's own flavour (OVF_STORE, export domain, snapshot configuration, REST
    API ``All-Content``): prefixed ``ovf:Envelope`` with no default namespace, unqualified
    ``Section xsi:type`` and ``Content``. ``ovirt-ova`` is the standard-shaped OVA export that
    declares the ``ovirt`` namespace.
    """
    declared = _declared(envelope)
    uris = set(declared.values())
    namespace = envelope.namespace
    if namespace == Ns.OVF09.value:
        return "ovf-0.9"
    info = envelope.xml
    if info is not None and "" not in declared and namespace is not None:
        unqualified = [c for c in info.children if c != "*" and ":" not in c]
        if any(c in ("Content", "Section") for c in unqualified) and namespace.startswith(Ns.OVF1.value):
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

"""The XML namespaces ovfkit knows: URI, usual prefix, family, and bundled schema."""

from __future__ import annotations

import enum

__all__ = [
    "CIM_BY_CLASS",
    "FAMILY_OF",
    "OVF_ENVELOPE_URIS",
    "XSD_SUFFIXED",
    "Ns",
    "family_of",
    "ovf_version_of",
]


class Ns(str, enum.Enum):
    """A namespace URI with its usual prefix (``Ns.RASD.prefix == "rasd"``)."""

    OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"
    OVF2 = "http://schemas.dmtf.org/ovf/envelope/2"
    OVF09 = "http://www.vmware.com/schema/ovf/1/envelope"
    ENV = "http://schemas.dmtf.org/ovf/environment/1"
    RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    VSSD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
    SASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_StorageAllocationSettingData"
    EPASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_EthernetPortAllocationSettingData"
    CIM = "http://schemas.dmtf.org/wbem/wscim/1/common"
    XSI = "http://www.w3.org/2001/XMLSchema-instance"
    XML = "http://www.w3.org/XML/1998/namespace"
    VMW = "http://www.vmware.com/schema/ovf"
    VBOX = "http://www.virtualbox.org/ovf/machine"
    OVIRT = "http://www.ovirt.org/ovf"

    @property
    def prefix(self) -> str:
        """The prefix real writers use for this namespace."""
        return _PREFIXES[self]


_PREFIXES = {
    Ns.OVF1: "ovf",
    Ns.OVF2: "ovf",
    Ns.OVF09: "ovf",
    Ns.ENV: "oe",
    Ns.RASD: "rasd",
    Ns.VSSD: "vssd",
    Ns.SASD: "sasd",
    Ns.EPASD: "epasd",
    Ns.CIM: "cim",
    Ns.XSI: "xsi",
    Ns.XML: "xml",
    Ns.VMW: "vmw",
    Ns.VBOX: "vbox",
    Ns.OVIRT: "ovirt",
}

#: Every envelope namespace URI seen in real files, with the OVF version it stands for.
OVF_ENVELOPE_URIS: dict[str, str] = {
    Ns.OVF1.value: "1.x",
    Ns.OVF1.value + "/": "1.x",
    Ns.OVF2.value: "2.x",
    Ns.OVF2.value + "/": "2.x",
    Ns.OVF09.value: "0.9",
    "http://schemas.dmtf.org/ovf/envelope": "unknown",
    "http://schemas.dmtf.org/ovf/envelope/3": "unknown",
}

#: DMTF namespaces as some writers spell them, with ``.xsd`` appended (VirtualBox's OVF 2.0 export writes
#: ``xmlns:sasd=".../CIM_StorageAllocationSettingData.xsd"``), and the namespace each stands for.
_CIM_URIS = (Ns.RASD.value, Ns.VSSD.value, Ns.SASD.value, Ns.EPASD.value)
XSD_SUFFIXED: dict[str, str] = {uri + ".xsd": uri for uri in _CIM_URIS}

#: The DMTF CIM namespaces by their last path segment (``CIM_ResourceAllocationSettingData``), to
#: recognise a URI that names the class but is not the namespace (``http://schemas.dmtf.org/CIM_...``).
CIM_BY_CLASS: dict[str, str] = {uri.rpartition("/")[2]: uri for uri in _CIM_URIS}

#: Namespace family of each known URI: the key binding tables use ("ovf", "rasd", ...).
FAMILY_OF: dict[str | None, str] = {
    None: "ovf",  # oVirt and some 0.9 writers put OVF elements in no namespace
    **{uri: "ovf" for uri in OVF_ENVELOPE_URIS},
    Ns.ENV.value: "env",
    Ns.RASD.value: "rasd",
    Ns.VSSD.value: "vssd",
    Ns.SASD.value: "sasd",
    Ns.EPASD.value: "epasd",
    Ns.CIM.value: "cim",
    Ns.XSI.value: "xsi",
    Ns.XML.value: "xml",
}
FAMILY_OF.update({suffixed: FAMILY_OF[uri] for suffixed, uri in XSD_SUFFIXED.items()})

#: The URI a new element or attribute of each family is written in (OVF 1 by default).
DEFAULT_URI: dict[str, str] = {
    "ovf": Ns.OVF1.value,
    "env": Ns.ENV.value,
    "rasd": Ns.RASD.value,
    "vssd": Ns.VSSD.value,
    "sasd": Ns.SASD.value,
    "epasd": Ns.EPASD.value,
    "cim": Ns.CIM.value,
    "xsi": Ns.XSI.value,
    "xml": Ns.XML.value,
}

#: The prefix a new declaration of each family gets.
DEFAULT_PREFIX: dict[str, str] = {
    "ovf": "ovf",
    "env": "oe",
    "rasd": "rasd",
    "vssd": "vssd",
    "sasd": "sasd",
    "epasd": "epasd",
    "cim": "cim",
    "xsi": "xsi",
    "xml": "xml",
}


def family_of(uri: str | None) -> str | None:
    """Return the family key of a namespace URI (``"rasd"``), or None for a foreign namespace."""
    return FAMILY_OF.get(uri)


def ovf_version_of(uri: str | None) -> str:
    """Return the OVF version an envelope namespace stands for: ``0.9``, ``1.x``, ``2.x`` or ``unknown``."""
    if uri is None:
        return "unknown"
    return OVF_ENVELOPE_URIS.get(uri, "unknown")

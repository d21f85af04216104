"""Small descriptors for the diff tests: a DMTF template with the Items and Disks a test names."""

from __future__ import annotations

from tests.conftest import FIXTURES

DIFF = FIXTURES / "diff"
VMWARE = DIFF / "vmware"
OVIRT = DIFF / "ovirt"
COT = DIFF / "cot"

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
    'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" '
    'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" '
    'xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">\n'
)


def item(instance: str, rtype: int, *children: str, attrs: str = "") -> str:
    """An Item with rasd children given as ``Name>text`` strings (alphabetical order is the caller's)."""
    body = "".join(
        f"<rasd:{c.split('>', 1)[0]}>{c.split('>', 1)[1]}</rasd:{c.split('>', 1)[0]}>" for c in children
    )
    return (
        f"<Item{(' ' + attrs) if attrs else ''}>{body}<rasd:InstanceID>{instance}</rasd:InstanceID>"
        f"<rasd:ResourceType>{rtype}</rasd:ResourceType></Item>\n"
    )


def cpu(count: int = 2, instance: str = "1", attrs: str = "") -> str:
    """A processor Item."""
    return item(instance, 3, "ElementName>cpus", f"VirtualQuantity>{count}", attrs=attrs)


def memory(quantity: int = 2048, units: str = "byte * 2^20", instance: str = "2", attrs: str = "") -> str:
    """A memory Item."""
    return item(
        instance,
        4,
        f"AllocationUnits>{units}",
        "ElementName>memory",
        f"VirtualQuantity>{quantity}",
        attrs=attrs,
    )


def scsi(instance: str = "3", address: str = "0") -> str:
    """A SCSI controller Item."""
    return item(
        instance, 6, f"Address>{address}", "ElementName>SCSI Controller 0", "ResourceSubType>lsilogic"
    )


def disk_item(instance: str, disk_id: str, unit: int, name: str, parent: str = "3") -> str:
    """A disk drive Item on a controller."""
    return item(
        instance,
        17,
        f"AddressOnParent>{unit}",
        f"ElementName>{name}",
        f"HostResource>ovf:/disk/{disk_id}",
        f"Parent>{parent}",
    )


def nic(
    instance: str, network: str, slot: int, name: str, mac: str | None = None, model: str = "VmxNet3"
) -> str:
    """A NIC Item."""
    children = [f"Address>{mac}"] if mac else []
    children += [
        f"AddressOnParent>{slot}",
        "AutomaticAllocation>true",
        f"Connection>{network}",
        f"ElementName>{name}",
        f"ResourceSubType>{model}",
    ]
    return item(instance, 10, *children)


def disk(disk_id: str, capacity: str, units: str = "byte * 2^30") -> str:
    """A Disk of the DiskSection."""
    return f'<Disk ovf:capacity="{capacity}" ovf:capacityAllocationUnits="{units}" ovf:diskId="{disk_id}"/>\n'


def envelope(
    items: list[str],
    disks: tuple[str, ...] | list[str] = (),
    *,
    system: str = "vm",
    name: str = "test vm",
    options: tuple[str, ...] | list[str] = (),
    vssd_type: str = "vmx-13",
    os_id: int = 101,
    extra_systems: tuple[str, ...] | list[str] = (),
) -> bytes:
    """A DMTF descriptor with these Items, Disks and deployment options."""
    out = [_HEAD, "<References/>\n"]
    if disks:
        out.append("<DiskSection><Info>disks</Info>\n" + "".join(disks) + "</DiskSection>\n")
    if options:
        out.append("<DeploymentOptionSection><Info>profiles</Info>\n")
        out += [
            f'<Configuration ovf:id="{o}"><Label>{o}</Label><Description>{o}</Description></Configuration>\n'
            for o in options
        ]
        out.append("</DeploymentOptionSection>\n")
    systems = [_system(system, name, items, vssd_type, os_id), *extra_systems]
    if len(systems) == 1:
        out.append(systems[0])
    else:
        out.append('<VirtualSystemCollection ovf:id="vapp"><Info>a vApp</Info>\n' + "".join(systems))
        out.append("</VirtualSystemCollection>\n")
    out.append("</Envelope>\n")
    return "".join(out).encode("utf-8")


def _system(system: str, name: str, items: list[str], vssd_type: str, os_id: int) -> str:
    return (
        f'<VirtualSystem ovf:id="{system}"><Info>a VM</Info><Name>{name}</Name>\n'
        f'<OperatingSystemSection ovf:id="{os_id}"><Info>os</Info></OperatingSystemSection>\n'
        "<VirtualHardwareSection><Info>hw</Info>"
        "<System><vssd:ElementName>hw</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID>"
        f"<vssd:VirtualSystemType>{vssd_type}</vssd:VirtualSystemType></System>\n"
        + "".join(items)
        + "</VirtualHardwareSection></VirtualSystem>\n"
    )


def system_xml(system: str, items: list[str], name: str = "other vm") -> str:
    """Another VirtualSystem for ``envelope(extra_systems=...)``."""
    return _system(system, name, items, "vmx-13", 101)

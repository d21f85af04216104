"""ovfkit.hardware: the normalized view, for DMTF descriptors and both oVirt flavours."""

from __future__ import annotations

import pytest

import ovfkit
from ovfkit.hardware import ControllerView, DiskView, NicView, default_profile, disk_capacity_bytes
from ovfkit.model.envelope import Envelope
from tests.conftest import FIXTURES

OVIRT = FIXTURES / "ovirt"
GIB = 2**30
DISK_A = "f94e81d2-39b8-5390-8513-51530050d360"
DISK_B = "fb4c9eb7-8b16-502f-ac61-4aa2f0936299"

DMTF = b"""<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References><File ovf:id="f1" ovf:href="disk1.vmdk" ovf:size="1000"/></References>
  <DiskSection>
    <Info>disks</Info>
    <Disk ovf:diskId="d1" ovf:fileRef="f1" ovf:capacity="8" ovf:capacityAllocationUnits="byte * 2^30"/>
  </DiskSection>
  <DeploymentOptionSection>
    <Info>profiles</Info>
    <Configuration ovf:id="small"><Label>small</Label><Description>s</Description></Configuration>
    <Configuration ovf:id="large" ovf:default="true">
      <Label>large</Label><Description>l</Description>
    </Configuration>
  </DeploymentOptionSection>
  <VirtualSystem ovf:id="vm1">
    <Info>a VM</Info>
    <Name>appliance</Name>
    <OperatingSystemSection ovf:id="101" vmw:osType="otherLinux64Guest">
      <Info>os</Info>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>hw</Info>
      <Item ovf:configuration="small">
        <rasd:ElementName>2 CPUs</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity>
      </Item>
      <Item ovf:configuration="large">
        <rasd:ElementName>4 CPUs</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>4</rasd:VirtualQuantity>
        <vmw:CoresPerSocket ovf:required="false">2</vmw:CoresPerSocket>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>mem</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>4096</rasd:VirtualQuantity>
      </Item>
      <Item ovf:bound="max">
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>mem max</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>8192</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address><rasd:ElementName>SCSI 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/d1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:Address>00:50:56:01:02:03</rasd:Address><rasd:Connection>VM Network</rasd:Connection>
        <rasd:ElementName>eth0</rasd:ElementName><rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:ElementName>video</rasd:ElementName><rasd:InstanceID>6</rasd:InstanceID>
        <rasd:ResourceType>20</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
"""


def _load(data: bytes) -> Envelope:
    model = ovfkit.loads(data)
    assert isinstance(model, Envelope)
    return model


def _fixture(relative: str) -> Envelope:
    model = ovfkit.load(OVIRT / relative)
    assert isinstance(model, Envelope)
    return model


class TestDmtf:
    def test_default_profile_and_bounds(self) -> None:
        envelope = _load(DMTF)
        assert default_profile(envelope) == "large"
        view = ovfkit.hardware(envelope)
        assert (view.system, view.profile, view.name, view.os) == (
            "vm1",
            "large",
            "appliance",
            "otherLinux64Guest",
        )
        assert (view.cpus, view.cores_per_socket) == (4, 2)
        assert view.memory_bytes == 4096 * 2**20

    def test_other_profile(self) -> None:
        view = ovfkit.hardware(_load(DMTF), profile="small")
        assert (view.cpus, view.cores_per_socket) == (2, None)

    def test_disk_nic_controllers(self) -> None:
        view = ovfkit.hardware(_load(DMTF))
        assert view.disks == [
            DiskView(
                id="d1",
                name="disk 1",
                capacity_bytes=8 * GIB,
                file="disk1.vmdk",
                controller="scsi 0 (lsilogic)",
                address="0",
                interface="scsi",
            )
        ]
        assert view.nics == [
            NicView(id="5", name="eth0", network="VM Network", adapter="VmxNet3", mac="00:50:56:01:02:03")
        ]
        assert view.controllers == [
            ControllerView(id="3", type="scsi", name="SCSI 0", model="lsilogic"),
            ControllerView(id="6", type="other", name="video", model=None),
        ]
        assert [d.resource_type for d in view.devices] == [3, 4, 6, 17, 10, 20]

    def test_system_selection_errors(self) -> None:
        envelope = _load(DMTF)
        assert ovfkit.hardware(envelope, system="vm1").system == "vm1"
        assert ovfkit.hardware(envelope, system=0).system == "vm1"
        with pytest.raises(ovfkit.OvfError, match="no virtual system number 1"):
            ovfkit.hardware(envelope, system=1)
        with pytest.raises(ovfkit.OvfError, match="no virtual system has the id 'x'"):
            ovfkit.hardware(envelope, system="x")

    def test_no_virtual_system(self) -> None:
        envelope = _load(b'<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><References/></Envelope>')
        with pytest.raises(ovfkit.OvfError, match="no VirtualSystem"):
            ovfkit.hardware(envelope)

    def test_capacity_units(self) -> None:
        (disk,) = _load(DMTF).sections[0].disks  # type: ignore[attr-defined]
        assert disk_capacity_bytes(disk) == 8 * GIB
        disk.capacity_allocation_units = "percent"
        assert disk_capacity_bytes(disk) is None
        disk.capacity_allocation_units = "bogus units"
        assert disk_capacity_bytes(disk) is None


class TestOvirtFlavour:
    def test_snapshot_hardware(self) -> None:
        view = ovfkit.hardware(_fixture("configs/web01-snapshot-3.ovf"))
        assert (view.system, view.name, view.os) == ("out", "web01", "rhel_8x64")
        assert view.cpus == 8  # 2 sockets * 2 cores * 2 threads
        assert view.cores_per_socket == 2
        assert view.memory_bytes == 8192 * 2**20
        assert [(d.id, d.name, d.capacity_bytes, d.interface) for d in view.disks] == [
            (DISK_A, "web01_Disk1", 20 * GIB, "VirtIO_SCSI"),
            (DISK_B, "web01_data", 10 * GIB, "VirtIO"),
        ]
        assert view.disks[0].file == f"{DISK_A}/05bd0b4c-626a-58da-9262-e783b1283ba9"
        assert view.disks[0].address == "{type=drive, bus=0, controller=0, target=0, unit=0}"
        assert view.nics == [
            NicView(
                id="f0d04db7-c535-5b00-94e2-c1c6229144cc",
                name="nic1",
                network="ovirtmgmt",
                adapter="virtio",
                mac="56:6f:1a:2b:00:99",
            )
        ]

    def test_video_usb_policy_and_other_devices_are_not_controllers(self) -> None:
        view = ovfkit.hardware(_fixture("configs/web01-snapshot-3.ovf"))
        assert [(c.type, c.name, c.model) for c in view.controllers] == [
            ("virtio-scsi", "scsi0", None),
            ("virtio-serial", "virtio-serial0", None),
            ("usb", "usb", "qemu-xhci"),
        ]
        names = [d.name for d in view.devices]
        assert "channel unix" in names
        assert "balloon memballoon" in names
        assert {d.resource_type for d in view.devices} == {0, 3, 4, 10, 15, 17, 20, 23, 26}

    def test_disk_identity_is_stable_across_snapshot_volumes(self) -> None:
        ids = [
            [d.id for d in ovfkit.hardware(_fixture(f"configs/web01-snapshot-{n}.ovf")).disks]
            for n in (1, 2, 3)
        ]
        assert ids == [[DISK_A], [DISK_A, DISK_B], [DISK_A, DISK_B]]
        files = [
            ovfkit.hardware(_fixture(f"configs/web01-snapshot-{n}.ovf")).disks[0].file for n in (1, 2, 3)
        ]
        assert len(set(files)) == 3

    def test_legacy_35(self) -> None:
        view = ovfkit.hardware(_fixture("configs/legacy-3.5-vm.ovf"))
        assert (view.cpus, view.memory_bytes, view.os) == (1, GIB, "other")
        assert [(d.capacity_bytes, d.interface) for d in view.disks] == [(8 * GIB, "VirtIO")]
        assert [c.type for c in view.controllers] == ["ide", "virtio-serial"]

    @pytest.mark.parametrize(
        ("subtype", "model"),
        [
            ("0", "rtl8139_pv"),
            ("1", "rtl8139"),
            ("2", "e1000"),
            ("3", "virtio"),
            ("4", "spapr-vlan"),
            ("5", "pci-passthrough"),
            ("6", "e1000e"),
            ("9", "9"),
        ],
    )
    def test_nic_models(self, subtype: str, model: str) -> None:
        data = (OVIRT / "configs/web01-snapshot-1.ovf").read_bytes()
        data = data.replace(
            b"<rasd:ResourceSubType>3</", b"<rasd:ResourceSubType>" + subtype.encode() + b"</"
        )
        (nic,) = ovfkit.hardware(_load(data)).nics
        assert nic.adapter == model

    def test_missing_nic_details(self) -> None:
        data = (OVIRT / "configs/web01-snapshot-1.ovf").read_bytes()
        data = data.replace(b"<rasd:MACAddress>56:6f:1a:2b:00:01</rasd:MACAddress>", b"")
        data = data.replace(b"<rasd:ResourceSubType>3</rasd:ResourceSubType>", b"")
        (nic,) = ovfkit.hardware(_load(data)).nics
        assert (nic.mac, nic.adapter) == (None, None)


class TestOvaFlavour:
    def test_ova_flavour(self) -> None:
        envelope = _fixture("ova/exported-vm.ovf")
        assert ovfkit.detect_dialect(envelope) == "ovirt-ova"
        view = ovfkit.hardware(envelope)
        assert (view.system, view.name, view.os) == (
            "5d1e7a40-3b2c-4f5e-9d6a-8b7c6e5f4a33",
            "exported",
            "rhel_7x64",
        )
        assert (view.cpus, view.cores_per_socket, view.memory_bytes) == (4, 2, 2048 * 2**20)
        assert view.disks == [
            DiskView(
                id="0d6b2a1c-5f3e-4b8e-8a61-1c7e9f2d3b44",
                name="exported_Disk1",
                capacity_bytes=16 * GIB,
                file="7c4b8e1f-0e0c-4a44-9c56-2f4b7f7b1a01",
                controller="VirtIO_SCSI",
                address="{type=drive, bus=0, controller=0, target=0, unit=0}",
                interface="VirtIO_SCSI",
            )
        ]
        assert view.nics == [
            NicView(
                id="2e0f9b7c-6a5d-4c3b-8e2f-1a0b9c8d7e66",
                name="nic1",
                network="ovirtmgmt",
                adapter="e1000e",
                mac="56:6f:00:00:00:10",
            )
        ]
        assert view.controllers == [
            ControllerView(
                id="7c6d5e4f-3a2b-4c1d-9e0f-a9b8c7d6e599", type="virtio-scsi", name=None, model=None
            )
        ]


def test_hardware_views_equal_one_view_per_system_in_document_order() -> None:
    """``hardware_views`` reads what the systems share once; its views are ``hardware``'s, in order."""
    from ovfkit.hardware import hardware_views

    systems = "".join(
        f'<VirtualSystem ovf:id="v{index}"><Info>x</Info><VirtualHardwareSection><Info>h</Info>'
        f"<Item><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType>"
        f"<rasd:VirtualQuantity>{index + 1}</rasd:VirtualQuantity></Item>"
        "</VirtualHardwareSection></VirtualSystem>"
        for index in range(3)
    )
    data = (
        '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
        'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" '
        'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">'
        f'<References/><VirtualSystemCollection ovf:id="c"><Info>c</Info>{systems}'
        "</VirtualSystemCollection></Envelope>"
    ).encode()
    envelope = ovfkit.loads(data)
    assert isinstance(envelope, ovfkit.Envelope)
    views = hardware_views(envelope)
    assert views == [ovfkit.hardware(envelope, index) for index in range(3)]
    assert [(view.system, view.cpus) for view in views] == [("v0", 1), ("v1", 2), ("v2", 3)]


XEN_DISK = b"""<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    xmlns:xenovf="http://schemas.citrix.com/ovf/envelope/1">
  <ovf:References><ovf:File ovf:id="f1" ovf:href="a.vhd" ovf:size="16777216"/></ovf:References>
  <ovf:DiskSection><ovf:Info>disks</ovf:Info>
    <ovf:Disk ovf:diskId="f1" ovf:fileRef="f1" ovf:capacity="10485760"/></ovf:DiskSection>
  <ovf:VirtualSystem ovf:id="vm"><ovf:Info>vm</ovf:Info>
    <ovf:VirtualHardwareSection><ovf:Info>hw</ovf:Info>
      <ovf:Item><rasd:AllocationUnits>Disk</rasd:AllocationUnits>
        <rasd:ElementName>Hard Disk Image</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/f1</rasd:HostResource><rasd:InstanceID>f1</rasd:InstanceID>
        <rasd:ResourceType>19</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></ovf:Item>
      <ovf:Item><rasd:ElementName>scratch</rasd:ElementName><rasd:InstanceID>x</rasd:InstanceID>
        <rasd:ResourceType>19</rasd:ResourceType></ovf:Item>
    </ovf:VirtualHardwareSection></ovf:VirtualSystem>
</ovf:Envelope>"""


def test_a_storage_extent_that_names_a_disk_is_a_disk() -> None:
    """XenCenter describes disks as ResourceType 19 (storage extent) with an ovf:/disk/ HostResource."""
    envelope = ovfkit.loads(XEN_DISK)
    assert isinstance(envelope, Envelope)
    (disk,) = ovfkit.hardware(envelope).disks
    assert (disk.id, disk.name, disk.capacity_bytes, disk.file) == (
        "f1",
        "Hard Disk Image",
        10485760,
        "a.vhd",
    )


PRETTY_PRINTED = b"""<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References/>
  <VirtualSystem ovf:id="vm"><Info>a VM</Info><Name>my
      vm</Name><VirtualHardwareSection><Info>hardware</Info>
    <Item><rasd:Address>0</rasd:Address><rasd:ElementName>SCSI Controller 0
      </rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>buslogic
      </rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
    <Item><rasd:AddressOnParent> 0 </rasd:AddressOnParent><rasd:ElementName>
        Hard   Disk 1
      </rasd:ElementName><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>
        3
      </rasd:Parent>
      <rasd:ResourceType>17</rasd:ResourceType></Item>
    <Item><rasd:Connection>
        VM Network
      </rasd:Connection><rasd:ElementName>nic</rasd:ElementName><rasd:InstanceID>5</rasd:InstanceID>
      <rasd:ResourceSubType> E1000 </rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>
  </VirtualHardwareSection></VirtualSystem>
</Envelope>"""


def test_views_show_pretty_printed_texts_on_one_line() -> None:
    """A writer that indents inside text elements (govmomi's fixtures) wraps names in line breaks."""
    envelope = ovfkit.loads(PRETTY_PRINTED)
    assert isinstance(envelope, Envelope)
    view = ovfkit.hardware(envelope)
    assert view.name == "my vm"
    (controller,) = view.controllers
    assert (controller.name, controller.model) == ("SCSI Controller 0", "buslogic")
    (disk,) = view.disks
    assert (disk.name, disk.controller, disk.address) == ("Hard Disk 1", "scsi 0 (buslogic)", "0")
    (nic,) = view.nics
    assert (nic.network, nic.adapter) == ("VM Network", "E1000")

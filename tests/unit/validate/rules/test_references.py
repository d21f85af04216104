"""R rules over the shared HostResource and Parent indexes: well-written references skip the parser."""

from __future__ import annotations

import pytest

from tests.unit.validate.rules.helpers import document, found, with_items

DISK_HOST = "<rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>"


@pytest.mark.parametrize(
    ("host", "codes"),
    [
        (" ovf:/disk/vmdisk1 ", {}),
        ("ovf:/disk/nodisk", {"R102": 1}),
        ("ovf://disk/vmdisk1", {"R113": 1}),
        ("/disk/nodisk", {"R102": 1, "R113": 1}),
        ("ovf:/file/file1", {}),
        ("ovf:/file/nofile", {"R103": 1}),
        ("ovf:/net/x", {"R113": 1}),
    ],
)
def test_host_resources_written_any_way(host: str, codes: dict[str, int]) -> None:
    data = document((DISK_HOST, f"<rasd:HostResource>{host}</rasd:HostResource>"))
    for code in ("R102", "R103", "R113"):
        assert len(found(data, code)) == codes.get(code, 0), code


def test_a_file_named_only_by_a_host_resource_is_used() -> None:
    data = document(
        ('ovf:size="1048576"/>', 'ovf:size="1048576"/>\n    <File ovf:id="iso" ovf:href="x.iso"/>'),
        (DISK_HOST, DISK_HOST + "<rasd:HostResource>ovf:/file/iso</rasd:HostResource>"),
    )
    assert found(data, "R110") == []
    assert found(
        document(('ovf:size="1048576"/>', 'ovf:size="1048576"/><File ovf:id="iso" ovf:href="x.iso"/>')),
        "R110",
    )


def test_a_file_whose_href_is_the_host_resource_text_is_used() -> None:
    data = document(
        (
            'ovf:size="1048576"/>',
            'ovf:size="1048576"/>\n    <File ovf:id="odd" ovf:href="ovf:/disk/vmdisk1"/>',
        )
    )
    assert found(data, "R110") == []


def test_a_parent_cycle_is_reported_once_among_drives_on_a_controller() -> None:
    cycle = [
        f"<rasd:InstanceID>{iid}</rasd:InstanceID><rasd:Parent>{parent}</rasd:Parent>"
        "<rasd:ResourceType>5</rasd:ResourceType>"
        for iid, parent in (("a", "b"), ("b", "c"), ("c", "a"))
    ]
    drives = [
        f"<rasd:AddressOnParent>{n}</rasd:AddressOnParent><rasd:InstanceID>d{n}</rasd:InstanceID>"
        "<rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType>"
        for n in range(1, 4)
    ]
    (message,) = found(with_items(*drives, *cycle), "R105")
    assert "Parent chain a -> b -> c -> a" in message


def test_a_blank_parent_dangles_nowhere_and_a_missing_one_does() -> None:
    assert found(document(("<rasd:Parent>3</rasd:Parent>", "<rasd:Parent> </rasd:Parent>")), "R104") == []
    (message,) = found(document(("<rasd:Parent>3</rasd:Parent>", "<rasd:Parent>9</rasd:Parent>")), "R104")
    assert "Parent 9" in message


def test_an_ovirt_disk_named_by_the_volume_that_is_its_file_ref_is_described() -> None:
    """virt-v2v's ``-o vdsm`` output: the Disk's fileRef is the volume the HostResource names."""
    from tests.conftest import FIXTURES

    text = (FIXTURES.parent / "tests" / "rules" / "cases" / "O101" / "pass.ovf").read_text(encoding="utf-8")
    volume = "00000001-1111-4111-8111-000000000001/00000002-1111-4111-8111-000000000002"
    vdsm = text.replace(
        'ovf:diskId="00000002-1111-4111-8111-000000000002"',
        'ovf:diskId="d5510000-1111-4111-8111-000000000009"',
    ).replace(f'ovf:fileRef="{volume}"', 'ovf:fileRef="99116050-1111-4111-8111-000000000007"')
    vdsm = vdsm.replace(
        f"<rasd:HostResource>{volume}</rasd:HostResource>",
        "<rasd:HostResource>99116050-1111-4111-8111-000000000007</rasd:HostResource>",
    )
    assert vdsm != text
    assert found(vdsm.encode(), "R102") == []
    elsewhere = vdsm.replace(
        "<rasd:HostResource>99116050-1111-4111-8111-000000000007</rasd:HostResource>",
        "<rasd:HostResource>00000000-1111-4111-8111-00000000000f</rasd:HostResource>",
    )
    assert len(found(elsewhere.encode(), "R102")) == 1


def test_the_ovirt_ova_export_s_parent_volume_on_a_disk_is_no_dangling_parent() -> None:
    """The engine writes the image's parent volume (all zeros for a base image) as a disk Item's Parent."""
    from tests.conftest import FIXTURES

    data = (FIXTURES / "ovirt" / "ova" / "exported-vm.ovf").read_bytes()
    assert found(data, "R104") == []
    not_a_volume = data.replace(
        b"<rasd:Parent>00000000-0000-0000-0000-000000000000</rasd:Parent>",
        b"<rasd:Parent>ide9</rasd:Parent>",
        1,
    )
    assert len(found(not_a_volume, "R104")) == 1


def _collection(*contents: str, collection_id: str = "vapp") -> bytes:
    """An envelope whose content is a collection of minimal VirtualSystems and collections."""
    return (
        '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
        'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References/>'
        f'<VirtualSystemCollection ovf:id="{collection_id}"><Info>a vApp</Info>{"".join(contents)}'
        "</VirtualSystemCollection></Envelope>"
    ).encode()


def _system(system_id: str) -> str:
    return f'<VirtualSystem ovf:id="{system_id}"><Info>a VM</Info></VirtualSystem>'


def _nested(collection_id: str, *contents: str) -> str:
    return (
        f'<VirtualSystemCollection ovf:id="{collection_id}"><Info>a group</Info>{"".join(contents)}'
        "</VirtualSystemCollection>"
    )


def test_a_collection_may_share_its_id_with_content_inside_it() -> None:
    """ovftool exports a vCloud Director vApp and its one VM under one id; vSphere imports it."""
    assert found(_collection(_system("vapp")), "R114") == []
    assert found(_collection(_nested("group", _system("vapp"), _system("group"))), "R114") == []


def test_content_ids_clash_between_siblings_and_branches() -> None:
    assert found(_collection(_system("a"), _system("a")), "R114") == ['VirtualSystem id "a" is used twice']
    assert found(_collection(_system("vapp"), _system("vapp")), "R114") == [
        'VirtualSystem id "vapp" is used twice'
    ]
    assert found(_collection(_nested("g"), _nested("h", _system("g"))), "R114") == [
        'VirtualSystem id "g" is also the id of a VirtualSystemCollection'
    ]
    # the second VirtualSystem "x" clashes with the first one, not (only) with collection "x"
    assert found(_collection(_nested("x", _system("x")), _nested("y", _system("x"))), "R114") == [
        'VirtualSystem id "x" is used twice'
    ]


def test_a_duplicate_instance_id_names_the_line_of_the_first_instance_id() -> None:
    """The finding points at the second InstanceID; its message gives the first one's line."""
    from tests.unit.validate.documents import line_of

    data = with_items(
        "<rasd:ElementName>a</rasd:ElementName>\n        <rasd:InstanceID>77</rasd:InstanceID>"
        "<rasd:ResourceType>1</rasd:ResourceType>",
        "<rasd:ElementName>b</rasd:ElementName><rasd:InstanceID>77</rasd:InstanceID>"
        "<rasd:ResourceType>1</rasd:ResourceType>",
    )
    first = line_of(data, "<rasd:InstanceID>77")
    assert first != line_of(data, "<rasd:ElementName>a")  # the Item starts on the line before
    expected = f"InstanceID 77 is used twice in every configuration (first at line {first})"
    assert found(data, "R106") == [expected]

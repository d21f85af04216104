"""detect_dialect and ovf_version: from namespaces and structure, never from ovf:version."""

from __future__ import annotations

from pathlib import Path

import pytest

import ovfkit
from ovfkit.dialects import DIALECTS, OVIRT_DIALECTS, is_ovirt
from ovfkit.model.envelope import Envelope
from ovfkit.ovirt import flavour
from tests.conftest import CORPUS, FIXTURES, needs_corpus

OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _load(text: str) -> Envelope:
    model = ovfkit.loads(text.encode())
    assert isinstance(model, Envelope)
    return model


def _ovirt(namespace: str, version: str = "4.1.0.0") -> str:
    return (
        f'<ovf:Envelope xmlns:ovf="{namespace}" xmlns:rasd="{RASD}" xmlns:xsi="{XSI}" '
        f'ovf:version="{version}">'
        '<References/><Section xsi:type="ovf:DiskSection_Type"><Info>x</Info></Section>'
        '<Content ovf:id="out" xsi:type="ovf:VirtualSystem_Type"><Name>vm</Name></Content></ovf:Envelope>'
    )


@pytest.mark.parametrize("namespace", [OVF1 + "/", OVF1])
@pytest.mark.parametrize("version", ["3.5.0.0", "4.4.0.0", "0.9", "1.0", "2.0"])
def test_ovirt_flavour_with_or_without_the_slash_whatever_the_version(namespace: str, version: str) -> None:
    envelope = _load(_ovirt(namespace, version))
    assert ovfkit.detect_dialect(envelope) == "ovirt"
    assert ovfkit.ovf_version(envelope) == "1.x"
    assert is_ovirt(envelope)
    assert flavour(envelope) == "ovirt"


def test_ovirt_flavour_with_section_elements() -> None:
    text = (
        f'<ovf:Envelope xmlns:ovf="{OVF1}/" xmlns:ovirt="http://www.ovirt.org/ovf" ovf:version="0.9">'
        '<References/><DiskSection><Info>x</Info></DiskSection><VirtualSystem ovf:id="VM"/></ovf:Envelope>'
    )
    assert ovfkit.detect_dialect(_load(text)) == "ovirt"


def test_ova_flavour() -> None:
    text = (
        f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}" xmlns:ovirt="http://www.ovirt.org/ovf">'
        '<References/><VirtualSystem ovf:id="x"><Info>i</Info></VirtualSystem></Envelope>'
    )
    envelope = _load(text)
    assert ovfkit.detect_dialect(envelope) == "ovirt-ova"
    assert flavour(envelope) == "ovirt-ova"


def test_prefixed_dmtf_is_not_ovirt() -> None:
    text = (
        f'<ovf:Envelope xmlns:ovf="{OVF1}" xmlns:rasd="{RASD}">'
        '<ovf:References/><ovf:VirtualSystem ovf:id="x"><ovf:Info>i</ovf:Info></ovf:VirtualSystem>'
        "</ovf:Envelope>"
    )
    envelope = _load(text)
    assert ovfkit.detect_dialect(envelope) == "dmtf"
    assert not is_ovirt(envelope)
    assert flavour(envelope) is None


def test_ovf2_namespace_is_not_the_ovirt_flavour() -> None:
    text = (
        '<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/2" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><References/>'
        '<Content ovf:id="out" xsi:type="ovf:VirtualSystem_Type"/></ovf:Envelope>'
    )
    envelope = _load(text)
    assert ovfkit.detect_dialect(envelope) == "dmtf"
    assert ovfkit.ovf_version(envelope) == "2.x"


@pytest.mark.parametrize(
    ("declarations", "dialect"),
    [
        ('xmlns:vmw="http://www.vmware.com/schema/ovf"', "vmware"),
        ('xmlns:vcloud="http://www.vmware.com/vcloud/v1"', "vmware"),
        ('xmlns:vbox="http://www.virtualbox.org/ovf/machine"', "virtualbox"),
        ('xmlns:xenovf="http://schemas.citrix.com/ovf/envelope/1"', "xen"),
        ("", "dmtf"),
    ],
)
def test_vendors(declarations: str, dialect: str) -> None:
    text = f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}" {declarations}><References/></Envelope>'
    assert ovfkit.detect_dialect(_load(text)) == dialect


def test_ovf_09() -> None:
    text = '<Envelope xmlns="http://www.vmware.com/schema/ovf/1/envelope"><References/></Envelope>'
    envelope = _load(text)
    assert ovfkit.detect_dialect(envelope) == "ovf-0.9"
    assert ovfkit.ovf_version(envelope) == "0.9"


def test_model_built_in_code() -> None:
    envelope = Envelope()
    assert ovfkit.detect_dialect(envelope) == "dmtf"
    assert ovfkit.ovf_version(envelope) == "1.x"


def test_names() -> None:
    assert set(OVIRT_DIALECTS) <= set(DIALECTS)
    assert DIALECTS == ("ovirt", "ovirt-ova", "ovf-0.9", "vmware", "virtualbox", "xen", "dmtf")


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (FIXTURES / "ovirt").rglob("*.ovf") if "malformed" not in p.parts),
    ids=lambda p: p.name,
)
def test_ovirt_fixtures(path: Path) -> None:
    expected = "ovirt-ova" if path.parent.name == "ova" else "ovirt"
    envelope = ovfkit.load(path)
    assert isinstance(envelope, Envelope)
    assert ovfkit.detect_dialect(envelope) == expected


@needs_corpus
@pytest.mark.parametrize(
    "path", sorted((CORPUS / "ovirt").glob("*.ovf")) if CORPUS.is_dir() else [], ids=lambda p: p.name
)
def test_every_corpus_ovirt_file_is_the_ovirt_flavour(path: Path) -> None:
    envelope = ovfkit.load(path)
    assert isinstance(envelope, Envelope)
    assert ovfkit.detect_dialect(envelope) == "ovirt"

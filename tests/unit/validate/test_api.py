"""``validate``, ``is_valid``, ``iter_diagnostics``: inputs, profiles, hostile input, threat-model faults."""

from __future__ import annotations

import codecs
import gzip
import importlib
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import ovfkit
from ovfkit.errors import OvfSecurityError
from ovfkit.schema.xsd import XsdCheck
from ovfkit.validate import ValidationUsageError, is_valid, iter_diagnostics, validate
from ovfkit.xmlio.safe import Limits
from tests.unit.validate.documents import OVIRT, VALID, changed, line_of

DATA = VALID.encode("utf-8")
#: The module (``ovfkit.validate.validate`` is the function of the same name).
validate_api = importlib.import_module("ovfkit.validate.api")


def codes_at(data: bytes, **options: object) -> list[tuple[str, int | None]]:
    return [(d.code, d.line) for d in validate(data, **options).diagnostics]  # type: ignore[arg-type]


# -- inputs -----------------------------------------------------------------------------------


def test_valid_document_from_every_kind_of_source(tmp_path: Path) -> None:
    path = tmp_path / "vm.ovf"
    path.write_bytes(DATA)
    for source in (DATA, VALID, str(path), path, io.BytesIO(DATA)):
        report = validate(source)
        assert report.ok and report.diagnostics == (), source
    report = validate(path)
    assert (report.file, report.dialect, report.ovf_version, report.schema) == (
        str(path),
        "vmware",
        "1.x",
        "dsp8023_1.1.1",
    )
    assert is_valid(path)
    assert list(iter_diagnostics(path)) == []


def test_a_loaded_model_is_validated_as_it_writes() -> None:
    model = ovfkit.loads(changed('ovf:fileRef="file1"', 'ovf:fileRef="file9"'))
    report = validate(model)
    assert report.file == "<model>"
    assert ("R101", 8) in [(d.code, d.line) for d in report.diagnostics]
    assert validate(model, name="edited.ovf").file == "edited.ovf"


def test_environment_documents_are_checked_against_dsp8027() -> None:
    env = (
        b'<?xml version="1.0"?>\n<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" '
        b'xmlns:oe="http://schemas.dmtf.org/ovf/environment/1" oe:id="vm">\n'
        b'  <PropertySection>\n    <Property oe:key="a" oe:value="1"/>\n  </PropertySection>\n'
        b"</Environment>\n"
    )
    report = validate(env)
    assert report.ok and report.schema == "dsp8027_1.1.0" and report.dialect == "environment"
    broken = env.replace(b"<PropertySection>", b"<PropertySection><Bogus/>")
    assert [d.code for d in validate(broken).diagnostics] == ["S001"]


def test_missing_file_and_misuse_raise() -> None:
    with pytest.raises(ovfkit.OvfParseError, match="no such file"):
        validate("does/not/exist.ovf")
    with pytest.raises(ValidationUsageError, match="unknown validation profile 'lenient'"):
        validate(DATA, profile="lenient")
    with pytest.raises(ValidationUsageError):
        validate(DATA, select="Q")


def test_select_skips_the_xsd_when_no_s_code_is_selected() -> None:
    data = changed('<OperatingSystemSection ovf:id="101">', '<OperatingSystemSection ovf:id="-100">')
    assert [d.code for d in validate(data).diagnostics] == ["S004"]
    assert validate(data, select="R").diagnostics == ()
    assert validate(data, ignore="S004").diagnostics == ()


# -- unreadable and hostile input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "line"),
    [
        (b"", "X001", 1),
        (b"<Envelope", "X001", 1),
        (DATA[: len(DATA) // 2], "X001", None),
        (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<Envelope/>', "X002", 2),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "file:///etc/passwd">\n<x>&xxe;</x>',
            "X002",
            2,
        ),
        (codecs.BOM_UTF16_LE + '<!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-16-le"), "X002", 1),
        (b'<?xml version="1.0" encoding="UTF-7"?>\n<x/>', "X002", 1),
        (
            b'<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1">'
            + b"<a>" * 200
            + b"</a>" * 200
            + b"</Envelope>",
            "X002",
            1,
        ),
        (gzip.compress(DATA), "X005", 1),
        (b"<x>\xff</x>", "X004", 1),
        (b'<?xml version="1.0" encoding="x-nonsense"?><x/>', "X004", 1),
        (b"<root xmlns='http://example.com/'/>", "X003", 1),
    ],
)
def test_unreadable_input_is_one_x_error(data: bytes, code: str, line: int | None) -> None:
    report = validate(data)
    assert not report.ok
    assert [d.code for d in report.diagnostics] == [code]
    if line is not None:
        assert report.diagnostics[0].line == line
    assert len(report.diagnostics[0].message) <= 300


def test_limits_are_respected() -> None:
    report = validate(DATA, limits=Limits(max_bytes=100))
    assert [d.code for d in report.diagnostics] == ["X002"]


def test_utf16_document_validates_like_utf8() -> None:
    data = VALID.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert validate(data).ok


def test_ova_packages_validate_their_descriptor(tmp_path: Path) -> None:
    import tarfile

    path = tmp_path / "app.ova"
    bad = changed('ovf:fileRef="file1"', 'ovf:fileRef="file9"')
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as archive:
        info = tarfile.TarInfo("vm.ovf")
        info.size = len(bad)
        archive.addfile(info, io.BytesIO(bad))
    report = validate(path)
    assert report.file == f"{path}!vm.ovf"
    assert ("R101", 8) in [(d.code, d.line) for d in report.diagnostics]
    junk = tmp_path / "junk.ova"
    junk.write_bytes(b"not a tar archive" * 40)
    assert [d.code for d in validate(junk).diagnostics] == ["X003"]


def test_ova_whose_descriptor_is_not_the_first_member_is_a_tolerated_input(tmp_path: Path) -> None:
    import tarfile

    path = tmp_path / "late.ova"
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as archive:
        for member, data in (("disk1.vmdk", b"\0" * 1024), ("vm.ovf", VALID.encode())):
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    found = [d for d in validate(path).diagnostics if d.code == "X006"]
    assert len(found) == 1 and "not the first" in found[0].message


# -- profiles ---------------------------------------------------------------------------------


def test_relaxed_allows_vendor_sections_that_strict_rejects() -> None:
    section = '<vmw:IpAssignmentSection ovf:required="false"><Info>IP</Info></vmw:IpAssignmentSection>'
    data = changed("  <DiskSection>", f"  {section}\n  <DiskSection>")
    assert validate(data).ok
    strict = validate(data, profile="strict")
    assert [(d.code, d.line) for d in strict.diagnostics] == [("S001", 6)]
    assert "vmw:IpAssignmentSection" in strict.diagnostics[0].message


def test_relaxed_still_finds_errors_hidden_behind_a_vendor_element() -> None:
    data = changed(
        "        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>",
        "        <vmw:Hint>x</vmw:Hint>\n        <rasd:Bogus>1</rasd:Bogus>",
    )
    found = validate(data).diagnostics
    assert [(d.code, d.line) for d in found] == [("S001", line_of(data, "<rasd:Bogus>"))]
    assert "rasd:Bogus" in found[0].message


def test_ovirt_flavour_has_no_schema_and_gets_o_rules() -> None:
    data = OVIRT.encode()
    relaxed = validate(data)
    assert relaxed.dialect == "ovirt" and relaxed.schema is None
    assert [d.code for d in relaxed.diagnostics] == ["S006"]
    assert [d.code for d in validate(data, profile="ovirt").diagnostics] == ["S006"]
    assert [d.code for d in validate(data, profile="strict").diagnostics] == ["S005"]


# -- the semantic faults of the threat model --------------------------------------------------


UNITS = "        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>"
QUANTITY = "        <rasd:VirtualQuantity>1024</rasd:VirtualQuantity>"


@pytest.mark.parametrize(
    ("units", "code"), [("block", "H101"), ("byte + 2^10", "H101"), ("byte * 2^4294967296", "H103")]
)
def test_malformed_allocation_units(units: str, code: str) -> None:
    data = changed(UNITS, f"        <rasd:AllocationUnits>{units}</rasd:AllocationUnits>")
    assert codes_at(data, select="H101,H103") == [(code, line_of(data, units))]
    capacity = changed('ovf:capacityAllocationUnits="byte * 2^30"', f'ovf:capacityAllocationUnits="{units}"')
    assert codes_at(capacity, select="H101,H103") == [(code, 8)]


@pytest.mark.parametrize(
    ("number", "code"),
    [("-1", "H102"), ("1_000", "H102"), ("12.0", "H102"), ("١٠٢٤", "H102"), ("9" * 5000, "H103")],
)
def test_numbers_that_are_not_unsigned_long(number: str, code: str) -> None:
    data = changed(QUANTITY, f"        <rasd:VirtualQuantity>{number}</rasd:VirtualQuantity>")
    found = validate(data, select="H102,H103").diagnostics
    assert [(d.code, d.line) for d in found] == [(code, line_of(data, f">{number}<"))]
    assert len(found[0].message) < 300
    capacity = changed('ovf:capacity="1"', f'ovf:capacity="{number}"')
    assert codes_at(capacity, select="H102,H103") == [(code, 8)]
    size = changed('ovf:size="1048576"', f'ovf:size="{number}"')
    assert codes_at(size, select="H102,H103") == [(code, 4)]


def test_sizes_that_overflow_2_to_the_64() -> None:
    data = changed('ovf:size="1048576"', 'ovf:size="18446744073709551616"')
    assert codes_at(data, select="H103") == [("H103", 4)]
    data = changed(QUANTITY, "        <rasd:VirtualQuantity>17592186044416</rasd:VirtualQuantity>")
    assert codes_at(data, select="H103") == [("H103", line_of(data, "17592186044416"))]
    huge = "18446744073709551616"
    data = changed(QUANTITY, f"        <rasd:Reservation>{huge}</rasd:Reservation>\n{QUANTITY}")
    assert codes_at(data, select="H103") == [("H103", line_of(data, huge))]


def test_unknown_resource_type_with_and_without_required_false() -> None:
    required = changed(
        "<rasd:ResourceType>10</rasd:ResourceType>", "<rasd:ResourceType>35</rasd:ResourceType>"
    )
    assert codes_at(required, select="H104,H105") == [("H104", line_of(required, ">35<"))]
    optional = required.replace(
        b"      <Item>\n        <rasd:Address>00:50",
        b'      <Item ovf:required="false">\n        <rasd:Address>00:50',
    )
    assert codes_at(optional, select="H104,H105") == [("H105", line_of(optional, ">35<"))]


def test_unknown_required_section() -> None:
    data = changed(
        "  <DiskSection>",
        '  <ext:ToolsSection xmlns:ext="urn:example"><Info>x</Info></ext:ToolsSection>\n  <DiskSection>',
    )
    assert codes_at(data, select="S104") == [("S104", 6)]


@pytest.mark.parametrize(
    ("mac", "code"),
    [
        ("00:50:56:zz:02:03", "N102"),
        ("0050.56", "N102"),
        ("ff:ff:ff:ff:ff:ff", "N103"),
        ("00-00-00-00-00-00", "N104"),
    ],
)
def test_bad_mac_addresses(mac: str, code: str) -> None:
    data = changed("<rasd:Address>00:50:56:01:02:03</rasd:Address>", f"<rasd:Address>{mac}</rasd:Address>")
    assert codes_at(data, select="N") == [(code, line_of(data, mac))]


def test_property_reference_to_an_undefined_property() -> None:
    data = changed('ovf:capacity="1"', 'ovf:capacity="${nothing}"')
    assert codes_at(data, select="P,H") == [("P101", 8)]


@pytest.mark.parametrize(
    ("href", "code"),
    [
        ("/etc/passwd", "K101"),
        ("C:\\\\disks\\\\disk1.vmdk", "K101"),
        ("file:///etc/passwd", "K101"),
        ("https://example.com/disk1.vmdk", "K102"),
        ("../../etc/passwd", "K103"),
        ("%2e%2e/disk1.vmdk", "K103"),
        ("*.vmdk", "K104"),
        ("disk&#9;1.vmdk", "K105"),
        ("cafe\u0301.vmdk", "K105"),
        ("disks\\disk1.vmdk", "K105"),
        ("", "K105"),
    ],
)
def test_hrefs_that_leave_the_package(href: str, code: str) -> None:
    data = changed('ovf:href="disk1.vmdk"', f'ovf:href="{href}"')
    assert (code, 4) in codes_at(data, select="K")


def test_dangling_references_parent_cycles_duplicates_and_configurations() -> None:
    data = changed("<rasd:Parent>3</rasd:Parent>", "<rasd:Parent>4</rasd:Parent>")
    assert ("R105", line_of(data, "<rasd:Parent>4")) in codes_at(data, select="R")
    data = changed("<rasd:InstanceID>5</rasd:InstanceID>", "<rasd:InstanceID>4</rasd:InstanceID>")
    assert codes_at(data, select="R106") == [("R106", 64)]
    assert validate(data, select="R106").diagnostics[0].path == (
        "/Envelope/VirtualSystem/VirtualHardwareSection/Item[5]/rasd:InstanceID"
    )
    data = changed(
        "      <Item>\n        <rasd:AllocationUnits>byte",
        '      <Item ovf:configuration="big">\n        <rasd:AllocationUnits>byte',
    )
    assert codes_at(data, select="R107") == [("R107", line_of(data, 'configuration="big"'))]


@pytest.mark.parametrize("profile", ["relaxed", "strict"])
def test_the_benchmark_descriptor_is_clean(profile: str) -> None:
    from bench.generate import DISKS_PER_CONTROLLER, descriptor
    from ovfkit.model import VirtualHardwareSection

    data = descriptor(items=700, disks=40)
    assert validate(data, profile=profile).diagnostics == ()
    model = ovfkit.loads(data)
    assert isinstance(model, ovfkit.Envelope)
    (hardware,) = [s for s in model.virtual_systems()[0].sections if isinstance(s, VirtualHardwareSection)]
    drives = len(range(0, 700, 3))
    controllers = -(-drives // DISKS_PER_CONTROLLER)
    assert len(hardware.items) == 701
    assert [int(i.resource_type or 0) for i in hardware.items].count(6) == controllers == 16


# -- the XSD check on a worker thread ---------------------------------------------------------

_VENDOR = '<vmw:IpAssignmentSection ovf:required="false"><Info>IP</Info></vmw:IpAssignmentSection>'
#: Documents whose reports must not depend on where the XSD check ran: valid, with an XSD error,
#: with an error behind a vendor element (the relaxed profile checks a pruned copy), oVirt-flavoured
#: (its schema is known only once the model is read), and with rule findings.
THREAD_CASES = {
    "valid": DATA,
    "xsd-error": changed("<rasd:InstanceID>5</rasd:InstanceID>", "<rasd:InstanceID>5</rasd:InstanceID><x/>"),
    "behind-vendor": changed("  <DiskSection>", f"  {_VENDOR}\n  <DiskSection><Bad/>"),
    "ovirt": OVIRT.encode("utf-8"),
    "rules": changed('ovf:fileRef="file1"', 'ovf:fileRef="file9"'),
}


def _reports(data: bytes, profile: str, minimum: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(validate_api, "BACKGROUND_XSD_MIN_BYTES", minimum)
    report = validate(data, profile=profile)
    return [d.format() for d in report.diagnostics] + [str((report.dialect, report.schema))]


@pytest.mark.parametrize("profile", ["relaxed", "strict", "ovirt"])
@pytest.mark.parametrize("case", sorted(THREAD_CASES))
def test_the_background_xsd_check_reports_what_the_synchronous_one_does(
    case: str, profile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = THREAD_CASES[case]
    started: list[str] = []
    start = validate_api.XsdCheck

    def spy(root: object, key: str, *, prune_foreign: bool) -> XsdCheck:
        started.append(key)
        return start(root, key, prune_foreign=prune_foreign)

    monkeypatch.setattr(validate_api, "XsdCheck", spy)
    synchronous = _reports(data, profile, 2**62, monkeypatch)
    assert started == []
    background = _reports(data, profile, 0, monkeypatch)
    assert background == synchronous
    assert bool(started) == (profile != "ovirt" and case != "ovirt")  # a prefixed envelope waits
    if case in ("xsd-error", "behind-vendor") and profile != "ovirt":
        assert any(line.split(" ")[1].startswith("S0") for line in synchronous[:-1]), synchronous


def test_a_read_failure_waits_for_the_background_check(monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[XsdCheck] = []
    start = validate_api.XsdCheck

    def spy(root: object, key: str, *, prune_foreign: bool) -> XsdCheck:
        checks.append(start(root, key, prune_foreign=prune_foreign))
        return checks[-1]

    def refuse(*_: object) -> None:
        raise OvfSecurityError("too many elements", source="x", line=3, column=1)

    monkeypatch.setattr(validate_api, "BACKGROUND_XSD_MIN_BYTES", 0)
    monkeypatch.setattr(validate_api, "XsdCheck", spy)
    monkeypatch.setattr(validate_api, "read_tree", refuse)
    report = validate(DATA)
    assert [(d.code, d.line) for d in report.diagnostics] == [("X002", 3)]
    assert len(checks) == 1 and not checks[0]._thread.is_alive()


@pytest.mark.parametrize("minimum", [0, 2**62])
def test_threads_validating_at_once_get_their_own_results(
    minimum: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compiled schemas are shared; each validation still sees only its own document's errors."""
    cases = list(THREAD_CASES.values()) * 4
    expected = [[d.format() for d in validate(data).diagnostics] for data in cases]
    monkeypatch.setattr(validate_api, "BACKGROUND_XSD_MIN_BYTES", minimum)
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda data: [d.format() for d in validate(data).diagnostics], cases))
    assert found == expected


def test_xsd_suffixed_namespaces_are_checked_as_meant_and_noted() -> None:
    """VirtualBox's OVF 2.0 export: sasd/epasd namespaces with '.xsd' appended, read as the DMTF ones."""
    from tests.unit.schema.test_xsd import SUFFIXED_ITEM

    wrong_order = SUFFIXED_ITEM.replace(
        "<sasd:ElementName>disk1</sasd:ElementName>\n        <sasd:InstanceID>8</sasd:InstanceID>",
        "<sasd:InstanceID>8</sasd:InstanceID>\n        <sasd:ElementName>disk1</sasd:ElementName>",
    ).encode()
    report = validate(wrong_order, select="S0,X006")
    assert [(d.code, d.line, d.column) for d in report.diagnostics] == [("X006", 1, 1), ("S001", 11, 9)]
    assert "'.xsd' appended" in report.diagnostics[0].message
    assert report.diagnostics[1].message.startswith("Element 'sasd:InstanceID': This element is not expected")
    assert (
        report.diagnostics[1].path
        == "/Envelope/VirtualSystem/VirtualHardwareSection/StorageItem/sasd:InstanceID"
    )
    assert [d.code for d in validate(SUFFIXED_ITEM.encode(), select="S0").diagnostics] == []


def test_a_namespace_that_names_a_dmtf_class_but_is_not_its_namespace_is_noted() -> None:
    """A hand-written descriptor binds rasd to '.../CIM_ResourceAllocationSettingData' without the path."""
    from tests.unit.validate.documents import VALID

    wrong = "http://schemas.dmtf.org/CIM_ResourceAllocationSettingData"
    right = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    report = validate(VALID.replace(right, wrong).encode(), select="X006,S002")
    notes = [d.message for d in report.diagnostics if d.code == "X006"]
    assert len(notes) == 1 and f"{wrong!r} names a DMTF class but is not its namespace {right!r}" in notes[0]
    missing = [d.message for d in report.diagnostics if d.code == "S002"]
    # the document binds rasd to the other namespace: the names expected keep their own
    assert missing and f"Expected is one of ( {{{right}}}Address," in missing[0]
    assert [d.code for d in validate(VALID.encode(), select="X006").diagnostics] == []

"""The adversarial cases: hostile and broken inputs of every class of the threat model, built on the fly.

Nothing hostile is committed: each case is a function that builds its input (descriptor bytes, a JSON
document or an OVA archive) for one ``Trap`` (canary file, loopback listener, the case's folder). The
classes follow ``../shared/design/threat-model.md``: ``xml``, ``ova``, ``manifest`` (manifest and
certificate), ``semantic`` and ``error-output``. What each entry point must do with a case is in
``Case``; ``tests/adversarial/test_entry_points.py`` runs them all.
"""

from __future__ import annotations

import bz2
import datetime as dt
import functools
import gzip
import hashlib
import io
import json
import lzma
import tarfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tests.adversarial.traps import Trap

OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
VSSD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MiB = 1024 * 1024

#: The classes of the threat model, in its order.
THREATS = ("xml", "ova", "manifest", "semantic", "error-output")

#: The disk file of every package (its size is the File's ovf:size in ``descriptor``).
DISK = b"KDMV" + bytes(range(256)) * 4
DISK_NAME = "disk1.vmdk"


# -- descriptors -------------------------------------------------------------------------------------

_ITEMS = """\
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:Description>Number of virtual CPUs</rasd:Description>
        <rasd:ElementName>2 virtual CPUs</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>{memory_units}</rasd:AllocationUnits>
        <rasd:Description>Memory size</rasd:Description>
        <rasd:ElementName>1024 MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>{memory}</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Description>SCSI Controller</rasd:Description>
        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk 1</rasd:ElementName>
        <rasd:HostResource>{host_resource}</rasd:HostResource>
        <rasd:InstanceID>{disk_instance}</rasd:InstanceID>
        <rasd:Parent>{disk_parent}</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item{nic_attrs}>
        <rasd:Address>{mac}</rasd:Address>
        <rasd:AddressOnParent>7</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>{connection}</rasd:Connection>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
        <rasd:ResourceType>{nic_type}</rasd:ResourceType>
      </Item>
{extra_items}"""

_DESCRIPTOR = """\
<?xml version="1.0" encoding="UTF-8"?>
{head}<Envelope xmlns="{ovf}" xmlns:ovf="{ovf}" xmlns:rasd="{rasd}" xmlns:vssd="{vssd}" \
xmlns:xsi="{xsi}"{root_attrs}>
  <References>
    <File ovf:href="{href}" ovf:id="file1" ovf:size="{file_size}"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:capacity="{capacity}" ovf:capacityAllocationUnits="{capacity_units}" ovf:diskId="vmdisk1" \
ovf:fileRef="{file_ref}" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="VM Network">
      <Description>The VM Network network</Description>
    </Network>
  </NetworkSection>
{envelope_sections}  <VirtualSystem ovf:id="vm">
    <Info>{info}</Info>
    <Name>vm</Name>
{system_sections}    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>vm</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>
      </System>
{items}    </VirtualHardwareSection>
{after_hardware}  </VirtualSystem>
</Envelope>
"""

_DEFAULTS: dict[str, str] = {
    "head": "",
    "root_attrs": "",
    "href": DISK_NAME,
    "file_size": str(len(DISK)),
    "capacity": "1",
    "capacity_units": "byte * 2^30",
    "file_ref": "file1",
    "envelope_sections": "",
    "info": "A virtual machine",
    "system_sections": "",
    "after_hardware": "",
    "memory_units": "byte * 2^20",
    "memory": "1024",
    "host_resource": "ovf:/disk/vmdisk1",
    "disk_instance": "4",
    "disk_parent": "3",
    "nic_attrs": "",
    "mac": "00:50:56:01:02:03",
    "connection": "VM Network",
    "nic_type": "10",
    "extra_items": "",
}


def descriptor(**fields: str) -> str:
    """A valid OVF 1.x descriptor (validate: no errors) with ``fields`` replacing its defaults."""
    unknown = set(fields) - set(_DEFAULTS)
    if unknown:
        raise KeyError(f"unknown descriptor fields: {sorted(unknown)}")
    values = {**_DEFAULTS, **fields}
    items = _ITEMS.format(**values)
    return _DESCRIPTOR.format(ovf=OVF1, rasd=RASD, vssd=VSSD, xsi=XSI, items=items, **values)


def good_descriptor() -> bytes:
    """The valid descriptor every ``diff`` compares a case with."""
    return descriptor().encode()


# -- tar archives, built by hand where tarfile would refuse or fix up what a case needs ----------------

BLOCK = 512


def _octal(value: int, width: int) -> bytes:
    return f"{value:0{width - 1}o}".encode() + b"\x00"


def tar_header(
    name: bytes | str,
    size: int,
    *,
    typeflag: bytes = b"0",
    linkname: bytes | str = b"",
    prefix: bytes | str = b"",
    extra: dict[int, bytes] | None = None,
) -> bytes:
    """One ustar header block, byte by byte (any name bytes, any declared size, any type)."""
    raw_name = name.encode("utf-8", "surrogateescape") if isinstance(name, str) else name
    raw_link = linkname.encode() if isinstance(linkname, str) else linkname
    raw_prefix = prefix.encode() if isinstance(prefix, str) else prefix
    header = bytearray(BLOCK)
    header[0:100] = raw_name[:100].ljust(100, b"\x00")
    header[100:108] = _octal(0o644, 8)
    header[108:116] = _octal(0, 8)
    header[116:124] = _octal(0, 8)
    if size < 8**11:
        header[124:136] = _octal(size, 12)
    else:  # GNU base-256 for sizes beyond 8 GiB
        header[124:136] = b"\x80" + size.to_bytes(11, "big")
    header[136:148] = _octal(1_700_000_000, 12)
    header[156:157] = typeflag
    header[157:257] = raw_link[:100].ljust(100, b"\x00")
    header[257:263] = b"ustar\x00"
    header[263:265] = b"00"
    header[345:500] = raw_prefix[:155].ljust(155, b"\x00")
    for offset, value in (extra or {}).items():
        header[offset : offset + len(value)] = value
    header[148:156] = b" " * 8
    checksum = sum(header)
    header[148:156] = f"{checksum:06o}".encode() + b"\x00 "
    return bytes(header)


def pad(data: bytes) -> bytes:
    """``data`` padded with zeros to a whole number of blocks."""
    return data + bytes(-len(data) % BLOCK)


def member(name: bytes | str, data: bytes = b"", **header: Any) -> bytes:
    """A regular member: header, data, padding."""
    return tar_header(name, len(data), **header) + pad(data)


def pax_record(key: str, value: bytes | str) -> bytes:
    """One pax record (``"%d key=value\\n"``), its length counting itself."""
    body = f" {key}=".encode() + (value.encode() if isinstance(value, str) else value) + b"\n"
    length = len(body) + 1
    while len(str(length)) + len(body) != length:
        length = len(str(length)) + len(body)
    return str(length).encode() + body


def pax_member(records: bytes, typeflag: bytes = b"x") -> bytes:
    """A pax extended header (``x`` for the next member, ``g`` global) holding ``records``."""
    return member("PaxHeader/x", records, typeflag=typeflag)


def end() -> bytes:
    """The end-of-archive marker (two zero blocks)."""
    return bytes(2 * BLOCK)


def manifest_for(files: list[tuple[str, bytes]], algorithm: str = "SHA256") -> bytes:
    """A manifest of ``files`` in ovftool's form, ``ALG(name)= hex``."""
    return "".join(
        f"{algorithm}({name})= {hashlib.new(algorithm.lower(), data).hexdigest()}\n" for name, data in files
    ).encode()


def package(
    ovf: bytes,
    *,
    manifest: bytes | None = None,
    cert: bytes | None = None,
    members: list[bytes] | None = None,
    before: list[bytes] | None = None,
) -> bytes:
    """An OVA: ``vm.ovf``, ``vm.mf`` (SHA256 of the other members unless given), ``vm.cert``, the disk.

    ``members`` replaces the disk member; ``before`` goes in front of the descriptor.
    """
    if manifest is None:
        manifest = manifest_for([("vm.ovf", ovf), (DISK_NAME, DISK)])
    parts = [*(before or []), member("vm.ovf", ovf), member("vm.mf", manifest)]
    if cert is not None:
        parts.append(member("vm.cert", cert))
    parts.extend(members if members is not None else [member(DISK_NAME, DISK)])
    return b"".join(parts) + end()


# -- keys and certificates -----------------------------------------------------------------------------


@functools.cache
def _key(bits: int, which: str = "signer") -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def certificate(
    key: Any, *, days: tuple[int, int] = (-1, 365), name: str = "ovfkit adversarial signer"
) -> Any:
    """A self-signed certificate for ``key``, valid from ``days[0]`` to ``days[1]`` days from now."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=days[0]))
        .not_valid_after(now + dt.timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


def pem(cert: Any) -> bytes:
    """A certificate as PEM."""
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM)  # type: ignore[no-any-return]


def signature(key: Any, data: bytes) -> str:
    """The hex RSA PKCS#1 v1.5 SHA256 signature of ``data``."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return key.sign(data, padding.PKCS1v15(), hashes.SHA256()).hex()  # type: ignore[no-any-return]


def cert_file(key: Any, cert: Any, manifest: bytes, *, target: str = "vm.mf") -> bytes:
    """A ``.cert`` file: ``SHA256(vm.mf)= signature`` and the PEM certificate."""
    return f"SHA256({target})= {signature(key, manifest)}\n".encode() + pem(cert)


def _signed(
    trap: Trap, *, bits: int = 2048, days: tuple[int, int] = (-1, 365), tamper: bool = False
) -> bytes:
    ovf = good_descriptor()
    manifest = manifest_for([("vm.ovf", ovf), (DISK_NAME, DISK)])
    key = _key(bits)
    cert = certificate(key, days=days)
    signed = manifest + b"\n" if tamper else manifest
    (trap.folder / "trust.pem").write_bytes(pem(cert))
    return package(ovf, manifest=manifest, cert=cert_file(key, cert, signed))


# -- the cases -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile or broken input and what every entry point must do with it.

    ``kind`` is the input's form: ``xml`` (a descriptor; also run as the ``.ovf`` of an OVA), ``ova``
    (a package) or ``json`` (``ovfkit convert``'s JSON input). ``loads`` False means every way of
    loading it must raise an ``OvfError`` (and the CLI exit 2, ``validate``/``ova verify`` exit 1);
    True means loading may succeed (findings are data). ``validate_codes``/``verify_codes`` must be
    reported by ``ovfkit validate``/``ovfkit ova verify``; ``valid``/``verifies`` are positive controls
    (exit 0). ``verify_args`` are added to ``ova verify`` (``{trust}`` is the case's trust file).
    ``line`` is the line an error must name.
    """

    name: str
    threat: str
    kind: str
    build: Callable[[Trap], bytes]
    loads: bool = False
    validate_codes: tuple[str, ...] = ()
    verify_codes: tuple[str, ...] = ()
    verify_args: tuple[str, ...] = ()
    valid: bool = False
    verifies: bool = False
    line: int | None = None
    slow: bool = False

    @property
    def suffix(self) -> str:
        """The input file's suffix."""
        return {"xml": ".ovf", "ova": ".ova", "json": ".json"}[self.kind]


def _doc(**fields: str) -> Callable[[Trap], bytes]:
    return lambda trap: trap.fill(descriptor(**fields)).encode()


def _encoded(codec: str, label: str, bom: bytes = b"", **fields: str) -> Callable[[Trap], bytes]:
    def build(trap: Trap) -> bytes:
        text = trap.fill(descriptor(**fields)).replace('encoding="UTF-8"', f'encoding="{label}"', 1)
        return bom + text.encode(codec)

    return build


def _utf7_doctype(trap: Trap) -> bytes:
    text = trap.fill(descriptor(head='<!DOCTYPE Envelope [<!ENTITY x SYSTEM "{canary_url}">]>\n', info="&x;"))
    declaration, rest = text.split("?>", 1)
    rest = rest.replace("<", "+ADw-").replace(">", "+AD4-").replace("&", "+ACY-")
    return (declaration.replace("UTF-8", "UTF-7") + "?>" + rest).encode("ascii")


def _laughs(levels: int, fan: int, seed: str = "lol") -> str:
    entities = f'<!ENTITY l0 "{seed}">' + "".join(
        f'<!ENTITY l{i} "' + f"&l{i - 1};" * fan + '">' for i in range(1, levels)
    )
    return f"<!DOCTYPE Envelope [{entities}]>\n"


def _quadratic(trap: Trap) -> bytes:
    # 40 references to a 20,000-character entity: 800 KB, under libxml2's 1 MB amplification check.
    head = f'<!DOCTYPE Envelope [<!ENTITY a "{"x" * 20_000}">]>\n'
    return descriptor(head=head, info="&a;" * 40).encode()


def _compressed(kind: str) -> Callable[[Trap], bytes]:
    def build(trap: Trap) -> bytes:
        data = good_descriptor()
        if kind == "gzip":
            return gzip.compress(data)
        if kind == "xz":
            return lzma.compress(data)
        if kind == "bzip2":
            return bz2.compress(data)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("vm.ovf", data)
        return buffer.getvalue()

    return build


def _gzip_bomb(trap: Trap) -> bytes:
    # about 1 MB that gunzips to 2 GiB: a descriptor's start, then 128 gzip members of 16 MiB of spaces
    spaces = gzip.compress(b" " * (16 * MiB), 9)
    return gzip.compress(good_descriptor()[:-12]) + spaces * 128


def _oversized(trap: Trap) -> bytes:
    text = descriptor().encode()
    return text + b"<!--" + b"x" * (64 * MiB) + b"-->\n"


def _giant_text(trap: Trap) -> bytes:
    return descriptor(info="A" * (10 * MiB)).encode()


def _giant_attribute(trap: Trap) -> bytes:
    return descriptor(
        root_attrs=' xmlns:vmw="http://www.vmware.com/schema/ovf" vmw:x="' + "a" * (9 * MiB) + '"'
    ).encode()


def _deep(levels: int) -> Callable[[Trap], bytes]:
    def build(trap: Trap) -> bytes:
        nest = '<x:a xmlns:x="urn:x">' + "<x:a>" * (levels - 1) + "</x:a>" * levels
        return descriptor(after_hardware="    " + nest + "\n").encode()

    return build


def _element_flood(trap: Trap) -> bytes:
    return descriptor(after_hardware='<x:f xmlns:x="urn:x">' + "<a/>" * 1_100_000 + "</x:f>\n").encode()


def _comment_flood(trap: Trap) -> bytes:
    return descriptor(after_hardware="<!---->" * 2_100_000 + "\n").encode()


def _attribute_flood(trap: Trap) -> bytes:
    attributes = "".join(f' a{i}=""' for i in range(2_100_000))
    return descriptor(after_hardware=f'<x:f xmlns:x="urn:x"{attributes}/>\n').encode()


def _replace_bytes(old: bytes, new: bytes) -> Callable[[Trap], bytes]:
    return lambda trap: good_descriptor().replace(old, new, 1)


def _truncated(fraction: float) -> Callable[[Trap], bytes]:
    def build(trap: Trap) -> bytes:
        data = good_descriptor()
        return data[: int(len(data) * fraction)]

    return build


def _latin1_declared_utf8(trap: Trap) -> bytes:
    return descriptor(info="caf\u00e9 cr\u00e8me").encode("latin-1")


def _foreign_ovf_names(trap: Trap) -> bytes:
    foreign = (
        '<evil:DiskSection xmlns:evil="urn:evil"><evil:Info>x</evil:Info>'
        '<evil:Disk ovf:diskId="vmdisk1" ovf:fileRef="{canary}" ovf:capacity="18446744073709551616"/>'
        "</evil:DiskSection>\n"
        '<evil:VirtualHardwareSection xmlns:evil="urn:evil"><evil:Item><rasd:InstanceID>1</rasd:InstanceID>'
        "</evil:Item></evil:VirtualHardwareSection>\n"
    )
    return trap.fill(descriptor(envelope_sections=foreign)).encode()


def _json_deep(trap: Trap) -> bytes:
    return b'{"ovfkit": "1", "kind": "envelope", "document": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"


def _json_huge_number(trap: Trap) -> bytes:
    return b'{"ovfkit": "1", "kind": "envelope", "document": {"version": 1' + b"0" * 100_000 + b"}}"


def _json_huge_wrong_value(trap: Trap) -> bytes:
    return b'{"ovfkit": "1", "kind": "envelope", "document": {"version": ["' + b"x" * MiB + b'"]}}'


def _json_layout_amplification(trap: Trap) -> bytes:
    """About 200 KB of JSON whose one 64 KiB layout 2,000 Items share: 128 MiB of XML, over ``max_bytes``."""
    import ovfkit
    from ovfkit.convert import to_json

    data = json.loads(to_json(ovfkit.loads(good_descriptor())))
    system = data["document"]["content"]
    section = next(s for s in system["sections"] if s["kind"] == "VirtualHardwareSection")
    first = section["items"][0]
    data["layouts"][first["xml"]]["gaps"][0] = "\n" + " " * 64 * 1024
    section["items"] = [{**first, "instance_id": str(1000 + n)} for n in range(2000)]
    return json.dumps(data).encode()


def _json_mutated(mutate: Callable[[dict[str, Any], Trap], None]) -> Callable[[Trap], bytes]:
    """The JSON form of the good descriptor, changed by ``mutate(document, trap)``."""

    def build(trap: Trap) -> bytes:
        import ovfkit
        from ovfkit.convert import to_json

        data = json.loads(to_json(ovfkit.loads(good_descriptor())))
        mutate(data["document"], trap)
        return json.dumps(data).encode()

    return build


def _add_xinclude(document: dict[str, Any], trap: Trap) -> None:
    xinclude = "http://www.w3.org/2001/XInclude"
    document["extensions"] = [
        {
            "kind": "element",
            "name": "xi:include",
            "namespace": xinclude,
            "ns": [["xi", xinclude]],
            "attributes": [["href", trap.canary_url], ["parse", "text"]],
            "children": [],
            "gaps": [],
        },
        {"kind": "pi", "target": "xml-stylesheet", "text": f'href="{trap.http}/x.xsl"'},
    ]


def _doctype_declaration(document: dict[str, Any], trap: Trap) -> None:
    document["document"]["declaration"] = f'<?xml version="1.0"?><!DOCTYPE x SYSTEM "{trap.canary_url}">'


def _doctype_prolog(document: dict[str, Any], trap: Trap) -> None:
    document["document"]["prolog"] = [f'<!DOCTYPE Envelope SYSTEM "{trap.canary_url}">\n']


def _comment_breakout(document: dict[str, Any], trap: Trap) -> None:
    text = f'--><!DOCTYPE Envelope SYSTEM "{trap.canary_url}"><!--'
    document["document"]["prolog"] = [{"kind": "comment", "text": text}, "\n"]


def _entity_in_name(document: dict[str, Any], trap: Trap) -> None:
    document["attributes"] = {'a="&xxe;" b': "c"}


XML_CASES = [
    Case(
        "xxe-file",
        "xml",
        "xml",
        _doc(head='<!DOCTYPE Envelope [<!ENTITY x SYSTEM "{canary_url}">]>\n', info="&x;"),
    ),
    Case(
        "xxe-relative-file",
        "xml",
        "xml",
        _doc(head='<!DOCTYPE Envelope [<!ENTITY x SYSTEM "canary.txt">]>\n', info="&x;"),
    ),
    Case(
        "xxe-http",
        "xml",
        "xml",
        _doc(head='<!DOCTYPE Envelope [<!ENTITY x SYSTEM "{http}/xxe">]>\n', info="&x;"),
    ),
    Case(
        "parameter-entity-http",
        "xml",
        "xml",
        _doc(head='<!DOCTYPE Envelope [<!ENTITY % p SYSTEM "{http}/p.dtd"> %p;]>\n', info="&leak;"),
    ),
    Case(
        "parameter-entity-file",
        "xml",
        "xml",
        _doc(head='<!DOCTYPE Envelope [<!ENTITY % p SYSTEM "{canary_url}"> %p;]>\n'),
    ),
    Case("billion-laughs", "xml", "xml", _doc(head=_laughs(10, 10), info="&l9;")),
    Case("laughs-below-1mb", "xml", "xml", _doc(head=_laughs(5, 10, "x" * 50), info="&l4;")),
    Case("quadratic-blowup-800kb", "xml", "xml", _quadratic),
    Case("external-dtd-file", "xml", "xml", _doc(head='<!DOCTYPE Envelope SYSTEM "{canary_url}">\n')),
    Case("external-dtd-relative", "xml", "xml", _doc(head='<!DOCTYPE Envelope SYSTEM "canary.txt">\n')),
    Case(
        "external-dtd-http",
        "xml",
        "xml",
        _doc(head='<!DOCTYPE Envelope PUBLIC "-//x//y" "{http}/ovf.dtd">\n'),
    ),
    Case(
        "xinclude",
        "xml",
        "xml",
        _doc(
            after_hardware='    <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{canary_url}" '
            'parse="text"/>\n'
            '    <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{http}/x.xml"/>\n'
        ),
        loads=True,
    ),
    Case(
        "schema-location-anywhere",
        "xml",
        "xml",
        _doc(
            root_attrs=f' xsi:schemaLocation="{OVF1} {{http}}/dsp8023.xsd {RASD} {{canary_url}}"'
            ' xsi:noNamespaceSchemaLocation="{http}/none.xsd"'
        ),
        loads=True,
    ),
    Case(
        "utf16-bom-doctype",
        "xml",
        "xml",
        _encoded(
            "utf-16-le",
            "UTF-16",
            b"\xff\xfe",
            head='<!DOCTYPE Envelope [<!ENTITY x SYSTEM "{canary_url}">]>\n',
            info="&x;",
        ),
    ),
    Case(
        "utf16-no-bom-doctype",
        "xml",
        "xml",
        _encoded(
            "utf-16-le", "UTF-16", head='<!DOCTYPE Envelope [<!ENTITY % p SYSTEM "{http}/p.dtd"> %p;]>\n'
        ),
    ),
    Case(
        "utf16be-no-bom-doctype",
        "xml",
        "xml",
        _encoded("utf-16-be", "UTF-16BE", head='<!DOCTYPE Envelope SYSTEM "{canary_url}">\n'),
    ),
    Case(
        "utf32-doctype",
        "xml",
        "xml",
        _encoded("utf-32-le", "UTF-32", head='<!DOCTYPE Envelope SYSTEM "{http}/x">\n'),
    ),
    Case("utf7-doctype", "xml", "xml", _utf7_doctype),
    Case("gzip-input", "xml", "xml", _compressed("gzip")),
    Case("gzip-bomb", "xml", "xml", _gzip_bomb),
    Case("xz-input", "xml", "xml", _compressed("xz")),
    Case("bzip2-input", "xml", "xml", _compressed("bzip2")),
    Case("zip-input", "xml", "xml", _compressed("zip")),
    Case("oversized-input", "xml", "xml", _oversized, slow=True),
    Case("giant-text", "xml", "xml", _giant_text),
    Case("giant-attribute", "xml", "xml", _giant_attribute),
    Case("deep-nesting-200", "xml", "xml", _deep(200)),
    Case("deep-nesting-100000", "xml", "xml", _deep(100_000)),
    Case("element-flood", "xml", "xml", _element_flood),
    Case("comment-flood", "xml", "xml", _comment_flood),
    Case("attribute-flood", "xml", "xml", _attribute_flood, slow=True),
    Case(
        "invalid-utf8-bytes",
        "xml",
        "xml",
        _replace_bytes(b"A virtual machine", b"A virtual \xff\xfe machine"),
    ),
    Case("surrogate-bytes", "xml", "xml", _replace_bytes(b"A virtual machine", b"A \xed\xa0\x80 machine")),
    Case("nul-character-reference", "xml", "xml", _replace_bytes(b"A virtual machine", b"A &#0; machine")),
    Case("raw-control-character", "xml", "xml", _replace_bytes(b"A virtual machine", b"A \x01 machine")),
    Case("nul-bytes-only", "xml", "xml", lambda trap: bytes(4096)),
    Case("empty-file", "xml", "xml", lambda trap: b""),
    Case("whitespace-only", "xml", "xml", lambda trap: b" \n\t\r\n" * 100),
    Case("truncated-in-declaration", "xml", "xml", lambda trap: b'<?xml version="1.0" enc'),
    Case("truncated-at-third", "xml", "xml", _truncated(1 / 3)),
    Case("truncated-before-end", "xml", "xml", _truncated(0.995)),
    Case("declared-utf8-but-latin1", "xml", "xml", _latin1_declared_utf8),
    Case(
        "declared-utf16-but-utf8",
        "xml",
        "xml",
        _replace_bytes(b'encoding="UTF-8"', b'encoding="UTF-16"'),
        loads=True,
        validate_codes=("X006",),
    ),
    Case(
        "unknown-encoding-name",
        "xml",
        "xml",
        _replace_bytes(b'encoding="UTF-8"', b'encoding="x-no-such-charset"'),
    ),
    Case(
        "unknown-root-namespace",
        "xml",
        "xml",
        _replace_bytes(f'xmlns="{OVF1}"'.encode(), b'xmlns="urn:evil"'),
    ),
    Case(
        "look-alike-namespace",
        "xml",
        "xml",
        lambda trap: good_descriptor().replace(OVF1.encode(), b"http://schemas.dmtf.org/ovf/envelope/1/"),
        loads=True,
    ),
    Case("foreign-elements-with-ovf-names", "xml", "xml", _foreign_ovf_names, loads=True),
    Case("json-deep-nesting", "xml", "json", _json_deep),
    Case("json-huge-number", "xml", "json", _json_huge_number),
    Case("json-layout-amplification", "xml", "json", _json_layout_amplification),
    Case("json-xinclude-and-pi", "xml", "json", _json_mutated(_add_xinclude), loads=True),
    Case("json-doctype-in-declaration", "xml", "json", _json_mutated(_doctype_declaration)),
    Case("json-doctype-in-prolog", "xml", "json", _json_mutated(_doctype_prolog)),
    Case("json-comment-breakout", "xml", "json", _json_mutated(_comment_breakout)),
    Case("json-markup-in-attribute-name", "xml", "json", _json_mutated(_entity_in_name)),
]


# -- OVA ---------------------------------------------------------------------------------------------------


def _ova(
    *parts: bytes, ovf: bytes | None = None, first: bool = True, finish: bool = True
) -> Callable[[Trap], bytes]:
    """A package of the descriptor, its manifest and ``parts``: in front of the descriptor when ``first``
    (so that reading the descriptor meets them), else after the manifest (only a full read meets them).
    """

    def build(trap: Trap) -> bytes:
        descriptor_bytes = ovf if ovf is not None else good_descriptor()
        filled = b"".join(trap.fill(part.decode("latin-1")).encode("latin-1") for part in parts)
        head = member("vm.ovf", descriptor_bytes) + member(
            "vm.mf", manifest_for([("vm.ovf", descriptor_bytes), (DISK_NAME, DISK)])
        )
        body = filled + head if first else head + filled
        return body + (end() if finish else b"")

    return build


def _hostile_member(name: bytes | str, first: bool = True, **header: Any) -> Callable[[Trap], bytes]:
    return _ova(member(name, DISK, **header), first=first)


def _link(typeflag: bytes, target: str, first: bool = True) -> Callable[[Trap], bytes]:
    return _ova(tar_header(DISK_NAME, 0, typeflag=typeflag, linkname=target), first=first)


def _pax_path(path: str) -> Callable[[Trap], bytes]:
    return _ova(pax_member(pax_record("path", path)), member(DISK_NAME, DISK))


def _sparse(trap: Trap) -> bytes:
    # A GNU sparse header: 10 KB of archive declaring a 20 GiB file (realsize at offset 483).
    extra = {386: _octal(0, 12) + _octal(512, 12), 483: b"\x80" + (20 * 1024**3).to_bytes(11, "big")}
    sparse = tar_header(DISK_NAME, 512, typeflag=b"S", extra=extra) + bytes(BLOCK)
    return _ova(sparse)(trap)


def _pax_sparse(trap: Trap) -> bytes:
    records = pax_record("GNU.sparse.major", "1") + pax_record("GNU.sparse.realsize", str(20 * 1024**3))
    return _ova(pax_member(records), member(DISK_NAME, DISK))(trap)


def _declared_too_big(trap: Trap) -> bytes:
    return _ova(tar_header(DISK_NAME, 10 * 1024**3) + DISK, first=False, finish=False)(trap)


def _pax_size_too_big(trap: Trap) -> bytes:
    return _ova(pax_member(pax_record("size", str(20 * 1024**3))), member(DISK_NAME, DISK))(trap)


def _member_flood(trap: Trap) -> bytes:
    empty = b"".join(tar_header(f"f{i:05d}.txt", 0) for i in range(10_050))
    return _ova(empty)(trap)


def _huge_pax(trap: Trap) -> bytes:
    return _ova(pax_member(pax_record("comment", "x" * (2 * MiB))), member(DISK_NAME, DISK))(trap)


def _many_pax_headers(trap: Trap) -> bytes:
    headers = b"".join(pax_member(pax_record("comment", str(i))) for i in range(50))
    return _ova(headers, member(DISK_NAME, DISK))(trap)


def _full_package(trap: Trap) -> bytes:
    return package(good_descriptor())


def _truncated_package(cut: Callable[[bytes], int]) -> Callable[[Trap], bytes]:
    def build(trap: Trap) -> bytes:
        data = _full_package(trap)
        return data[: cut(data)]

    return build


def _ovf_not_first(trap: Trap) -> bytes:
    ovf = good_descriptor()
    manifest = manifest_for([("vm.ovf", ovf), (DISK_NAME, DISK)])
    return member(DISK_NAME, DISK) + member("vm.ovf", ovf) + member("vm.mf", manifest) + end()


def _two_ovf(trap: Trap) -> bytes:
    ovf = good_descriptor()
    evil = trap.fill(descriptor(info="second descriptor {http}")).encode()
    manifest = manifest_for([("vm.ovf", ovf), ("evil.ovf", evil), (DISK_NAME, DISK)])
    return (
        member("vm.ovf", ovf)
        + member("vm.mf", manifest)
        + member("evil.ovf", evil)
        + member(DISK_NAME, DISK)
        + end()
    )


def _duplicate_descriptor(trap: Trap) -> bytes:
    ovf = good_descriptor()
    evil = trap.fill(descriptor(head='<!DOCTYPE Envelope SYSTEM "{canary_url}">\n')).encode()
    manifest = manifest_for([("vm.ovf", ovf), (DISK_NAME, DISK)])
    return (
        member("vm.ovf", ovf)
        + member("vm.mf", manifest)
        + member(DISK_NAME, DISK)
        + member("vm.ovf", evil)
        + end()
    )


def _compressed_package(kind: str) -> Callable[[Trap], bytes]:
    def build(trap: Trap) -> bytes:
        data = _full_package(trap)
        if kind == "gzip":
            return gzip.compress(data)
        if kind == "xz":
            return lzma.compress(data)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("vm.ovf", good_descriptor())
        return buffer.getvalue()

    return build


def _data_after_end(trap: Trap) -> bytes:
    return _full_package(trap) + member("hidden.txt", b"hidden")


def _tarfile_symlink_to_canary(trap: Trap) -> bytes:
    # the same thing as _link, but written by tarfile as a GNU archive, as an attacker's tool would
    buffer = io.BytesIO()
    ovf = good_descriptor()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for name, data in (("vm.ovf", ovf), ("vm.mf", manifest_for([("vm.ovf", ovf), (DISK_NAME, DISK)]))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo(DISK_NAME)
        link.type = tarfile.SYMTYPE
        link.linkname = str(trap.canary)
        archive.addfile(link)
    return buffer.getvalue()


OVA_CASES = [
    Case("dotdot-name", "ova", "ova", _hostile_member("../../outside/evil.vmdk")),
    Case(
        "dotdot-name-after-descriptor",
        "ova",
        "ova",
        _hostile_member("../../outside/evil.vmdk", first=False),
        loads=True,
        verify_codes=("OVA101",),
    ),
    Case("absolute-name", "ova", "ova", lambda trap: _hostile_member(str(trap.outside / "evil.vmdk"))(trap)),
    Case("prefix-field-traversal", "ova", "ova", _hostile_member(DISK_NAME, prefix="../../outside")),
    Case("pax-path-dotdot", "ova", "ova", _pax_path("../outside/evil.vmdk")),
    Case("pax-path-absolute", "ova", "ova", lambda trap: _pax_path(str(trap.outside / "evil.vmdk"))(trap)),
    Case("backslash-name", "ova", "ova", _hostile_member("..\\..\\outside\\evil.vmdk")),
    Case(
        "nul-in-pax-path",
        "ova",
        "ova",
        _ova(pax_member(pax_record("path", b"disk1.vmdk\x00/../../evil")), member(DISK_NAME, DISK)),
    ),
    Case(
        "nul-terminated-header-name",
        "ova",
        "ova",
        _hostile_member(b"disk1.vmdk\x00/../../evil"),
        loads=True,
        verify_codes=("OVA110",),
    ),
    Case("control-character-name", "ova", "ova", _hostile_member("disk\x1b[2J1.vmdk")),
    Case("non-nfc-name", "ova", "ova", _hostile_member(unicodedata.normalize("NFD", "d\u00efsk1.vmdk"))),
    Case("invalid-utf8-name", "ova", "ova", _hostile_member(b"disk\xff1.vmdk")),
    Case("symlink-to-canary", "ova", "ova", lambda trap: _link(b"2", str(trap.canary))(trap)),
    Case(
        "symlink-after-descriptor",
        "ova",
        "ova",
        lambda trap: _link(b"2", str(trap.canary), first=False)(trap),
        loads=True,
        verify_codes=("OVA101",),
    ),
    Case(
        "symlink-written-by-tarfile",
        "ova",
        "ova",
        _tarfile_symlink_to_canary,
        loads=True,
        verify_codes=("OVA101",),
    ),
    Case("hardlink-to-descriptor", "ova", "ova", _link(b"1", "vm.ovf")),
    Case("character-device", "ova", "ova", _ova(tar_header(DISK_NAME, 0, typeflag=b"3"))),
    Case("block-device", "ova", "ova", _ova(tar_header(DISK_NAME, 0, typeflag=b"4"))),
    Case("fifo", "ova", "ova", _ova(tar_header(DISK_NAME, 0, typeflag=b"6"))),
    Case("directory-named-like-disk", "ova", "ova", _ova(tar_header(DISK_NAME + "/", 0, typeflag=b"5"))),
    Case("duplicate-member", "ova", "ova", _ova(member(DISK_NAME, DISK), member(DISK_NAME, b"evil"))),
    Case(
        "duplicate-in-case-only", "ova", "ova", _ova(member(DISK_NAME, DISK), member(DISK_NAME.upper(), DISK))
    ),
    Case("duplicate-descriptor", "ova", "ova", _duplicate_descriptor, loads=True, verify_codes=("OVA102",)),
    Case("gnu-sparse-20gib", "ova", "ova", _sparse),
    Case("pax-sparse", "ova", "ova", _pax_sparse),
    Case(
        "declared-size-beyond-archive", "ova", "ova", _declared_too_big, loads=True, verify_codes=("OVA104",)
    ),
    Case("pax-size-beyond-archive", "ova", "ova", _pax_size_too_big),
    Case("member-flood", "ova", "ova", _member_flood),
    Case("huge-pax-header", "ova", "ova", _huge_pax),
    Case("many-pax-headers", "ova", "ova", _many_pax_headers),
    Case(
        "global-pax-path",
        "ova",
        "ova",
        _ova(pax_member(pax_record("path", "../evil"), typeflag=b"g"), member(DISK_NAME, DISK)),
    ),
    Case("truncated-mid-header", "ova", "ova", _truncated_package(lambda data: 3 * BLOCK + 100)),
    Case("truncated-mid-descriptor", "ova", "ova", _truncated_package(lambda data: BLOCK + 200)),
    Case(
        "truncated-mid-disk",
        "ova",
        "ova",
        _truncated_package(lambda data: len(data) - 2 * BLOCK - 300),
        loads=True,
        verify_codes=("OVA104",),
    ),
    Case(
        "truncated-no-end-marker",
        "ova",
        "ova",
        _truncated_package(lambda data: len(data) - 2 * BLOCK),
        loads=True,
        verify_codes=("OVA104",),
    ),
    Case("ovf-not-first", "ova", "ova", _ovf_not_first, loads=True, verify_codes=("OVA110",)),
    Case("two-descriptors", "ova", "ova", _two_ovf, loads=True, verify_codes=("OVA113",)),
    Case("gzip-renamed-ova", "ova", "ova", _compressed_package("gzip")),
    Case("xz-renamed-ova", "ova", "ova", _compressed_package("xz")),
    Case("zip-renamed-ova", "ova", "ova", _compressed_package("zip")),
    Case("all-zero-file", "ova", "ova", lambda trap: bytes(10240)),
    Case("empty-package", "ova", "ova", lambda trap: b""),
    Case("data-after-end-marker", "ova", "ova", _data_after_end, loads=True, verify_codes=("OVA105",)),
    Case(
        "descriptor-over-limit",
        "ova",
        "ova",
        lambda trap: package(good_descriptor()[:-12] + b"<!--" + b"x" * (65 * MiB) + b"-->\n</Envelope>\n"),
        slow=True,
    ),
]


# -- manifest and certificate -------------------------------------------------------------------------------


def _with_manifest(text: Callable[[bytes, str], str]) -> Callable[[Trap], bytes]:
    """A package whose manifest is ``text(descriptor, sha256 of descriptor)``."""

    def build(trap: Trap) -> bytes:
        ovf = good_descriptor()
        manifest = text(ovf, hashlib.sha256(ovf).hexdigest()).encode()
        return package(ovf, manifest=manifest)

    return build


_DISK_SHA256 = hashlib.sha256(DISK).hexdigest()
_DISK_SHA1 = hashlib.sha1(DISK).hexdigest()


def _line(name: str = DISK_NAME, algorithm: str = "SHA256", digest: str = _DISK_SHA256) -> str:
    return f"{algorithm}({name})= {digest}\n"


def _ovf_line(ovf: bytes, algorithm: str = "SHA256") -> str:
    return f"{algorithm}(vm.ovf)= {hashlib.new(algorithm.lower(), ovf).hexdigest()}\n"


def _sha1_crlf_upper(trap: Trap) -> bytes:
    ovf = good_descriptor()
    manifest = (
        f"SHA1 (vm.ovf) = {hashlib.sha1(ovf).hexdigest().upper()}\r\n"
        f"SHA1 ({DISK_NAME}) = {_DISK_SHA1.upper()}\r\n"
    ).encode()
    return package(ovf, manifest=manifest)


def _mixed_algorithms(trap: Trap) -> bytes:
    ovf = good_descriptor()
    manifest = (_ovf_line(ovf, "SHA512") + _line(algorithm="SHA1", digest=_DISK_SHA1)).encode()
    return package(ovf, manifest=manifest)


def _cert_without_manifest(trap: Trap) -> bytes:
    ovf = good_descriptor()
    key = _key(2048)
    cert = certificate(key)
    cert_bytes = cert_file(key, cert, b"anything")
    return member("vm.ovf", ovf) + member("vm.cert", cert_bytes) + member(DISK_NAME, DISK) + end()


def _cert_naming_other(trap: Trap) -> bytes:
    ovf = good_descriptor()
    manifest = manifest_for([("vm.ovf", ovf), (DISK_NAME, DISK)])
    key = _key(2048)
    return package(ovf, manifest=manifest, cert=cert_file(key, certificate(key), manifest, target="other.mf"))


def _untrusted(trap: Trap) -> bytes:
    data = _signed(trap)
    other = certificate(_key(2048, "other"), name="another anchor")
    (trap.folder / "trust.pem").write_bytes(pem(other))
    return data


def _private_key_in_cert(trap: Trap) -> bytes:
    from cryptography.hazmat.primitives import serialization

    ovf = good_descriptor()
    manifest = manifest_for([("vm.ovf", ovf), (DISK_NAME, DISK)])
    key = _key(2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return package(ovf, manifest=manifest, cert=cert_file(key, certificate(key), manifest) + private)


def _garbage_cert(trap: Trap) -> bytes:
    ovf = good_descriptor()
    manifest = manifest_for([("vm.ovf", ovf), (DISK_NAME, DISK)])
    garbage = (
        b"SHA256(vm.mf)= zz\n-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"
    )
    return package(ovf, manifest=manifest, cert=garbage)


def _huge_manifest(trap: Trap) -> bytes:
    ovf = good_descriptor()
    manifest = manifest_for([("vm.ovf", ovf), (DISK_NAME, DISK)])
    return package(ovf, manifest=manifest + b"#" * (5 * MiB))


def _disk_size_mismatch(trap: Trap) -> bytes:
    ovf = descriptor(file_size="999").encode()
    return package(ovf)


MANIFEST_CASES = [
    Case("valid-package", "manifest", "ova", _full_package, loads=True, valid=True, verifies=True),
    Case(
        "sha1-crlf-upper-case",
        "manifest",
        "ova",
        _sha1_crlf_upper,
        loads=True,
        verifies=True,
        verify_codes=("OVA203",),
    ),
    Case(
        "sha1-strict",
        "manifest",
        "ova",
        _sha1_crlf_upper,
        loads=True,
        verify_codes=("OVA203",),
        verify_args=("--strict",),
    ),
    Case("mixed-algorithms-per-line", "manifest", "ova", _mixed_algorithms, loads=True, verifies=True),
    Case(
        "digest-mismatch",
        "manifest",
        "ova",
        _with_manifest(lambda ovf, h: _line("vm.ovf", digest=h) + _line(digest="0" * 64)),
        loads=True,
        verify_codes=("OVA207",),
    ),
    Case(
        "file-missing-from-manifest",
        "manifest",
        "ova",
        _with_manifest(lambda ovf, h: _line("vm.ovf", digest=h)),
        loads=True,
        verify_codes=("OVA208",),
    ),
    Case(
        "manifest-names-absent-file",
        "manifest",
        "ova",
        _with_manifest(lambda ovf, h: _line("vm.ovf", digest=h) + _line() + _line("ghost.vmdk")),
        loads=True,
        verify_codes=("OVA209",),
    ),
    Case(
        "duplicate-manifest-entry",
        "manifest",
        "ova",
        _with_manifest(lambda ovf, h: _line("vm.ovf", digest=h) + _line() + _line()),
        loads=True,
        verify_codes=("OVA206",),
    ),
    Case(
        "digest-wrong-length",
        "manifest",
        "ova",
        _with_manifest(lambda ovf, h: _line("vm.ovf", digest=h) + _line(digest=_DISK_SHA256[:-2])),
        loads=True,
        verify_codes=("OVA204",),
    ),
    Case(
        "digest-not-hex",
        "manifest",
        "ova",
        _with_manifest(lambda ovf, h: _line("vm.ovf", digest=h) + _line(digest="g" * 64)),
        loads=True,
        verify_codes=("OVA204",),
    ),
    Case(
        "md5-manifest",
        "manifest",
        "ova",
        _with_manifest(
            lambda ovf, h: (
                _line("vm.ovf", digest=h) + _line(algorithm="MD5", digest=hashlib.md5(DISK).hexdigest())
            )
        ),
        loads=True,
        verify_codes=("OVA202",),
    ),
    Case(
        "manifest-name-with-path",
        "manifest",
        "ova",
        _with_manifest(lambda ovf, h: _line("vm.ovf", digest=h) + _line() + _line("../../outside/x.vmdk")),
        loads=True,
        verify_codes=("OVA205",),
    ),
    Case(
        "manifest-name-canary",
        "manifest",
        "ova",
        lambda trap: _with_manifest(
            lambda ovf, h: _line("vm.ovf", digest=h) + _line() + _line(str(trap.canary))
        )(trap),
        loads=True,
        verify_codes=("OVA205",),
    ),
    Case("manifest-over-limit", "manifest", "ova", _huge_manifest, loads=True, verify_codes=("OVA106",)),
    Case(
        "cert-without-manifest",
        "manifest",
        "ova",
        _cert_without_manifest,
        loads=True,
        verify_codes=("OVA302",),
    ),
    Case(
        "cert-naming-other-file", "manifest", "ova", _cert_naming_other, loads=True, verify_codes=("OVA302",)
    ),
    Case(
        "bad-signature",
        "manifest",
        "ova",
        lambda trap: _signed(trap, tamper=True),
        loads=True,
        verify_codes=("OVA303",),
        verify_args=("--trust", "{trust}"),
    ),
    Case(
        "expired-certificate",
        "manifest",
        "ova",
        lambda trap: _signed(trap, days=(-30, -1)),
        loads=True,
        verify_codes=("OVA304",),
        verify_args=("--trust", "{trust}"),
    ),
    Case(
        "not-yet-valid-certificate",
        "manifest",
        "ova",
        lambda trap: _signed(trap, days=(10, 30)),
        loads=True,
        verify_codes=("OVA304",),
        verify_args=("--trust", "{trust}"),
    ),
    Case(
        "untrusted-signer",
        "manifest",
        "ova",
        _untrusted,
        loads=True,
        verify_codes=("OVA306",),
        verify_args=("--trust", "{trust}"),
    ),
    Case(
        "rsa-1024-key",
        "manifest",
        "ova",
        lambda trap: _signed(trap, bits=1024),
        loads=True,
        verify_codes=("OVA305",),
        verify_args=("--trust", "{trust}"),
    ),
    Case(
        "signed-and-pinned",
        "manifest",
        "ova",
        _signed,
        loads=True,
        verifies=True,
        verify_args=("--trust", "{trust}"),
    ),
    Case(
        "private-key-in-cert", "manifest", "ova", _private_key_in_cert, loads=True, verify_codes=("OVA310",)
    ),
    Case("garbage-cert", "manifest", "ova", _garbage_cert, loads=True, verify_codes=("OVA301",)),
    Case(
        "size-differs-from-file",
        "manifest",
        "ova",
        lambda trap: _disk_size_mismatch(trap),
        loads=True,
        verify_codes=("OVA404",),
    ),
]


# -- semantic faults -------------------------------------------------------------------------------------


def _semantic(codes: tuple[str, ...], **fields: str) -> dict[str, Any]:
    return {"build": _doc(**fields), "loads": True, "validate_codes": codes}


_CONFIGURATIONS = (
    "  <DeploymentOptionSection>\n    <Info>Configurations</Info>\n"
    '    <Configuration ovf:default="true" ovf:id="small"><Label>Small</Label>'
    "<Description>Small</Description></Configuration>\n"
    '    <Configuration ovf:id="large"><Label>Large</Label><Description>Large</Description></Configuration>\n'
    "  </DeploymentOptionSection>\n"
)

_PRODUCT = (
    "    <ProductSection>\n      <Info>Product</Info>\n      <Product>Appliance</Product>\n"
    '      <Property ovf:key="hostname" ovf:type="string" ovf:value="vm"/>\n    </ProductSection>\n'
)


def _memory_item(instance: str, quantity: str = "2048", attrs: str = "") -> str:
    return (
        f"      <Item{attrs}>\n        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>\n"
        "        <rasd:ElementName>memory</rasd:ElementName>\n"
        f"        <rasd:InstanceID>{instance}</rasd:InstanceID>\n"
        "        <rasd:ResourceType>4</rasd:ResourceType>\n"
        f"        <rasd:VirtualQuantity>{quantity}</rasd:VirtualQuantity>\n      </Item>\n"
    )


def _item(resource_type: str, instance: str = "9", attrs: str = "") -> str:
    return (
        f"      <Item{attrs}>\n        <rasd:ElementName>device</rasd:ElementName>\n"
        f"        <rasd:InstanceID>{instance}</rasd:InstanceID>\n"
        f"        <rasd:ResourceType>{resource_type}</rasd:ResourceType>\n      </Item>\n"
    )


SEMANTIC_CASES = [
    Case("valid-descriptor", "semantic", "xml", _doc(), loads=True, valid=True),
    Case("dangling-file-ref", "semantic", "xml", **_semantic(("R101",), file_ref="nofile")),
    Case(
        "dangling-disk-host-resource",
        "semantic",
        "xml",
        **_semantic(("R102",), host_resource="ovf:/disk/nodisk"),
    ),
    Case("dangling-parent", "semantic", "xml", **_semantic(("R104",), disk_parent="99")),
    Case("parent-cycle", "semantic", "xml", **_semantic(("R105",), disk_parent="4")),
    Case("duplicate-instance-id", "semantic", "xml", **_semantic(("R106",), extra_items=_memory_item("2"))),
    Case(
        "duplicate-instance-id-across-configurations",
        "semantic",
        "xml",
        _doc(
            envelope_sections=_CONFIGURATIONS,
            extra_items=_memory_item("6", attrs=' ovf:configuration="small"')
            + _memory_item("6", attrs=' ovf:configuration="large"'),
        ),
        loads=True,
        valid=True,
    ),
    Case(
        "undefined-configuration",
        "semantic",
        "xml",
        **_semantic(
            ("R107",),
            envelope_sections=_CONFIGURATIONS,
            extra_items=_memory_item("6", attrs=' ovf:configuration="huge"'),
        ),
    ),
    Case("allocation-units-block", "semantic", "xml", **_semantic(("H101",), memory_units="block")),
    Case("allocation-units-plus", "semantic", "xml", **_semantic(("H101",), memory_units="byte + 2^10")),
    Case(
        "allocation-units-huge-exponent",
        "semantic",
        "xml",
        **_semantic(("H103",), capacity_units="byte * 2^4294967296"),
    ),
    Case(
        "allocation-units-2-to-9999999",
        "semantic",
        "xml",
        **_semantic(("H103",), memory_units="byte * 2^9999999"),
    ),
    Case("number-negative", "semantic", "xml", **_semantic(("H102",), memory="-1")),
    Case("number-underscore", "semantic", "xml", **_semantic(("H102",), memory="1_000")),
    Case("number-decimal", "semantic", "xml", **_semantic(("H102",), capacity="12.0")),
    Case("number-arabic-indic", "semantic", "xml", **_semantic(("H102",), memory="\u0661\u0660\u0662\u0664")),
    Case("number-5000-digits", "semantic", "xml", **_semantic(("H103",), capacity="9" * 5000)),
    Case("size-overflow-2-64", "semantic", "xml", **_semantic(("H103",), file_size="18446744073709551616")),
    Case(
        "capacity-times-units-overflow",
        "semantic",
        "xml",
        **_semantic(("H103",), capacity="17179869184", capacity_units="byte * 2^40"),
    ),
    Case(
        "unknown-resource-type-required",
        "semantic",
        "xml",
        **_semantic(("H104",), extra_items=_item("31337")),
    ),
    Case(
        "unknown-resource-type-optional",
        "semantic",
        "xml",
        **_semantic(("H105",), extra_items=_item("31337", attrs=' ovf:required="false"')),
    ),
    Case(
        "unknown-required-section",
        "semantic",
        "xml",
        **_semantic(
            ("S104",),
            system_sections='    <x:SecretSection xmlns:x="urn:x"><Info>unknown</Info></x:SecretSection>\n',
        ),
    ),
    Case("malformed-mac", "semantic", "xml", **_semantic(("N102",), mac="00:50:56:zz:02")),
    Case("multicast-mac", "semantic", "xml", **_semantic(("N103",), mac="01:00:5e:00:00:01")),
    Case("zero-mac", "semantic", "xml", **_semantic(("N104",), mac="00:00:00:00:00:00")),
    Case(
        "undefined-property-reference",
        "semantic",
        "xml",
        **_semantic(("P101",), system_sections=_PRODUCT, capacity="${nosuchproperty}"),
    ),
    Case("undeclared-network", "semantic", "xml", **_semantic(("N101",), connection="Evil Network")),
    Case("href-absolute-canary", "semantic", "xml", _doc(href="{canary}"), loads=True),
    Case("href-url", "semantic", "xml", _doc(href="{http}/disk1.vmdk"), loads=True),
    Case("href-glob", "semantic", "xml", _doc(href="*"), loads=True),
    Case("href-escapes-package", "semantic", "xml", _doc(href="../canary.txt"), loads=True),
    Case(
        "host-resource-canary-file",
        "semantic",
        "xml",
        _doc(host_resource="ovf:/file/{canary}"),
        loads=True,
        validate_codes=("R103",),
    ),
]


# -- error output ------------------------------------------------------------------------------------------


def _long_line_not_well_formed(trap: Trap) -> bytes:
    text = descriptor(info="A" * MiB + "</Inf>")
    return text.encode()


def _huge_typed_values(trap: Trap) -> bytes:
    return descriptor(
        memory="9" * MiB,
        capacity="x" * MiB,
        nic_attrs=' ovf:required="' + "maybe" * 100_000 + '"',
        mac="z" * MiB,
    ).encode()


def _mismatched_tag(trap: Trap) -> bytes:
    return descriptor(info="fine</Name>").encode()


ERROR_OUTPUT_CASES = [
    Case("mismatched-tag-located", "error-output", "xml", _mismatched_tag, line=17),
    Case("one-megabyte-line-not-well-formed", "error-output", "xml", _long_line_not_well_formed, line=17),
    Case(
        "megabyte-typed-values",
        "error-output",
        "xml",
        _huge_typed_values,
        loads=True,
        validate_codes=("H102", "N102"),
    ),
    Case("json-megabyte-wrong-value", "error-output", "json", _json_huge_wrong_value),
    Case(
        "doctype-located",
        "error-output",
        "xml",
        _doc(head="<!-- one -->\n<!-- two -->\n<!DOCTYPE Envelope>\n"),
        line=4,
    ),
]

#: The cases of the default run: every class through every entry point, the worst of each kind. The
#: others are ``slow`` (skipped unless ``ADVERSARIAL_ALL=1`` or ``-m slow``), to keep the default run
#: within a few minutes: every case costs about six processes.
CORE = frozenset(
    {
        # xml
        "xxe-file",
        "xxe-http",
        "parameter-entity-http",
        "billion-laughs",
        "quadratic-blowup-800kb",
        "external-dtd-relative",
        "xinclude",
        "schema-location-anywhere",
        "utf16-bom-doctype",
        "utf16-no-bom-doctype",
        "utf7-doctype",
        "gzip-bomb",
        "giant-text",
        "deep-nesting-200",
        "element-flood",
        "invalid-utf8-bytes",
        "truncated-at-third",
        "declared-utf8-but-latin1",
        "unknown-root-namespace",
        "foreign-elements-with-ovf-names",
        "json-deep-nesting",
        "json-doctype-in-prolog",
        "json-layout-amplification",
        # ova
        "dotdot-name",
        "dotdot-name-after-descriptor",
        "pax-path-absolute",
        "symlink-to-canary",
        "hardlink-to-descriptor",
        "fifo",
        "duplicate-member",
        "gnu-sparse-20gib",
        "member-flood",
        "huge-pax-header",
        "truncated-mid-descriptor",
        "ovf-not-first",
        "two-descriptors",
        "gzip-renamed-ova",
        # manifest and certificate
        "valid-package",
        "sha1-strict",
        "digest-mismatch",
        "file-missing-from-manifest",
        "duplicate-manifest-entry",
        "md5-manifest",
        "manifest-name-with-path",
        "cert-without-manifest",
        "bad-signature",
        "expired-certificate",
        "untrusted-signer",
        "rsa-1024-key",
        # semantic faults
        "valid-descriptor",
        "dangling-file-ref",
        "parent-cycle",
        "duplicate-instance-id-across-configurations",
        "allocation-units-huge-exponent",
        "number-arabic-indic",
        "size-overflow-2-64",
        "unknown-resource-type-optional",
        "multicast-mac",
        "undefined-property-reference",
        "href-absolute-canary",
        "href-url",
        # error output
        "mismatched-tag-located",
        "one-megabyte-line-not-well-formed",
        "megabyte-typed-values",
        "json-megabyte-wrong-value",
    }
)

CASES: list[Case] = [
    replace(case, slow=case.slow or case.name not in CORE)
    for case in XML_CASES + OVA_CASES + MANIFEST_CASES + SEMANTIC_CASES + ERROR_OUTPUT_CASES
]


def case_named(name: str) -> Case:
    """The case called ``name``."""
    for case in CASES:
        if case.name == name:
            return case
    raise KeyError(name)


@dataclass(frozen=True)
class Inputs:
    """The files one case's runs read, all in the case's folder."""

    input: Path
    wrapped: Path | None
    good: Path
    trust: Path


def write_inputs(case: Case, trap: Trap) -> Inputs:
    """Build the case into its folder: the input, the OVA wrapping an XML input, the good descriptor."""
    data = case.build(trap)
    path = trap.folder / f"input{case.suffix}"
    path.write_bytes(data)
    wrapped = None
    if case.kind == "xml":
        wrapped = trap.folder / "wrapped.ova"
        disk_manifest = manifest_for([("vm.ovf", data), (DISK_NAME, DISK)])
        wrapped.write_bytes(package(data, manifest=disk_manifest))
    good = trap.folder / "good.ovf"
    good.write_bytes(good_descriptor())
    return Inputs(path, wrapped, good, trap.folder / "trust.pem")

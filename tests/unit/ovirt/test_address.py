"""DeviceAddress: parsing, mapping access, typed views, equality, original text, errors."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ovfkit
from ovfkit.ovirt import DeviceAddress, OvfAddressError
from ovfkit.ovirt.address import (
    CcidAddress,
    CcwAddress,
    DimmAddress,
    DriveAddress,
    IsaAddress,
    PciAddress,
    SpaprVioAddress,
    UsbAddress,
    VirtioMmioAddress,
    VirtioSerialAddress,
)

PCI_HASHMAP = "{slot=0x06, bus=0x00, domain=0x0000, type=pci, function=0x0}"
PCI_ENGINE_42 = "{type=pci, slot=0x06, bus=0x00, domain=0x0000, function=0x0}"


class TestParse:
    def test_pci_mapping_access(self) -> None:
        address = DeviceAddress.parse(PCI_HASHMAP)
        assert address.type == "pci"
        assert address["slot"] == "0x06"
        assert address.get("bus") == "0x00"
        assert address.get("port") is None
        assert address.get("port", "x") == "x"
        assert list(address) == ["slot", "bus", "domain", "type", "function"]
        assert len(address) == 5
        assert "domain" in address
        assert "unit" not in address
        assert dict(address) == {
            "slot": "0x06",
            "bus": "0x00",
            "domain": "0x0000",
            "type": "pci",
            "function": "0x0",
        }
        with pytest.raises(KeyError):
            address["unit"]

    def test_str_is_the_original_text(self) -> None:
        for text in (
            PCI_HASHMAP,
            PCI_ENGINE_42,
            "  {bus=1,controller=0 , type=drive}\n",
            "",
            "{}",
            "{ }",
            "\n  ",
        ):
            assert str(DeviceAddress.parse(text)) == text
            assert DeviceAddress.parse(text).text == text

    @pytest.mark.parametrize("text", ["", "   ", "\n\t", "{}", "{ }", " {\n} "])
    def test_empty_addresses(self, text: str) -> None:
        address = DeviceAddress.parse(text)
        assert address.is_empty
        assert not address
        assert len(address) == 0
        assert address.type is None
        assert address.typed() is None
        assert address == DeviceAddress.parse("")

    def test_none_is_the_empty_address(self) -> None:
        assert DeviceAddress.parse(None).is_empty

    def test_key_without_equals_maps_to_empty_value(self) -> None:
        address = DeviceAddress.parse("{type=pci, multifunction, slot=0x01}")
        assert address["multifunction"] == ""
        assert address["slot"] == "0x01"

    def test_values_and_keys_are_trimmed(self) -> None:
        address = DeviceAddress.parse("{  bus =  1 ,\tcontroller=\n0, type = drive }")
        assert dict(address) == {"bus": "1", "controller": "0", "type": "drive"}

    def test_empty_value_after_equals(self) -> None:
        assert DeviceAddress.parse("{type=pci, slot=}")["slot"] == ""

    def test_any_type_string_is_allowed(self) -> None:
        address = DeviceAddress.parse("{type=unknown-bus, x=1}")
        assert address.type == "unknown-bus"
        assert address.typed() is None
        assert address.pci is None

    def test_address_without_type(self) -> None:
        address = DeviceAddress.parse("{bus=0}")
        assert address.type is None
        assert address.typed() is None

    def test_constructor_equals_parse(self) -> None:
        assert DeviceAddress(PCI_HASHMAP) == DeviceAddress.parse(PCI_HASHMAP)

    def test_positions_of_values(self) -> None:
        address = DeviceAddress.parse("{bus=1, controller=0}")
        assert address.position("bus") == 5
        assert address.position("controller") == 19
        assert address.position("unit") is None

    def test_not_text_is_a_type_error(self) -> None:
        with pytest.raises(TypeError):
            DeviceAddress(42)  # type: ignore[arg-type]


class TestEquality:
    def test_key_order_does_not_matter(self) -> None:
        a, b = DeviceAddress.parse(PCI_HASHMAP), DeviceAddress.parse(PCI_ENGINE_42)
        assert a == b
        assert hash(a) == hash(b)
        assert len({a, b}) == 1
        assert str(a) != str(b)

    def test_whitespace_does_not_matter(self) -> None:
        assert DeviceAddress.parse("{bus=1,unit=0}") == DeviceAddress.parse("{ bus = 1 , unit = 0 }")

    def test_different_values_differ(self) -> None:
        assert DeviceAddress.parse("{type=pci, slot=0x06}") != DeviceAddress.parse("{type=pci, slot=0x07}")
        assert DeviceAddress.parse("{type=pci, slot=0x06}") != DeviceAddress.parse("{type=pci, slot=0x6}")
        assert DeviceAddress.parse("{type=pci}") != DeviceAddress.parse("{type=pci, slot=0x06}")

    def test_equal_to_a_plain_mapping(self) -> None:
        assert DeviceAddress.parse("{type=drive, bus=1}") == {"bus": "1", "type": "drive"}
        assert DeviceAddress.parse("") == {}

    def test_not_equal_to_other_things(self) -> None:
        assert DeviceAddress.parse("{type=pci}") != "{type=pci}"
        assert DeviceAddress.parse("") != None  # noqa: E711

    def test_usable_as_dict_key(self) -> None:
        seen = {DeviceAddress.parse(PCI_HASHMAP): "disk"}
        assert seen[DeviceAddress.parse(PCI_ENGINE_42)] == "disk"


class TestTypedViews:
    def test_pci_hex(self) -> None:
        address = DeviceAddress.parse(
            "{slot=0x1f, bus=0x02, domain=0x0000, type=pci, function=0x7, multifunction=on}"
        )
        assert address.pci == PciAddress(domain=0, bus=2, slot=31, function=7, multifunction=True)
        assert address.typed() == address.pci
        assert address.drive is None

    def test_pci_multifunction_off_and_absent(self) -> None:
        assert DeviceAddress.parse("{type=pci, multifunction=off}").pci == PciAddress(
            None, None, None, None, False
        )
        assert DeviceAddress.parse("{type=pci}").pci == PciAddress(None, None, None, None, None)

    def test_drive_decimal(self) -> None:
        address = DeviceAddress.parse("{bus=1, controller=0, type=drive, target=0, unit=0}")
        assert address.drive == DriveAddress(controller=0, bus=1, target=0, unit=0)
        assert address.pci is None

    def test_virtio_serial(self) -> None:
        address = DeviceAddress.parse("{bus=0, controller=0, type=virtio-serial, port=3}")
        assert address.virtio_serial == VirtioSerialAddress(controller=0, bus=0, port=3)
        assert address.typed() == VirtioSerialAddress(0, 0, 3)

    def test_usb_port_stays_text(self) -> None:
        assert DeviceAddress.parse("{type=usb, bus=0, port=1.2}").usb == UsbAddress(bus=0, port="1.2")
        assert DeviceAddress.parse("{type=usb, bus=0}").usb == UsbAddress(bus=0, port=None)

    def test_ccid(self) -> None:
        assert DeviceAddress.parse("{type=ccid, controller=0, slot=0}").ccid == CcidAddress(
            controller=0, slot=0
        )

    def test_dimm(self) -> None:
        address = DeviceAddress.parse("{type=dimm, slot=1, base=0x100000000}")
        assert address.dimm == DimmAddress(slot=1, base=2**32)

    def test_spapr_vio(self) -> None:
        assert DeviceAddress.parse("{type=spapr-vio, reg=0x2000}").spapr_vio == SpaprVioAddress(reg=0x2000)
        assert DeviceAddress.parse("{type=spapr-vio}").spapr_vio == SpaprVioAddress(reg=None)

    def test_ccw(self) -> None:
        address = DeviceAddress.parse("{type=ccw, cssid=0xfe, ssid=0x0, devno=0x0001}")
        assert address.ccw == CcwAddress(cssid=0xFE, ssid=0, devno=1)

    def test_isa(self) -> None:
        assert DeviceAddress.parse("{type=isa, iobase=0x505, irq=5}").isa == IsaAddress(iobase=0x505, irq=5)

    def test_virtio_mmio(self) -> None:
        assert DeviceAddress.parse("{type=virtio-mmio}").virtio_mmio == VirtioMmioAddress()
        assert DeviceAddress.parse("{type=pci}").virtio_mmio is None

    @pytest.mark.parametrize(
        ("text", "view"),
        [
            ("{type=pci}", "pci"),
            ("{type=drive}", "drive"),
            ("{type=virtio-serial}", "virtio_serial"),
            ("{type=usb}", "usb"),
            ("{type=ccid}", "ccid"),
            ("{type=dimm}", "dimm"),
            ("{type=spapr-vio}", "spapr_vio"),
            ("{type=ccw}", "ccw"),
            ("{type=isa}", "isa"),
            ("{type=virtio-mmio}", "virtio_mmio"),
        ],
    )
    def test_only_the_matching_view_answers(self, text: str, view: str) -> None:
        address = DeviceAddress.parse(text)
        views = (
            "pci",
            "drive",
            "virtio_serial",
            "usb",
            "ccid",
            "dimm",
            "spapr_vio",
            "ccw",
            "isa",
            "virtio_mmio",
        )
        for name in views:
            assert (getattr(address, name) is not None) == (name == view), name
        assert address.typed() == getattr(address, view)

    def test_number_reads_hex_and_decimal(self) -> None:
        address = DeviceAddress.parse("{a=0x10, b=10, c=0X0A, d=}")
        assert address.number("a") == 16
        assert address.number("b") == 10
        assert address.number("c") == 10
        assert address.number("d") is None
        assert address.number("missing") is None

    def test_bad_number_names_key_and_position(self) -> None:
        address = DeviceAddress.parse("{type=pci, slot=0xZZ}")
        with pytest.raises(OvfAddressError) as caught:
            _ = address.pci
        assert caught.value.position == 16
        assert "slot='0xZZ'" in str(caught.value)
        assert caught.value.text == "{type=pci, slot=0xZZ}"

    @pytest.mark.parametrize("value", ["-1", "1.5", "0x", "\u0661", "1_0", "+1"])
    def test_not_numbers(self, value: str) -> None:
        with pytest.raises(OvfAddressError):
            _ = DeviceAddress.parse(f"{{type=drive, bus={value}}}").drive

    def test_bad_flag(self) -> None:
        with pytest.raises(OvfAddressError, match="multifunction='maybe' is not on or off"):
            _ = DeviceAddress.parse("{type=pci, multifunction=maybe}").pci


class TestFromMapping:
    def test_engine_42_order(self) -> None:
        address = DeviceAddress.from_mapping(
            {"function": "0x0", "domain": "0x0000", "bus": "0x00", "slot": "0x06", "type": "pci"}
        )
        assert str(address) == PCI_ENGINE_42
        assert address == DeviceAddress.parse(PCI_HASHMAP)

    def test_other_keys_follow_and_integers_are_decimal(self) -> None:
        address = DeviceAddress.from_mapping({"zeta": 1, "type": "drive", "bus": 0, "alpha": ""})
        assert str(address) == "{type=drive, bus=0, zeta=1, alpha}"
        assert address["alpha"] == ""

    def test_empty_mapping_is_empty_text(self) -> None:
        assert str(DeviceAddress.from_mapping({})) == ""


class TestErrors:
    @pytest.mark.parametrize(
        ("text", "position", "reason"),
        [
            ("slot=0x06", 0, "expected '{'"),
            ("  bus=1}", 2, "expected '{'"),
            ("{bus=1", 5, "expected '}'"),
            ("{", 1, "expected '}'"),
            ("}", 0, "expected '{'"),
            ("{bus=1,}", 7, "empty entry"),
            ("{,bus=1}", 1, "empty entry"),
            ("{bus=1,, unit=0}", 7, "empty entry"),
            ("{=1}", 1, "empty key"),
            ("{ = 1}", 2, "empty key"),
            ("{a b=1}", 2, "whitespace inside key"),
            ("{a=b=c}", 4, "second '='"),
            ("{bus=1, bus=2}", 8, "appears twice"),
            ("{{bus=1}}", 1, "unexpected '{'"),
            ("{bus=}1}", 5, "unexpected '}'"),
            ("{type=pci} x", 11, "expected '}'"),
        ],
    )
    def test_malformed_text_names_text_and_position(self, text: str, position: int, reason: str) -> None:
        with pytest.raises(OvfAddressError) as caught:
            DeviceAddress.parse(text)
        error = caught.value
        assert error.position == position
        assert reason in error.reason
        assert error.text == text
        assert repr(text) in str(error)
        assert f"position {position}" in str(error)

    def test_error_is_a_parse_error(self) -> None:
        with pytest.raises(ovfkit.OvfParseError):
            DeviceAddress.parse("nope")
        with pytest.raises(ValueError):
            DeviceAddress.parse("nope")
        assert issubclass(OvfAddressError, ovfkit.OvfError)

    def test_error_quotes_at_most_a_few_hundred_characters(self) -> None:
        text = "{" + "k=v, " * 2000 + "k2"
        with pytest.raises(OvfAddressError) as caught:
            DeviceAddress.parse(text)
        assert len(str(caught.value)) < 400

    def test_error_pickles(self) -> None:
        with pytest.raises(OvfAddressError) as caught:
            DeviceAddress.parse("{a=b=c}")
        copy = pickle.loads(pickle.dumps(caught.value))
        assert isinstance(copy, OvfAddressError)
        assert (copy.text, copy.position, str(copy)) == ("{a=b=c}", 4, str(caught.value))


# -- properties ------------------------------------------------------------------------------------

_KEY = st.text(
    alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters="-_."),
    min_size=1,
    max_size=12,
)
_VALUE = st.text(
    alphabet=st.characters(blacklist_characters="{}=,", blacklist_categories=("Cs", "Zs", "Cc")), max_size=12
)
_SPACE = st.sampled_from(["", " ", "  ", "\t", "\n "])
_MAPPINGS = st.dictionaries(_KEY, _VALUE, max_size=8)


def _render(pairs: list[tuple[str, str]], spaces: list[str]) -> str:
    parts = []
    for index, (key, value) in enumerate(pairs):
        pad = spaces[index % len(spaces)] if spaces else ""
        parts.append(f"{pad}{key}{pad}={pad}{value}{pad}" if value else f"{pad}{key}{pad}")
    return "{" + ",".join(parts) + "}"


@given(_MAPPINGS, st.lists(_SPACE, max_size=4))
def test_parse_of_rendered_mapping_gives_the_mapping(mapping: dict[str, str], spaces: list[str]) -> None:
    address = DeviceAddress.parse(_render(list(mapping.items()), spaces))
    assert dict(address) == mapping
    assert list(address) == list(mapping)


@given(_MAPPINGS, st.lists(_SPACE, max_size=4))
def test_parse_of_str_is_equal(mapping: dict[str, str], spaces: list[str]) -> None:
    address = DeviceAddress.parse(_render(list(mapping.items()), spaces))
    again = DeviceAddress.parse(str(address))
    assert again == address
    assert str(again) == str(address)
    assert hash(again) == hash(address)


@given(_MAPPINGS, st.randoms(use_true_random=False), st.lists(_SPACE, max_size=4))
def test_order_and_spacing_invariance(mapping: dict[str, str], random: object, spaces: list[str]) -> None:
    pairs = list(mapping.items())
    shuffled = list(pairs)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    a = DeviceAddress.parse(_render(pairs, []))
    b = DeviceAddress.parse(_render(shuffled, spaces))
    assert a == b
    assert hash(a) == hash(b)


@given(_MAPPINGS)
def test_from_mapping_round_trips(mapping: dict[str, str]) -> None:
    address = DeviceAddress.from_mapping(mapping)
    assert dict(address) == mapping
    assert DeviceAddress.parse(str(address)) == address


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_the_typed_error(text: str) -> None:
    try:
        address = DeviceAddress.parse(text)
    except OvfAddressError as error:
        assert 0 <= error.position <= len(text)
        assert error.text == text
    else:
        assert str(address) == text
        assert DeviceAddress.parse(str(address)) == address

"""``ovfkit show``: values cut and control characters escaped in the text display, JSON whole, packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ovfkit.cli.main import main
from ovfkit.cli.show import MAX_VALUE_CHARS, shown
from tests.conftest import ROOT
from tests.unit.ova.builders import Package, archive, descriptor, regular, special

MiB = 1024 * 1024
HUGE = "v" * (5 * MiB)


def envelope(
    *, value: str = "small", label: str = "Label", network: str = "LAN", product: str = "App"
) -> str:
    """A descriptor with a property (value and label), a network description and a product name."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
        'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">\n'
        "  <References/>\n"
        "  <NetworkSection><Info>Networks</Info>"
        f'<Network ovf:name="VM Network"><Description>{network}</Description></Network></NetworkSection>\n'
        '  <VirtualSystem ovf:id="vm">\n'
        "    <Info>A virtual machine</Info>\n"
        f"    <ProductSection><Info>Product</Info><Product>{product}</Product>"
        f'<Property ovf:key="big" ovf:type="string" ovf:value="{value}"><Label>{label}</Label></Property>'
        "</ProductSection>\n"
        "  </VirtualSystem>\n"
        "</Envelope>\n"
    )


def save(tmp_path: Path, text: str, name: str = "vm.ovf") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def marker(cut: int) -> str:
    return f"[... {cut:,} more characters]"


class TestShown:
    def test_short_printable_values_are_unchanged(self) -> None:
        assert shown("Ubuntu 22.04 (64-bit) \u00e9\u4e2d") == "Ubuntu 22.04 (64-bit) \u00e9\u4e2d"

    def test_a_value_of_exactly_the_limit_is_whole(self) -> None:
        assert shown("x" * MAX_VALUE_CHARS) == "x" * MAX_VALUE_CHARS

    def test_longer_values_are_cut_with_what_was_left_out(self) -> None:
        assert shown("x" * (MAX_VALUE_CHARS + 1)) == "x" * MAX_VALUE_CHARS + " " + marker(1)
        assert shown("abcdef", limit=2) == "ab " + marker(4)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("a\x1b[2Jb", "a\\x1b[2Jb"),
            ("line\nnext\r\tx", "line\\nnext\\r\\tx"),
            ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
            ("zero\u200bwidth", "zero\\u200bwidth"),
            ("bell\x07\x9b", "bell\\x07\\x9b"),
            ("no\u00a0break", "no\u00a0break"),
        ],
        ids=["escape-sequence", "line-breaks", "bidi-override", "zero-width", "c0-c1", "nbsp-kept"],
    )
    def test_control_and_invisible_characters_are_escaped(self, value: str, expected: str) -> None:
        assert shown(value) == expected

    def test_the_cut_counts_characters_of_the_value(self) -> None:
        assert shown("\x1b" * 300) == "\\x1b" * MAX_VALUE_CHARS + " " + marker(100)

    def test_values_that_are_not_text(self) -> None:
        assert shown(None) == "None" and shown(12) == "12"


class TestLongValues:
    def test_huge_property_value_is_cut_in_the_text(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = save(tmp_path, envelope(value=HUGE, label="L" * 1000))
        assert main(["show", str(path)]) == 0
        out = capsys.readouterr().out
        assert len(out) < 4096
        assert max(len(line) for line in out.splitlines()) < 1000
        assert marker(len(HUGE) - MAX_VALUE_CHARS) in out
        assert marker(800) in out

    def test_json_keeps_every_value_whole(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = save(tmp_path, envelope(value=HUGE, network="n" * 10_000))
        assert main(["show", str(path), "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["properties"][0]["default"] == HUGE
        assert data["networks"][0]["description"] == "n" * 10_000

    def test_long_cells_do_not_widen_the_other_rows(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = save(tmp_path, envelope(network="d" * 100_000))
        assert main(["show", str(path)]) == 0
        lines = capsys.readouterr().out.splitlines()
        network = lines[lines.index("Networks:") + 1]
        assert network.startswith("  VM Network  " + "d" * MAX_VALUE_CHARS)
        assert network.endswith(marker(100_000 - MAX_VALUE_CHARS))

    def test_product_names_are_cut(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["show", str(save(tmp_path, envelope(product="P" * 50_000)))]) == 0
        out = capsys.readouterr().out
        assert f"Product:      {'P' * MAX_VALUE_CHARS} {marker(50_000 - MAX_VALUE_CHARS)}" in out

    def test_control_characters_never_reach_the_terminal(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # XML 1.0 allows C1 controls (CSI, OSC, ST: 8-bit escape sequences), tabs, newlines and bidi overrides
        hostile = "&#x9b;2J&#x9d;0;owned&#x9c;"
        path = save(tmp_path, envelope(value=hostile, label="a&#10;b", network="x&#x202e;y", product=hostile))
        assert main(["show", str(path)]) == 0
        out = capsys.readouterr().out
        assert not any(char in out for char in "\x9b\x9c\x9d\u202e\t")
        assert out.count("\\x9b2J\\x9d0;owned\\x9c") == 2 and "a\\nb" in out and "x\\u202ey" in out

    def test_environment_documents(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" '
            'xmlns:oe="http://schemas.dmtf.org/ovf/environment/1" oe:id="vm">\n'
            f'  <PropertySection><Property oe:key="big" oe:value="{HUGE}"/></PropertySection>\n'
            "</Environment>\n"
        )
        assert main(["show", str(save(tmp_path, text, "ovf-env.xml"))]) == 0
        out = capsys.readouterr().out
        assert len(out) < 2048 and marker(len(HUGE) - MAX_VALUE_CHARS) in out

    def test_real_process(self, tmp_path: Path) -> None:
        path = save(tmp_path, envelope(value=HUGE))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-m", "ovfkit", "show", str(path)],
            capture_output=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert len(done.stdout) < 4096 and marker(len(HUGE) - MAX_VALUE_CHARS).encode() in done.stdout


class TestPackages:
    def test_show_reads_a_package(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "x.ova"
        path.write_bytes(Package().bytes())
        assert main(["show", str(path)]) == 0
        out = capsys.readouterr().out
        assert "disk1.vmdk" in out and "warning" not in out

    @pytest.mark.parametrize(
        "member",
        [
            regular("../../evil.sh", b"evil"),
            special("disk.vmdk", b"2", linkname="/etc/shadow"),
            regular("disk1.vmdk", b"second"),
            special("dev.vmdk", b"3"),
            regular("big.txt", b"x", comment="x" * (128 * 1024)),
        ],
        ids=["dotdot", "symlink", "duplicate", "device", "oversize-header"],
    )
    def test_unsafe_member_after_the_descriptor_exit_2(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], member: bytes
    ) -> None:
        good = Package().members()
        path = tmp_path / "x.ova"
        path.write_bytes(archive(*(regular(name, data) for name, data in good), member))
        assert main(["show", str(path)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and len(err.strip().splitlines()) == 1 and "x.ova" in err

    def test_descriptor_not_first_is_a_warning(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "x.ova"
        path.write_bytes(archive(regular("disk.vmdk", b"d" * 100), regular("vm.ovf", descriptor())))
        assert main(["show", str(path)]) == 0
        assert "warning: the descriptor 'vm.ovf' is member 2" in capsys.readouterr().out


def test_a_multi_line_full_version_shows_its_first_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proxmox's export writes a package list as FullVersion; the Product line takes its first line."""
    text = envelope().replace(
        "<Product>App</Product>",
        "<Product>App</Product><FullVersion>pve: 8.2.0\nceph: 17.2.7\n</FullVersion>",
    )
    assert main(["show", str(save(tmp_path, text))]) == 0
    out = capsys.readouterr().out
    assert "Product:      App pve: 8.2.0\n" in out and "ceph" not in out

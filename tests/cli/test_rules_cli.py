"""``ovfkit rules``: the catalogue listing and the rule pages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ovfkit.cli.main import main
from ovfkit.validate import all_rules
from tests.conftest import ROOT


def test_listing_names_every_rule_by_family(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for entry in all_rules():
        assert f"  {entry.code}  {entry.name} " in out
    assert out.startswith("X: syntax and security\n")
    assert "\nR: references\n" in out


def test_listing_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == len(all_rules()) >= 40
    assert data[0] == {
        "code": "X001",
        "name": "not-well-formed",
        "severity": "error",
        "family": "syntax and security",
        "summary": "The input is not well-formed XML (or is empty).",
    }


def test_code_prints_its_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "r101"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# R101 dangling-file-ref\n")
    assert "## How to fix" in page


def test_code_as_json_includes_the_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "O102", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "pci-slot-clash"
    assert data["page"].startswith("# O102 pci-slot-clash")


def test_unknown_code_exits_2_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "R999"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "ovfkit: error: there is no rule 'R999'; `ovfkit rules` lists them\n"


def test_subprocess() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "ovfkit", "rules", "K103"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert completed.returncode == 0
    assert completed.stdout.startswith("# K103 href-escapes-package")

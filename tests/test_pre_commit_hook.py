"""The pre-commit hook of ``.pre-commit-hooks.yaml``, run the way pre-commit runs it, from its own YAML."""

from __future__ import annotations

import io
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

HOOKS = ROOT / ".pre-commit-hooks.yaml"


def _scalar(text: str) -> object:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [item.strip() for item in text[1:-1].split(",") if item.strip()]
    if text in ("true", "false"):
        return text == "true"
    return text


def load_hooks(text: str) -> list[dict[str, object]]:
    """Read the hook list (PyYAML when installed, else this file's simple block-sequence form)."""
    try:
        import yaml
    except ImportError:
        hooks: list[dict[str, object]] = []
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            match = re.fullmatch(r"(- )?\s*([A-Za-z_]+):\s*(.*)", line.strip())
            assert match is not None, line
            if line.startswith("- "):
                hooks.append({})
            hooks[-1][match.group(2)] = _scalar(match.group(3))
        return hooks
    loaded = yaml.safe_load(text)
    assert isinstance(loaded, list)
    return loaded


def hook() -> dict[str, object]:
    (found,) = [h for h in load_hooks(HOOKS.read_text(encoding="utf-8")) if h["id"] == "ovfkit-validate"]
    return found


def command(entry: str) -> list[str]:
    """The hook's entry as pre-commit runs it; ``ovfkit`` is this checkout's when no script is installed."""
    words = shlex.split(entry)
    if words[0] == "ovfkit" and shutil.which("ovfkit") is None:
        return [sys.executable, "-m", "ovfkit", *words[1:]]
    return words


def selected(files: list[Path], pattern: str) -> list[str]:
    return [str(f) for f in files if re.search(pattern, str(f))]


@pytest.fixture()
def package(tmp_path: Path) -> Path:
    path = tmp_path / "Appliance.OVA"
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as archive:
        for name, payload in (
            ("vm.ovf", (FIXTURES / "validate" / "valid.ovf").read_bytes()),
            ("disk1.vmdk", b"\0" * 512),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return path


def test_hook_declares_what_pre_commit_needs() -> None:
    found = hook()
    assert found["name"] and found["entry"] == "ovfkit validate"
    assert found["language"] == "python"
    assert found["types"] == ["file"]
    pattern = str(found["files"])
    assert re.search(pattern, "x/vm.ovf") and re.search(pattern, "App.OVA")
    assert not re.search(pattern, "vm.ovf.txt") and not re.search(pattern, "vm.mf")


def test_hook_passes_valid_files(package: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a descriptor")
    files = [FIXTURES / "validate" / "valid.ovf", FIXTURES / "validate" / "warnings.ovf", package, notes]
    found = hook()
    args = selected(files, str(found["files"]))
    assert len(args) == 3
    completed = subprocess.run(
        command(str(found["entry"])) + args, capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert " R113 " in completed.stdout


def test_hook_fails_invalid_files() -> None:
    found = hook()
    args = selected(
        [FIXTURES / "validate" / "valid.ovf", FIXTURES / "validate" / "invalid.ovf"], str(found["files"])
    )
    completed = subprocess.run(
        command(str(found["entry"])) + args, capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert completed.returncode == 1
    assert "invalid.ovf:8:5: R101 dangling-file-ref" in completed.stdout
    assert "Traceback" not in completed.stdout + completed.stderr

"""``ovfkit show`` on hostile files: exit 2 with one line on stderr, no traceback, no canary, no fetch.

Each file is shown by a real ``python -m ovfkit`` process under a memory cap (address space) and a
CPU-time cap, with a wall-clock timeout; a few are also run in-process through ``main()``.
"""

from __future__ import annotations

import codecs
import gzip
import resource
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ovfkit.cli.main import main
from tests.unit.xmlio.hostile import OVF1, Trap, envelope, listening, make_canary

ROOT = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024
#: The address-space cap of each ``ovfkit`` process: what the floods below would blow through.
MEMORY_CAP = 1024 * MiB
CPU_SECONDS = 60
TIMEOUT = 90


@pytest.fixture
def trap(tmp_path: Path) -> Iterator[Trap]:
    """A canary in the test's folder and a loopback listener for this test only."""
    with listening() as listener:
        yield Trap(make_canary(tmp_path), listener)
        listener.assert_untouched()


def _doctype(head: str, info: str = "x") -> Callable[[Trap], bytes]:
    return lambda trap: trap.fill(envelope(head=head, info=info)).encode()


def _laughs(trap: Trap) -> bytes:
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10)
    )
    return envelope(head=f"<!DOCTYPE Envelope [{entities}]>\n", info="&l9;").encode()


def _utf16_parameter_entity(trap: Trap) -> bytes:
    text = trap.fill(envelope(head='<!DOCTYPE Envelope [<!ENTITY % p SYSTEM "{http}/p.dtd"> %p;]>\n'))
    return text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le")


def _utf7(trap: Trap) -> bytes:
    declaration, rest = trap.fill(envelope(head='<!DOCTYPE E [<!ENTITY x SYSTEM "{canary_url}">]>\n')).split(
        "?>", 1
    )
    rest = rest.replace("<", "+ADw-").replace(">", "+AD4-")
    return (declaration.replace("UTF-8", "UTF-7") + "?>" + rest).encode("ascii")


def _flood(unit: bytes, count: int) -> Callable[[Trap], bytes]:
    return lambda trap: f'<Envelope xmlns="{OVF1}">'.encode() + unit * count + b"</Envelope>"


def _deep(trap: Trap) -> bytes:
    levels = 1_000_000
    return f'<Envelope xmlns="{OVF1}">'.encode() + b"<a>" * levels + b"</a>" * levels + b"</Envelope>"


#: name -> builder of the hostile file's bytes
REFUSED: dict[str, Callable[[Trap], bytes]] = {
    "external-entity-file": _doctype('<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM "{canary_url}">]>\n', "&xxe;"),
    "external-dtd-relative": _doctype('<!DOCTYPE Envelope SYSTEM "{dtd_rel}">\n', "&leak;"),
    "external-dtd-http": _doctype('<!DOCTYPE Envelope SYSTEM "{http}/ovf.dtd">\n', "&leak;"),
    "billion-laughs": _laughs,
    "utf-16-parameter-entity": _utf16_parameter_entity,
    "utf-7-doctype": _utf7,
    "gzip-bomb": lambda trap: gzip.compress(b"<Envelope>" + b" " * (64 * MiB)),
    "element-flood": _flood(b"<a/>", 3_000_000),
    "attribute-flood": _flood(b"<a " + b" ".join(b'a%d=""' % i for i in range(100)) + b"/>", 30_000),
    "deep-nesting": _deep,
    "giant-text": lambda trap: envelope(info="A" * (20 * MiB)).encode(),
    "invalid-utf-8": lambda trap: envelope(info="caf@").encode().replace(b"@", b"\xe9"),
    "truncated": lambda trap: envelope().encode()[:300],
    "oversized": lambda trap: envelope().encode() + b" " * (64 * MiB),
    "not-an-envelope": lambda trap: b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"/>',
}

XI = "http://www.w3.org/2001/XInclude"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: name -> builder of a file that loads, whose references must not be followed
LOADED: dict[str, Callable[[Trap], bytes]] = {
    "xinclude": lambda trap: trap.fill(
        envelope(body=f'<xi:include xmlns:xi="{XI}" href="{{canary_url}}" parse="text"/>')
    ).encode(),
    "schema-location": lambda trap: trap.fill(
        envelope(root_attrs=f' xmlns:xsi="{XSI}" xsi:schemaLocation="{OVF1} {{http}}/dsp8023.xsd"')
    ).encode(),
    "stylesheet-pi-utf-16": lambda trap: (
        codecs.BOM_UTF16_LE
        + trap.fill(envelope(head='<?xml-stylesheet href="{http}/x.xsl"?>\n'))
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16-le")
    ),
}


def _limit_resources() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run_show(path: Path, *extra: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """``python -m ovfkit show NAME`` under the caps, run in the file's folder (``-`` reads ``stdin``)."""
    return subprocess.run(
        [sys.executable, "-m", "ovfkit", "show", path.name, *extra],
        input=stdin,
        capture_output=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_resources,
        cwd=path.parent,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
        check=False,
    )


def assert_one_line_error(stderr: bytes, name: str) -> str:
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text[-2000:]
    assert text.endswith("\n") and text.count("\n") == 1, text[:2000]
    assert text.startswith("ovfkit: error: "), text[:500]
    assert "internal error" not in text
    assert name in text
    assert len(text) < 1200
    return text


@pytest.mark.parametrize("case", REFUSED)
def test_show_refuses_a_hostile_file(case: str, trap: Trap, tmp_path: Path) -> None:
    path = tmp_path / f"{case}.ovf"
    path.write_bytes(REFUSED[case](trap))
    result = run_show(path)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stdout == b""
    assert_one_line_error(result.stderr, path.name)
    trap.assert_clean(result.stdout, result.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["canary.txt", "canary.dtd", path.name])


@pytest.mark.parametrize(
    ("case", "output"), [("xinclude", "text"), ("schema-location", "json"), ("stylesheet-pi-utf-16", "text")]
)
def test_show_reads_a_file_without_following_its_references(
    case: str, output: str, trap: Trap, tmp_path: Path
) -> None:
    path = tmp_path / f"{case}.ovf"
    path.write_bytes(LOADED[case](trap))
    result = run_show(path, "--format", output)
    assert result.returncode == 0, result.stderr[-2000:]
    assert b"Traceback" not in result.stderr
    trap.assert_clean(result.stdout, result.stderr)


def test_show_refuses_a_hostile_document_on_stdin(trap: Trap, tmp_path: Path) -> None:
    data = REFUSED["utf-16-parameter-entity"](trap)
    result = run_show(tmp_path / "-", stdin=data)
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "<stdin>")
    trap.assert_clean(result.stdout, result.stderr)


@pytest.mark.parametrize("case", ["external-entity-file", "utf-7-doctype", "truncated", "invalid-utf-8"])
def test_show_in_process_gives_one_line(
    case: str, trap: Trap, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"{case}.ovf"
    path.write_bytes(REFUSED[case](trap))
    assert main(["show", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_line_error(captured.err.encode(), path.name)
    trap.assert_clean(captured.out, captured.err)


class EndlessInput:
    """A standard input that never ends: reading it to the end fails the test instead of filling memory."""

    name = "<stdin>"

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("standard input was read to the end")
        self.sizes.append(size)
        return b" " * size


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["show", "-"], 2),
        (["validate", "-"], 1),  # a hostile input is a finding (X002)
        (["diff", "-", str(ROOT / "fixtures" / "validate" / "valid.ovf")], 2),
        (["diff", "--snapshots", "-"], 2),
        (["snapshots", "-"], 2),
        (["convert", "-"], 2),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else str(value),
)
def test_standard_input_is_read_up_to_the_size_limit(
    argv: list[str], code: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    endless = EndlessInput()
    monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": endless})())
    assert main(argv) == code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "limit" in captured.err + captured.out, captured
    assert endless.sizes and max(endless.sizes) <= 64 * MiB * 4 + 1, endless.sizes

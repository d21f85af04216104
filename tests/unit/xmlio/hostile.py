"""Shared machinery of the hostile-XML tests: a canary file, a loopback listener, entry points, checks.

A hostile document references the canary (a file holding a random token) and the listener (an HTTP
server on 127.0.0.1) through entities, DTDs, XInclude and schema locations. Whatever ovfkit does with
the document, the token must never show up anywhere and the listener must never be contacted.
"""

from __future__ import annotations

import codecs
import contextlib
import http.server
import io
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ovfkit

OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"

#: How long one hostile load may take, in seconds: far above what they take (at most about 2 s for a
#: flood refused at the default limits, on a loaded machine), far below what an expansion would.
TIME_BOUND = 10.0


def envelope(body: str = "", *, head: str = "", info: str = "A virtual machine", root_attrs: str = "") -> str:
    """A small valid OVF 1.x descriptor; ``body`` goes inside the VirtualHardwareSection, ``head``
    between the XML declaration and the root."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"{head}"
        f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}" xmlns:rasd="{RASD}"{root_attrs}>\n'
        "  <References/>\n"
        '  <VirtualSystem ovf:id="vm">\n'
        f"    <Info>{info}</Info>\n"
        "    <VirtualHardwareSection>\n"
        "      <Info>Virtual hardware</Info>\n"
        f"      {body}\n"
        "    </VirtualHardwareSection>\n"
        "  </VirtualSystem>\n"
        "</Envelope>\n"
    )


def with_declared_encoding(text: str, label: str) -> str:
    """``text`` with its XML declaration naming ``label`` as the encoding."""
    return text.replace('encoding="UTF-8"', f'encoding="{label}"', 1)


# -- the canary and the listener --------------------------------------------------------------


@dataclass
class Canary:
    """A file whose content (``token``) must never be read by ovfkit, and a DTD that would leak it."""

    directory: Path
    token: str
    path: Path
    dtd: Path

    @property
    def url(self) -> str:
        """The canary as a file:// URL."""
        return self.path.as_uri()

    @property
    def dtd_url(self) -> str:
        """The canary DTD as a file:// URL."""
        return self.dtd.as_uri()

    def assert_absent(self, *things: Any) -> None:
        """The token appears in none of ``things`` (bytes, str, models, exceptions: anything)."""
        for thing in things:
            if isinstance(thing, bytes):
                assert self.token.encode() not in thing
                for codec in ("utf-16-le", "utf-16-be"):
                    assert self.token.encode(codec) not in thing
            elif isinstance(thing, BaseException):
                assert self.token not in str(thing)
                assert self.token not in repr(thing.args)
                assert self.token not in repr(vars(thing))
            elif isinstance(thing, ovfkit.OvfModel):
                assert self.token not in repr(thing)
                assert self.token not in thing.model_dump_json()
            else:
                assert self.token not in str(thing)


def make_canary(directory: Path) -> Canary:
    """Create the canary file and a DTD that defines entities holding its token."""
    token = "CANARY-" + secrets.token_hex(16)
    path = directory / "canary.txt"
    path.write_text(token + "\n", encoding="utf-8")
    dtd = directory / "canary.dtd"
    dtd.write_text(f'<!ENTITY leak "{token}">\n<!ENTITY % pleak "{token}">\n', encoding="utf-8")
    return Canary(directory, token, path, dtd)


@dataclass
class Listener:
    """A loopback HTTP server that records every connection made to it."""

    url: str
    connections: list[tuple[str, int]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def assert_untouched(self) -> None:
        """Nobody connected."""
        assert self.connections == [], f"the listener was contacted: {self.paths}"


@contextlib.contextmanager
def listening() -> Iterator[Listener]:
    """Run a ``Listener`` on 127.0.0.1 (port chosen by the system) in a thread; stop it at the end."""
    record: Listener | None = None

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            assert record is not None
            record.paths.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "served">')

        do_HEAD = do_POST = do_GET  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def verify_request(self, request: Any, client_address: Any) -> bool:
            assert record is not None
            record.connections.append(client_address)
            return True

    server = Server(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    record = Listener(f"http://{host!s}:{port}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass
class Trap:
    """The canary and the listener of one test, with the references hostile documents use."""

    canary: Canary
    listener: Listener

    def fill(self, template: str) -> str:
        """Put this test's canary and listener in: ``{canary_url}``, ``{canary_path}``, ``{canary_rel}``,
        ``{dtd_url}``, ``{dtd_rel}`` and ``{http}``."""
        return (
            template.replace("{canary_url}", self.canary.url)
            .replace("{canary_path}", str(self.canary.path))
            .replace("{canary_rel}", self.canary.path.name)
            .replace("{dtd_url}", self.canary.dtd_url)
            .replace("{dtd_rel}", self.canary.dtd.name)
            .replace("{http}", self.listener.url)
        )

    def assert_clean(self, *things: Any) -> None:
        """Nothing was fetched and the token is in none of ``things``."""
        self.listener.assert_untouched()
        self.canary.assert_absent(*things)


# -- entry points -------------------------------------------------------------------------------


def as_text(data: bytes) -> str:
    """The ``str`` a caller would have for these bytes (decoded by their BOM, or as UTF-8)."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, "surrogateescape" if codec.startswith("utf-8") else "replace")
    head = data[:4]
    if len(head) == 4 and head[1:] == b"\0\0\0":
        return data.decode("utf-32-le", "replace")
    if len(head) == 4 and head[:3] == b"\0\0\0":
        return data.decode("utf-32-be", "replace")
    if len(head) == 4 and head[1] == 0 and head[3] == 0:
        return data.decode("utf-16-le", "replace")
    if len(head) == 4 and head[0] == 0 and head[2] == 0:
        return data.decode("utf-16-be", "replace")
    return data.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class EntryPoint:
    """One way of handing a document to ovfkit."""

    name: str
    call: Callable[[bytes, Path, ovfkit.Limits], Any]
    source: Callable[[Path], str]


def _write(data: bytes, folder: Path) -> Path:
    path = folder / "hostile.ovf"
    path.write_bytes(data)
    return path


def _load_open_file(data: bytes, folder: Path, limits: ovfkit.Limits) -> Any:
    with _write(data, folder).open("rb") as handle:
        return ovfkit.load(handle, limits=limits)


def _load_ova_member(data: bytes, folder: Path, limits: ovfkit.Limits) -> Any:
    """The document as the descriptor of an OVA (a ustar archive), loaded by the package's path."""
    import tarfile

    path = folder / "hostile.ova"
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as archive:
        member = tarfile.TarInfo("hostile.ovf")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    return ovfkit.load(path, limits=limits)


ENTRY_POINTS = (
    EntryPoint("loads-bytes", lambda d, f, lim: ovfkit.loads(d, limits=lim), lambda f: "<bytes>"),
    EntryPoint("loads-str", lambda d, f, lim: ovfkit.loads(as_text(d), limits=lim), lambda f: "<string>"),
    EntryPoint(
        "load-str-path",
        lambda d, f, lim: ovfkit.load(str(_write(d, f)), limits=lim),
        lambda f: str(f / "hostile.ovf"),
    ),
    EntryPoint(
        "load-pathlib",
        lambda d, f, lim: ovfkit.load(_write(d, f), limits=lim),
        lambda f: str(f / "hostile.ovf"),
    ),
    EntryPoint("load-open-file", _load_open_file, lambda f: str(f / "hostile.ovf")),
    EntryPoint(
        "load-bytesio", lambda d, f, lim: ovfkit.load(io.BytesIO(d), limits=lim), lambda f: "<stream>"
    ),
    EntryPoint("load-ova-member", _load_ova_member, lambda f: f"{f / 'hostile.ova'}!hostile.ovf"),
)
BYTE_ENTRY_POINTS = tuple(e for e in ENTRY_POINTS if e.name != "loads-str")


@dataclass
class Outcome:
    """What one entry point did with a document: a model or an exception, and how long it took."""

    entry: EntryPoint
    source: str
    model: Any = None
    error: BaseException | None = None
    seconds: float = 0.0


def attempt(entry: EntryPoint, data: bytes, folder: Path, limits: ovfkit.Limits | None = None) -> Outcome:
    """Run one entry point on ``data``; any exception is caught and returned, never raised."""
    outcome = Outcome(entry, entry.source(folder))
    start = time.perf_counter()
    try:
        outcome.model = entry.call(data, folder, limits or ovfkit.Limits())
    except BaseException as exc:
        outcome.error = exc
    outcome.seconds = time.perf_counter() - start
    return outcome


def everywhere(
    data: bytes,
    folder: Path,
    limits: ovfkit.Limits | None = None,
    entries: tuple[EntryPoint, ...] = ENTRY_POINTS,
) -> list[Outcome]:
    """Run ``data`` through every entry point."""
    return [attempt(entry, data, folder, limits) for entry in entries]


# -- checks -----------------------------------------------------------------------------------

#: The longest message an error may have (the message is capped at 1,000 characters).
MAX_MESSAGE = 1000


def assert_error_shape(error: BaseException | None, source: str, *, column: bool = True) -> ovfkit.OvfError:
    """A typed ovfkit error naming the source, the line (and column), short and on one line."""
    assert isinstance(error, ovfkit.OvfError), f"expected an OvfError, got {type(error).__name__}: {error!r}"[
        :500
    ]
    text = str(error)
    assert text.startswith(source + ":"), text[:300]
    assert error.line is not None, text[:300]
    assert text.startswith(f"{source}:{error.line}"), text[:300]
    if column:
        assert error.column is not None, text[:300]
        assert text.startswith(f"{source}:{error.line}:{error.column}:"), text[:300]
    assert len(text) <= MAX_MESSAGE + len(source) + 40, len(text)
    assert "\n" not in text and "\r" not in text
    return error


def assert_refused(
    outcomes: list[Outcome], kind: type[ovfkit.OvfError], *, column: bool = True, mentions: str | None = None
) -> None:
    """Every entry point raised ``kind`` with a well-formed message, in bounded time."""
    for outcome in outcomes:
        label = f"{outcome.entry.name}: "
        assert outcome.model is None, label + "the document was loaded"
        error = assert_error_shape(outcome.error, outcome.source, column=column)
        assert isinstance(error, kind), label + f"{type(error).__name__}: {error}"[:300]
        if mentions is not None:
            assert mentions in str(error), label + str(error)[:300]
        assert outcome.seconds < TIME_BOUND, label + f"took {outcome.seconds:.1f} s"


def assert_loaded(outcomes: list[Outcome]) -> list[Any]:
    """Every entry point returned a model; the models."""
    for outcome in outcomes:
        assert outcome.error is None, f"{outcome.entry.name}: {outcome.error!r}"[:500]
        assert isinstance(outcome.model, ovfkit.Envelope)
        assert outcome.seconds < TIME_BOUND
    return [outcome.model for outcome in outcomes]

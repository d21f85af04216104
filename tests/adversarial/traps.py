"""The traps every adversarial case sets: a canary file and a loopback HTTP listener.

A hostile input names the canary (a file holding a random token) and the listener (an HTTP server on
127.0.0.1, port chosen by the system) through entities, DTDs, XInclude, schema locations, hrefs,
links and archive names. Whatever ovfkit does, the token must never appear in any output and the
listener must never receive a request.
"""

from __future__ import annotations

import http.server
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


class Listener:
    """An HTTP server on 127.0.0.1 that records every request it gets (and answers with the canary)."""

    def __init__(self, answer: bytes) -> None:
        self.requests: list[str] = []
        requests = self.requests

        class _Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = do_HEAD = do_GET  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:
                return

        self.connections: list[str] = []
        connections = self.connections

        class _Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request: object, client_address: object) -> bool:
                connections.append(str(client_address))  # every connection, even one that sends nothing
                return True

        self._server = _Server(("127.0.0.1", 0), _Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL of the listener."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start serving in a daemon thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    @property
    def touched(self) -> bool:
        """True when anybody connected, whatever they sent."""
        return bool(self.connections or self.requests)

    def requests_for(self, prefix: str) -> list[str]:
        """The requests whose path starts with ``prefix``."""
        return [request for request in self.requests if request.split(" ", 1)[1].startswith(prefix)]


@contextmanager
def listening(answer: bytes = b"") -> Iterator[Listener]:
    """A running ``Listener`` for the duration of the block."""
    listener = Listener(answer)
    listener.start()
    try:
        yield listener
    finally:
        listener.stop()


@dataclass
class Trap:
    """The canary and listener of one case: where they are and how a hostile input names them.

    ``folder`` is the case's own folder (everything the case writes goes there), ``outside`` a folder
    next to it that hostile archive names and links aim at: nothing may ever be written there.
    """

    folder: Path
    listener_url: str
    name: str
    token: str = field(default_factory=lambda: "CANARY-" + secrets.token_hex(16))

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.outside.mkdir(exist_ok=True)
        self.canary.write_text(self.token + "\n", encoding="ascii")

    @property
    def canary(self) -> Path:
        """The canary file (absolute path)."""
        return self.folder / "canary.txt"

    @property
    def outside(self) -> Path:
        """A folder next to the inputs that nothing may write into."""
        return self.folder / "outside"

    @property
    def canary_url(self) -> str:
        """The canary as a ``file://`` URL."""
        return self.canary.as_uri()

    @property
    def http(self) -> str:
        """This case's prefix on the listener (requests are attributed to cases by it)."""
        return f"{self.listener_url}/{self.name}"

    def fill(self, text: str) -> str:
        """``text`` with ``{canary}``, ``{canary_url}``, ``{http}`` and ``{outside}`` filled in."""
        return (
            text.replace("{canary_url}", self.canary_url)
            .replace("{canary}", str(self.canary))
            .replace("{http}", self.http)
            .replace("{outside}", str(self.outside))
        )

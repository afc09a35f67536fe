"""Hostile and broken servers for the hard-edge tests, each on a free port of its own (never the sandbox's).

- `black_hole`: accepts connections and never answers (nor closes them);
- `http_server(handler)`: a raw HTTP/1.1 server; each connection's request is read, then `handler(conn,
  request)` answers however it likes. Ready-made handlers: `drip` (headers, then one byte every
  `interval_s`), `big_body` (N bytes, with or without Content-Length), `status` (any status and body, e.g.
  a 403 or an HTML error page), `echo_auth` (a 500 whose body quotes the Authorization header).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Handler = Callable[[socket.socket, "Request"], None]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Server:
    """A listening socket served by a thread; `requests` records what arrived (method, path, headers)."""

    sock: socket.socket
    requests: list[Request] = field(default_factory=list)
    conns: list[socket.socket] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self.port = int(self.sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _listener() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@contextlib.contextmanager
def black_hole() -> Iterator[Server]:
    """Accepts every connection and never sends a byte."""
    server = Server(_listener())
    stop = threading.Event()

    def accept() -> None:
        server.sock.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                conn, _ = server.sock.accept()
                server.conns.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in [*server.conns, server.sock]:
            conn.close()


def _read_request(conn: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    method, path, _ = head[0].split(" ", 2)
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
    return Request(method, path, headers)


@contextlib.contextmanager
def http_server(handler: Handler) -> Iterator[Server]:
    """A raw HTTP server: one thread per connection, one request per connection (it is then closed)."""
    server = Server(_listener())
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            request = _read_request(conn)
            if request is not None:
                server.requests.append(request)
                handler(conn, request)

    def accept() -> None:
        server.sock.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.sock.accept()
            except OSError:
                continue
            server.conns.append(conn)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(timeout=5)
        server.sock.close()


def head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items()), "Connection: close", "", ""]
    return "\r\n".join(lines).encode()


def drip(interval_s: float, total: int = 1000, in_headers: bool = False) -> Handler:
    """Headers at once (or dripped too), then `total` body bytes, one every `interval_s`."""

    def answer(conn: socket.socket, request: Request) -> None:
        start = head("200 OK", {"Content-Type": "text/plain", "Content-Length": str(total)})
        if in_headers:
            for byte in start:
                conn.sendall(bytes([byte]))
                time.sleep(interval_s)
        else:
            conn.sendall(start)
        for _ in range(total):
            conn.sendall(b"x")
            time.sleep(interval_s)

    return answer


def big_body(
    size: int, declared: bool = True, block: int = 1 << 20
) -> Callable[[socket.socket, Request], None]:
    """`size` bytes of body, with Content-Length (or without: read until the server closes)."""

    def answer(conn: socket.socket, request: Request) -> None:
        headers = {"Content-Type": "application/json"}
        if declared:
            headers["Content-Length"] = str(size)
        conn.sendall(head("200 OK", headers))
        chunk, left = b" " * block, size
        while left > 0:
            conn.sendall(chunk[: min(block, left)])
            left -= block

    return answer


def status(code: str, body: str, content_type: str = "text/html") -> Handler:
    """A fixed answer, e.g. status("403 Forbidden", "...") or an HTML error page with 200."""

    def answer(conn: socket.socket, request: Request) -> None:
        data = body.encode()
        conn.sendall(head(code, {"Content-Type": content_type, "Content-Length": str(len(data))}) + data)

    return answer


def echo_auth(conn: socket.socket, request: Request) -> None:
    """A 500 whose (long) body quotes the request's Authorization header, like a careless proxy."""
    auth = request.headers.get("authorization", "")
    # the token starts at character 181: a 200-character excerpt cuts it after 19 characters
    body = ("internal error " * 9 + f"while forwarding header Authorization: {auth}").encode()
    conn.sendall(head("500 Internal Server Error", {"Content-Length": str(len(body))}) + body)

"""The engine's HTTP/1.1 reader for real, against a raw socket server started here that answers in every
framing a server may use (Content-Length, chunked, read-to-close, HTTP/1.0, 1xx, 204, lower-case names)."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.collect.load import LoadPlan, run_open_loop

pytestmark = pytest.mark.integration

BIG = 300_000
CHUNKS = [b"a" * 10, b"b" * 100_000, b"c"]
RESPONSES = {
    "/length": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    "/lower": b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok",
    "/big": b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % BIG + b"x" * BIG,
    "/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    + b"".join(b"%x;ext=1\r\n%s\r\n" % (len(c), c) for c in CHUNKS)
    + b"0\r\nX-Trailer: t\r\n\r\n",
    "/continue": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    "/empty": b"HTTP/1.1 204 No Content\r\n\r\n",
    "/missing": b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
}
CLOSING = {  # answered, then the connection is closed
    "/close": b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nread until the server closes",
    "/http10": b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
    "/abrupt": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",  # closes without saying so
    "/garbage": b"SSH-2.0-OpenSSH\r\n\r\n",
}


class Handler(socketserver.BaseRequestHandler):
    """Keep-alive request loop; POST /post answers 200 only for the body the plan sends."""

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = b""
        while True:
            while b"\r\n\r\n" not in pending:
                data = sock.recv(65536)
                if not data:
                    return
                pending += data
            head, _, pending = pending.partition(b"\r\n\r\n")
            method, path = head.split(b" ")[:2]
            length = next(
                (
                    int(h.split(b":")[1])
                    for h in head.split(b"\r\n")
                    if h.lower().startswith(b"content-length")
                ),
                0,
            )
            while len(pending) < length:
                pending += sock.recv(65536)
            body, pending = pending[:length], pending[length:]
            if path == b"/post":
                ok = method == b"POST" and body == b'{"a": 1}' and b"content-length: 8" in head.lower()
                sock.sendall(b"HTTP/1.1 %s\r\nContent-Length: 0\r\n\r\n" % (b"200 OK" if ok else b"400 Bad"))
                continue
            key = path.decode()
            if key == "/hang":  # never answers; the client must give up at its timeout
                sock.recv(1)
                return
            sock.sendall(RESPONSES.get(key) or CLOSING[key])
            if key in CLOSING:
                return


@pytest.fixture(scope="module")
def raw_server() -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run(base: str, path: str, tmp_path: Path, **kw: object) -> dict[int, int]:
    plan = LoadPlan(base, path, rate=40, duration_s=0.5, timeout_s=5, **kw)  # type: ignore[arg-type]
    samples = run_open_loop(plan, max_rps=1000, out_dir=tmp_path)
    return samples.status_counts


@pytest.mark.parametrize("path", ["/length", "/lower", "/big", "/chunked", "/continue"])
def test_keep_alive_framings_are_read_whole(raw_server: str, path: str, tmp_path: Path) -> None:
    assert run(raw_server, path, tmp_path) == {200: 20}


@pytest.mark.parametrize("path", ["/close", "/http10", "/abrupt"])
def test_responses_that_end_the_connection_are_read_whole(raw_server: str, path: str, tmp_path: Path) -> None:
    assert run(raw_server, path, tmp_path) == {200: 20}


def test_no_content_and_client_errors_are_statuses(raw_server: str, tmp_path: Path) -> None:
    assert run(raw_server, "/empty", tmp_path / "a") == {204: 20}
    assert run(raw_server, "/missing", tmp_path / "b") == {404: 20}


def test_a_post_carries_its_body_and_length(raw_server: str, tmp_path: Path) -> None:
    assert run(raw_server, "/post", tmp_path, method="POST", body='{"a": 1}') == {200: 20}


def test_a_reply_that_is_not_http_is_an_error_with_its_name(raw_server: str, tmp_path: Path) -> None:
    plan = LoadPlan(raw_server, "/garbage", rate=40, duration_s=0.25)
    with pytest.raises(Exception, match="BadResponse"):
        run_open_loop(plan, max_rps=1000, out_dir=tmp_path)


def test_a_server_that_never_answers_times_out_at_the_plan_timeout(raw_server: str, tmp_path: Path) -> None:
    plan = LoadPlan(raw_server, "/hang", rate=40, duration_s=0.25, timeout_s=0.5)
    with pytest.raises(Exception, match=r"none of 10 requests.*TimeoutError"):
        run_open_loop(plan, max_rps=1000, out_dir=tmp_path)

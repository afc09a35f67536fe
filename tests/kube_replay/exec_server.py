"""A loopback websocket server that answers `pods/{name}/exec` like a Kubernetes API server: the upgrade,
the channel protocol (v4.channel.k8s.io, v5.channel.k8s.io: one byte of channel before each binary
message; 0 stdin, 1 stdout, 2 stderr, 3 the status; v5 adds 255 to close a channel) and the closing
handshake. Written from RFC 6455, with no websocket library, so the client under test is the only one.

Two ways to answer:
- `Replay(exchange)`: a recorded exchange (tests/kube_replay/exec/*.json) frame by frame. It checks the
  client's request and stdin against the recording and records what the client sent.
- `RunLocally()`: runs the requested command on this machine, streaming stdin, stdout and stderr over the
  channels and ending with the status the API server sends (Success, or NonZeroExitCode with the code).
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import socketserver
import struct
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x2, 0x8, 0x9, 0xA
STDIN, STDOUT, STDERR, ERROR, CLOSE = 0, 1, 2, 3, 255
RECORDINGS = Path(__file__).with_name("exec")


def recording(name: str) -> dict[str, Any]:
    """One recorded exchange from tests/kube_replay/exec/."""
    loaded: dict[str, Any] = json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


@dataclass
class ExecRequest:
    """What the client asked for: path, query (every value of each key) and the offered subprotocols."""

    path: str
    query: dict[str, list[str]]
    protocols: list[str]
    headers: dict[str, str]
    stdin: list[bytes] = field(default_factory=list)  # every stdin message, as received


class Socket:
    """One upgraded connection: read the client's (masked) frames, write the server's."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.lock = threading.Lock()

    def _exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("the client closed the connection")
            data += chunk
        return data

    def read(self) -> tuple[int, bytes]:
        """The next whole message (opcode, payload); control frames answered or returned."""
        head = self._exact(2)
        opcode, length = head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._exact(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._exact(8))[0]
        mask = self._exact(4) if head[1] & 0x80 else b"\0\0\0\0"
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._exact(length)))
        if opcode == OP_PING:
            self.write(OP_PONG, payload)
            return self.read()
        return opcode, payload

    def write(self, opcode: int, payload: bytes) -> None:
        n = len(payload)
        size = bytes([n]) if n < 126 else (bytes([126]) + struct.pack("!H", n) if n < 65536 else b"")
        size = size or bytes([127]) + struct.pack("!Q", n)
        with self.lock:
            self.sock.sendall(bytes([0x80 | opcode]) + size + payload)

    def send(self, channel: int, data: bytes) -> None:
        self.write(OP_BINARY, bytes([channel]) + data)

    def close(self, code: int = 1000, *, wait: bool = True) -> None:
        """The closing handshake: our close frame, then (`wait`) the client's answer or its hang-up."""
        self.write(OP_CLOSE, struct.pack("!H", code))
        if not wait:
            return
        try:
            self.sock.settimeout(2)
            while self.read()[0] != OP_CLOSE:
                pass
        except OSError:
            pass


class Answer(Protocol):
    def handshake(self, request: ExecRequest) -> tuple[int, str | None, bytes]:
        """(HTTP status, chosen subprotocol, body for a refusal)."""

    def serve(self, request: ExecRequest, ws: Socket, protocol: str) -> None:
        """The exchange after the upgrade."""


class Replay:
    """Answer with one recorded exchange; `problems` lists where the client departed from it."""

    def __init__(self, exchange: dict[str, Any]) -> None:
        self.exchange = exchange
        self.problems: list[str] = []

    def handshake(self, request: ExecRequest) -> tuple[int, str | None, bytes]:
        recorded = self.exchange["request"]
        for key, values in recorded["query"].items():
            if request.query.get(key) != values:
                self.problems.append(f"query {key}: sent {request.query.get(key)}, recorded {values}")
        if request.path != recorded["path"]:
            self.problems.append(f"path: sent {request.path}, recorded {recorded['path']}")
        response = self.exchange["response"]
        body = json.dumps(response["body"]).encode() if "body" in response else b""
        chosen = response.get("subprotocol")
        if chosen and chosen not in request.protocols:
            self.problems.append(f"the client did not offer {chosen} (offered {request.protocols})")
        return int(response["status"]), chosen, body

    def serve(self, request: ExecRequest, ws: Socket, protocol: str) -> None:
        for frame in self.exchange["frames"]:
            if frame["from"] == "client":
                _, payload = ws.read()
                request.stdin.append(payload)
                self._check_client_frame(frame, payload)
            elif "close" in frame:
                ws.close(int(frame["close"]))
            else:
                ws.send(int(frame["channel"]), frame["data"].encode())

    def _check_client_frame(self, frame: dict[str, Any], payload: bytes) -> None:
        if not payload or payload[0] != frame["channel"]:
            self.problems.append(f"expected a frame on channel {frame['channel']}, got {payload[:20]!r}")
            return
        sent = json.loads(payload[1:])
        if sorted(sent) != sorted(frame["json"]):
            self.problems.append(f"stdin keys: sent {sorted(sent)}, recorded {sorted(frame['json'])}")
        if "argv" in frame["json"] and sent.get("argv") != frame["json"]["argv"]:
            self.problems.append(f"argv: sent {sent.get('argv')}, recorded {frame['json']['argv']}")


class RunLocally:
    """Run the requested command here, as the container runtime would in the pod."""

    def __init__(self, protocols: tuple[str, ...] = ("v4.channel.k8s.io",)) -> None:
        self.protocols = protocols

    def handshake(self, request: ExecRequest) -> tuple[int, str | None, bytes]:
        chosen = next((p for p in request.protocols if p in self.protocols), None)
        return (101, chosen, b"") if chosen else (400, None, b"no supported subprotocol")

    def serve(self, request: ExecRequest, ws: Socket, protocol: str) -> None:
        command = request.query["command"]
        ws.send(STDOUT, b"")  # the API server's "stream ready" message
        proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0
        )
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        pumps = [
            threading.Thread(target=_pump, args=(f, ws, ch)) for f, ch in ((proc.stdout, 1), (proc.stderr, 2))
        ]
        for pump in pumps:
            pump.start()
        feed = threading.Thread(target=_feed, args=(ws, proc, request, protocol), daemon=True)
        feed.start()
        code = proc.wait(timeout=120)
        for pump in pumps:
            pump.join(timeout=10)
        ws.send(ERROR, json.dumps(_status(command, code)).encode())
        ws.close(wait=False)  # the feed thread, the only reader, takes the client's close answer
        feed.join(timeout=5)


def _pump(source: Any, ws: Socket, channel: int) -> None:
    while chunk := source.read(65536):
        ws.send(channel, chunk)


def _feed(ws: Socket, proc: subprocess.Popen[bytes], request: ExecRequest, protocol: str) -> None:
    """Client stdin messages into the process; v5's close signal for channel 0 closes its stdin."""
    assert proc.stdin is not None
    try:
        while True:
            opcode, payload = ws.read()
            if opcode == OP_CLOSE:
                return
            if not payload or proc.poll() is not None:
                continue
            request.stdin.append(payload)
            if payload[0] == CLOSE and protocol.startswith("v5") and payload[1:2] == bytes([STDIN]):
                proc.stdin.close()
            elif payload[0] == STDIN:
                proc.stdin.write(payload[1:])
    except (OSError, ValueError):
        return


def _status(command: list[str], code: int) -> dict[str, Any]:
    """The status the API server writes on channel 3 when the command ends."""
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"command terminated with non-zero exit code: error executing command {command}, "
        f"exit code {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


class _Handler(socketserver.BaseRequestHandler):
    server: ExecServer

    def handle(self) -> None:
        request = _read_upgrade(self.request)
        if request is None:
            return
        self.server.requests.append(request)
        status, protocol, body = self.server.answer.handshake(request)
        if status != 101:
            reason = {400: "Bad Request", 403: "Forbidden", 404: "Not Found"}.get(status, "Error")
            head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
            self.request.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            return
        accept = base64.b64encode(
            hashlib.sha1((request.headers["sec-websocket-key"] + GUID).encode()).digest()
        )
        self.request.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept + f"\r\nSec-WebSocket-Protocol: {protocol}\r\n\r\n".encode()
        )
        try:
            self.server.answer.serve(request, Socket(self.request), str(protocol))
        except OSError as exc:
            self.server.errors.append(f"{type(exc).__name__}: {exc}")


def _read_upgrade(sock: socket.socket) -> ExecRequest | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return None
        data += chunk
    lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    target = lines[0].split(" ")[1]
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    parts = urlsplit(target)
    offered = [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
    return ExecRequest(parts.path, parse_qs(parts.query, keep_blank_values=True), offered, headers)


class ExecServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, answer: Answer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = answer
        self.requests: list[ExecRequest] = []
        self.errors: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def exec_server(answer: Answer) -> Iterator[ExecServer]:
    """A running ExecServer on a free loopback port, shut down afterwards."""
    server = ExecServer(answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

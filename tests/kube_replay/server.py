"""A loopback HTTP server that answers like a Kubernetes API server from recorded JSON payloads.

Routes are matched newest-first, so a test can override one answer (say, a 403 for one list) on top of the
default scenario. A route with several bodies is a timeline: each request gets the next body; the last
repeats.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Responder = Callable[["RecordedRequest"], tuple[int, Any]]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received: method, path, decoded query and JSON body."""

    method: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class Route:
    """An answer for METHOD PATH, optionally only when the query contains `query` (key -> exact value)."""

    method: str
    path: str
    bodies: list[Any] = field(default_factory=list)
    status: int = 200
    query: dict[str, str] = field(default_factory=dict)
    responder: Responder | None = None
    served: int = 0

    def matches(self, request: RecordedRequest) -> bool:
        """True when the method, path and every required query parameter match."""
        if (request.method, request.path) != (self.method, self.path):
            return False
        return all(request.query.get(k) == v for k, v in self.query.items())

    def answer(self, request: RecordedRequest) -> tuple[int, Any]:
        """The status and body for this request; timelines advance one body per request."""
        if self.responder is not None:
            return self.responder(request)
        body = self.bodies[min(self.served, len(self.bodies) - 1)]
        self.served += 1
        return self.status, body


def not_found(request: RecordedRequest) -> dict[str, Any]:
    """The Status body the API server sends for an unknown path."""
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f"the server could not find the requested resource ({request.method} {request.path})",
        "reason": "NotFound",
        "details": {},
        "code": 404,
    }


class ReplayServer(ThreadingHTTPServer):
    """ThreadingHTTPServer holding the route table and every request received."""

    daemon_threads = True

    def __init__(self, routes: list[Route]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = list(routes)
        self.requests: list[RecordedRequest] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        """Base URL for kubernetes.client.Configuration(host=...)."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, route: Route) -> Route:
        """Add a route that wins over every route added before it."""
        with self.lock:
            self.routes.append(route)
        return route

    def dispatch(self, request: RecordedRequest) -> tuple[int, Any]:
        """Record the request and return the newest matching route's answer (404 Status if none)."""
        with self.lock:
            self.requests.append(request)
            for route in reversed(self.routes):
                if route.matches(request):
                    return route.answer(request)
        return 404, not_found(request)

    def requests_to(self, path: str, method: str = "GET") -> list[RecordedRequest]:
        """The requests received for one path, in order."""
        return [r for r in self.requests if r.path == path and r.method == method]


class _Handler(BaseHTTPRequestHandler):
    # Without this every response waits ~40 ms for Nagle + delayed ACK.
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server: ReplayServer

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = RecordedRequest(self.command, parts.path, query, json.loads(raw) if raw else None)
        status, body = self.server.dispatch(request)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""


@contextmanager
def serve(routes: list[Route]) -> Iterator[ReplayServer]:
    """Run a ReplayServer on 127.0.0.1 (ephemeral port) in a thread; shut it down on exit."""
    server = ReplayServer(routes)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="kube-replay", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

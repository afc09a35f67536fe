"""A small multi-tenant HTTP API on 127.0.0.1 for the isolation collectors' tests: strict, or leaky on
purpose.

Strict: each tenant sees only its own items; a disagreeing X-Tenant-ID is 403; JWTs are verified (HS256);
webhooks need an HMAC-SHA256 signature over `timestamp.body`; sessions are `no-store` and never logged.
Leaky: items of any tenant by id, the tenant header and JWT signature ignored, unsigned webhooks accepted,
session bodies written to the log file and served cacheable.
Garbage: every GET answers 200 with an HTML error page (a misrouted gateway), whatever the credential.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt

KEYS = {"key-a": "a", "key-b": "b"}
JWT_SECRET = "jwt-secret-for-tests-" + "x" * 16
WEBHOOK_SECRET = "webhook-secret-for-tests"
ITEMS = {"a1": ("a", "CANARY-a-0123456789abcdef"), "b1": ("b", "CANARY-b-0123456789abcdef")}


HTML_PAGE = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
OAUTH_DISCOVERY = "/.well-known/oauth"


@dataclass
class FakeApi:
    leaky: bool
    log: Path
    sessions: dict[str, dict[str, object]] = field(default_factory=dict)
    garbage: bool = False


def _tenant(api: FakeApi, headers: dict[str, str]) -> tuple[str | None, int]:
    auth = headers.get("authorization", "")
    if auth.startswith("Bearer "):
        try:
            claims = jwt.decode(
                auth[7:],
                JWT_SECRET,
                algorithms=["HS256"],
                options={"verify_signature": not api.leaky, "require": ["exp", "tenant"]},
            )
        except jwt.InvalidTokenError:
            return None, 401
        return str(claims["tenant"]), 200
    tenant = KEYS.get(headers.get("x-api-key", ""))
    if tenant is None:
        return None, 401
    claimed = headers.get("x-tenant-id")
    if claimed and claimed != tenant and not api.leaky:
        return None, 403
    return (claimed or tenant) if api.leaky else tenant, 200


def handler_for(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True

        def reply(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {
                "Content-Type": "application/json",
                "Content-Length": str(len(data)),
                "Strict-Transport-Security": "max-age=60",
                "X-Frame-Options": "DENY",
                **(headers or {}),
            }.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def headers_lower(self) -> dict[str, str]:
            return {k.lower(): v for k, v in self.headers.items()}

        def html(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(HTML_PAGE)))
            self.end_headers()
            self.wfile.write(HTML_PAGE)

        def do_GET(self) -> None:
            if api.garbage:
                return self.html()
            if self.path == OAUTH_DISCOVERY:
                return self.reply(200, {"issuer": "http://fake", "token_endpoint": "http://fake/token"})
            tenant, status = _tenant(api, self.headers_lower())
            if tenant is None:
                return self.reply(status, {"error": "refused"})
            if self.path == "/items":
                own = [{"id": i, "note": note} for i, (t, note) in ITEMS.items() if t == tenant]
                return self.reply(200, {"items": own})
            if self.path.startswith("/items/"):
                item_id = self.path.rsplit("/", 1)[1]
                found = ITEMS.get(item_id)
                if found and (found[0] == tenant or api.leaky):
                    return self.reply(200, {"id": item_id, "note": found[1]})
                return self.reply(404, {"error": "not found"})
            if self.path.startswith("/sessions/") and self.path.rsplit("/", 1)[1] in api.sessions:
                cache = "public, max-age=60" if api.leaky else "no-store"
                return self.reply(200, api.sessions[self.path.rsplit("/", 1)[1]], {"Cache-Control": cache})
            return self.reply(404, {"error": "not found"})

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/hook":
                return self.reply(*self.hook(body))
            tenant, status = _tenant(api, self.headers_lower())
            if tenant is None or self.path != "/sessions":
                return self.reply(status if tenant is None else 404, {"error": "refused"})
            record = {"id": uuid.uuid4().hex, **json.loads(body)}
            api.sessions[str(record["id"])] = record
            if api.leaky:
                with api.log.open("a") as log:
                    log.write(f"POST /sessions {body.decode()}\n")
            return self.reply(201, record)

        def hook(self, body: bytes) -> tuple[int, object]:
            ts = self.headers.get("X-Timestamp", "")
            sig = (
                "sha256="
                + hmac.new(WEBHOOK_SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
            )
            if api.leaky or hmac.compare_digest(sig, self.headers.get("X-Signature", "")):
                return 200, {"received": True}
            return 401, {"error": "bad signature"}

        def do_DELETE(self) -> None:
            self.reply(405, {"error": "no delete"})

        def log_message(self, format: str, *args: object) -> None:
            with api.log.open("a") as log:
                log.write(f"{self.command} {self.path}\n")

    return Handler


@contextmanager
def serve(leaky: bool, log: Path, *, garbage: bool = False) -> Iterator[str]:
    """Run the fake API on a free port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(FakeApi(leaky, log, garbage=garbage)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()

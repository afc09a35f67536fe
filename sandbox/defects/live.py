"""The running sandbox as the defects see it: its configuration, secrets and a few read-back helpers.

Everything here talks to the live servers (as the sandbox's own administrator where it must: the
PostgreSQL superuser over the local socket, the app's own port, moto's endpoint).
"""

from __future__ import annotations

import json
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox import secrets_env
from sandbox.components.base import RunContext
from sandbox.components.postgres import admin_dsn, query
from sandbox.components.tls import tls_files
from sandbox.config import SandboxConfig
from sandbox.errors import SandboxError


@dataclass(frozen=True)
class HttpAnswer:
    """Status, lower-cased headers and body of one response."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Live:
    """One running sandbox."""

    cfg: SandboxConfig
    ctx: RunContext

    @classmethod
    def of(cls, cfg: SandboxConfig) -> Live:
        """The sandbox of `cfg`, with the secrets its `up` generated."""
        secrets = secrets_env.parse_env_file(cfg.path("secrets.env"))
        if not secrets:
            raise SandboxError("defects", f"no secrets in {cfg.path('secrets.env')}: is the sandbox up?")
        return cls(cfg, RunContext(cfg, secrets))

    # -- PostgreSQL ----------------------------------------------------------------------------------------

    def sql(self, statement: str, params: tuple[Any, ...] = (), *, node: str = "primary") -> list[Any]:
        """One statement as the superuser over the node's socket, in the sandbox database."""
        port = self.cfg.ports.pg_primary if node == "primary" else self.cfg.ports.pg_replica
        dsn = admin_dsn(self.cfg.path(f"pg-{node}"), port, self.cfg.database)
        return query(dsn, statement, params)

    # -- HTTP ----------------------------------------------------------------------------------------------

    def api_key(self, slug: str) -> str:
        tenant = next(t for t in self.cfg.tenants if t.slug == slug)
        return self.ctx.secrets[f"{tenant.env_prefix}_API_KEY"]

    def tls_context(self, **attrs: Any) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(tls_files(self.cfg.path("tls")).ca_cert))
        for key, value in attrs.items():
            setattr(context, key, value)
        return context

    def request(
        self,
        url: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        timeout: float = 10.0,
    ) -> HttpAnswer:
        """One HTTP(S) request (the sandbox CA trusted, no redirects followed); any status is an answer."""
        req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
        opener = urllib.request.build_opener(
            _NoRedirect, urllib.request.HTTPSHandler(context=self.tls_context())
        )
        try:
            with opener.open(req, timeout=timeout) as resp:
                return HttpAnswer(resp.status, _lower(resp.headers), resp.read())
        except urllib.error.HTTPError as exc:
            return HttpAnswer(exc.code, _lower(exc.headers), exc.read())

    def gateway(self, path: str, **kw: Any) -> HttpAnswer:
        """A request through nginx (HTTPS, host name `localhost`)."""
        return self.request(f"https://localhost:{self.cfg.ports.https}{path}", **kw)

    def app_ports(self) -> tuple[int, int]:
        return self.cfg.ports.app_a, self.cfg.ports.app_b

    def app(self, port: int, path: str, **kw: Any) -> HttpAnswer:
        """A request to one app instance directly (its own port: where the fault hooks are)."""
        return self.request(f"http://127.0.0.1:{port}{path}", **kw)

    def tls_handshake(self, **attrs: Any) -> str:
        """The TLS version negotiated with the gateway under a client context with `attrs`; raises
        ssl.SSLError when the handshake is refused."""
        with (
            socket.create_connection(("127.0.0.1", self.cfg.ports.https), timeout=5) as raw,
            self.tls_context(**attrs).wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            return str(tls.version())

    # -- Redis ---------------------------------------------------------------------------------------------

    def redis(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.cfg.ports.redis_primary, socket_timeout=5)

    def delete_keys(self, pattern: str) -> int:
        """Delete every key matching `pattern` on the Redis primary (SCAN); returns how many."""
        client = self.redis()
        keys = list(client.scan_iter(match=pattern, count=500))
        if keys:
            client.delete(*keys)
        return len(keys)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def wait_for(what: str, check: Callable[[], bool], timeout_s: float, interval_s: float = 0.2) -> None:
    """Poll `check` until true; SandboxError naming `what` (and the last failure) after `timeout_s`."""
    deadline, last = time.monotonic() + timeout_s, "false"
    while True:
        try:
            if check():
                return
            last = "false"
        except Exception as exc:  # not there yet: keep polling, and say what the last probe saw
            last = f"{type(exc).__name__}: {exc}"
        if time.monotonic() >= deadline:
            raise SandboxError("defects", f"{what}: not so after {timeout_s:g} s (last probe: {last[:300]})")
        time.sleep(interval_s)

"""Defects in the application: a planted override switched on in every app instance at run time
(PUT /__sandbox/overrides on each instance's own port; no restart, so no scrape or request is lost).

Each override makes a real code path misbehave; `present` checks it by the instance's answers, not only by
reading the override back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import jwt

from sandbox.defects.live import Live
from sandbox.defects.mechanism import Mechanism, Saved, mechanism
from sandbox.errors import SandboxError
from sandbox.secrets_env import JWT_SECRET

OVERRIDES = "/__sandbox/overrides"


def read_overrides(live: Live, port: int) -> dict[str, Any]:
    answer = live.app(port, OVERRIDES)
    if answer.status != 200:
        raise SandboxError("defects", f"app on :{port} answered {answer.status} to GET {OVERRIDES}")
    return dict(answer.json())


def write_overrides(live: Live, port: int, overrides: dict[str, Any]) -> None:
    body = json.dumps(overrides).encode()
    answer = live.app(port, OVERRIDES, method="PUT", body=body, headers={"Content-Type": "application/json"})
    if answer.status != 200:
        raise SandboxError(
            "defects", f"app on :{port} refused the overrides: {answer.status} {answer.body!r}"
        )


class Override(Mechanism):
    """Set `values` among the overrides of every app instance; the undo writes back what each had."""

    def __init__(self, **values: Any) -> None:
        self.values = values

    def save(self, live: Live) -> Saved:
        return {str(port): read_overrides(live, port) for port in live.app_ports()}

    def apply(self, live: Live, saved: Saved) -> None:
        for port in live.app_ports():
            write_overrides(live, port, {**saved[str(port)], **self.values})

    def restore(self, live: Live, saved: Saved) -> None:
        for port in live.app_ports():
            write_overrides(live, port, saved[str(port)])

    def present(self, live: Live) -> bool:
        return all(self.behaves(live, port) for port in live.app_ports())

    def behaves(self, live: Live, port: int) -> bool:
        """Whether instance `port` shows the defect in its answers."""
        raise NotImplementedError


def _all_set(values: dict[str, Any]) -> Callable[[Live, int], bool]:
    return lambda live, port: all(read_overrides(live, port).get(k) == v for k, v in values.items())


@mechanism("app.api_delay")
class ApiDelay(Override):
    """Every /api/ request waits `ms` milliseconds inside the app before it is handled."""

    def __init__(self, ms: float) -> None:
        super().__init__(api_delay_ms=float(ms))

    def behaves(self, live: Live, port: int) -> bool:
        key = live.api_key(live.cfg.load_test_tenant)
        started = time.monotonic()
        live.app(port, "/api/v1/providers", headers={"X-API-Key": key})
        return (time.monotonic() - started) * 1000 >= float(self.values["api_delay_ms"])


@mechanism("app.session_ttl")
class SessionTtl(Override):
    """Login sessions live `seconds` instead of the configured lifetime."""

    def __init__(self, seconds: int) -> None:
        super().__init__(session_ttl_seconds=int(seconds))

    def behaves(self, live: Live, port: int) -> bool:
        key = live.api_key(live.cfg.load_test_tenant)
        answer = live.app(port, "/api/v1/sessions", method="POST", headers={"X-API-Key": key}, body=b"{}")
        return answer.status == 201 and bool(
            answer.json().get("expires_in") == self.values["session_ttl_seconds"]
        )


@mechanism("app.webhooks_unverified")
class WebhooksUnverified(Override):
    """Incoming webhooks are accepted without checking their signature."""

    def __init__(self) -> None:
        super().__init__(verify_webhooks=False)

    def behaves(self, live: Live, port: int) -> bool:
        body = b'{"type": "claimcheck.defect-probe"}'
        headers = {"Content-Type": "application/json"}
        return (
            live.app(port, "/api/v1/webhooks/incoming", method="POST", body=body, headers=headers).status
            == 200
        )


@mechanism("app.expired_jwt_accepted")
class ExpiredJwtAccepted(Override):
    """Expired JWTs are accepted (expiry not verified)."""

    def __init__(self) -> None:
        super().__init__(verify_jwt_expiry=False)

    def behaves(self, live: Live, port: int) -> bool:
        tenant = live.cfg.load_test_tenant
        claims = {"sub": "claimcheck-defect-probe", "tenant": tenant, "exp": int(time.time()) - 3600}
        token = jwt.encode(claims, live.ctx.secrets[JWT_SECRET], algorithm="HS256")
        answer = live.app(port, "/api/v1/providers", headers={"Authorization": f"Bearer {token}"})
        return answer.status == 200


@mechanism("app.tenant_from_header")
class TenantFromHeader(Override):
    """X-Tenant-ID chooses the tenant a request acts for, whatever its credential says."""

    def __init__(self) -> None:
        super().__init__(tenant_from_header=True)

    def behaves(self, live: Live, port: int) -> bool:
        own, other = live.cfg.tenants[0].slug, live.cfg.tenants[1].slug
        headers = {"X-API-Key": live.api_key(own), "X-Tenant-ID": other}
        answer = live.app(port, "/api/v1/providers", headers=headers)
        return answer.status == 200 and f"CANARY-{other}-".encode() in answer.body


@mechanism("app.psychology_cached")
class PsychologyCached(Override):
    """Therapy session reads (clinical notes included) are cached in Redis for `seconds`."""

    def __init__(self, seconds: int) -> None:
        super().__init__(cache_psychology_seconds=int(seconds))

    def restore(self, live: Live, saved: Saved) -> None:
        super().restore(live, saved)
        live.delete_keys("cache:*:psychology_session:*")  # the clinical records it cached

    def residue(self, live: Live) -> list[str]:
        keys = live.redis().scan_iter(match="cache:*:psychology_session:*", count=500)
        return [f"{k.decode()} (a cached clinical record)" for k in keys]

    def behaves(self, live: Live, port: int) -> bool:
        return _all_set(self.values)(live, port)

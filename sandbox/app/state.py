"""What one app instance holds while it runs."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from starlette.requests import Request

from sandbox.app.cache import Cache
from sandbox.app.config import AppConfig
from sandbox.app.db import Database
from sandbox.app.metrics import AppMetrics


@dataclass(frozen=True)
class Overrides:
    """Planted defects (sandbox/defects) switched at run time through PUT /__sandbox/overrides; all off by
    default. Each one makes a real code path of the app misbehave, as a misconfiguration would."""

    api_delay_ms: float = 0.0  # every /api/ request waits this long before it is handled
    session_ttl_seconds: int = 0  # >0: login sessions live this long instead of the configured TTL
    verify_webhooks: bool = True  # False: incoming webhooks are accepted without checking the signature
    verify_jwt_expiry: bool = True  # False: expired JWTs are accepted
    tenant_from_header: bool = False  # True: X-Tenant-ID chooses the tenant (a cross-tenant leak)
    cache_psychology_seconds: int = 0  # >0: therapy session reads are cached in Redis this long


@dataclass
class FaultState:
    """Injected faults: requests arriving before `stall_until` (monotonic seconds) wait until then;
    `overrides` are the planted defects in force."""

    stall_until: float = 0.0
    overrides: Overrides = field(default_factory=Overrides)


@dataclass
class AppState:
    """Config, clients and metrics of the instance; kept on `app.state.sandbox`."""

    config: AppConfig
    db: Database
    redis: Redis
    metrics: AppMetrics
    cache: Cache
    fault: FaultState = field(default_factory=FaultState)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run `coro` in the background, keeping a reference until it ends."""
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


def app_state(request: Request) -> AppState:
    """The AppState of the app serving `request`."""
    state: AppState = request.app.state.sandbox
    return state

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


@dataclass
class FaultState:
    """Injected faults: requests arriving before `stall_until` (monotonic seconds) wait until then."""

    stall_until: float = 0.0


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

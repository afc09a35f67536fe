"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.app.responses import json_response
from sandbox.app.state import app_state

READY_TIMEOUT_SECONDS = 2.0


async def health(request: Request) -> Response:
    """Liveness: the process answers; no dependency is consulted."""
    return json_response({"status": "ok", "instance": app_state(request).config.instance})


async def _check(probe: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(probe, READY_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure of a dependency means "not ready"
        return f"error: {type(exc).__name__}"
    return "ok"


async def ready(request: Request) -> Response:
    """Readiness: PostgreSQL and Redis both answer (503 otherwise, saying which failed)."""
    state = app_state(request)
    checks = {"database": await _check(state.db.ping()), "redis": await _check(state.redis.ping())}
    ok = all(value == "ok" for value in checks.values())
    body = {"status": "ready" if ok else "not ready", "instance": state.config.instance, "checks": checks}
    return json_response(body, status=200 if ok else 503)


async def metrics(request: Request) -> Response:
    """Prometheus exposition of this instance's registry."""
    registry = app_state(request).metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


ROUTES = [
    Route("/health", health, methods=["GET"]),
    Route("/ready", ready, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
]

"""Fault hooks for the suites' own drills and benchmarks (mounted only with `fault_injection: true`).

- POST /__sandbox/stall?seconds=S: every request arriving in the next S seconds waits until they have
  passed (a server pause); the stall request itself answers at once.
- GET /__sandbox/delay?ms=N: answers after N milliseconds (a known injected delay).
"""

from __future__ import annotations

import asyncio
import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.app.responses import error, json_response
from sandbox.app.state import FaultState, app_state

MAX_FAULT_SECONDS = 600.0
STALL_PATH = "/__sandbox/stall"


def _seconds(raw: str | None, scale: float) -> float | None:
    try:
        value = float(raw or "") / scale
    except ValueError:
        return None
    return value if 0 <= value <= MAX_FAULT_SECONDS else None


async def stall(request: Request) -> Response:
    """Pause the instance for `seconds`."""
    seconds = _seconds(request.query_params.get("seconds"), 1.0)
    if seconds is None:
        return error(422, f"seconds must be a number in [0, {MAX_FAULT_SECONDS:g}]")
    app_state(request).fault.stall_until = time.monotonic() + seconds
    return json_response({"stalled_for_seconds": seconds})


async def delay(request: Request) -> Response:
    """Answer after `ms` milliseconds."""
    seconds = _seconds(request.query_params.get("ms"), 1000.0)
    if seconds is None:
        return error(422, f"ms must be a number in [0, {MAX_FAULT_SECONDS * 1000:g}]")
    deadline = time.monotonic() + seconds
    await asyncio.sleep(seconds)
    while time.monotonic() < deadline:  # asyncio.sleep may wake a little early
        await asyncio.sleep(deadline - time.monotonic())
    return json_response({"delayed_ms": seconds * 1000})


class StallMiddleware:
    """Hold every HTTP request (except the stall hook) while the instance is stalled."""

    def __init__(self, app: ASGIApp, fault: FaultState) -> None:
        self.app = app
        self.fault = fault

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != STALL_PATH:
            remaining = self.fault.stall_until - time.monotonic()
            if remaining > 0:
                await asyncio.sleep(remaining)
        await self.app(scope, receive, send)


ROUTES = [
    Route(STALL_PATH, stall, methods=["POST"]),
    Route("/__sandbox/delay", delay, methods=["GET"]),
]

"""Fault hooks for the suites' own drills and benchmarks (mounted only with `fault_injection: true`).

- POST /__sandbox/stall?seconds=S: every request arriving in the next S seconds waits until they have
  passed (a server pause); the stall request itself answers at once.
- GET /__sandbox/delay?ms=N: answers after N milliseconds (a known injected delay).
- GET /__sandbox/overrides: the planted defects in force (sandbox.app.state.Overrides, as JSON);
  PUT /__sandbox/overrides with a JSON object replaces them (unknown keys or wrong types: 422).
  sandbox/defects plants and undoes them on each instance; they are reachable on the app's own port only
  (nginx serves no /__sandbox/ path).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.app.responses import error, json_response
from sandbox.app.state import FaultState, Overrides, app_state

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


def overrides_from(body: Any) -> Overrides:
    """Overrides from a decoded JSON object; ValueError names an unknown key or a value of the wrong type."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    fields = {f.name: f for f in dataclasses.fields(Overrides)}
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise ValueError(f"unknown override(s): {', '.join(unknown)}")
    for name, value in body.items():
        wanted = type(getattr(Overrides(), name))
        ok = (
            isinstance(value, bool)
            if wanted is bool
            else isinstance(value, int | float) and not isinstance(value, bool)
        )
        if not ok:
            raise ValueError(f"{name} must be a {wanted.__name__}, not {value!r}")
    return Overrides(**body)


async def get_overrides(request: Request) -> Response:
    """The planted defects in force on this instance."""
    return json_response(dataclasses.asdict(app_state(request).fault.overrides))


async def put_overrides(request: Request) -> Response:
    """Replace the planted defects of this instance."""
    try:
        overrides = overrides_from(await request.json())
    except ValueError as exc:
        return error(422, str(exc))
    app_state(request).fault.overrides = overrides
    return json_response(dataclasses.asdict(overrides))


class StallMiddleware:
    """Hold every HTTP request (except the stall hook) while the instance is stalled, and delay /api/
    requests by the planted `api_delay_ms`."""

    def __init__(self, app: ASGIApp, fault: FaultState) -> None:
        self.app = app
        self.fault = fault

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != STALL_PATH:
            remaining = self.fault.stall_until - time.monotonic()
            if remaining > 0:
                await asyncio.sleep(remaining)
            delay_ms = self.fault.overrides.api_delay_ms
            if delay_ms > 0 and str(scope["path"]).startswith("/api/"):
                await asyncio.sleep(delay_ms / 1000.0)
        await self.app(scope, receive, send)


ROUTES = [
    Route(STALL_PATH, stall, methods=["POST"]),
    Route("/__sandbox/delay", delay, methods=["GET"]),
    Route("/__sandbox/overrides", get_overrides, methods=["GET"]),
    Route("/__sandbox/overrides", put_overrides, methods=["PUT"]),
]

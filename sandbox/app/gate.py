"""The door of every tenant endpoint: authenticate, refuse a spoofed tenant, count against the hourly limit.

`tenant_endpoint(handler)` turns `handler(request, principal)` into a Starlette endpoint.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response

from sandbox.app.auth import (
    AuthError,
    Principal,
    bearer_token,
    check_tenant_header,
    principal_for_api_key,
    principal_for_jwt,
    session_key,
)
from sandbox.app.ratelimit import RateDecision, count_hit, window_decision
from sandbox.app.responses import error
from sandbox.app.state import AppState, app_state

Handler = Callable[[Request, Principal], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


async def _session_principal(state: AppState, token: str) -> Principal:
    raw = await state.redis.get(session_key(token))
    if raw is None:
        raise AuthError(401, "unknown or expired session")
    session = json.loads(raw)
    return Principal(tenant=session["tenant"], subject=session["sub"], method="session")


async def authenticate(request: Request, state: AppState, allow_session: bool = True) -> Principal:
    """The caller's principal from Bearer JWT, X-Session-Token or X-API-Key (in that order)."""
    config, headers, planted = state.config, request.headers, state.fault.overrides
    token, session, key = bearer_token(headers), headers.get("x-session-token"), headers.get("x-api-key")
    slugs = [t.slug for t in config.tenants]
    if token:
        principal = principal_for_jwt(token, config.jwt_secret, slugs, verify_exp=planted.verify_jwt_expiry)
    elif session and allow_session:
        principal = await _session_principal(state, session)
    elif key:
        principal = principal_for_api_key(key, config.tenants)
    else:
        raise AuthError(401, "missing credential")
    claimed = headers.get("x-tenant-id")
    if planted.tenant_from_header and claimed in slugs:
        return replace(principal, tenant=claimed)  # the planted leak: the header chooses the tenant
    check_tenant_header(principal, claimed)
    return principal


async def hourly_limit(state: AppState, principal: Principal) -> RateDecision | None:
    """The limiter's decision for this request; None (fail open, counted) when Redis cannot answer."""
    if principal.tenant in state.config.unlimited_tenants:
        return None
    tenant = state.config.tenant(principal.tenant)
    tier = tenant.tier if tenant else "standard"
    limit = state.config.rate_limits_per_hour[tier]
    now = time.time()
    try:
        count = await count_hit(state.redis, principal.client_id, now)
    except RedisError:
        state.metrics.redis_errors.labels("ratelimit").inc()
        return None
    decision = window_decision(count, limit, now)
    if not decision.allowed:
        state.metrics.rate_limited.labels(tier).inc()
    return decision


def tenant_endpoint(
    handler: Handler,
    *,
    rate_limited: bool = True,
    allow_session: bool = True,
    headers: dict[str, str] | None = None,
) -> Endpoint:
    """Wrap `handler` with authentication and (unless `rate_limited=False`) the hourly limiter.

    `headers` are set on every response of the endpoint, errors included (e.g. `Cache-Control: no-store`).
    """
    fixed = dict(headers or {})

    async def endpoint(request: Request) -> Response:
        state = app_state(request)
        try:
            principal = await authenticate(request, state, allow_session)
        except AuthError as exc:
            extra = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
            return error(exc.status, exc.reason, {**fixed, **extra})
        decision = await hourly_limit(state, principal) if rate_limited else None
        if decision is not None and not decision.allowed:
            return error(429, "hourly rate limit exceeded", {**fixed, **decision.headers()})
        response = await handler(request, principal)
        response.headers.update({**fixed, **(decision.headers() if decision else {})})
        return response

    endpoint.__name__ = getattr(handler, "__name__", "endpoint")
    return endpoint

"""Psychology sessions: special-category health data (GDPR art. 9).

Never cached (neither in Redis nor by clients or proxies: every response, errors included, carries
`Cache-Control: no-store`), never logged in content (the access log holds method, path and status only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.app.auth import Principal
from sandbox.app.cache import cache_key
from sandbox.app.db import fetch_all, fetch_one
from sandbox.app.gate import tenant_endpoint
from sandbox.app.responses import NO_STORE, error, json_response
from sandbox.app.state import app_state

SUMMARY_COLUMNS = "id, provider_id, profile_id, starts_at, duration_min"
DETAIL_COLUMNS = SUMMARY_COLUMNS + ", clinical_notes, diagnosis_code, created_at"


async def list_sessions(request: Request, principal: Principal) -> Response:
    """The tenant's therapy sessions (summaries, without clinical content)."""
    async with app_state(request).db.tenant_tx(principal.tenant) as conn:
        rows = await fetch_all(
            conn, f"SELECT {SUMMARY_COLUMNS} FROM psychology_sessions ORDER BY starts_at, id"
        )
    return json_response({"sessions": rows})


async def get_session(request: Request, principal: Principal) -> Response:
    """One therapy session with its notes; 404 if not the tenant's. Only a planted defect
    (`cache_psychology_seconds`) puts it in the Redis cache."""
    state = app_state(request)
    cache_for = state.fault.overrides.cache_psychology_seconds
    key = cache_key(principal.tenant, "psychology_session", str(request.path_params["id"]))
    if cache_for > 0 and (cached := await state.cache.get("psychology_sessions", key)) is not None:
        return json_response(cached)
    async with state.db.tenant_tx(principal.tenant) as conn:
        row = await fetch_one(
            conn,
            f"SELECT {DETAIL_COLUMNS} FROM psychology_sessions WHERE id = %s",
            (request.path_params["id"],),
        )
    if row is None:
        return error(404, "session not found")
    if cache_for > 0:
        await state.cache.put(key, row, cache_for)
    return json_response(row)


def _session_fields(body: Any) -> tuple[str, str, datetime, int, str, str]:
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return (
        str(body["provider_id"]),
        str(body["profile_id"]),
        datetime.fromisoformat(str(body["starts_at"])),
        int(body["duration_min"]),
        str(body["clinical_notes"]),
        str(body["diagnosis_code"]),
    )


async def create_session(request: Request, principal: Principal) -> Response:
    """Record a therapy session for one of the tenant's providers and profiles."""
    try:
        fields = _session_fields(await request.json())
    except (ValueError, KeyError, TypeError):
        # The message names no value: the body is health data.
        return error(
            422,
            "invalid session: provider_id, profile_id, starts_at, duration_min, "
            "clinical_notes and diagnosis_code are required",
        )
    async with app_state(request).db.tenant_tx(principal.tenant) as conn:
        owned = await fetch_one(
            conn,
            "SELECT (SELECT count(*) FROM providers WHERE id = %s) + (SELECT count(*) FROM profiles"
            " WHERE id = %s) AS n",
            fields[:2],
        )
        if owned is None or owned["n"] != 2:
            return error(422, "unknown provider or profile")
        row = await fetch_one(
            conn,
            "INSERT INTO psychology_sessions (tenant_id, provider_id, profile_id, starts_at,"
            " duration_min, clinical_notes, diagnosis_code) VALUES (%s, %s, %s, %s, %s, %s, %s)"
            f" RETURNING {DETAIL_COLUMNS}",
            (principal.tenant, *fields),
        )
    return json_response(row, status=201)


_BASE = "/api/v1/psychology/sessions"
ROUTES = [
    Route(_BASE, tenant_endpoint(list_sessions, headers=NO_STORE), methods=["GET"]),
    Route(_BASE, tenant_endpoint(create_session, headers=NO_STORE), methods=["POST"]),
    Route(_BASE + "/{id:uuid}", tenant_endpoint(get_session, headers=NO_STORE), methods=["GET"]),
]

"""Tenant resources: providers, profiles, bookings, payments.

Queries name no tenant: the transaction's tenant context and row level security decide what is visible,
so another tenant's row is simply not found (404).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.app.auth import Principal
from sandbox.app.cache import cache_key
from sandbox.app.db import Conn, fetch_all, fetch_one
from sandbox.app.gate import tenant_endpoint
from sandbox.app.responses import error, json_response
from sandbox.app.state import app_state
from sandbox.app.webhooks import deliver

PROVIDER_COLUMNS = "id, name, specialty, city, bio"
BOOKING_COLUMNS = "id, provider_id, profile_id, service, starts_at, status, price_ars, notes, created_at"
PAGE_SIZE = 100


async def list_providers(request: Request, principal: Principal) -> Response:
    """All providers of the tenant (cached per tenant)."""
    state = app_state(request)
    key = cache_key(principal.tenant, "providers")
    cached = await state.cache.get("providers", key)
    if cached is not None:
        return json_response({"providers": cached}, headers={"X-Cache": "HIT"})
    async with state.db.tenant_tx(principal.tenant) as conn:
        rows = await fetch_all(conn, f"SELECT {PROVIDER_COLUMNS} FROM providers ORDER BY name, id")
    await state.cache.put(key, rows, state.config.cache_ttl_seconds["providers"])
    return json_response({"providers": rows}, headers={"X-Cache": "MISS"})


async def get_provider(request: Request, principal: Principal) -> Response:
    """One provider of the tenant, 404 if none (including another tenant's)."""
    async with app_state(request).db.tenant_tx(principal.tenant) as conn:
        row = await fetch_one(
            conn, f"SELECT {PROVIDER_COLUMNS} FROM providers WHERE id = %s", (request.path_params["id"],)
        )
    return json_response(row) if row else error(404, "provider not found")


async def get_profile(request: Request, principal: Principal) -> Response:
    """One client profile (cached per tenant and id); 404 if not the tenant's."""
    state = app_state(request)
    profile_id = str(request.path_params["id"])
    key = cache_key(principal.tenant, "profile", profile_id)
    cached = await state.cache.get("profiles", key)
    if cached is not None:
        return json_response(cached, headers={"X-Cache": "HIT"})
    async with state.db.tenant_tx(principal.tenant) as conn:
        row = await fetch_one(
            conn, "SELECT id, display_name, email, phone, notes FROM profiles WHERE id = %s", (profile_id,)
        )
    if row is None:
        return error(404, "profile not found")
    await state.cache.put(key, row, state.config.cache_ttl_seconds["profiles"])
    return json_response(row, headers={"X-Cache": "MISS"})


async def list_bookings(request: Request, principal: Principal) -> Response:
    """The tenant's bookings, soonest first."""
    async with app_state(request).db.tenant_tx(principal.tenant) as conn:
        rows = await fetch_all(
            conn, f"SELECT {BOOKING_COLUMNS} FROM bookings ORDER BY starts_at, id LIMIT {PAGE_SIZE}"
        )
    return json_response({"bookings": rows})


async def get_booking(request: Request, principal: Principal) -> Response:
    """One booking; 404 if not the tenant's."""
    async with app_state(request).db.tenant_tx(principal.tenant) as conn:
        row = await fetch_one(
            conn, f"SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = %s", (request.path_params["id"],)
        )
    return json_response(row) if row else error(404, "booking not found")


def _booking_fields(body: Any) -> tuple[str, str, str, datetime, float, str]:
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    starts_at = datetime.fromisoformat(str(body["starts_at"]))
    return (
        str(body["provider_id"]),
        str(body["profile_id"]),
        str(body["service"]),
        starts_at,
        float(body["price_ars"]),
        str(body.get("notes", "")),
    )


async def _visible(conn: Conn, table: str, row_id: str) -> bool:
    # Foreign keys are checked without RLS, so the app must check the referenced rows are the tenant's.
    return await fetch_one(conn, f"SELECT 1 FROM {table} WHERE id = %s", (row_id,)) is not None


async def create_booking(request: Request, principal: Principal) -> Response:
    """Create a booking for one of the tenant's providers and profiles; emit `booking.created`."""
    state = app_state(request)
    try:
        provider, profile, service, starts_at, price, notes = _booking_fields(await request.json())
    except KeyError as exc:
        return error(422, f"invalid booking: missing field {exc}")
    except (ValueError, TypeError) as exc:
        return error(422, f"invalid booking: {exc}")
    async with state.db.tenant_tx(principal.tenant) as conn:
        if not (await _visible(conn, "providers", provider) and await _visible(conn, "profiles", profile)):
            return error(422, "unknown provider or profile")
        row = await fetch_one(
            conn,
            "INSERT INTO bookings (tenant_id, provider_id, profile_id, service, starts_at, price_ars, notes)"
            f" VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING {BOOKING_COLUMNS}",
            (principal.tenant, provider, profile, service, starts_at, price, notes),
        )
    assert row is not None
    _emit_booking_created(request, principal, str(row["id"]))
    return json_response(row, status=201)


def _emit_booking_created(request: Request, principal: Principal, booking_id: str) -> None:
    state = app_state(request)
    url = state.config.webhook_target_url
    if not url:
        return
    event: dict[str, object] = {
        "type": "booking.created",
        "tenant": principal.tenant,
        "booking_id": booking_id,
    }
    record = state.metrics.webhook_deliveries.labels
    state.spawn(deliver(url, state.config.webhook_secret, event, lambda outcome: record(outcome).inc()))


async def list_payments(request: Request, principal: Principal) -> Response:
    """The tenant's payments, newest first."""
    async with app_state(request).db.tenant_tx(principal.tenant) as conn:
        rows = await fetch_all(
            conn,
            "SELECT id, booking_id, amount_ars, method, status, reference, created_at FROM payments"
            f" ORDER BY created_at DESC, id LIMIT {PAGE_SIZE}",
        )
    return json_response({"payments": rows})


ROUTES = [
    Route("/api/v1/providers", tenant_endpoint(list_providers), methods=["GET"]),
    Route("/api/v1/providers/{id:uuid}", tenant_endpoint(get_provider), methods=["GET"]),
    Route("/api/v1/profiles/{id:uuid}", tenant_endpoint(get_profile), methods=["GET"]),
    Route("/api/v1/bookings", tenant_endpoint(list_bookings), methods=["GET"]),
    Route("/api/v1/bookings", tenant_endpoint(create_booking), methods=["POST"]),
    Route("/api/v1/bookings/{id:uuid}", tenant_endpoint(get_booking), methods=["GET"]),
    Route("/api/v1/payments", tenant_endpoint(list_payments), methods=["GET"]),
]

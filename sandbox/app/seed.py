"""Seed rows per tenant, with canary strings `CANARY-<tenant>-<hex>` that reveal any cross-tenant leak.

The hex part is derived from the tenant, table and row index (`canary`), so a probe can compute every
tenant's canaries without reading the database; a probe acting as tenant A that sees any `CANARY-` string
not of A has found a leak.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql

from sandbox.app.config import TenantSpec

FIRST_NAMES = ("Martín", "Lucía", "Santiago", "Valentina", "Mateo", "Camila", "Joaquín", "Sofía")
LAST_NAMES = ("Gómez", "Fernández", "Rodríguez", "López", "Martínez", "Pérez", "García", "Sosa")
CITIES = ("Buenos Aires", "Córdoba", "Rosario", "La Plata", "Mendoza")
SERVICES = {"barbershop": ("Corte clásico", "Barba", "Corte y barba"), "psychology": ("Terapia individual",)}
SEED_EPOCH = datetime(2025, 9, 1, 13, 0, tzinfo=UTC)


def canary(slug: str, table: str, index: int = 0) -> str:
    """The canary string of `slug` planted in row `index` of `table`."""
    digest = hashlib.sha256(f"{slug}:{table}:{index}".encode()).hexdigest()[:16]
    return f"CANARY-{slug}-{digest}"


def seed_tenant(conn: psycopg.Connection, tenant: TenantSpec) -> None:
    """Upsert the tenant's registry row; insert its seed rows unless it already has providers."""
    schema = tenant.schema
    conn.execute(
        sql.SQL(
            "INSERT INTO {} (tenant_id, name, tier, vertical) VALUES (%s, %s, %s, %s) ON CONFLICT (tenant_id)"
            " DO UPDATE SET name = excluded.name, tier = excluded.tier, vertical = excluded.vertical"
        ).format(sql.Identifier(schema, "tenants")),
        (tenant.slug, tenant.name, tenant.tier, tenant.vertical),
    )
    count = conn.execute(
        sql.SQL("SELECT count(*) FROM {} WHERE tenant_id = %s").format(sql.Identifier(schema, "providers")),
        (tenant.slug,),
    ).fetchone()
    if count is not None and count[0] == 0:
        _insert_seed(conn, tenant, random.Random(tenant.slug))


def _insert(conn: psycopg.Connection, schema: str, table: str, row: dict[str, object]) -> str:
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING id").format(
        sql.Identifier(schema, table),
        sql.SQL(", ").join(map(sql.Identifier, row)),
        sql.SQL(", ").join(sql.Placeholder() * len(row)),
    )
    inserted = conn.execute(query, tuple(row.values())).fetchone()
    assert inserted is not None
    return str(inserted[0])


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _insert_seed(conn: psycopg.Connection, tenant: TenantSpec, rng: random.Random) -> None:
    providers = [_seed_provider(conn, tenant, rng, i) for i in range(3)]
    profiles = [_seed_profile(conn, tenant, rng, i) for i in range(5)]
    bookings = [_seed_booking(conn, tenant, rng, i, providers, profiles) for i in range(8)]
    for i, booking in enumerate(bookings[:5]):
        _seed_payment(conn, tenant, rng, i, booking)
    if tenant.vertical == "psychology":
        for i in range(3):
            _seed_psychology_session(conn, tenant, i, providers[i % 3], profiles[i])


def _seed_provider(conn: psycopg.Connection, tenant: TenantSpec, rng: random.Random, i: int) -> str:
    specialty = "Psicología clínica" if tenant.vertical == "psychology" else "Barbería"
    return _insert(
        conn,
        tenant.schema,
        "providers",
        {
            "tenant_id": tenant.slug,
            "name": _person(rng),
            "specialty": specialty,
            "city": rng.choice(CITIES),
            "bio": canary(tenant.slug, "providers") if i == 0 else "",
        },
    )


def _seed_profile(conn: psycopg.Connection, tenant: TenantSpec, rng: random.Random, i: int) -> str:
    return _insert(
        conn,
        tenant.schema,
        "profiles",
        {
            "tenant_id": tenant.slug,
            "display_name": _person(rng),
            "email": f"cliente{i}@{tenant.slug}.example",
            "phone": f"+54 11 5{rng.randrange(10**7):07d}",
            "notes": canary(tenant.slug, "profiles", i) if i < 2 else "",
        },
    )


def _seed_payment(
    conn: psycopg.Connection, tenant: TenantSpec, rng: random.Random, i: int, booking: str
) -> None:
    _insert(
        conn,
        tenant.schema,
        "payments",
        {
            "tenant_id": tenant.slug,
            "booking_id": booking,
            "amount_ars": 8000 + 500 * i,
            "method": rng.choice(("mercadopago", "tarjeta", "efectivo")),
            "status": "approved",
            "reference": canary(tenant.slug, "payments", i) if i == 0 else f"MP-{rng.randrange(10**9)}",
        },
    )


def _seed_psychology_session(
    conn: psycopg.Connection, tenant: TenantSpec, i: int, provider: str, profile: str
) -> None:
    _insert(
        conn,
        tenant.schema,
        "psychology_sessions",
        {
            "tenant_id": tenant.slug,
            "provider_id": provider,
            "profile_id": profile,
            "starts_at": SEED_EPOCH + timedelta(days=i),
            "duration_min": 50,
            "clinical_notes": f"{canary(tenant.slug, 'psychology_sessions', i)} sesión de seguimiento",
            "diagnosis_code": "F41.1",
        },
    )


def _seed_booking(
    conn: psycopg.Connection,
    tenant: TenantSpec,
    rng: random.Random,
    i: int,
    providers: list[str],
    profiles: list[str],
) -> str:
    services = SERVICES.get(tenant.vertical, SERVICES["barbershop"])
    return _insert(
        conn,
        tenant.schema,
        "bookings",
        {
            "tenant_id": tenant.slug,
            "provider_id": providers[i % len(providers)],
            "profile_id": profiles[i % len(profiles)],
            "service": rng.choice(services),
            "starts_at": SEED_EPOCH + timedelta(hours=3 * i),
            "price_ars": 7500 + 250 * i,
            "notes": canary(tenant.slug, "bookings", i) if i == 0 else "",
        },
    )

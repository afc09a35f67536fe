"""Tenant-scoped database access: every query runs in a transaction that carries the tenant's context.

Standard tenants share one pool of the app role; each transaction starts with the equivalent of
`SET LOCAL app.tenant_id = <tenant>` (set_config(..., true)), and row level security does the filtering:
the queries carry no tenant WHERE clause of their own. An enterprise tenant's transactions run on a pool
that logs in as that tenant's own role, with its schema as search_path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from psycopg import AsyncConnection
from psycopg.conninfo import make_conninfo
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

from sandbox.app.config import AppConfig, TenantSpec

POOL_TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 3

Conn = AsyncConnection[DictRow]

_TENANT_CONTEXT = "SELECT set_config('app.tenant_id', %s, true), set_config('search_path', %s, true)"


def _pool(conninfo: str, max_size: int) -> AsyncConnectionPool[Conn]:
    return AsyncConnectionPool(
        make_conninfo(conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS),
        min_size=1,
        max_size=max_size,
        open=False,
        timeout=POOL_TIMEOUT_SECONDS,
        check=AsyncConnectionPool.check_connection,
        kwargs={"row_factory": dict_row},
        connection_class=AsyncConnection[DictRow],
    )


class Database:
    """Pools of one app instance: the app role's, and one per enterprise tenant."""

    def __init__(self, config: AppConfig) -> None:
        self._tenants = {t.slug: t for t in config.tenants}
        self._shared = _pool(config.pg_dsn, max_size=10)
        self._own = {
            t.slug: _pool(make_conninfo(config.pg_dsn, user=t.db_role, password=t.db_password), max_size=4)
            for t in config.tenants
            if t.tier == "enterprise"
        }

    async def open(self) -> None:
        """Start the pools without waiting for the database (the app is live before it is ready)."""
        for pool in (self._shared, *self._own.values()):
            await pool.open(wait=False)

    async def close(self) -> None:
        """Close every pool."""
        for pool in (self._shared, *self._own.values()):
            await pool.close()

    async def ping(self) -> None:
        """Raise unless a query on the app role's pool succeeds."""
        async with self._shared.connection() as conn:
            await conn.execute("SELECT 1")

    @asynccontextmanager
    async def tenant_tx(self, slug: str) -> AsyncIterator[Conn]:
        """A connection inside a transaction scoped to tenant `slug` (committed on normal exit)."""
        tenant: TenantSpec = self._tenants[slug]
        pool = self._own.get(slug, self._shared)
        async with pool.connection() as conn, conn.transaction():
            await conn.execute(_TENANT_CONTEXT, (tenant.slug, tenant.schema))
            yield conn


async def fetch_all(conn: Conn, query: str, params: tuple[Any, ...] = ()) -> list[DictRow]:
    """All rows of `query`."""
    cursor = await conn.execute(query, params)
    return await cursor.fetchall()


async def fetch_one(conn: Conn, query: str, params: tuple[Any, ...] = ()) -> DictRow | None:
    """The first row of `query`, or None."""
    cursor = await conn.execute(query, params)
    return await cursor.fetchone()

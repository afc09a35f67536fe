"""Database isolation probes: with each tenant's own login role, read and change other tenants' rows.

Every table with a tenant column (found in the catalog, which any role may read) is probed by every tenant
role: a read grouped by tenant (own rows are the allowed side, foreign rows a leak), the same read after
setting another tenant's context, and a no-op UPDATE of foreign rows inside a transaction that is always
rolled back. The app role is probed without tenant context (must see nothing) and with each tenant's context
(must see that tenant's rows only). Nothing is ever committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from checks.collect.postgres import connect, endpoint
from checks.errors import CollectionError, ConfigError
from checks.evidence.isolation import DatabaseIsolation as DatabaseIsolation
from checks.evidence.isolation import SchemaAccess as SchemaAccess
from checks.evidence.isolation import SqlProbe as SqlProbe
from checks.evidence.isolation import TableSecurity as TableSecurity
from checks.evidence.origin import UNKNOWN, Origin
from checks.targets import PgNode, Tenant

_TABLES_SQL = """
SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = %s AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2"""


def _refusal(exc: psycopg.Error) -> bool:
    return isinstance(exc, psycopg.errors.InsufficientPrivilege)


def _counted(conn: psycopg.Connection[Any], query: sql.Composed, base: SqlProbe) -> SqlProbe:
    """Run a `SELECT tenant, count(*) ... GROUP BY 1` and fill the probe with what it saw."""
    text = query.as_string(conn)
    try:
        with conn.transaction():  # a savepoint when inside a transaction: a refusal does not abort it
            rows = conn.execute(query).fetchall()
    except psycopg.Error as exc:
        if not _refusal(exc):
            raise CollectionError(base.role, f"{text!r} failed: {exc}") from exc
        return SqlProbe(
            base.role, base.tenant, base.kind, base.table, text, True, error=str(exc).splitlines()[0]
        )
    counts = {str(t): int(n) for t, n in rows}
    own = counts.get(base.tenant or "", 0)
    return SqlProbe(
        base.role,
        base.tenant,
        base.kind,
        base.table,
        text,
        False,
        sum(counts.values()),
        own,
        sum(counts.values()) - own,
        tuple(sorted(counts)),
    )


def _read_sql(table: TableSecurity, column: str) -> sql.Composed:
    col = sql.Identifier(column)
    return sql.SQL("SELECT {}::text, count(*) FROM {} GROUP BY 1").format(
        col, sql.Identifier(table.schema, table.table)
    )


def _update_probe(
    conn: psycopg.Connection[Any], role: str, tenant: str, table: TableSecurity, column: str
) -> SqlProbe:
    col = sql.Identifier(column)
    query = sql.SQL("UPDATE {} SET {} = {} WHERE {} <> {}").format(
        sql.Identifier(table.schema, table.table), col, col, col, sql.Literal(tenant)
    )
    text = query.as_string(conn)
    try:
        with conn.transaction(force_rollback=True):
            conn.execute("SET LOCAL lock_timeout = '2s'")
            changed = conn.execute(query).rowcount
    except psycopg.Error as exc:
        if not _refusal(exc):
            raise CollectionError(role, f"{text!r} failed: {exc}") from exc
        return SqlProbe(role, tenant, "update", table.name, text, True, error=str(exc).splitlines()[0])
    return SqlProbe(role, tenant, "update", table.name, text, False, max(changed, 0), 0, max(changed, 0))


def _set_context(conn: psycopg.Connection[Any], setting: str, value: str, local: bool) -> None:
    conn.execute("SELECT set_config(%s, %s, %s)", (setting, value, local))


def _tenant_probes(
    conn: psycopg.Connection[Any],
    role: str,
    tenant: str,
    others: Sequence[str],
    tables: Sequence[TableSecurity],
    column: str,
    setting: str | None,
) -> list[SqlProbe]:
    probes = []
    for table in tables:
        base = SqlProbe(role, tenant, "read", table.name, "", False)
        probes.append(_counted(conn, _read_sql(table, column), base))
        probes.append(_update_probe(conn, role, tenant, table, column))
    if setting and others:
        _set_context(conn, setting, others[0], local=False)
        for table in tables:
            base = SqlProbe(role, tenant, "spoofed-read", table.name, "", False)
            probes.append(_counted(conn, _read_sql(table, column), base))
    return probes


def _schema_access(
    conn: psycopg.Connection[Any], role: str, tenant: str, schemas: Sequence[str]
) -> list[SchemaAccess]:
    out = []
    for schema in schemas:
        row = conn.execute("SELECT has_schema_privilege(current_user, %s, 'USAGE')", (schema,)).fetchone()
        out.append(SchemaAccess(role, tenant, schema, bool(row and row[0])))
    return out


def _app_probes(
    conn: psycopg.Connection[Any],
    role: str,
    tenants: Sequence[str],
    tables: Sequence[TableSecurity],
    column: str,
    setting: str | None,
) -> list[SqlProbe]:
    probes = [
        _counted(conn, _read_sql(t, column), SqlProbe(role, None, "no-context", t.name, "", False))
        for t in tables
    ]
    for tenant in tenants if setting else ():
        with conn.transaction(force_rollback=True):
            _set_context(conn, setting or "", tenant, local=True)
            probes += [
                _counted(conn, _read_sql(t, column), SqlProbe(role, tenant, "app-context", t.name, "", False))
                for t in tables
            ]
    return probes


def collect_tenant_tables(node: PgNode, column: str) -> tuple[TableSecurity, ...]:
    """Every table with a `column` column and its RLS flags (pg_class is readable by any role)."""
    with connect(node, "postgres.primary.password_env") as conn:
        rows = conn.execute(_TABLES_SQL, (column,)).fetchall()
    return tuple(TableSecurity(str(s), str(t), bool(e), bool(f)) for s, t, e, f in rows)


def _role_of(tenant: Tenant) -> str:
    if not tenant.db_role or not tenant.db_password_env:
        raise ConfigError(
            "targets.yaml", "tenant has no db_role/db_password_env", key=f"tenants.{tenant.slug}"
        )
    return tenant.db_role


def collect_database_isolation(
    node: PgNode,
    tenants: Sequence[Tenant],
    *,
    column: str = "tenant_id",
    context_setting: str | None = None,
    origin: Origin = UNKNOWN,
) -> DatabaseIsolation:
    """Probe every tenant table with every tenant's role, and with the app role with and without context."""
    tables = collect_tenant_tables(node, column)
    if not tables:
        raise CollectionError(endpoint(node), f"no table has a {column!r} column: nothing holds tenant data")
    schemas = sorted({t.schema for t in tables})
    slugs = [t.slug for t in tenants]
    probes: list[SqlProbe] = []
    access: list[SchemaAccess] = []
    for tenant in tenants:
        role, others = _role_of(tenant), [s for s in slugs if s != tenant.slug]
        with connect(
            node, f"tenants.{tenant.slug}.db_password_env", user=role, password_env=tenant.db_password_env
        ) as conn:
            probes += _tenant_probes(conn, role, tenant.slug, others, tables, column, context_setting)
            access += _schema_access(conn, role, tenant.slug, schemas)
    with connect(node, "postgres.primary.password_env") as conn:
        probes += _app_probes(conn, node.user, slugs, tables, column, context_setting)
    return DatabaseIsolation(endpoint(node), tuple(slugs), tables, tuple(probes), tuple(access), origin)

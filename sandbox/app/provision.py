"""Provision the booking database: roles, tables, row level security, enterprise schemas and seed data.

Idempotent: every statement is CREATE ... IF NOT EXISTS, CREATE OR REPLACE, ALTER to a fixed state or a
DROP/CREATE of a policy; seed rows are inserted only for a tenant that has none yet.

Isolation model:
- standard tenants share the `public` tables; RLS (enabled and forced) filters by tenant. The app connects
  as `app_role` (NOBYPASSRLS, not the owner) and sets `app.tenant_id` per transaction.
- an enterprise tenant gets its own schema `tenant_<slug>`; only its own login role has privileges there
  (REVOKE ALL FROM PUBLIC), and the app reaches that schema by connecting as that role. RLS is enabled
  and forced in the tenant schema as well, with the same policy.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from sandbox.app.config import TenantSpec
from sandbox.app.schema import TENANT_TABLES, heartbeat_ddl, rls_ddl, tables_ddl, tenant_function_ddl
from sandbox.app.seed import seed_tenant

_ROLE_ATTRS = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"


def provision_database(admin_dsn: str, app_role: str, app_password: str, tenants: list[TenantSpec]) -> None:
    """Create (or bring up to date) the database named in `admin_dsn`, its roles, tables, RLS and seed data.

    `admin_dsn` must connect as a superuser; it is used for provisioning only.
    """
    database = _ensure_database(admin_dsn)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        _ensure_role(conn, app_role, app_password)
        for tenant in tenants:
            _ensure_role(conn, tenant.db_role, tenant.db_password)
        with conn.transaction():
            _provision_objects(conn, database, app_role, tenants)
        with conn.transaction():
            for tenant in tenants:
                seed_tenant(conn, tenant)


def _ensure_database(admin_dsn: str) -> str:
    params = conninfo_to_dict(admin_dsn)
    database = str(params.get("dbname") or params.get("user") or "postgres")
    maintenance = make_conninfo(admin_dsn, dbname="postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    return database


def _ensure_role(conn: psycopg.Connection, role: str, password: str) -> None:
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    if exists is None:
        conn.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(role)))
    conn.execute(
        sql.SQL("ALTER ROLE {} " + _ROLE_ATTRS + " PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(password)
        )
    )


def _provision_objects(
    conn: psycopg.Connection, database: str, app_role: str, tenants: Sequence[TenantSpec]
) -> None:
    conn.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    conn.execute(tables_ddl("public"))
    conn.execute(heartbeat_ddl())
    conn.execute(tenant_function_ddl(app_role, [(t.db_role, t.slug) for t in tenants]))
    conn.execute(rls_ddl("public"))
    _grant_database(conn, database, [app_role, *(t.db_role for t in tenants)])
    _grant_shared(conn, app_role, [t.db_role for t in tenants if t.tier == "standard"])
    for tenant in tenants:
        if tenant.tier == "enterprise":
            _provision_enterprise_schema(conn, tenant)


def _grant_database(conn: psycopg.Connection, database: str, roles: Sequence[str]) -> None:
    db = sql.Identifier(database)
    conn.execute(sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(db))
    for role in roles:
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, sql.Identifier(role)))


def _grant_shared(conn: psycopg.Connection, app_role: str, tenant_roles: Sequence[str]) -> None:
    tables = sql.SQL(", ").join(sql.Identifier("public", t) for t in TENANT_TABLES)
    app = sql.Identifier(app_role)
    conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE ON {} TO {}").format(tables, app))
    conn.execute(sql.SQL("GRANT SELECT, INSERT ON public.heartbeat TO {}").format(app))
    conn.execute(sql.SQL("GRANT USAGE ON SEQUENCE public.heartbeat_id_seq TO {}").format(app))
    for role in tenant_roles:
        conn.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(tables, sql.Identifier(role)))


def _provision_enterprise_schema(conn: psycopg.Connection, tenant: TenantSpec) -> None:
    schema, role = sql.Identifier(tenant.schema), sql.Identifier(tenant.db_role)
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(schema))
    conn.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(schema))
    conn.execute(tables_ddl(tenant.schema))
    conn.execute(rls_ddl(tenant.schema))
    conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM PUBLIC").format(schema))
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, role))
    grant = sql.SQL("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {} TO {}")
    conn.execute(grant.format(schema, role))
    conn.execute(sql.SQL("ALTER ROLE {} SET search_path = {}").format(role, schema))

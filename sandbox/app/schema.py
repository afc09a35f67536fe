"""DDL of the booking database: the tenant tables, the tenant-resolving function and the RLS policies.

Every tenant table carries `tenant_id`; row level security is enabled *and forced* on each, with one policy
`tenant_id = public.app_current_tenant()`. That function answers the app role's transaction-local
`app.tenant_id` setting, a tenant login role's own tenant (whatever it sets), and NULL for anyone else, so a
session without tenant context sees no row at all.
"""

from __future__ import annotations

from collections.abc import Iterable

from psycopg import sql

TENANT_TABLES = ("tenants", "providers", "profiles", "bookings", "payments", "psychology_sessions")

_TABLES_DDL = """
CREATE TABLE IF NOT EXISTS {s}.tenants (
    tenant_id text PRIMARY KEY, name text NOT NULL, tier text NOT NULL, vertical text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS {s}.providers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id text NOT NULL REFERENCES {s}.tenants (tenant_id),
    name text NOT NULL, specialty text NOT NULL, city text NOT NULL, bio text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS {s}.profiles (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id text NOT NULL REFERENCES {s}.tenants (tenant_id),
    display_name text NOT NULL, email text NOT NULL, phone text NOT NULL, notes text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS {s}.bookings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id text NOT NULL REFERENCES {s}.tenants (tenant_id),
    provider_id uuid NOT NULL REFERENCES {s}.providers (id),
    profile_id uuid NOT NULL REFERENCES {s}.profiles (id),
    service text NOT NULL, starts_at timestamptz NOT NULL, status text NOT NULL DEFAULT 'confirmed',
    price_ars numeric(12, 2) NOT NULL, notes text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS {s}.payments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id text NOT NULL REFERENCES {s}.tenants (tenant_id),
    booking_id uuid NOT NULL REFERENCES {s}.bookings (id),
    amount_ars numeric(12, 2) NOT NULL, method text NOT NULL, status text NOT NULL, reference text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS {s}.psychology_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id text NOT NULL REFERENCES {s}.tenants (tenant_id),
    provider_id uuid NOT NULL REFERENCES {s}.providers (id),
    profile_id uuid NOT NULL REFERENCES {s}.profiles (id),
    starts_at timestamptz NOT NULL, duration_min integer NOT NULL,
    clinical_notes text NOT NULL, diagnosis_code text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now());
COMMENT ON TABLE {s}.psychology_sessions IS
    'special-category health data (GDPR art. 9): never cached, never logged';
"""

_HEARTBEAT_DDL = """
CREATE TABLE IF NOT EXISTS public.heartbeat (
    id bigserial PRIMARY KEY, ts timestamptz NOT NULL DEFAULT now());
"""


def tables_ddl(schema: str) -> sql.Composed:
    """CREATE TABLE IF NOT EXISTS for every tenant table in `schema`, plus tenant_id indexes."""
    indexes = "".join(
        f"CREATE INDEX IF NOT EXISTS {t}_tenant_idx ON {{s}}.{t} (tenant_id);\n" for t in TENANT_TABLES[1:]
    )
    return sql.SQL(_TABLES_DDL + indexes).format(s=sql.Identifier(schema))


def heartbeat_ddl() -> sql.SQL:
    """The `heartbeat` table DR drills write to (no tenant data, no RLS)."""
    return sql.SQL(_HEARTBEAT_DDL)


def tenant_function_ddl(app_role: str, role_tenants: Iterable[tuple[str, str]]) -> sql.Composed:
    """`public.app_current_tenant()`: the tenant of the current session, NULL when it has none.

    The app role's tenant is its transaction-local `app.tenant_id`; a tenant login role's tenant is fixed by
    `role_tenants` ((role, slug) pairs), so a tenant role that sets `app.tenant_id` gains nothing.
    """
    branches = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(sql.Literal(role), sql.Literal(slug)) for role, slug in role_tenants
    )
    return sql.SQL(
        "CREATE OR REPLACE FUNCTION public.app_current_tenant() RETURNS text"
        " LANGUAGE sql STABLE PARALLEL SAFE AS $fn$ SELECT CASE current_user::text"
        " WHEN {app} THEN nullif(current_setting('app.tenant_id', true), '') {branches} ELSE NULL END $fn$"
    ).format(app=sql.Literal(app_role), branches=branches)


def rls_ddl(schema: str) -> sql.Composed:
    """ENABLE and FORCE row level security on every tenant table of `schema`; (re)create the policy."""
    statements = []
    for table in TENANT_TABLES:
        statements.append(
            sql.SQL(
                "ALTER TABLE {t} ENABLE ROW LEVEL SECURITY; ALTER TABLE {t} FORCE ROW LEVEL SECURITY;"
                " DROP POLICY IF EXISTS tenant_isolation ON {t};"
                " CREATE POLICY tenant_isolation ON {t}"
                " USING (tenant_id = public.app_current_tenant())"
                " WITH CHECK (tenant_id = public.app_current_tenant());"
            ).format(t=sql.Identifier(schema, table))
        )
    return sql.SQL(" ").join(statements)

"""Defects in the primary's catalog: row level security, privileges and role settings, changed with SQL as
the superuser and read back from the catalog. The undo sets exactly what `save` read."""

from __future__ import annotations

from psycopg import sql

from sandbox.defects.live import Live
from sandbox.defects.mechanism import Mechanism, Saved, mechanism
from sandbox.errors import SandboxError


def _exec(live: Live, statement: sql.Composable) -> None:
    live.sql(statement)  # type: ignore[arg-type]


@mechanism("postgres.rls_disabled")
class RlsDisabled(Mechanism):
    """Row level security switched off on one shared tenant table."""

    def __init__(self, table: str) -> None:
        self.table = table

    def flags(self, live: Live) -> tuple[bool, bool]:
        rows = live.sql(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass",
            (f"public.{self.table}",),
        )
        return bool(rows[0][0]), bool(rows[0][1])

    def save(self, live: Live) -> Saved:
        enabled, forced = self.flags(live)
        return {"enabled": enabled, "forced": forced}

    def apply(self, live: Live, saved: Saved) -> None:
        table = sql.Identifier("public", self.table)
        _exec(live, sql.SQL("ALTER TABLE {} NO FORCE ROW LEVEL SECURITY").format(table))
        _exec(live, sql.SQL("ALTER TABLE {} DISABLE ROW LEVEL SECURITY").format(table))

    def restore(self, live: Live, saved: Saved) -> None:
        table = sql.Identifier("public", self.table)
        enable = "ENABLE" if saved["enabled"] else "DISABLE"
        force = "FORCE" if saved["forced"] else "NO FORCE"
        _exec(live, sql.SQL(f"ALTER TABLE {{}} {enable} ROW LEVEL SECURITY").format(table))
        _exec(live, sql.SQL(f"ALTER TABLE {{}} {force} ROW LEVEL SECURITY").format(table))

    def present(self, live: Live) -> bool:
        return not all(self.flags(live))


@mechanism("postgres.schema_granted")
class SchemaGranted(Mechanism):
    """One tenant's role granted read access to another tenant's own schema."""

    def __init__(self, grantee: str, schema: str) -> None:
        self.grantee, self.schema = grantee, schema

    def _privileges(self, live: Live) -> tuple[bool, list[str]]:
        usage = live.sql("SELECT has_schema_privilege(%s, %s, 'USAGE')", (self.grantee, self.schema))
        readable = live.sql(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind = 'r' AND has_table_privilege(%s, c.oid, 'SELECT')"
            " ORDER BY 1",
            (self.schema, self.grantee),
        )
        return bool(usage[0][0]), [r[0] for r in readable]

    def save(self, live: Live) -> Saved:
        usage, tables = self._privileges(live)
        if usage or tables:
            raise SandboxError("defects", f"{self.grantee} already reaches schema {self.schema}: {tables}")
        return {}

    def apply(self, live: Live, saved: Saved) -> None:
        schema, role = sql.Identifier(self.schema), sql.Identifier(self.grantee)
        _exec(live, sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, role))
        _exec(live, sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(schema, role))

    def restore(self, live: Live, saved: Saved) -> None:
        schema, role = sql.Identifier(self.schema), sql.Identifier(self.grantee)
        _exec(live, sql.SQL("REVOKE SELECT ON ALL TABLES IN SCHEMA {} FROM {}").format(schema, role))
        _exec(live, sql.SQL("REVOKE USAGE ON SCHEMA {} FROM {}").format(schema, role))

    def present(self, live: Live) -> bool:
        usage, tables = self._privileges(live)
        return usage and bool(tables)


@mechanism("postgres.role_bypassrls")
class RoleBypassesRls(Mechanism):
    """A login role given BYPASSRLS: row level security no longer applies to anything it runs."""

    def __init__(self, role: str) -> None:
        self.role = role

    def bypasses(self, live: Live) -> bool:
        return bool(live.sql("SELECT rolbypassrls FROM pg_roles WHERE rolname = %s", (self.role,))[0][0])

    def save(self, live: Live) -> Saved:
        return {"bypassrls": self.bypasses(live)}

    def apply(self, live: Live, saved: Saved) -> None:
        _exec(live, sql.SQL("ALTER ROLE {} BYPASSRLS").format(sql.Identifier(self.role)))
        self.reconnect(live)

    def restore(self, live: Live, saved: Saved) -> None:
        attr = "BYPASSRLS" if saved["bypassrls"] else "NOBYPASSRLS"
        _exec(live, sql.SQL(f"ALTER ROLE {{}} {attr}").format(sql.Identifier(self.role)))
        # A session keeps the plans it prepared while the role bypassed RLS (a role attribute change does
        # not invalidate cached plans): the app's sessions must go, or it goes on leaking after the undo.
        self.reconnect(live)
        # what the app cached meanwhile (per tenant) may hold other tenants' rows: it goes too
        live.delete_keys("cache:*")

    def reconnect(self, live: Live) -> None:
        """End the role's sessions; the app's pools open new ones (planned under the role as it is now)."""
        live.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (self.role,))

    def present(self, live: Live) -> bool:
        return self.bypasses(live)

    def residue(self, live: Live) -> list[str]:
        return foreign_cache_entries(live) + app_leaks(live)


def app_leaks(live: Live) -> list[str]:
    """Whether an app instance answers a tenant's booking list with another tenant's canary."""
    tenant = live.cfg.tenants[0].slug
    others = [t.slug for t in live.cfg.tenants[1:]]
    found = []
    for port in live.app_ports():
        body = live.app(port, "/api/v1/bookings", headers={"X-API-Key": live.api_key(tenant)}).body
        found += [
            f"app :{port} serves {o}'s bookings to {tenant}"
            for o in others
            if f"CANARY-{o}-".encode() in body
        ]
    return found


def foreign_cache_entries(live: Live) -> list[str]:
    """App cache entries (`cache:<tenant>:...`) holding another tenant's canary."""
    client, slugs, found = live.redis(), [t.slug for t in live.cfg.tenants], []
    for key in client.scan_iter(match="cache:*", count=500):
        owner = key.decode(errors="replace").split(":")[1]
        value = client.get(key) or b""
        found += [
            f"{key.decode()} holds {s}'s data"
            for s in slugs
            if s != owner and f"CANARY-{s}-".encode() in value
        ]
    return found

"""Tenant isolation in PostgreSQL: forced RLS on every tenant table, no role seeing or changing another
tenant's rows, no role using another tenant's own schema, and (schema-per-tenant claims) no shared schema."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from checks.evaluate.sourced import attributed, listed
from checks.evidence.isolation import DatabaseIsolation, SqlProbe
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, proven

OBSERVED = EvidenceLevel.OBSERVED


def _row(p: SqlProbe) -> dict[str, object]:
    return {"role": p.role, "kind": p.kind, "table": p.table, "refused": p.refused, "own": p.own_rows,
            "foreign": p.foreign_rows, "rows": p.rows_seen, "sql": p.sql}  # fmt: skip


def schemas_by_tenant(ev: DatabaseIsolation) -> dict[str, set[str]]:
    """For each tenant, the schemas where its own role saw its own rows."""
    found: dict[str, set[str]] = defaultdict(set)
    for p in ev.probes:
        if p.kind == "read" and p.tenant and p.own_rows > 0:
            found[p.tenant].add(p.table.split(".", 1)[0])
    return found


def _tenants_in(ev: DatabaseIsolation) -> dict[str, list[str]]:
    """Schema -> the tenants whose own rows are in it."""
    holders: dict[str, list[str]] = defaultdict(list)
    for tenant, schemas in sorted(schemas_by_tenant(ev).items()):
        for schema in schemas:
            holders[schema].append(tenant)
    return holders


def _allowed_failures(ev: DatabaseIsolation) -> list[str]:
    own = schemas_by_tenant(ev)
    missing = [f"{t}'s role saw none of its own rows" for t in ev.tenants if t not in own]
    app = [p for p in ev.probes if p.kind == "app-context"]
    if app and not any(p.own_rows > 0 for p in app):
        missing.append(f"{app[0].role} saw no tenant's rows under any tenant context")
    return missing


def _probe_crossing(p: SqlProbe) -> str | None:
    if p.kind in ("read", "spoofed-read", "app-context") and p.foreign_rows:
        return f"{p.role} ({p.kind}) saw {p.foreign_rows} foreign rows in {p.table}"
    if p.kind == "update" and p.foreign_rows:
        return f"{p.role} changed {p.foreign_rows} foreign rows in {p.table} (rolled back)"
    if p.kind == "no-context" and p.rows_seen:
        return f"{p.role} without tenant context saw {p.rows_seen} rows in {p.table}"
    return None


def crossings(ev: DatabaseIsolation, schema_per_tenant: bool) -> list[str]:
    """Every finding: RLS not enabled or not forced, foreign rows seen or changed, USAGE on another tenant's
    own schema, and (for schema-per-tenant claims) schemas that tenants share."""
    out = [
        f"{t.name}: row level security {'not forced' if t.rls_enabled else 'not enabled'}"
        for t in ev.tables
        if not (t.rls_enabled and t.rls_forced)
    ]
    out += [c for p in ev.probes if (c := _probe_crossing(p))]
    owner = {schema: ts[0] for schema, ts in _tenants_in(ev).items() if len(ts) == 1}
    out += [
        f"{a.role} has USAGE on {owner[a.schema]}'s own schema {a.schema}"
        for a in ev.schema_access
        if a.usage and owner.get(a.schema, a.tenant) != a.tenant
    ]
    shared = {s: ts for s, ts in _tenants_in(ev).items() if len(ts) > 1} if schema_per_tenant else {}
    return out + [
        f"tenants {', '.join(ts)} share schema {s} (separated by row level security only)"
        for s, ts in shared.items()
    ]


def _wants_schema_per_tenant(claim: Claim) -> bool:
    return "schema-per-tenant" in str(claim.bound or "").lower()


def _evidence(ev: DatabaseIsolation) -> dict[str, Any]:
    return {
        "endpoint": ev.endpoint,
        "schemas": {t: sorted(s) for t, s in schemas_by_tenant(ev).items()},
        "tables": [{"table": t.name, "rls": t.rls_enabled, "forced": t.rls_forced} for t in ev.tables],
        "probes": [_row(p) for p in ev.probes],
    }


def _proven(ev: DatabaseIsolation, claim: Claim, kw: dict[str, Any]) -> Verdict:
    refused = sum(p.refused for p in ev.probes)
    layout = ", ".join(f"{t}: {'/'.join(sorted(s))}" for t, s in sorted(schemas_by_tenant(ev).items()))
    why = (
        f"{len(ev.tables)} tenant tables with RLS enabled and forced; {len(ev.probes)} probes by "
        f"{len(ev.tenants)} tenant roles and the app role saw no foreign row ({refused} refused outright); "
        f"each tenant read its own rows ({layout})"
    )
    return proven(claim.id, OBSERVED, why, measured=0, **kw)


def _judged(ev: DatabaseIsolation, claim: Claim, kw: dict[str, Any]) -> Verdict:
    if found := crossings(ev, _wants_schema_per_tenant(claim)):
        seen = sum(p.foreign_rows for p in ev.probes if p.kind != "no-context")
        why = f"{len(found)} finding(s): {listed(found)}; {seen} foreign rows seen or changed"
        why += f" in {len(ev.probes)} probes"
        return disproven(claim.id, OBSERVED, why, measured=len(found), **kw)
    if missing := _allowed_failures(ev):
        return error(claim.id, f"allowed side failed, refusals prove nothing: {listed(missing)}", **kw)
    return _proven(ev, claim, kw)


def tenants_isolated_in_database(ev: DatabaseIsolation, claim: Claim) -> Verdict:
    """PROVEN when every tenant reads its own rows, no role crosses to another tenant's, RLS is forced on
    every tenant table and (for schema-per-tenant claims) no two tenants share a schema. A crossing (foreign
    rows seen or changed, RLS off) disproves the claim even when the allowed side failed."""
    kw: dict[str, Any] = {"bound": claim.bound_text(), "evidence": _evidence(ev), "n": len(ev.probes)}
    return attributed(_judged(ev, claim, kw), ev.origin)

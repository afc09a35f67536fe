"""Tenant isolation verdicts from the probes of checks/collect/isolation (database, API, network).

Each evaluator checks the allowed side (own rows, own resources, own service): when it failed, the refusals
prove nothing and the verdict is ERROR. Any crossing is a finding (DISPROVEN); none is PROVEN. At the API a
leak (a response carrying another tenant's data) is looked for first: it disproves whatever else failed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from checks.collect.isolation.api import ApiIsolation, HttpProbe
from checks.collect.isolation.database import DatabaseIsolation, SqlProbe
from checks.collect.isolation.network import NetworkReachability, Reach
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, not_applicable, proven

REFUSED = frozenset({400, 401, 403, 404})
OBSERVED = EvidenceLevel.OBSERVED


def _listed(items: Iterable[str], limit: int = 6) -> str:
    items = list(items)
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more


# -- database ---------------------------------------------------------------------------------------------


def _db_row(p: SqlProbe) -> dict[str, object]:
    return {
        "role": p.role,
        "kind": p.kind,
        "table": p.table,
        "refused": p.refused,
        "own": p.own_rows,
        "foreign": p.foreign_rows,
        "rows": p.rows_seen,
        "sql": p.sql,
    }


def schemas_by_tenant(ev: DatabaseIsolation) -> dict[str, set[str]]:
    """For each tenant, the schemas where its own role saw its own rows."""
    found: dict[str, set[str]] = defaultdict(set)
    for p in ev.probes:
        if p.kind == "read" and p.tenant and p.own_rows > 0:
            found[p.tenant].add(p.table.split(".", 1)[0])
    return found


def _db_allowed_failures(ev: DatabaseIsolation) -> list[str]:
    own = schemas_by_tenant(ev)
    missing = [f"{t}'s role saw none of its own rows" for t in ev.tenants if t not in own]
    app = [p for p in ev.probes if p.kind == "app-context"]
    if app and not any(p.own_rows > 0 for p in app):
        missing.append(f"{app[0].role} saw no tenant's rows under any tenant context")
    return missing


def _db_crossings(ev: DatabaseIsolation) -> list[str]:
    out = [
        f"{t.name}: row level security {'not forced' if t.rls_enabled else 'not enabled'}"
        for t in ev.tables
        if not (t.rls_enabled and t.rls_forced)
    ]
    for p in ev.probes:
        if p.kind in ("read", "spoofed-read", "app-context") and p.foreign_rows:
            out.append(f"{p.role} ({p.kind}) saw {p.foreign_rows} foreign rows in {p.table}")
        elif p.kind == "update" and p.foreign_rows:
            out.append(f"{p.role} changed {p.foreign_rows} foreign rows in {p.table} (rolled back)")
        elif p.kind == "no-context" and p.rows_seen:
            out.append(f"{p.role} without tenant context saw {p.rows_seen} rows in {p.table}")
    owner = _private_schema_owners(ev)
    out += [
        f"{a.role} has USAGE on {owner[a.schema]}'s own schema {a.schema}"
        for a in ev.schema_access
        if a.usage and owner.get(a.schema, a.tenant) != a.tenant
    ]
    return out


def _private_schema_owners(ev: DatabaseIsolation) -> dict[str, str]:
    """Schemas holding exactly one tenant's rows (a schema-per-tenant schema) -> that tenant."""
    holders: dict[str, list[str]] = defaultdict(list)
    for tenant, schemas in schemas_by_tenant(ev).items():
        for schema in schemas:
            holders[schema].append(tenant)
    return {schema: ts[0] for schema, ts in holders.items() if len(ts) == 1}


def _foreign_rows_summary(ev: DatabaseIsolation) -> str:
    seen = sum(p.foreign_rows for p in ev.probes if p.kind != "no-context")
    return f"{seen} foreign rows seen or changed in {len(ev.probes)} probes"


def _shared_schemas(ev: DatabaseIsolation) -> dict[str, list[str]]:
    tenants_in: dict[str, list[str]] = defaultdict(list)
    for tenant, schemas in sorted(schemas_by_tenant(ev).items()):
        for schema in schemas:
            tenants_in[schema].append(tenant)
    return {s: ts for s, ts in tenants_in.items() if len(ts) > 1}


def _wants_schema_per_tenant(claim: Claim) -> bool:
    return "schema-per-tenant" in str(claim.bound or "").lower()


def tenants_isolated_in_database(ev: DatabaseIsolation, claim: Claim) -> Verdict:
    """PROVEN when every tenant reads its own rows, no role crosses to another tenant's, RLS is forced on
    every tenant table and (for schema-per-tenant claims) no two tenants share a schema."""
    refused = sum(p.refused for p in ev.probes)
    evidence = {
        "endpoint": ev.endpoint,
        "schemas": {t: sorted(s) for t, s in schemas_by_tenant(ev).items()},
        "tables": [{"table": t.name, "rls": t.rls_enabled, "forced": t.rls_forced} for t in ev.tables],
        "probes": [_db_row(p) for p in ev.probes],
    }
    kw = {"bound": claim.bound_text(), "evidence": evidence}
    if missing := _db_allowed_failures(ev):
        return error(claim.id, f"allowed side failed, refusals prove nothing: {_listed(missing)}", **kw)
    crossings = _db_crossings(ev)
    shared = _shared_schemas(ev) if _wants_schema_per_tenant(claim) else {}
    crossings += [
        f"tenants {', '.join(ts)} share schema {s} (separated by row level security only)"
        for s, ts in shared.items()
    ]
    if crossings:
        return disproven(
            claim.id,
            OBSERVED,
            f"{len(crossings)} finding(s): {_listed(crossings)}; {_foreign_rows_summary(ev)}",
            measured=len(crossings),
            **kw,
        )
    layout = ", ".join(f"{t}: {'/'.join(sorted(s))}" for t, s in sorted(schemas_by_tenant(ev).items()))
    return proven(
        claim.id,
        OBSERVED,
        f"{len(ev.tables)} tenant tables with RLS enabled and forced; "
        f"{len(ev.probes)} probes by {len(ev.tenants)} tenant roles and the app role saw no foreign row "
        f"({refused} refused outright); each tenant read its own rows ({layout})",
        measured=0,
        **kw,
    )


# -- API --------------------------------------------------------------------------------------------------


def _api_row(p: HttpProbe) -> dict[str, object]:
    return {
        "actor": p.actor,
        "kind": p.kind,
        "expect": p.expect,
        "path": p.path,
        "credential": p.credential,
        "status": p.status,
        "foreign_canaries": list(p.foreign_canaries),
        "foreign_ids": list(p.foreign_ids),
    }


def _unmeasured(probes: Iterable[HttpProbe]) -> list[str]:
    """Refuse-probes whose answer is neither a refusal nor an acceptance (429, 5xx): could not measure."""
    return [
        f"{p.actor} {p.kind} {p.path} -> {p.status}"
        for p in probes
        if p.expect == "refuse" and p.status not in REFUSED and not 200 <= p.status < 300
    ]


def _leaks(probes: Iterable[HttpProbe]) -> list[str]:
    """Responses that carried another tenant's data: its canary, or the id of its resource asked for."""
    out = []
    for p in probes:
        if p.foreign_canaries:
            out.append(f"{p.actor} got {'/'.join(p.foreign_canaries)}'s canary from {p.path} ({p.kind})")
        elif p.foreign_ids:
            out.append(
                f"{p.actor} got {p.other_tenant}'s resource {p.foreign_ids[0]} from {p.path} ({p.kind})"
            )
    return out


def tenants_isolated_at_api(ev: ApiIsolation, claim: Claim) -> Verdict:
    """DISPROVEN by a leak: any response carrying another tenant's data (its canary, or the resource of its
    that was asked for by id), whatever the allowed side did. Otherwise PROVEN when each tenant's own
    requests succeed and every cross-tenant/tampered one is refused; a status alone (a cross-tenant request
    answered 2xx without another tenant's data) is INCONCLUSIVE, never a leak. A numeric bound (percent of
    probes refused) is reported as measured."""
    allowed = [p for p in ev.probes if p.expect == "allow"]
    attempts = [p for p in ev.probes if p.expect == "refuse"]
    evidence = {"base_url": ev.base_url, "notes": list(ev.notes), "probes": [_api_row(p) for p in ev.probes]}
    kw = {"bound": claim.bound_text(), "evidence": evidence}
    refused_pct = 100.0 * sum(p.status in REFUSED for p in attempts) / len(attempts) if attempts else 0.0
    if leaks := _leaks(ev.probes):
        return disproven(
            claim.id,
            OBSERVED,
            f"{len(leaks)} leak(s) of another tenant's data: {_listed(leaks)}",
            measured=round(refused_pct, 2),
            **kw,
        )
    failed_allowed = [
        f"{p.actor} {p.kind} {p.path} -> {p.status}" for p in allowed if not 200 <= p.status < 300
    ]
    if not allowed or failed_allowed:
        return error(
            claim.id,
            f"allowed side failed, refusals prove nothing: {_listed(failed_allowed) or 'none'}",
            **kw,
        )
    accepted = [p for p in attempts if 200 <= p.status < 300]
    crossed = [
        f"{p.actor} {p.kind} ({p.credential}) {p.path} -> {p.status}" for p in accepted if p.other_tenant
    ]
    if crossed:
        return inconclusive(
            claim.id,
            OBSERVED,
            f"{len(crossed)} of {len(attempts)} cross-tenant requests were answered 2xx without carrying "
            f"another tenant's data (no canary, not the resource asked for): {_listed(crossed)}; a status "
            "alone is not a leak, but these were not refused",
            measured=round(refused_pct, 2),
            **kw,
        )
    if unmeasured := _unmeasured(attempts):
        return error(claim.id, f"{len(unmeasured)} probes got no usable answer: {_listed(unmeasured)}", **kw)
    kinds = sorted({p.kind for p in attempts})
    own_only = [f"{p.kind} ({p.credential})" for p in accepted]
    accepted_note = (
        f"; accepted without crossing tenants (authentication, not isolation): {_listed(own_only)}"
        if own_only
        else ""
    )
    notes = f"; {' '.join(ev.notes)}" if ev.notes else ""
    return proven(
        claim.id,
        OBSERVED,
        f"all {len(attempts) - len(own_only)} cross-tenant/tampered requests refused "
        f"({', '.join(kinds)}) while {len(allowed)} own requests succeeded; no other tenant's data in "
        f"any response{accepted_note}{notes}",
        measured=round(refused_pct, 2),
        **kw,
    )


# -- network ----------------------------------------------------------------------------------------------

NetworkClaimKind = Literal["vpc", "kubernetes", "vantage"]


def network_claim_kind(claim: Claim) -> NetworkClaimKind:
    """What a network-isolation claim is about: cloud VPCs/security groups, Kubernetes NetworkPolicies of
    named workloads, or isolation that tenant vantage points can probe directly."""
    if claim.metric == "network_isolation":
        return "vpc"
    if "kubernetes" in claim.statement.lower() or claim.scope.component:
        return "kubernetes"
    return "vantage"


def _reach_text(r: Reach) -> str:
    got = (
        f"answered as {r.answered_as}" if r.answered_as else ("connected" if r.connected else r.error or "no")
    )
    return f"{r.from_tenant} ({r.netns}) -> {r.to} {r.host}:{r.port}: {got}"


def tenant_networks_isolated(ev: NetworkReachability, claim: Claim) -> Verdict:
    """PROVEN when from every tenant namespace its own service answers as itself and the gateway accepts,
    while no other tenant's service and no data store accepts a connection."""
    evidence = {"attempts": [_reach_text(r) for r in ev.attempts]}
    kw = {"bound": claim.bound_text(), "evidence": evidence}
    allowed = [r for r in ev.attempts if r.kind in ("own", "gateway")]
    broken = [
        _reach_text(r)
        for r in allowed
        if not r.connected or (r.kind == "own" and r.answered_as != r.from_tenant)
    ]
    if not allowed or broken:
        return error(
            claim.id, f"allowed side failed, unreachable targets prove nothing: {_listed(broken)}", **kw
        )
    crossed = [_reach_text(r) for r in ev.attempts if r.kind in ("foreign", "internal") and r.connected]
    forbidden = [r for r in ev.attempts if r.kind in ("foreign", "internal")]
    if crossed:
        return disproven(
            claim.id,
            OBSERVED,
            f"{len(crossed)} of {len(forbidden)} forbidden connections succeeded: {_listed(crossed)}",
            measured=len(crossed),
            **kw,
        )
    return proven(
        claim.id,
        OBSERVED,
        f"from {len(ev.tenants)} tenant namespaces, all {len(forbidden)} connections to "
        f"other tenants' services and to data stores failed, while each own service answered as its "
        f"tenant and the gateway accepted",
        measured=0,
        **kw,
    )


def network_claim_unmeasurable(
    claim: Claim, *, has_kubernetes: bool, has_cloud_network: bool
) -> Verdict | None:
    """The verdict of a network claim whose live part this target cannot show; None when namespaces can."""
    kind = network_claim_kind(claim)
    if kind == "vpc" and not has_cloud_network:
        return not_applicable(
            claim.id,
            "the target has no cloud network (VPC, subnets, security groups) to read; "
            "the tenant namespace probes do not stand in for a VPC",
            bound=claim.bound_text(),
        )
    if kind == "vpc":
        return inconclusive(
            claim.id,
            EvidenceLevel.NONE,
            "reading VPCs and security groups is not implemented; "
            "a VPC/security-group collector would settle it",
            bound=claim.bound_text(),
        )
    if kind == "kubernetes" and not has_kubernetes:
        return not_applicable(
            claim.id,
            "the target runs no Kubernetes, so no NetworkPolicy can be in force here; "
            "the document's policy was judged as declared evidence",
            bound=claim.bound_text(),
        )
    if kind == "kubernetes":
        return inconclusive(
            claim.id,
            EvidenceLevel.NONE,
            "probing pod-to-pod connections needs a probe pod "
            "(kubernetes.probes_allowed); not implemented by this check",
            bound=claim.bound_text(),
        )
    return None

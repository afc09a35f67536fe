"""Isolation evaluators: the allowed side gates everything (ERROR), any crossing disproves, none proves."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checks.collect.isolation.api import ApiIsolation, HttpProbe
from checks.collect.isolation.database import DatabaseIsolation, SchemaAccess, SqlProbe, TableSecurity
from checks.collect.isolation.network import NetworkReachability, Reach
from checks.evaluate.isolation import (
    network_claim_kind,
    network_claim_unmeasurable,
    tenant_networks_isolated,
    tenants_isolated_at_api,
    tenants_isolated_in_database,
)
from checks.ledger import Claim, Source
from checks.verdicts import Outcome

SRC = (Source(file="doc.txt", line=1, quote="tenant isolation"),)


def claim(**kw: object) -> Claim:
    base: dict[str, object] = {
        "id": "BP-T-01",
        "system": "BarberPro",
        "category": "isolation",
        "statement": "Tenants are isolated.",
        "sources": SRC,
        "metric": "tenant_isolation",
        "comparator": "present",
        "bound": True,
        "check": "isolation.database",
        "method": "probe each tenant",
    }
    return Claim.model_validate({**base, **kw})


# -- database ---------------------------------------------------------------------------------------------


def read(tenant: str, table: str, own: int = 3, foreign: int = 0, kind: str = "read") -> SqlProbe:
    return SqlProbe(f"tenant_{tenant}", tenant, kind, table, "SELECT ...", False, own + foreign, own, foreign)


def db(
    probes: list[SqlProbe],
    tables: tuple[TableSecurity, ...] | None = None,
    access: tuple[SchemaAccess, ...] = (),
) -> DatabaseIsolation:
    tables = tables or (TableSecurity("public", "t", True, True), TableSecurity("tenant_c", "t", True, True))
    return DatabaseIsolation("pg", ("a", "b", "c"), tables, tuple(probes), access)


GOOD = [
    read("a", "public.t"),
    read("b", "public.t"),
    read("c", "tenant_c.t"),
    SqlProbe("app", None, "no-context", "public.t", "SELECT", False),
    SqlProbe("app", "a", "app-context", "public.t", "SELECT", False, 3, 3, 0),
    SqlProbe("tenant_a", "a", "update", "public.t", "UPDATE", True),
]


def test_database_proven_when_no_crossing() -> None:
    assert tenants_isolated_in_database(db(GOOD), claim()).outcome == Outcome.PROVEN


def test_database_error_when_a_tenant_sees_none_of_its_own_rows() -> None:
    probes = [read("a", "public.t", own=0), *GOOD[1:]]
    verdict = tenants_isolated_in_database(db(probes), claim())
    assert verdict.outcome == Outcome.ERROR and "a's role saw none of its own rows" in verdict.reason


def test_database_error_when_app_context_sees_nothing() -> None:
    probes = [*GOOD[:4], SqlProbe("app", "a", "app-context", "public.t", "SELECT", False)]
    assert tenants_isolated_in_database(db(probes), claim()).outcome == Outcome.ERROR


@pytest.mark.parametrize(
    "bad",
    [
        read("a", "public.t", foreign=1),
        read("a", "public.t", own=0, foreign=2, kind="spoofed-read"),
        SqlProbe("tenant_a", "a", "update", "public.t", "UPDATE", False, 1, 0, 1),
        SqlProbe("app", None, "no-context", "public.t", "SELECT", False, 4),
        SqlProbe("app", "a", "app-context", "public.t", "SELECT", False, 5, 3, 2),
    ],
)
def test_database_disproven_by_any_crossing(bad: SqlProbe) -> None:
    assert tenants_isolated_in_database(db([*GOOD, bad]), claim()).outcome == Outcome.DISPROVEN


@pytest.mark.parametrize(("enabled", "forced"), [(False, False), (True, False)])
def test_database_disproven_by_rls_not_forced(enabled: bool, forced: bool) -> None:
    tables = (TableSecurity("public", "t", enabled, forced), TableSecurity("tenant_c", "t", True, True))
    verdict = tenants_isolated_in_database(db(GOOD, tables), claim())
    assert verdict.outcome == Outcome.DISPROVEN and "public.t" in verdict.reason


def test_database_usage_on_a_shared_schema_is_no_finding() -> None:
    access = (SchemaAccess("tenant_c", "c", "public", True),)
    assert tenants_isolated_in_database(db(GOOD, access=access), claim()).outcome == Outcome.PROVEN


def test_database_usage_on_another_tenants_own_schema_disproves() -> None:
    access = (SchemaAccess("tenant_a", "a", "tenant_c", True),)
    verdict = tenants_isolated_in_database(db(GOOD, access=access), claim())
    assert verdict.outcome == Outcome.DISPROVEN and "tenant_c" in verdict.reason


def test_schema_per_tenant_claim_disproven_by_a_shared_schema() -> None:
    verdict = tenants_isolated_in_database(db(GOOD), claim(bound="schema-per-tenant"))
    assert verdict.outcome == Outcome.DISPROVEN and "share schema public" in verdict.reason


def test_schema_per_tenant_claim_proven_when_each_tenant_has_its_own() -> None:
    probes = [read("a", "tenant_a.t"), read("b", "tenant_b.t"), read("c", "tenant_c.t")]
    tables = tuple(TableSecurity(f"tenant_{t}", "t", True, True) for t in "abc")
    assert (
        tenants_isolated_in_database(db(probes, tables), claim(bound="schema-per-tenant")).outcome
        == Outcome.PROVEN
    )


# -- API --------------------------------------------------------------------------------------------------


def http(kind: str, expect: str, status: int, **kw: object) -> HttpProbe:
    return HttpProbe("a", kind, expect, "GET", "/r/1", "own API key", status, **kw)  # type: ignore[arg-type]


def cross(kind: str, status: int, **kw: object) -> HttpProbe:
    """A cross-tenant probe by tenant a against tenant b's data."""
    return http(kind, "refuse", status, other_tenant="b", **kw)


API_GOOD = [
    http("own-list", "allow", 200),
    http("own-item", "allow", 200),
    cross("idor", 404),
    cross("spoofed-header", 403),
    cross("jwt-alg-none", 401),
]


def api(probes: list[HttpProbe]) -> ApiIsolation:
    return ApiIsolation("https://gw", ("a", "b"), tuple(probes))


def test_api_proven_when_all_refused_and_own_succeeds() -> None:
    verdict = tenants_isolated_at_api(api(API_GOOD), claim(check="isolation.api"))
    assert verdict.outcome == Outcome.PROVEN and verdict.measured == 100.0


def test_api_error_when_own_request_fails() -> None:
    probes = [http("own-list", "allow", 401), *API_GOOD[1:]]
    assert tenants_isolated_at_api(api(probes), claim()).outcome == Outcome.ERROR


def test_api_disproven_when_a_foreign_resource_is_served() -> None:
    served = cross("idor", 200, foreign_ids=("b-1",))
    verdict = tenants_isolated_at_api(api([*API_GOOD, served]), claim())
    assert verdict.outcome == Outcome.DISPROVEN and verdict.measured == 75.0
    assert "b's resource b-1" in verdict.reason


def test_api_a_2xx_without_the_other_tenants_data_is_not_a_leak() -> None:
    """Issue 10: isolation DISPROVEN 'with 0 leaks' from status codes alone."""
    verdict = tenants_isolated_at_api(api([*API_GOOD, cross("spoofed-header", 200)]), claim())
    assert verdict.outcome == Outcome.INCONCLUSIVE and "a status alone is not a leak" in verdict.reason


def test_api_a_leak_is_disproven_even_when_the_allowed_side_failed() -> None:
    """Issue 10: a real cross-tenant leak came out ERROR because the allowed side was judged first."""
    probes = [http("own-list", "allow", 500), cross("idor", 200, foreign_canaries=("b",))]
    verdict = tenants_isolated_at_api(api(probes), claim())
    assert verdict.outcome == Outcome.DISPROVEN and "leak" in verdict.reason


def test_api_an_accepted_own_expired_token_is_noted_but_is_not_a_crossing() -> None:
    expired = http("jwt-expired", "refuse", 200)
    verdict = tenants_isolated_at_api(api([*API_GOOD, expired]), claim())
    assert verdict.outcome == Outcome.PROVEN and "authentication, not isolation" in verdict.reason


def test_api_disproven_by_a_canary_leak_even_in_an_allowed_response() -> None:
    probes = [*API_GOOD, http("own-list", "allow", 200, foreign_canaries=("b",))]
    verdict = tenants_isolated_at_api(api(probes), claim())
    assert verdict.outcome == Outcome.DISPROVEN and "b's canary" in verdict.reason


@pytest.mark.parametrize("status", [429, 500, 0])
def test_api_rate_limited_or_failed_probe_is_not_a_refusal(status: int) -> None:
    verdict = tenants_isolated_at_api(api([*API_GOOD, http("idor", "refuse", status)]), claim())
    assert verdict.outcome == Outcome.ERROR


def test_api_percent_bound_disproven_by_one_accepted_probe() -> None:
    pct = claim(metric="access_control_accuracy", comparator=">=", bound=99.8, unit="%")
    leak = cross("idor", 200, foreign_canaries=("b",))
    probes = [*API_GOOD, *[cross("idor", 404)] * 600, leak]
    assert tenants_isolated_at_api(api(probes), pct).outcome == Outcome.DISPROVEN


# -- network ----------------------------------------------------------------------------------------------


def reach(kind: str, connected: bool, answered_as: str | None = None) -> Reach:
    return Reach("a", "ns-a", kind, "x", "10.0.0.2", 8080, connected, answered_as)


NET_GOOD = [
    reach("own", True, "a"),
    reach("gateway", True),
    reach("foreign", False),
    reach("internal", False),
]


def net(attempts: list[Reach]) -> NetworkReachability:
    return NetworkReachability(("a", "b"), tuple(attempts))


def test_network_proven_when_only_allowed_paths_connect() -> None:
    assert tenant_networks_isolated(net(NET_GOOD), claim()).outcome == Outcome.PROVEN


@pytest.mark.parametrize("broken", [reach("own", False), reach("own", True, "b"), reach("gateway", False)])
def test_network_error_when_the_allowed_side_fails(broken: Reach) -> None:
    attempts = [a for a in NET_GOOD if a.kind != broken.kind] + [broken]
    assert tenant_networks_isolated(net(attempts), claim()).outcome == Outcome.ERROR


@pytest.mark.parametrize("kind", ["foreign", "internal"])
def test_network_disproven_by_a_forbidden_connection(kind: str) -> None:
    attempts = [*NET_GOOD, replace(reach(kind, True), to="b")]
    assert tenant_networks_isolated(net(attempts), claim()).outcome == Outcome.DISPROVEN


def test_network_claim_kinds() -> None:
    assert network_claim_kind(claim(metric="network_isolation")) == "vpc"
    assert network_claim_kind(claim(statement="Segmentation by Kubernetes network policies.")) == "kubernetes"
    assert network_claim_kind(claim(scope={"component": "barberpro-backend"})) == "kubernetes"
    assert network_claim_kind(claim(scope={"per": "tenant"})) == "vantage"


def test_network_unmeasurable_parts() -> None:
    k8s = claim(statement="Segmentation by Kubernetes network policies.")
    vpc = claim(metric="network_isolation")
    assert (
        network_claim_unmeasurable(k8s, has_kubernetes=False, has_cloud_network=False).outcome
        == Outcome.NOT_APPLICABLE
    )  # type: ignore[union-attr]
    assert (
        network_claim_unmeasurable(k8s, has_kubernetes=True, has_cloud_network=False).outcome
        == Outcome.INCONCLUSIVE
    )  # type: ignore[union-attr]
    assert (
        network_claim_unmeasurable(vpc, has_kubernetes=False, has_cloud_network=False).outcome
        == Outcome.NOT_APPLICABLE
    )  # type: ignore[union-attr]
    assert network_claim_unmeasurable(claim(), has_kubernetes=False, has_cloud_network=False) is None

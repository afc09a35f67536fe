"""Isolation evaluators: a leak disproves, a failed allowed side is ERROR, refusals prove; a percentage
claim is a proportion decided by one-sided bounds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checks.evaluate.isolation import (
    network_claim_kind,
    network_claim_unmeasurable,
    tenant_networks_isolated,
    tenants_isolated_at_api,
    tenants_isolated_in_database,
)
from checks.evidence.isolation import (
    ApiIsolation,
    DatabaseIsolation,
    HttpProbe,
    NetworkReachability,
    Reach,
    SchemaAccess,
    SqlProbe,
    TableSecurity,
)
from checks.ledger import Claim, Source
from checks.verdicts import Outcome, Provenance
from tests.evaluate.evidence_factories import CONSTRUCTED, INDEPENDENT

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


def test_database_foreign_rows_disprove_even_when_the_allowed_side_failed() -> None:
    """A leak is content (another tenant's rows): it disproves whatever else failed."""
    probes = [read("a", "public.t", own=0, foreign=2), *GOOD[1:]]
    verdict = tenants_isolated_in_database(db(probes), claim())
    assert verdict.outcome == Outcome.DISPROVEN and "saw 2 foreign rows" in verdict.reason


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
    return ApiIsolation("https://gw", ("a", "b"), tuple(probes), origin=INDEPENDENT)


API = claim(check="isolation.api")


def test_api_proven_when_all_refused_and_own_succeeds() -> None:
    verdict = tenants_isolated_at_api(api(API_GOOD), API)
    assert verdict.outcome == Outcome.PROVEN and verdict.measured == 0 and verdict.n == 3


def test_api_error_when_own_request_fails() -> None:
    probes = [http("own-list", "allow", 401), *API_GOOD[1:]]
    assert tenants_isolated_at_api(api(probes), API).outcome == Outcome.ERROR


@pytest.mark.parametrize("body", ["other", "empty"])
def test_api_own_request_answered_with_html_or_empty_json_is_no_allowed_side(body: str) -> None:
    probes = [http("own-list", "allow", 200, body=body), *API_GOOD[1:]]
    verdict = tenants_isolated_at_api(api(probes), API)
    assert verdict.outcome == Outcome.ERROR and f"({body} body)" in verdict.reason


def test_api_disproven_when_a_foreign_resource_is_served() -> None:
    served = cross("idor", 200, foreign_ids=("b-1",))
    verdict = tenants_isolated_at_api(api([*API_GOOD, served]), API)
    assert verdict.outcome == Outcome.DISPROVEN and "b's resource b-1" in verdict.reason


def test_api_a_2xx_without_the_other_tenants_data_is_not_a_leak() -> None:
    """Issue 10: isolation DISPROVEN 'with 0 leaks' from status codes alone."""
    verdict = tenants_isolated_at_api(api([*API_GOOD, cross("spoofed-header", 200)]), API)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "a status alone is not a leak" in verdict.reason


def test_api_a_leak_is_disproven_even_when_the_allowed_side_failed() -> None:
    """Issue 10: a real cross-tenant leak came out ERROR because the allowed side was judged first."""
    probes = [http("own-list", "allow", 500), cross("idor", 200, foreign_canaries=("b",))]
    verdict = tenants_isolated_at_api(api(probes), API)
    assert verdict.outcome == Outcome.DISPROVEN and "leak" in verdict.reason


def test_api_an_accepted_own_expired_token_is_noted_but_is_not_a_crossing() -> None:
    expired = http("jwt-expired", "refuse", 200)
    verdict = tenants_isolated_at_api(api([*API_GOOD, expired]), API)
    assert verdict.outcome == Outcome.PROVEN and "authentication, not isolation" in verdict.reason


def test_api_disproven_by_a_canary_leak_even_in_an_allowed_response() -> None:
    probes = [*API_GOOD, http("own-list", "allow", 200, foreign_canaries=("b",))]
    verdict = tenants_isolated_at_api(api(probes), API)
    assert verdict.outcome == Outcome.DISPROVEN and "b's canary" in verdict.reason


@pytest.mark.parametrize("status", [429, 500, 0])
def test_api_rate_limited_or_failed_probe_is_not_a_refusal(status: int) -> None:
    verdict = tenants_isolated_at_api(api([*API_GOOD, cross("idor", status)]), API)
    assert verdict.outcome == Outcome.ERROR


def test_api_a_cross_tenant_200_with_an_html_page_is_an_error_not_a_data_point() -> None:
    verdict = tenants_isolated_at_api(api([*API_GOOD, cross("idor", 200, body="other")]), API)
    assert verdict.outcome == Outcome.ERROR and "(other body)" in verdict.reason


PERCENT = claim(
    check="isolation.api", metric="access_control_accuracy", comparator=">=", bound=99.8, unit="%"
)


def refusals(n: int) -> list[HttpProbe]:
    return [cross("idor", 404)] * n


def test_api_percent_bound_from_67_refusals_is_inconclusive_naming_the_trials_needed() -> None:
    """Issue 10: BP-D14-SEC-07 was PROVEN from 67/67 refusals against a 99.8% claim."""
    probes = [*API_GOOD[:2], *refusals(67)]
    verdict = tenants_isolated_at_api(api(probes), PERCENT)
    assert verdict.outcome == Outcome.INCONCLUSIVE and verdict.n == 67
    assert "95.6" in verdict.reason and "trials at this ratio would decide" in verdict.reason
    assert verdict.interval is not None and 95.5 < verdict.interval[0] < 95.7


def test_api_percent_bound_proven_by_enough_refusals() -> None:
    verdict = tenants_isolated_at_api(api([*API_GOOD[:2], *refusals(1600)]), PERCENT)
    assert verdict.outcome == Outcome.PROVEN and verdict.measured == 100.0


def test_api_percent_bound_disproven_when_the_upper_bound_is_below_it() -> None:
    leaks = [cross("idor", 200, foreign_canaries=("b",))] * 30
    verdict = tenants_isolated_at_api(api([*API_GOOD[:2], *refusals(970), *leaks]), PERCENT)
    assert verdict.outcome == Outcome.DISPROVEN and "leaks:" in verdict.reason


def test_api_percent_bound_with_one_leak_in_600_names_it_but_does_not_decide() -> None:
    """One leak in 601 is 99.83%: the data cannot tell 99.8% from less (the leak is named)."""
    leak = cross("idor", 200, foreign_canaries=("b",))
    verdict = tenants_isolated_at_api(api([*API_GOOD[:2], *refusals(600), leak]), PERCENT)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "b's canary" in verdict.reason


def test_api_constructed_origin_is_carried() -> None:
    verdict = tenants_isolated_at_api(replace(api(API_GOOD), origin=CONSTRUCTED), API)
    assert verdict.provenance is Provenance.CONSTRUCTED and "constructed" in verdict.evidence


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


def test_network_a_connection_into_another_tenant_disproves_even_when_the_own_service_failed() -> None:
    attempts = [reach("own", False), reach("gateway", True), replace(reach("foreign", True), to="b")]
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

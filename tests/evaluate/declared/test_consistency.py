"""Consistency: one system's claims about one metric and scope, within and across documents."""

from __future__ import annotations

from typing import Any

from checks.evaluate.declared import consistency
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import DAY08, DAY14, claim

ML: dict[str, Any] = {"metric": "ml_prediction_latency", "unit": "ms", "comparator": "<", "bound": 100}


def test_a_model_latency_above_the_platform_promise_disproves_the_promise() -> None:
    promise = claim("BP-T-60", scope={"route_class": "ml"}, line=15, **ML)
    model = claim(
        "BP-T-61", scope={"route_class": "ml", "component": "forecast"}, line=55, stated_value=120, **ML
    )
    (verdict,) = consistency.analyze([promise, model])
    assert verdict.claim_id == "BP-T-60" and verdict.outcome == Outcome.DISPROVEN
    assert "BP-T-61 states 120 ms" in verdict.reason and f"{DAY14}:55" in verdict.cites


def test_a_model_within_the_promise_is_fine() -> None:
    promise = claim("BP-T-60", scope={"route_class": "ml"}, **ML)
    model = claim("BP-T-61", scope={"route_class": "ml", "component": "x"}, stated_value=45, **ML)
    assert consistency.analyze([promise, model]) == []


def test_claims_of_different_systems_never_conflict() -> None:
    promise = claim("BP-T-60", scope={"route_class": "ml"}, **ML)
    other = claim("BB-T-61", system="BookedBarber V2", scope={"route_class": "ml"}, stated_value=500, **ML)
    assert consistency.analyze([promise, other]) == []


def test_values_of_another_day_do_not_break_a_later_target() -> None:
    target = claim("BP-T-62", metric="api_response_time", comparator="<", bound=100, unit="ms")
    earlier = claim(
        "BP-T-63",
        metric="api_response_time",
        comparator="<",
        bound=200,
        unit="ms",
        stated_value=142,
        file=DAY08,
    )
    assert consistency.analyze([target, earlier]) == []


def test_equal_bounds_with_different_values_same_document_vs_across_documents() -> None:
    six = claim("BP-T-64", metric="replica_count", comparator="==", bound=6, unit="replicas", file=DAY08)
    two = claim("BP-T-65", metric="replica_count", comparator="==", bound=2, unit="replicas", file=DAY08)
    three = claim("BP-T-66", metric="replica_count", comparator="==", bound=3, unit="replicas")
    same = consistency.analyze([six, two])
    assert {v.outcome for v in same} == {Outcome.DISPROVEN} and len(same) == 2
    across = consistency.analyze([six, three])
    assert {v.outcome for v in across} == {Outcome.INCONCLUSIVE}


def test_compatible_bounds_do_not_conflict_and_disjoint_ones_do() -> None:
    low = claim("BP-T-67", comparator="<", bound=100, unit="ms")
    lower = claim("BP-T-68", comparator="<", bound=1, unit="s")
    high = claim("BP-T-69", comparator=">=", bound=0.2, unit="s")
    assert consistency.analyze([low, lower]) == []
    assert {v.outcome for v in consistency.analyze([low, high])} == {Outcome.DISPROVEN}


def test_same_number_per_minute_and_per_second_is_named_a_confusion() -> None:
    per_min = claim(
        "BP-T-70",
        metric="sustained_throughput",
        comparator=">=",
        bound=10000,
        unit="requests/min",
        stated_value=10000,
    )
    per_s = claim(
        "BP-T-71", metric="sustained_throughput", comparator=">=", bound=10000, unit="rps", stated_value=10000
    )
    verdicts = consistency.analyze([per_min, per_s])
    assert {v.outcome for v in verdicts} == {Outcome.DISPROVEN}
    assert "per-second vs per-minute confusion" in verdicts[0].reason and "60x" in verdicts[0].reason


def test_a_tested_load_below_a_capacity_claim_is_not_a_breach() -> None:
    capacity = claim("BP-T-72", metric="concurrent_users", comparator=">=", bound=10000, unit="users")
    tested = claim(
        "BP-T-73", metric="concurrent_users", comparator=">=", bound=2800, unit="users", stated_value=2800
    )
    assert consistency.analyze([capacity, tested]) == []


def test_aggregate_targets_are_not_applied_to_components() -> None:
    overall = claim(
        "BP-T-74",
        metric="reliability_score",
        comparator=">=",
        bound=98.5,
        unit="%",
        scope={"statistic": "ratio"},
    )
    api = claim(
        "BP-T-75",
        metric="reliability_score",
        comparator=">=",
        bound=98.1,
        unit="%",
        stated_value=98.1,
        scope={"statistic": "ratio", "route_class": "api"},
    )
    assert consistency.analyze([overall, api]) == []


def test_claims_about_different_rules_are_different_subjects() -> None:
    one = claim(
        "BP-T-76",
        metric="alert_for_duration",
        comparator="==",
        bound=1,
        unit="min",
        check="monitoring.alerting",
        params={"rules": ["A"]},
    )
    two = claim(
        "BP-T-77",
        metric="alert_for_duration",
        comparator="==",
        bound=2,
        unit="min",
        check="monitoring.alerting",
        params={"rules": ["B"]},
    )
    assert consistency.analyze([one, two]) == []


RATE: dict[str, Any] = {"metric": "sustained_throughput", "comparator": ">=", "check": "http.throughput"}


def test_the_same_rate_per_minute_and_per_second_is_a_unit_confusion() -> None:
    per_minute = claim(
        "BP-T-67", bound=10000, unit="requests/min", stated_value=10000, scope={"route": "/health"}, **RATE
    )
    per_second = claim(
        "BP-T-68", bound=10000, unit="rps", stated_value=10000, scope={"route_class": "api"}, **RATE
    )
    found = consistency.analyze([per_minute, per_second])
    assert {v.claim_id for v in found} == {"BP-T-67", "BP-T-68"}
    assert {v.outcome for v in found} == {Outcome.DISPROVEN}
    assert all("per-second vs per-minute confusion" in v.reason for v in found)


def test_different_rates_in_different_scopes_are_no_confusion() -> None:
    per_minute = claim(
        "BP-T-67", bound=9000, unit="requests/min", stated_value=9000, scope={"route": "/health"}, **RATE
    )
    per_second = claim(
        "BP-T-68", bound=10000, unit="rps", stated_value=10000, scope={"route_class": "api"}, **RATE
    )
    assert consistency.analyze([per_minute, per_second]) == []


def test_the_same_figure_for_different_components_stays_open() -> None:
    a = claim("BP-T-67", bound=10, unit="requests/min", stated_value=10, scope={"component": "a"}, **RATE)
    b = claim("BP-T-68", bound=10, unit="rps", stated_value=10, scope={"component": "b"}, **RATE)
    assert {v.outcome for v in consistency.analyze([a, b])} == {Outcome.INCONCLUSIVE}

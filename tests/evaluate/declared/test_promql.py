"""PromQL semantics: rules that compute something other than what they claim to."""

from __future__ import annotations

from typing import Any

from checks.evaluate.declared import promql
from checks.evaluate.declared.alerting import AlertRule, alert_rules
from checks.evaluate.declared.promql import rule_problems
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import DAY14, claim, real_config, real_object


def _rule(expr: str, description: str = "") -> AlertRule:
    return AlertRule("R", expr, 60, 15, "critical", "f:1", description)


def _kinds(expr: str, description: str = "", **kw: Any) -> list[str]:
    return [p.kind for p in rule_problems(_rule(expr, description), **kw)]


def test_absolute_error_rate_compared_with_a_fraction_is_flagged() -> None:
    assert _kinds('rate(http_requests_total{status=~"5.."}[5m]) > 0.01') == ["absolute_rate_as_ratio"]


def test_a_real_ratio_is_not_flagged() -> None:
    expr = 'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.01'
    assert _kinds(expr) == []


def test_a_rate_above_one_is_flagged_only_when_described_as_a_percentage() -> None:
    assert _kinds("rate(jobs_failed_total[5m]) > 5") == []
    assert _kinds(
        "rate(jobs_failed_total[5m]) > 5", "Failure ratio is {{ $value | humanizePercentage }}"
    ) == ["absolute_rate_as_ratio"]


def test_cpu_seconds_compared_as_percent_names_the_declared_limits() -> None:
    (problem,) = rule_problems(_rule("rate(container_cpu_usage_seconds_total[5m]) > 0.8"), {"api": "2000m"})
    assert problem.kind == "cpu_seconds_as_percent" and "api limit 2000m = 40% of it" in problem.explanation
    divided = "rate(container_cpu_usage_seconds_total[5m]) / on(pod) kube_pod_container_resource_limits > 0.8"
    assert _kinds(divided) == []


def test_quantile_on_a_histogram_is_definite_only_when_the_type_is_known() -> None:
    expr = 'http_request_duration_seconds{quantile="0.95"} > 0.1'
    (suspect,) = rule_problems(_rule(expr))
    assert suspect.kind == "quantile_on_histogram" and not suspect.definite
    (known,) = rule_problems(_rule(expr), metric_types={"http_request_duration_seconds": "histogram"})
    assert known.definite
    assert rule_problems(_rule(expr), metric_types={"http_request_duration_seconds": "summary"}) == []


def test_histogram_quantile_over_buckets_is_fine() -> None:
    expr = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 0.1"
    assert _kinds(expr) == []


def test_every_document_004_rule_problem_is_found() -> None:
    rules = alert_rules(real_object("PrometheusRules"), real_object("PrometheusConfig"))
    found = {p.rule: p.kind for r in rules for p in rule_problems(r)}
    assert found == {
        "HighResponseTime": "quantile_on_histogram",
        "HighErrorRate": "absolute_rate_as_ratio",
        "HighCPUUsage": "cpu_seconds_as_percent",
        "HighMemoryUsage": "division_by_unset_limit",
    }


def test_a_claim_about_the_error_rate_rule_is_disproven() -> None:
    about = claim(
        "BP-T-20",
        metric="alert_threshold",
        comparator="==",
        bound=1,
        unit="%",
        line=217,
        end_line=224,
        check="monitoring.config",
        params={"rule": "HighErrorRate", "config_block": f"{DAY14}:198-260"},
    )
    (verdict,) = promql.analyze([about], real_config())
    assert verdict.outcome == Outcome.DISPROVEN and verdict.reason.startswith("rule HighErrorRate")
    assert f"{DAY14}:217" in verdict.cites


def test_a_timing_claim_about_the_same_rule_only_gets_context() -> None:
    timing = claim(
        "BP-T-21",
        metric="alert_for_duration",
        comparator="==",
        bound=1,
        unit="min",
        line=219,
        check="monitoring.alerting",
        params={"rules": ["HighErrorRate"]},
    )
    (verdict,) = promql.analyze([timing], real_config())
    assert verdict.outcome == Outcome.INCONCLUSIVE


def test_claims_not_about_the_rules_get_nothing() -> None:
    assert promql.analyze([claim("BP-T-22", line=10)], real_config()) == []

"""Alerting latency floor: for: rounded up to evaluation ticks, against alert/detection latency claims."""

from __future__ import annotations

from typing import Any

from checks.evaluate.declared import alerting
from checks.evaluate.declared.alerting import AlertRule, alert_rules, largest_scrape_s
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import DAY08, claim, real_config, real_object, yaml_config

RULES = """\
groups:
- name: fast
  interval: 10s
  rules:
  - alert: Down
    expr: up == 0
    for: 25s
    labels: {severity: critical}
  - alert: Instant
    expr: up == 0
"""


def _latency_claim(
    bound: float, comparator: str = "<", statement: str = "Critical issues detected quickly.", **fields: Any
) -> Claim:
    return claim(
        "BP-T-10",
        metric="detection_latency",
        comparator=comparator,
        bound=bound,
        unit="s",
        check="monitoring.alerting",
        category="monitoring",
        statement=statement,
        file=DAY08,
        line=88,
        **fields,
    )


def test_floor_rounds_for_up_to_evaluation_ticks() -> None:
    assert AlertRule("a", "x", 25, 10, "", "f:1").floor_s == 30
    assert AlertRule("a", "x", 60, 15, "", "f:1").floor_s == 60
    assert AlertRule("a", "x", 0, 15, "", "f:1").floor_s == 0


def test_document_004_rules_use_the_global_evaluation_interval() -> None:
    rules = alert_rules(real_object("PrometheusRules"), real_object("PrometheusConfig"))
    by_name = {r.name: r for r in rules}
    assert by_name["HighErrorRate"].for_s == 60 and by_name["HighErrorRate"].eval_s == 15
    assert by_name["HighErrorRate"].cite == "004_51559c022b15dff1.txt:217"
    assert largest_scrape_s(real_object("PrometheusConfig")) == 15


def test_ten_second_detection_against_document_004_critical_rules_is_disproven() -> None:
    (verdict,) = alerting.analyze([_latency_claim(10)], real_config())
    assert verdict.outcome == Outcome.DISPROVEN
    assert "fires no earlier than 60 s" in verdict.reason and "up to 90 s" in verdict.reason


def test_a_bound_above_the_floor_is_left_to_observation() -> None:
    (verdict,) = alerting.analyze([_latency_claim(120)], real_config())
    assert verdict.outcome == Outcome.INCONCLUSIVE


def test_strict_bound_equal_to_floor_is_disproven_non_strict_is_not() -> None:
    (strict,) = alerting.analyze([_latency_claim(60, "<")], real_config())
    (loose,) = alerting.analyze([_latency_claim(60, "<=")], real_config())
    assert (strict.outcome, loose.outcome) == (Outcome.DISPROVEN, Outcome.INCONCLUSIVE)


def test_group_interval_overrides_and_non_critical_claims_see_every_rule() -> None:
    config = yaml_config(RULES)
    (critical,) = alerting.analyze([_latency_claim(29)], config)
    assert critical.outcome == Outcome.DISPROVEN and "Down" in critical.reason
    (any_rule,) = alerting.analyze([_latency_claim(29, statement="Alerts fire fast.")], config)
    assert any_rule.outcome == Outcome.INCONCLUSIVE and "Instant" in any_rule.reason


def test_claims_of_another_system_are_not_judged() -> None:
    other = _latency_claim(10, system="BookedBarber V2", id="BB-T-01")
    assert alerting.analyze([other], real_config()) == []

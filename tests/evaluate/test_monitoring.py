"""The running Prometheus against monitoring claims: retention, intervals, alert floors and rule durations."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from checks.evaluate.monitoring import (
    alert_latency_floor,
    config_as_claimed,
    config_unmeasurable,
    interval_as_claimed,
    retention_as_claimed,
    rules_hold_for,
)
from checks.evidence.monitoring import MonitoringSettings
from checks.evidence.prometheus import LiveRule, PrometheusSettings
from checks.ledger import Claim, Scope
from checks.units import UnitError, prometheus_seconds
from checks.verdicts import EvidenceLevel, Outcome, Provenance
from tests.evaluate.evidence_factories import CONSTRUCTED, INDEPENDENT

URL = "http://127.0.0.1:9390"
BASE = Claim(
    id="BP-T-MON-02",
    system="BarberPro",
    category="monitoring",
    statement="Metrics retained for 30 days.",
    sources=[{"file": "003_05e30b35ee0cdd0e.txt", "line": 1, "quote": "retention 30d"}],
    metric="retention",
    comparator="==",
    bound=30,
    unit="d",
    check="monitoring.config",
    method="The server's retention flag.",
)


def claim(**update: Any) -> Claim:
    return BASE.model_copy(update=update)


def rule(
    name: str = "ApiDown", for_s: float = 60, eval_s: float = 15, severity: str = "critical"
) -> LiveRule:
    return LiveRule("api", name, "up == 0", for_s, eval_s, {"severity": severity})


def settings(
    retention: str = "30d", rules: tuple[LiveRule, ...] = (), jobs: dict[str, float] | None = None
) -> MonitoringSettings:
    server = PrometheusSettings(URL, retention, 15.0, 15.0, {"app": 5.0} if jobs is None else jobs, rules)
    try:
        retention_s: float | None = prometheus_seconds(retention)
    except UnitError:
        retention_s = None
    return MonitoringSettings(server, retention_s, INDEPENDENT, INDEPENDENT)


def test_retention_as_claimed_is_proven() -> None:
    verdict = retention_as_claimed(settings("30d"), BASE)
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.CONFIGURED
    assert verdict.measured == verdict.bound == 30 * 86400


def test_other_retention_is_disproven() -> None:
    assert retention_as_claimed(settings("15d"), BASE).outcome == Outcome.DISPROVEN


def test_retention_in_mixed_units_is_summed() -> None:
    assert retention_as_claimed(settings("4w2d"), BASE).outcome == Outcome.PROVEN


def test_no_retention_flag_is_an_error() -> None:
    assert retention_as_claimed(settings(""), BASE).outcome == Outcome.ERROR


def test_evaluation_interval_on_both_sides() -> None:
    every_15s = claim(metric="evaluation_interval", bound=15, unit="s")
    assert interval_as_claimed(settings(), every_15s, None).outcome == Outcome.PROVEN
    assert (
        interval_as_claimed(settings(), every_15s.model_copy(update={"bound": 10}), None).outcome
        == Outcome.DISPROVEN
    )


def test_global_scrape_interval_is_used_without_a_job() -> None:
    every_15s = claim(metric="scrape_interval", bound=15, unit="s")
    assert interval_as_claimed(settings(), every_15s, None).outcome == Outcome.PROVEN


def test_job_scrape_interval_on_both_sides() -> None:
    every_5s = claim(metric="scrape_interval", bound=5, unit="s")
    assert interval_as_claimed(settings(), every_5s, "app").outcome == Outcome.PROVEN
    assert interval_as_claimed(settings(jobs={"app": 30.0}), every_5s, "app").outcome == Outcome.DISPROVEN


def test_a_missing_job_is_disproven_and_named() -> None:
    verdict = interval_as_claimed(settings(), claim(metric="scrape_interval", bound=5, unit="s"), "backend")
    assert verdict.outcome == Outcome.DISPROVEN and "'backend'" in verdict.reason


ALERT = claim(
    metric="alert_latency",
    comparator="<",
    bound=30,
    unit="s",
    check="monitoring.alerting",
    statement="Alerts fire within 30 seconds.",
)


def test_no_alerting_rule_cannot_alert() -> None:
    assert alert_latency_floor(settings(), ALERT).outcome == Outcome.DISPROVEN


def test_a_rule_that_waits_longer_than_the_claim_is_disproven() -> None:
    verdict = alert_latency_floor(settings(rules=(rule(for_s=120),)), ALERT)
    assert verdict.outcome == Outcome.DISPROVEN and verdict.reason.startswith("live rules:")


def test_a_fast_enough_rule_is_inconclusive_until_a_drill_measures_it() -> None:
    verdict = alert_latency_floor(settings(rules=(rule(for_s=0),)), ALERT)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "alert drill" in verdict.reason


def test_no_relevant_rule_is_inconclusive() -> None:
    critical = ALERT.model_copy(update={"statement": "Critical alerts fire within 30 seconds."})
    verdict = alert_latency_floor(settings(rules=(rule(severity="warning"),)), critical)
    assert verdict.outcome == Outcome.INCONCLUSIVE
    assert "ApiDown (severity warning)" in verdict.reason and "critical severity" in verdict.reason


def test_a_paging_rule_counts_for_a_claim_about_critical_issues() -> None:
    """BP-D08-MON-01 on the sandbox: its rules page (`severity: page`, for: 30 s) against a 10 s claim."""
    critical = ALERT.model_copy(update={"statement": "Critical issues are detected within 10 seconds."})
    critical = critical.model_copy(update={"bound": 10})
    verdict = alert_latency_floor(settings(rules=(rule("AppDown", for_s=30, severity="page"),)), critical)
    assert verdict.outcome == Outcome.DISPROVEN and "AppDown" in verdict.reason


HOLD = claim(metric="alert_for_duration", bound=2, unit="min", check="monitoring.alerting")


def test_named_rules_holding_for_the_claimed_duration_are_proven() -> None:
    live = settings(rules=(rule("HighLatency", for_s=120), rule("HighErrors", for_s=120)))
    verdict = rules_hold_for(live, HOLD, ["HighLatency", "HighErrors"])
    assert verdict.outcome == Outcome.PROVEN and verdict.bound == 120


def test_a_named_rule_with_another_duration_is_disproven() -> None:
    live = settings(rules=(rule("HighLatency", for_s=120), rule("HighErrors", for_s=60)))
    verdict = rules_hold_for(live, HOLD, ["HighLatency", "HighErrors"])
    assert verdict.outcome == Outcome.DISPROVEN and verdict.measured == {"HighLatency": 120, "HighErrors": 60}


def test_a_rule_the_target_lacks_is_not_applicable() -> None:
    verdict = rules_hold_for(
        settings(rules=(rule("HighLatency", for_s=120),)), HOLD, ["HighLatency", "Other"]
    )
    assert verdict.outcome == Outcome.NOT_APPLICABLE and "['Other']" in verdict.reason


def test_no_rule_names_is_not_applicable() -> None:
    assert rules_hold_for(settings(rules=(rule(),)), HOLD, []).outcome == Outcome.NOT_APPLICABLE


def test_a_duration_claim_without_a_unit_is_an_error_never_seconds() -> None:
    """Issue 14: a missing unit meant seconds in monitoring.py."""
    verdict = retention_as_claimed(settings("30d"), claim(unit=None, bound=2592000))
    assert verdict.outcome == Outcome.ERROR and "no unit" in verdict.reason


def test_a_claim_without_a_comparator_is_an_error_never_equality() -> None:
    """Issue 14: a missing comparator meant `==` in monitoring.py."""
    verdict = retention_as_claimed(settings("30d"), claim(comparator=None))
    assert verdict.outcome == Outcome.ERROR and "without a comparator" in verdict.reason


@pytest.mark.parametrize(("comparator", "outcome"), [(">=", Outcome.PROVEN), ("<", Outcome.DISPROVEN)])
def test_retention_with_an_ordering_comparator(comparator: str, outcome: Outcome) -> None:
    assert retention_as_claimed(settings("90d"), claim(comparator=comparator)).outcome is outcome


def test_flags_and_rules_carry_their_own_origins() -> None:
    """Retention set up from the documents (flags constructed) while the rules are independent."""
    live = replace(settings("30d", rules=(rule("HighLatency", for_s=120),)), flags=CONSTRUCTED)
    retention = retention_as_claimed(live, BASE)
    assert retention.provenance is Provenance.CONSTRUCTED and "constructed" in retention.evidence
    rules = rules_hold_for(live, HOLD, ["HighLatency"])
    assert rules.provenance is Provenance.INDEPENDENT and "constructed" not in rules.evidence


def test_dashboards_and_escalation_are_not_what_the_settings_show() -> None:
    assert config_unmeasurable(claim(metric="dashboards", comparator="present", bound=None)) is not None
    assert config_unmeasurable(BASE) is None


def test_a_component_interval_needs_its_scrape_job_bound() -> None:
    component = claim(metric="scrape_interval", bound=5, unit="s", scope=Scope(component="backend"))
    assert config_as_claimed(settings(), component, None).outcome == Outcome.NOT_APPLICABLE
    assert config_as_claimed(settings(), component, "app").outcome == Outcome.PROVEN

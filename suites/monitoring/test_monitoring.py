"""Monitoring claims: the running Prometheus's retention and intervals, and how soon its alerts can fire."""

from __future__ import annotations

import pytest

from checks.collect.prometheus import collect_prometheus_settings
from checks.evaluate.monitoring import (
    alert_latency_floor,
    interval_as_claimed,
    retention_as_claimed,
    rules_hold_for,
)
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.endpoints import binding
from fixtures.judging import Judge

PROMETHEUS_METRICS = {"retention", "scrape_interval", "evaluation_interval"}


@pytest.mark.parametrize("claim", claim_params("monitoring.config"))
def test_monitoring_configured_as_claimed(claim: Claim, judge: Judge, target: Target) -> None:
    component = (claim.scope.component or "prometheus").lower()
    numeric = isinstance(claim.bound, int | float)
    if (
        claim.metric not in PROMETHEUS_METRICS
        or not numeric
        or ("prometheus" not in component and claim.metric == "retention")
    ):
        judge.not_applicable(
            f"claimcheck reads Prometheus retention and intervals; '{claim.metric}' of "
            f"'{component}' is not exposed by this target"
        )
    prom = judge.need(target.prometheus, "a Prometheus server")
    settings = collect_prometheus_settings(prom)
    if claim.metric == "retention":
        judge(retention_as_claimed(settings, claim))
    else:
        job = binding(target, claim).get("job") if claim.scope.component else None
        if claim.scope.component and job is None:
            judge.not_applicable(
                f"no binding names the scrape job of '{claim.scope.component}' (bindings.{claim.id}.job)"
            )
        judge(interval_as_claimed(settings, claim, job))


@pytest.mark.parametrize("claim", claim_params("monitoring.alerting"))
def test_alert_latency_within_bound(claim: Claim, judge: Judge, target: Target) -> None:
    prom = judge.need(target.prometheus, "a Prometheus server")
    settings = collect_prometheus_settings(prom)
    if claim.metric == "alert_for_duration":
        names = list(binding(target, claim).get("rules") or claim.params.get("rules") or [])
        judge(rules_hold_for(settings, claim, names))
    else:
        judge(alert_latency_floor(settings, claim))

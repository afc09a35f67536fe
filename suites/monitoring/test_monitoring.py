"""Monitoring claims: the running Prometheus's retention and intervals, and how soon its alerts can fire."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.bindings import MonitoringBinding
from checks.collect.monitoring import collect_monitoring_settings
from checks.evaluate.monitoring import alerting_as_claimed, config_as_claimed, config_unmeasurable
from checks.evidence.monitoring import MonitoringSettings
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.params import AlertingParams
from checks.registry import binding_as
from checks.targets import Prometheus, Target
from fixtures.claims import claim_params
from fixtures.judging import Judge
from fixtures.once import CollectOnce


@pytest.fixture(scope="session")
def monitoring_settings(
    evidence_origin: Callable[[str], Origin],
) -> Callable[[Prometheus], MonitoringSettings]:
    """The server's settings, read once per session; flags/configuration and rules carry their own origins."""
    once: CollectOnce[str, MonitoringSettings] = CollectOnce("Prometheus settings")
    flags, rules = evidence_origin("prometheus.flags"), evidence_origin("prometheus.rules")
    return lambda prom: once.get(
        prom.url, lambda: collect_monitoring_settings(prom, flags=flags, rules=rules)
    )


@pytest.mark.parametrize("claim", claim_params("monitoring.config"))
def test_monitoring_configured_as_claimed(
    claim: Claim,
    judge: Judge,
    target: Target,
    monitoring_settings: Callable[[Prometheus], MonitoringSettings],
) -> None:
    if (unmeasurable := config_unmeasurable(claim)) is not None:
        judge(unmeasurable)
    prom = judge.need(target.prometheus, "a Prometheus server")
    bound = binding_as(target, claim, MonitoringBinding)
    judge(config_as_claimed(monitoring_settings(prom), claim, bound.job if bound else None))


@pytest.mark.parametrize("claim", claim_params("monitoring.alerting"))
def test_alert_latency_within_bound(
    claim: Claim,
    judge: Judge,
    target: Target,
    monitoring_settings: Callable[[Prometheus], MonitoringSettings],
) -> None:
    prom = judge.need(target.prometheus, "a Prometheus server")
    bound = binding_as(target, claim, MonitoringBinding)
    rules = (bound.rules if bound else ()) or claim.params_as(AlertingParams).rules or ()
    judge(alerting_as_claimed(monitoring_settings(prom), claim, rules))

"""Availability/uptime claims: Prometheus history over the claim's window, and the run's own probes."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from checks.collect.prometheus import collect_availability_history
from checks.evaluate.availability import DEFAULT_WINDOW, availability_within, error_ratio_within
from checks.evidence.http import ProbeSeries
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.registry import is_bound
from checks.sufficiency import SufficiencyPolicy
from checks.targets import LoadProfile, Target
from checks.units import window_seconds
from fixtures.claims import claim_params
from fixtures.endpoints import bound_route, is_app_component
from fixtures.judging import Judge


@pytest.mark.parametrize("claim", claim_params("availability.ratio"))
def test_availability_within_bound(
    claim: Claim,
    judge: Judge,
    target: Target,
    load_profile: LoadProfile | None,
    probe_series: Callable[[str, int], ProbeSeries],
    evidence_origin: Callable[[str], Origin],
    policy: SufficiencyPolicy,
) -> None:
    if not is_app_component(claim) and not is_bound(target, claim):
        judge.not_applicable(f"target has no '{claim.scope.component}' component bound for availability")
    if claim.unit != "%":
        judge.not_applicable(
            f"a {claim.metric} in {claim.unit} needs the target's incident history (times of "
            "failure and recovery), which claimcheck does not collect"
        )
    window = window_seconds(claim.scope.window or DEFAULT_WINDOW)
    history = (
        collect_availability_history(
            target.prometheus, window, time.time(), origin=evidence_origin("prometheus")
        )
        if target.prometheus
        else None
    )
    if claim.metric == "error_rate":
        judge(
            error_ratio_within(
                claim, judge.need(history, "a Prometheus server with request counters"), policy
            )
        )
    else:
        # The serving path (gateway -> app) is probed on its health route: no credentials, no rate limit.
        route = judge.need(
            bound_route(target, claim) or (target.http.routes.get("health") if target.http else None),
            "an HTTP health route for availability probes",
        )
        profile = judge.need(load_profile, "a load profile for this run")
        judge(availability_within(claim, history, probe_series(route, profile.probe_count), policy=policy))

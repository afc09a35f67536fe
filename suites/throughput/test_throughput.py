"""Sustained throughput and concurrent users, within the target's governor."""

from __future__ import annotations

import pytest

from checks.evaluate.concurrency import users_served, users_to_rate
from checks.evaluate.throughput import rate_needed, throughput_within
from checks.ledger import Claim
from checks.targets import LoadProfile, Target
from fixtures.claims import claim_params
from fixtures.endpoints import route_for
from fixtures.judging import Judge
from fixtures.load import LoadRun

HEADROOM = 1.05  # offer a little more than the claim: the sustained rate counts until the last response
ASSUMED_RESPONSE_S = 0.1  # R in Little's law when the claim states no latency


@pytest.mark.load
@pytest.mark.parametrize("claim", claim_params("http.throughput"))
def test_throughput_sustained(
    claim: Claim,
    judge: Judge,
    target: Target,
    load_gate: str | None,
    load_profile: LoadProfile | None,
    load_run: LoadRun,
) -> None:
    judge.need(target.http, "an HTTP endpoint")
    needed = rate_needed(claim)
    if needed is None:
        judge.not_applicable(
            f"'{claim.metric}' in {claim.unit} is not a sustained-rate claim this check measures"
        )
    if claim.scope.per == "client":
        judge.not_applicable(
            "a per-client hourly volume is a rate-limit policy; see the http.rate_limit claims"
        )
    route_class = claim.scope.route_class or "api"
    route = judge.need(claim.scope.route or route_for(target, claim, "api"), f"a route for {route_class!r}")
    judge.gate(load_gate)
    profile = judge.need(load_profile, "a load profile for this run")
    offer = needed * HEADROOM
    samples = (
        load_run(route_class, route, offer, profile.latency_seconds) if offer <= target.max_rps else None
    )
    judge(throughput_within(samples, claim, max_rps=target.max_rps))


@pytest.mark.load
@pytest.mark.parametrize("claim", claim_params("http.concurrency"))
def test_concurrent_users_served(
    claim: Claim,
    judge: Judge,
    target: Target,
    load_gate: str | None,
    load_profile: LoadProfile | None,
    load_run: LoadRun,
) -> None:
    judge.need(target.http, "an HTTP endpoint")
    users = (
        claim.params.get("equivalent_users") if claim.unit == "x" else claim.scope.load_users or claim.bound
    )
    if not isinstance(users, int | float):
        judge.not_applicable(f"a {claim.unit} growth claim names no number of users to test")
    route_class = claim.scope.route_class or "api"
    route = judge.need(route_for(target, claim, "api"), f"a route for {route_class!r}")
    judge.gate(load_gate)
    profile = judge.need(load_profile, "a load profile for this run")
    rate = users_to_rate(float(users), profile.think_time_s, ASSUMED_RESPONSE_S)
    samples = (
        load_run(route_class, route, rate * HEADROOM, profile.latency_seconds)
        if rate * HEADROOM <= target.max_rps
        else None
    )
    judge(users_served(samples, claim, float(users), rate, profile.think_time_s, max_rps=target.max_rps))

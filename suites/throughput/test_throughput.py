"""Sustained throughput and concurrent users, within the target's governor."""

from __future__ import annotations

import math

import pytest

from checks.evaluate.concurrency import concurrency_not_measured, concurrency_offer, users_served
from checks.evaluate.throughput import not_measured, throughput_offer, throughput_within
from checks.ledger import Claim
from checks.sufficiency import SufficiencyPolicy
from checks.targets import LoadProfile, Target
from fixtures.claims import claim_params
from fixtures.endpoints import route_for
from fixtures.judging import Judge
from fixtures.load import LoadRunner


@pytest.mark.load
@pytest.mark.parametrize("claim", claim_params("http.throughput"))
def test_throughput_sustained(
    claim: Claim,
    judge: Judge,
    target: Target,
    load_gate: str | None,
    load_profile: LoadProfile | None,
    load_run: LoadRunner,
    policy: SufficiencyPolicy,
) -> None:
    judge.need(target.http, "an HTTP endpoint")
    if (skipped := not_measured(claim)) is not None:
        judge(skipped)
    route_class = claim.scope.route_class or "api"
    route = judge.need(claim.scope.route or route_for(target, claim, "api"), f"a route for {route_class!r}")
    judge.gate(load_gate)
    profile = judge.need(load_profile, "a load profile for this run")
    # enough events for the policy by the first look, where the profile looks twice
    offer = throughput_offer(claim, min(profile.first_look_s or math.inf, profile.latency_seconds), policy)
    if not offer:
        judge(throughput_within(None, claim, policy))
        return
    _, verdict = load_run.judged(
        route_class, route, offer, profile.latency_seconds, lambda r, p: throughput_within(r, claim, p)
    )
    judge(verdict)


@pytest.mark.load
@pytest.mark.parametrize("claim", claim_params("http.concurrency"))
def test_concurrent_users_served(
    claim: Claim,
    judge: Judge,
    target: Target,
    load_gate: str | None,
    load_profile: LoadProfile | None,
    load_run: LoadRunner,
    policy: SufficiencyPolicy,
) -> None:
    judge.need(target.http, "an HTTP endpoint")
    if (skipped := concurrency_not_measured(claim)) is not None:
        judge(skipped)
    route_class = claim.scope.route_class or "api"
    route = judge.need(route_for(target, claim, "api"), f"a route for {route_class!r}")
    judge.gate(load_gate)
    profile = judge.need(load_profile, "a load profile for this run")
    offer = concurrency_offer(claim, profile.think_time_s)
    if not offer:
        judge(users_served(None, claim, profile.think_time_s, policy))
        return
    _, verdict = load_run.judged(
        route_class,
        route,
        offer,
        profile.latency_seconds,
        lambda r, p: users_served(r, claim, profile.think_time_s, p),
    )
    judge(verdict)

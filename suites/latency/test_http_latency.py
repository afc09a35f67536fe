"""HTTP latency per route class, measured with open-loop load at the load the claim states."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checks.collect.load.samples import LatencySamples
from checks.evaluate.concurrency import users_to_rate
from checks.evaluate.latency import latency_within
from checks.ledger import Claim
from checks.plots import latency_cdf_png, latency_histogram_png
from checks.targets import LoadProfile, Target
from checks.units import to_seconds
from checks.verdicts import Verdict
from fixtures.claims import claim_params
from fixtures.endpoints import binding, route_for
from fixtures.judging import Judge
from fixtures.load import LoadRun


def offered_rate(claim: Claim, profile: LoadProfile) -> float:
    """The rate the claim's condition implies (users via Little's law), else the profile's measuring rate."""
    if claim.scope.load_rps:
        return float(claim.scope.load_rps)
    if claim.scope.load_users and isinstance(claim.bound, int | float):
        return users_to_rate(
            claim.scope.load_users, profile.think_time_s, to_seconds(claim.bound, claim.unit or "ms")
        )
    return profile.latency_rps


@pytest.mark.load
@pytest.mark.parametrize("claim", claim_params("http.latency"))
def test_latency_within_bound(
    claim: Claim,
    judge: Judge,
    target: Target,
    load_gate: str | None,
    load_profile: LoadProfile | None,
    load_run: LoadRun,
) -> None:
    judge.need(target.http, "an HTTP endpoint")
    if claim.scope.component and not binding(target, claim).get("route"):
        judge.not_applicable(f"target serves no '{claim.scope.component}' route (bindings.{claim.id}.route)")
    route_class = claim.scope.route_class or "api"
    route = judge.need(route_for(target, claim, "api"), f"a route for route class {route_class!r}")
    judge.gate(load_gate)
    profile = judge.need(load_profile, "a load profile for this run")
    rate = offered_rate(claim, profile)
    if rate > target.max_rps:
        judge.inconclusive(
            f"the claim's load needs {rate:.0f} req/s (think time {profile.think_time_s:g} s) but "
            f"this target's governor allows {target.max_rps:g} req/s"
        )
    samples = load_run(route_class, route, rate, profile.latency_seconds)
    title = f"{claim.id}: {samples.url} at {rate:g} req/s"
    bound_ms = (
        to_seconds(float(claim.bound), claim.unit or "ms") * 1000
        if isinstance(claim.bound, int | float)
        else None
    )
    judge.attach_png(
        "latency histogram", latency_histogram_png(samples.latencies_us, title=title, bound_ms=bound_ms)
    )
    judge.attach_png("latency CDF", latency_cdf_png(samples.latencies_us, title=title, bound_ms=bound_ms))
    judge.attach_text("latency log (raw, microseconds from scheduled start)", _log_head(samples.log_path))
    judge(_with_default_statistic(claim, samples))


def _with_default_statistic(claim: Claim, samples: LatencySamples) -> Verdict:
    """A latency stated without a statistic ('< 150 ms') is judged at p95, and the reason says so."""
    if claim.scope.statistic is not None:
        return latency_within(samples, claim)
    as_p95 = claim.model_copy(update={"scope": claim.scope.model_copy(update={"statistic": "p95"})})
    verdict = latency_within(samples, as_p95)
    return replace(verdict, reason=f"no statistic stated, judged at p95: {verdict.reason}")


def _log_head(path: str, lines: int = 2000) -> str:
    with open(path, encoding="utf-8") as handle:
        return "".join(line for _, line in zip(range(lines), handle, strict=False))

"""HTTP latency per route class, measured with open-loop load at the load the claim states."""

from __future__ import annotations

import pytest

from checks.evaluate.latency import latency_within, offered_rate
from checks.evidence.load import LoadRun
from checks.ledger import Claim
from checks.report.latency_svg import latency_cdf_svg, latency_histogram_svg
from checks.targets import LoadProfile, Target
from fixtures.claims import claim_params
from fixtures.endpoints import bound_route, route_for
from fixtures.judging import Judge
from fixtures.load import LoadRunner


@pytest.mark.load
@pytest.mark.parametrize("claim", claim_params("http.latency"))
def test_latency_within_bound(
    claim: Claim,
    judge: Judge,
    target: Target,
    load_gate: str | None,
    load_profile: LoadProfile | None,
    load_run: LoadRunner,
) -> None:
    judge.need(target.http, "an HTTP endpoint")
    if claim.scope.component and not bound_route(target, claim):
        judge.not_applicable(f"target serves no '{claim.scope.component}' route (bindings.{claim.id}.route)")
    route_class = claim.scope.route_class or "api"
    route = judge.need(route_for(target, claim, "api"), f"a route for route class {route_class!r}")
    judge.gate(load_gate)
    profile = judge.need(load_profile, "a load profile for this run")
    rate = offered_rate(claim, profile.think_time_s, profile.latency_rps)
    run, verdict = load_run.judged(
        route_class,
        route,
        rate,
        profile.latency_seconds,
        lambda r, p: latency_within(r, claim, p),
        upper_bound=claim.comparator in ("<", "<="),
    )
    _attach(judge, claim, run)
    judge(verdict)


def _attach(judge: Judge, claim: Claim, run: LoadRun) -> None:
    """The latency histogram, CDF and the head of the raw log, when the run was made."""
    if run.samples is None:
        return
    samples = run.samples
    title = f"{claim.id}: {samples.url} at {run.offered_rps:g} req/s"
    bound_ms = claim.bound_in("ms") if claim.unit and isinstance(claim.bound, int | float) else None
    judge.attach_svg(
        "latency histogram", latency_histogram_svg(samples.latencies_us, title=title, bound_ms=bound_ms)
    )
    judge.attach_svg("latency CDF", latency_cdf_svg(samples.latencies_us, title=title, bound_ms=bound_ms))
    judge.attach_text("latency log (raw, microseconds from scheduled start)", _log_head(samples.log_path))


def _log_head(path: str, lines: int = 2000) -> str:
    with open(path, encoding="utf-8") as handle:
        return "".join(line for _, line in zip(range(lines), handle, strict=False))

"""Database query time on the target's PostgreSQL, measured as the application sees it (round trip)."""

from __future__ import annotations

import pytest

from checks.collect.postgres import collect_query_timings
from checks.evaluate.timings import ratio_under_threshold, timings_within
from checks.ledger import Claim
from checks.targets import Target
from checks.verdicts import Outcome, Verdict
from fixtures.claims import claim_params
from fixtures.endpoints import binding
from fixtures.judging import Judge

TIMINGS = 400


def _idle_caveat(verdict: Verdict, claim: Claim) -> Verdict:
    """A claim made 'under load' is only disproven, never proven, by an idle measurement."""
    if verdict.outcome != Outcome.PROVEN or not claim.scope.load_users:
        return verdict
    return Verdict(
        verdict.claim_id,
        Outcome.INCONCLUSIVE,
        verdict.level,
        f"{verdict.reason}; but the claim holds at {claim.scope.load_users} concurrent users and this "
        "measurement ran without that load",
        verdict.measured,
        verdict.bound,
        verdict.evidence,
    )


@pytest.mark.parametrize("claim", claim_params("db.query_latency"))
def test_query_time_within_bound(claim: Claim, judge: Judge, target: Target) -> None:
    pg = judge.need(target.postgres, "a PostgreSQL section")
    if claim.unit not in ("ms", "s", "%"):
        judge.not_applicable(
            f"a {claim.unit} throughput claim needs a pgbench-style load on the target's "
            "database, which claimcheck does not send (read-only)"
        )
    query = str(binding(target, claim).get("query", pg.probe_query))
    timings = collect_query_timings(pg.primary, query, TIMINGS).latencies_ms
    if claim.unit == "%":
        threshold = float(claim.params.get("threshold", 0)) or judge.need(
            None, "params.threshold of the claim"
        )
        judge(_idle_caveat(ratio_under_threshold(timings, claim, threshold, f"query {query!r}"), claim))
    else:
        judge(_idle_caveat(timings_within(timings, claim, f"query {query!r}"), claim))

"""Database query time on the target's PostgreSQL, measured as the application sees it (round trip), under
the load the claim names where the target allows it."""

from __future__ import annotations

import pytest

from checks.bindings import QueryBinding
from checks.collect.postgres import collect_query_timings
from checks.evaluate.timings import not_timed, query_latency_within
from checks.ledger import Claim
from checks.registry import binding_as
from checks.sufficiency import SufficiencyPolicy
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge
from fixtures.load import TimingsUnderLoad

TIMINGS = 4000  # heavy-tailed round trips need thousands before a mean interval can be trusted
NEEDS = "a pgbench-style load on the target's database, which claimcheck does not send"


@pytest.mark.parametrize("claim", claim_params("db.query_latency"))
def test_query_time_within_bound(
    claim: Claim, judge: Judge, target: Target, loaded_timings: TimingsUnderLoad, policy: SufficiencyPolicy
) -> None:
    pg = judge.need(target.postgres, "a PostgreSQL section")
    if (skipped := not_timed(claim, NEEDS)) is not None:
        judge(skipped)
    query = (binding_as(target, claim, QueryBinding) or QueryBinding()).query or pg.probe_query
    evidence = loaded_timings(
        claim,
        query,
        TIMINGS,
        lambda interval_s, origin: collect_query_timings(
            pg.primary, query, TIMINGS, interval_s=interval_s, origin=origin
        ),
    )
    judge(query_latency_within(evidence, claim, policy))

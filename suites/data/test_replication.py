"""Streaming replication from the PostgreSQL primary to its replica: working, and lag under the bound."""

from __future__ import annotations

import pytest

from checks.collect.postgres import collect_replication_lag
from checks.evaluate.replication import replication_lag_within
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge


@pytest.mark.parametrize("claim", claim_params("db.replication_lag"))
def test_replication_lag_within_bound(claim: Claim, judge: Judge, target: Target) -> None:
    pg = judge.need(target.postgres, "a PostgreSQL section")
    replica = judge.need(pg.replica, "a PostgreSQL replica")
    judge(
        replication_lag_within(collect_replication_lag(pg.primary, replica, count=10, interval_s=0.5), claim)
    )

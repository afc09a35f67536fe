"""Streaming replication from the PostgreSQL primary to its replica: working, and lag under the bound."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.collect.replication import collect_replication_lag
from checks.evaluate.replication import replication_lag_within
from checks.evidence.origin import Origin
from checks.evidence.replication import ReplicationLag
from checks.ledger import Claim
from checks.sufficiency import SufficiencyPolicy
from checks.targets import DEFAULT_SAMPLE_INTERVAL_S, LoadProfile, Target
from fixtures.claims import claim_params
from fixtures.judging import Judge
from fixtures.once import CollectOnce


@pytest.fixture(scope="session")
def replication_lags() -> CollectOnce[str, ReplicationLag]:
    """One series of lag samples per session (as many as the policy's minimum), judged for every claim."""
    return CollectOnce("replication lag")


@pytest.mark.parametrize("claim", claim_params("db.replication_lag"))
def test_replication_lag_within_bound(
    claim: Claim,
    judge: Judge,
    target: Target,
    policy: SufficiencyPolicy,
    evidence_origin: Callable[[str], Origin],
    replication_lags: CollectOnce[str, ReplicationLag],
    load_profile: LoadProfile | None,
) -> None:
    pg = judge.need(target.postgres, "a PostgreSQL section")
    replica = judge.need(pg.replica, "a PostgreSQL replica")
    # the policy's minimum samples, the profile's sample_interval_s apart (by default a quarter second: 30
    # samples take 7.5 s); each is one read of both servers
    interval = load_profile.sample_interval_s if load_profile else DEFAULT_SAMPLE_INTERVAL_S
    lag = replication_lags.get(
        f"{replica.host}:{replica.port}",
        lambda: collect_replication_lag(
            pg.primary,
            replica,
            policy.min_samples,
            interval,
            origin=evidence_origin("postgres.replication"),
        ),
    )
    judge(replication_lag_within(lag, claim, policy))

"""Replication lag: streaming state first, then the lag's confidence interval against the bound."""

from __future__ import annotations

import pytest

from checks.evaluate.replication import replication_lag_within
from checks.evidence.replication import ReplicationLag, ReplicationSample
from checks.ledger import Claim, Scope
from checks.params import ReplicationParams
from checks.sufficiency import SufficiencyPolicy
from checks.verdicts import EvidenceLevel, Outcome

BASE = Claim(
    id="BP-T-DB-09",
    system="BarberPro",
    category="dr",
    statement="Replication lag under 2 seconds.",
    sources=[{"file": "003_05e30b35ee0cdd0e.txt", "line": 1, "quote": "lag < 2s"}],
    metric="replication_lag",
    comparator="<",
    bound=2,
    unit="s",
    check="db.replication_lag",
    method="Sampled lag between primary and replica.",
)
PRESENT = BASE.model_copy(update={"comparator": "present", "bound": True, "unit": None})


def sample(lag_s: float, *, in_recovery: bool = True, status: str | None = "streaming") -> ReplicationSample:
    return ReplicationSample(in_recovery, status, 0 if lag_s == 0 else 4096, lag_s)


def lag(*samples: ReplicationSample) -> ReplicationLag:
    return ReplicationLag("postgresql://p@127.0.0.1:5/db", "postgresql://p@127.0.0.1:6/db", samples)


def streaming(*lags_s: float) -> ReplicationLag:
    return lag(*(sample(x) for x in lags_s))


SMALL = SufficiencyPolicy(min_samples=3)


def test_no_samples_is_an_error() -> None:
    verdict = replication_lag_within(lag(), BASE)
    assert verdict.outcome == Outcome.ERROR and verdict.level == EvidenceLevel.NONE


def test_a_replica_out_of_recovery_is_disproven() -> None:
    verdict = replication_lag_within(lag(sample(0.0), sample(float("inf"), in_recovery=False)), BASE)
    assert verdict.outcome == Outcome.DISPROVEN and "1 of 2 samples" in verdict.reason


def test_a_receiver_not_streaming_is_disproven() -> None:
    verdict = replication_lag_within(lag(sample(0.0, status="stopping"), sample(0.0)), PRESENT)
    assert verdict.outcome == Outcome.DISPROVEN and "1 of 2 samples" in verdict.reason


def test_a_presence_claim_is_proven_by_streaming_samples() -> None:
    verdict = replication_lag_within(streaming(0.0, 0.2, 0.0), PRESENT)
    assert verdict.outcome == Outcome.PROVEN and verdict.measured == 0.2 and verdict.n == 3


MEAN = BASE.model_copy(update={"scope": Scope(statistic="mean")})


def test_a_mean_lag_well_under_the_bound_is_proven() -> None:
    verdict = replication_lag_within(streaming(0.1, 0.2, 0.15, 0.12, 0.18), MEAN, SMALL)
    assert verdict.outcome == Outcome.PROVEN and verdict.interval is not None and verdict.interval[1] < 2


def test_a_mean_lag_well_over_the_bound_is_disproven() -> None:
    verdict = replication_lag_within(streaming(3.0, 3.5, 3.4, 3.2, 3.3, 3.6, 3.1, 3.4), MEAN, SMALL)
    assert verdict.outcome == Outcome.DISPROVEN and verdict.interval is not None and verdict.interval[0] > 2


def test_a_mean_lag_straddling_the_bound_is_inconclusive() -> None:
    verdict = replication_lag_within(streaming(0.5, 3.5, 1.0, 3.0), MEAN, SMALL)
    assert verdict.outcome == Outcome.INCONCLUSIVE


def test_too_few_samples_for_the_policy_are_inconclusive_naming_the_policy() -> None:
    """Issue 10: statistics decide only from enough samples; the reason says how many the policy needs."""
    verdict = replication_lag_within(streaming(0.1, 0.2, 0.1), MEAN)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "at least 30" in verdict.reason


def test_without_a_statistic_every_sample_must_be_within_the_bound() -> None:
    assert replication_lag_within(streaming(0.1, 1.9), BASE).outcome == Outcome.PROVEN
    assert replication_lag_within(streaming(0.1, 2.1), BASE).outcome == Outcome.DISPROVEN


def test_bound_in_milliseconds_is_converted() -> None:
    in_ms = BASE.model_copy(update={"bound": 500, "unit": "ms"})
    assert replication_lag_within(streaming(0.1, 0.12, 0.11), in_ms).outcome == Outcome.PROVEN
    assert replication_lag_within(streaming(0.9, 0.92, 0.91), in_ms).outcome == Outcome.DISPROVEN


def test_a_lag_bound_without_a_unit_is_an_error() -> None:
    assert (
        replication_lag_within(streaming(0.1), BASE.model_copy(update={"unit": None})).outcome
        == Outcome.ERROR
    )


UNDER_LOAD = BASE.model_copy(update={"scope": Scope(condition="under production load")})


def test_an_idle_database_cannot_prove_a_claim_about_lag_under_load() -> None:
    """Issue 10: replica lag on an idle, tiny database was PROVEN (BP-D08-DB-09/10)."""
    verdict = replication_lag_within(streaming(0.0, 0.0, 0.1), UNDER_LOAD)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "without load" in verdict.reason


def test_an_idle_database_already_over_the_bound_disproves_it_under_load_too() -> None:
    assert replication_lag_within(streaming(0.0, 3.0), UNDER_LOAD).outcome == Outcome.DISPROVEN


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_identical_lags_are_judged_not_crashed() -> None:
    assert replication_lag_within(streaming(0.1, 0.1, 0.1), MEAN, SMALL).outcome == Outcome.PROVEN


def hidden(lag_s: float, *, received: str | None = "0/3000060", lag_bytes: int = 0) -> ReplicationSample:
    """A sample as a role without pg_read_all_stats sees it: the receiver status is NULL."""
    return ReplicationSample(True, None, lag_bytes, lag_s, received)


def test_a_hidden_status_with_received_wal_close_to_the_primary_counts_as_streaming() -> None:
    verdict = replication_lag_within(lag(hidden(0.0), hidden(0.1), hidden(0.0)), BASE)
    assert verdict.outcome == Outcome.PROVEN


def test_a_hidden_status_without_received_wal_is_inconclusive_never_disproven() -> None:
    verdict = replication_lag_within(lag(hidden(0.0, received=None), hidden(0.0, received=None)), BASE)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "pg_read_all_stats" in verdict.reason


def test_a_hidden_status_far_behind_the_primary_is_not_taken_as_streaming() -> None:
    verdict = replication_lag_within(lag(hidden(30.0, lag_bytes=64 * 2**20)), BASE)
    assert verdict.outcome == Outcome.INCONCLUSIVE


# -- the primary's view (a stopped replica, a refused stream) and lag for "streaming" claims -------------


def unreachable(*senders: int) -> ReplicationLag:
    return ReplicationLag(
        "postgresql://p@127.0.0.1:5/db", "postgresql://p@127.0.0.1:6/db", (), "connection refused", senders
    )


def test_a_stopped_replica_with_no_walsender_on_the_primary_is_disproven_not_an_error() -> None:
    """Issue 10: a stopped replica gave ERROR although the primary shows 0 senders."""
    verdict = replication_lag_within(unreachable(0, 0, 0), PRESENT)
    assert verdict.outcome == Outcome.DISPROVEN
    assert "streams to no replica" in verdict.reason and "connection refused" in verdict.reason


def test_an_unreachable_replica_while_the_primary_still_streams_is_an_error() -> None:
    verdict = replication_lag_within(unreachable(1, 1, 1), BASE)
    assert verdict.outcome == Outcome.ERROR and "1 walsender" in verdict.reason


def test_a_hidden_status_close_to_the_primary_with_no_walsender_is_disproven() -> None:
    """The false PROVEN of issue 10: a replica in recovery, 0 bytes behind, status hidden from the role, while
    the primary streams to nobody (its replication connection refused)."""
    refused = ReplicationSample(True, None, 0, 21.0, "0/3000060", primary_senders=0)
    verdict = replication_lag_within(lag(refused, refused), PRESENT)
    assert verdict.outcome == Outcome.DISPROVEN and "streams to no replica" in verdict.reason


def test_a_hidden_status_close_to_the_primary_with_a_walsender_still_counts_as_streaming() -> None:
    seen = ReplicationSample(True, None, 0, 0.0, "0/3000060", primary_senders=1)
    assert replication_lag_within(lag(seen, seen), PRESENT).outcome == Outcome.PROVEN


WITH_RPO = PRESENT.model_copy(update={"params": ReplicationParams(max_lag_s=30)})


def test_streaming_with_a_lag_beyond_the_claims_allowance_is_disproven() -> None:
    """Issue 10: with streaming broken, BB-DR-07 stayed PROVEN with a 21 s lag."""
    verdict = replication_lag_within(streaming(0.0, 31.0), WITH_RPO)
    assert verdict.outcome == Outcome.DISPROVEN and "beyond the 30 s" in verdict.reason


def test_streaming_with_a_lag_within_the_claims_allowance_is_proven() -> None:
    verdict = replication_lag_within(streaming(0.0, 29.0), WITH_RPO)
    assert verdict.outcome == Outcome.PROVEN and "within the 30 s allowed" in verdict.reason

"""DR evaluators on hand-built drill evidence: both sides of every bound, never PROVEN from a broken drill."""

from __future__ import annotations

from typing import Any

import pytest

from checks.evaluate.dr import (
    redis_failover_within,
    restore_within,
    rollout_zero_downtime,
    rpo_within,
    rto_within,
)
from checks.evaluate.dr_scope import not_applicable_reason
from checks.evidence.drills import (
    DrillCapabilities,
    Event,
    FailoverTimeline,
    Probe,
    RestoreResult,
    RolloutResult,
    Write,
)
from checks.ledger import Claim
from checks.sufficiency import SufficiencyPolicy
from checks.verdicts import Outcome, Provenance


def claim(
    check: str = "dr.failover",
    comparator: str | None = "<",
    bound: Any = 30,
    unit: str | None = "s",
    metric: str = "rto",
    params: dict[str, Any] | None = None,
    **scope: Any,
) -> Claim:
    return Claim.model_validate(
        {
            "id": "BP-DR-01",
            "system": "BarberPro",
            "category": "dr",
            "statement": "a test claim",
            "sources": [{"file": "003_05e30b35ee0cdd0e.txt", "line": 1, "quote": "RTO under 30 s"}],
            "metric": metric,
            "comparator": comparator,
            "bound": bound,
            "unit": unit,
            "scope": scope,
            "check": check,
            "method": "hand-built evidence",
            "params": params or {},
        }
    )


def timeline(
    rto: float | None = 2.0,
    lost: tuple[int, ...] = (),
    fault: float | None = 5.0,
    completed: bool = True,
    extra: tuple[Event, ...] = (),
    duplicates: tuple[int, ...] = (),
    system: str = "postgres",
    timeout_s: float = 60.0,
) -> FailoverTimeline:
    """Writes every 0.1 s from 0 to 10 s, failing between the fault and fault + rto."""
    writes, events = [], [*extra]
    for seq in range(1, 101):
        t = seq * 0.1
        down = fault is not None and fault < t and (rto is None or t < fault + rto)
        writes.append(Write(seq, t, not down, sent=t - 0.01))
    if fault is not None:
        events.append(Event(fault, "fault"))
        if rto is not None:
            events.append(Event(fault + rto / 2, "promotion" if system == "postgres" else "new_master"))
    return FailoverTimeline(
        system,
        "r1",
        0.0,
        "drill",
        timeout_s,
        0.1,
        tuple(events),
        tuple(writes),
        lost,
        duplicates,
        completed,
        None if completed else "broke",
        True,
    )


def outcome(verdict: Any) -> Outcome:
    return verdict.outcome  # type: ignore[no-any-return]


# ---------------------------------------------------------------- RTO
def test_rto_under_the_bound_is_proven() -> None:
    assert outcome(rto_within(timeline(rto=2.0), claim(bound=30))) == Outcome.PROVEN


def test_rto_over_the_bound_is_disproven() -> None:
    assert outcome(rto_within(timeline(rto=4.0), claim(bound=3))) == Outcome.DISPROVEN


def test_rto_within_resolution_of_the_bound_is_inconclusive() -> None:
    assert outcome(rto_within(timeline(rto=3.0), claim(bound=3))) == Outcome.INCONCLUSIVE


def test_rto_bound_in_minutes_is_converted() -> None:
    assert outcome(rto_within(timeline(rto=4.0), claim(bound=1, unit="min"))) == Outcome.PROVEN


def test_no_recovery_within_a_timeout_beyond_the_bound_is_disproven() -> None:
    stuck = timeline(rto=None, completed=False, extra=(Event(65.0, "timeout"),), timeout_s=60)
    assert outcome(rto_within(stuck, claim(bound=30))) == Outcome.DISPROVEN


def test_no_recovery_within_a_timeout_shorter_than_the_bound_is_inconclusive() -> None:
    stuck = timeline(rto=None, completed=False, extra=(Event(65.0, "timeout"),), timeout_s=60)
    assert outcome(rto_within(stuck, claim(bound=1, unit="h"))) == Outcome.INCONCLUSIVE


def test_a_drill_that_never_reached_the_fault_is_an_error() -> None:
    assert outcome(rto_within(timeline(fault=None, completed=False), claim())) == Outcome.ERROR


def test_an_incomplete_drill_is_never_proven() -> None:
    assert outcome(rto_within(timeline(rto=2.0, completed=False), claim(bound=30))) == Outcome.INCONCLUSIVE


def test_present_claim_takes_the_bound_of_its_sla_claim() -> None:
    present = claim(comparator="present", bound=None, unit=None, metric="services_recovered_within_sla")
    assert outcome(rto_within(timeline(rto=4.0), present, sla=claim(bound=3))) == Outcome.DISPROVEN
    assert outcome(rto_within(timeline(rto=2.0), present, sla=claim(bound=30))) == Outcome.PROVEN


def test_every_ordering_comparator_is_judged() -> None:
    # a private comparator table once raised KeyError on '>'
    assert outcome(rto_within(timeline(rto=4.0), claim(comparator=">", bound=1))) == Outcome.PROVEN
    assert outcome(rto_within(timeline(rto=4.0), claim(comparator=">=", bound=10))) == Outcome.DISPROVEN


def test_rto_verdict_carries_interval_n_provenance_and_the_policy() -> None:
    verdict = rto_within(timeline(rto=2.0), claim(bound=30))
    assert verdict.n == 1 and verdict.interval is not None
    assert verdict.interval[0] <= 2.0 <= verdict.interval[1]
    assert verdict.provenance == Provenance.INDEPENDENT and "policy min_drills 1" in verdict.reason


def test_rto_needs_the_policys_min_drills_to_be_proven() -> None:
    verdict = rto_within(timeline(rto=2.0), claim(bound=30), SufficiencyPolicy(min_drills=3))
    assert outcome(verdict) == Outcome.INCONCLUSIVE and "at least 3 observations" in verdict.reason
    # one drill over the bound disproves however many the policy wants
    over = rto_within(timeline(rto=4.0), claim(bound=3), SufficiencyPolicy(min_drills=3))
    assert outcome(over) == Outcome.DISPROVEN


# ---------------------------------------------------------------- RPO
def rpo_claim(bound: float = 1, unit: str = "s", comparator: str = "<=") -> Claim:
    return claim("dr.rpo", comparator, bound, unit, metric="rpo")


def test_nothing_lost_proves_zero_data_loss() -> None:
    assert outcome(rpo_within(timeline(lost=()), rpo_claim(0, comparator="=="))) == Outcome.PROVEN


def test_one_lost_write_disproves_zero_data_loss() -> None:
    assert outcome(rpo_within(timeline(lost=(50,)), rpo_claim(0, comparator="=="))) == Outcome.DISPROVEN


def test_lost_window_under_the_bound_is_proven() -> None:
    lost = timeline(lost=(48, 49, 50))  # 0.3 s of writes (newest lost at 5.0 s, newest survivor at 4.7 s)
    assert outcome(rpo_within(lost, rpo_claim(30))) == Outcome.PROVEN


def test_lost_window_over_the_bound_is_disproven() -> None:
    lost = timeline(lost=tuple(range(30, 51)))  # 2.1 s of writes
    verdict = rpo_within(lost, rpo_claim(1))
    assert outcome(verdict) == Outcome.DISPROVEN and verdict.measured == pytest.approx(2.1)


def test_duplicates_disprove_integrity() -> None:
    assert outcome(rpo_within(timeline(duplicates=(7,)), rpo_claim(30))) == Outcome.DISPROVEN


def test_rpo_of_an_incomplete_drill_is_an_error() -> None:
    assert outcome(rpo_within(timeline(completed=False), rpo_claim(30))) == Outcome.ERROR


def test_too_few_writes_before_the_fault_is_inconclusive() -> None:
    verdict = rpo_within(timeline(fault=0.5), rpo_claim(30))
    assert outcome(verdict) == Outcome.INCONCLUSIVE and "min_samples" in verdict.reason


def test_writes_before_the_fault_are_counted_against_the_policys_min_samples() -> None:
    fifty = timeline(lost=())  # 49 writes acknowledged before the fault at 5 s
    assert outcome(rpo_within(fifty, rpo_claim(30), SufficiencyPolicy(min_samples=40))) == Outcome.PROVEN
    assert (
        outcome(rpo_within(fifty, rpo_claim(30), SufficiencyPolicy(min_samples=60))) == Outcome.INCONCLUSIVE
    )


# ---------------------------------------------------------------- Redis
def redis_claim(**kw: Any) -> Claim:
    base: dict[str, Any] = {"comparator": "present", "bound": True, "unit": None, "metric": "failover_time"}
    return claim("dr.redis_failover", **{**base, **kw})


def test_redis_failover_that_happened_proves_presence() -> None:
    assert outcome(redis_failover_within(timeline(system="redis"), redis_claim())) == Outcome.PROVEN


def test_redis_failover_that_never_happened_disproves_presence() -> None:
    stuck = timeline(rto=None, system="redis", completed=False, extra=(Event(65.0, "timeout"),))
    assert outcome(redis_failover_within(stuck, redis_claim())) == Outcome.DISPROVEN


def test_redis_failover_time_against_a_numeric_bound() -> None:
    fast = timeline(rto=4.0, system="redis")  # new master at 2 s
    assert (
        outcome(redis_failover_within(fast, redis_claim(comparator="<", bound=5, unit="s"))) == Outcome.PROVEN
    )
    assert (
        outcome(redis_failover_within(fast, redis_claim(comparator="<", bound=1, unit="s")))
        == Outcome.DISPROVEN
    )


# ---------------------------------------------------------------- restore
def restore(age: float = 3.0, restore_s: float = 2.0, **kw: Any) -> RestoreResult:
    return RestoreResult(
        "r1",
        kw.pop("source", "drill"),
        0.5,
        restore_s,
        age,
        1,
        kw.pop("archive", "off"),
        kw.pop("completed", True),
        None,
    )


def test_restore_time_within_and_beyond_the_rto() -> None:
    rto = claim("dr.backup_restore", "<", 60, "s", metric="restore_time")
    assert outcome(restore_within(restore(restore_s=20), rto)) == Outcome.PROVEN
    assert outcome(restore_within(restore(restore_s=90), rto)) == Outcome.DISPROVEN


def test_newest_record_age_against_an_rpo() -> None:
    rpo = claim("dr.backup_restore", "<", 15, "min", metric="rpo")
    assert outcome(restore_within(restore(age=60), rpo)) == Outcome.PROVEN
    assert outcome(restore_within(restore(age=3600), rpo)) == Outcome.DISPROVEN


def test_backup_frequency_from_a_backup_the_drill_took_is_inconclusive() -> None:
    hourly = claim("dr.backup_restore", "<=", 1, "h", metric="backup_frequency")
    assert outcome(restore_within(restore(), hourly)) == Outcome.INCONCLUSIVE


def test_point_in_time_recovery_without_wal_archiving_is_disproven() -> None:
    pitr = claim("dr.backup_restore", "present", True, None, metric="point_in_time_recovery")
    assert outcome(restore_within(restore(archive="off"), pitr)) == Outcome.DISPROVEN
    assert outcome(restore_within(restore(archive="on"), pitr)) == Outcome.INCONCLUSIVE


def test_failed_restore_is_an_error() -> None:
    rto = claim("dr.backup_restore", "<", 60, "s", metric="restore_time")
    assert outcome(restore_within(restore(completed=False), rto)) == Outcome.ERROR


# ---------------------------------------------------------------- rollout
def rollout(failed: int = 0, total: int = 100, completed: bool = True) -> RolloutResult:
    probes = tuple(Probe(i * 0.05, i >= failed, 200 if i >= failed else 502) for i in range(total))
    return RolloutResult("r1", ("a", "b"), probes, (), completed, None if completed else "broke", ("a", "b"))


def zero_downtime() -> Claim:
    return claim("dr.rollout", "==", 0, "s", metric="downtime")


def test_no_failed_probe_proves_zero_downtime() -> None:
    assert outcome(rollout_zero_downtime(rollout(0), zero_downtime())) == Outcome.PROVEN


def test_one_failed_probe_disproves_zero_downtime() -> None:
    assert outcome(rollout_zero_downtime(rollout(1), zero_downtime())) == Outcome.DISPROVEN


def test_error_ratio_bound_in_percent_decides_on_a_one_sided_bound() -> None:
    ratio = claim("dr.rollout", "<", 1, "%", metric="error_rate")
    assert outcome(rollout_zero_downtime(rollout(0, 400), ratio)) == Outcome.PROVEN  # upper bound 0.75 %
    assert outcome(rollout_zero_downtime(rollout(10, 400), ratio)) == Outcome.DISPROVEN  # lower bound 1.4 %


def test_error_ratio_from_too_few_probes_is_inconclusive_with_the_n_needed() -> None:
    ratio = claim("dr.rollout", "<", 1, "%", metric="error_rate")
    verdict = rollout_zero_downtime(rollout(0, 200), ratio)  # 0/200: the 95 % upper bound is 1.5 %
    assert verdict.outcome == Outcome.INCONCLUSIVE and "trials at this ratio would decide" in verdict.reason
    assert verdict.n == 200 and verdict.interval is not None


def test_too_few_probes_are_inconclusive() -> None:
    assert outcome(rollout_zero_downtime(rollout(0, 5), zero_downtime())) == Outcome.INCONCLUSIVE


def test_incomplete_rollout_without_failures_is_an_error() -> None:
    assert outcome(rollout_zero_downtime(rollout(0, completed=False), zero_downtime())) == Outcome.ERROR


# ---------------------------------------------------------------- applicability
SANDBOX = DrillCapabilities(postgres=True, promotion="drill", redis=True, rollout=True, backup=True)


@pytest.mark.parametrize(
    ("kw", "why"),
    [
        ({"component": "route53", "comparator": "present", "bound": True, "unit": None}, "DNS"),
        ({"condition": "cross-region failover"}, "single region"),
        ({"condition": "automatic failover test"}, "no failover automation"),
        ({"condition": "automated disaster recovery"}, "no failover automation"),
        ({"check": "dr.rpo", "metric": "rpo", "condition": "during migration"}, "migration"),
        ({"check": "dr.rollout", "metric": "rollback_time"}, "deployment pipeline"),
        (
            {
                "check": "dr.rollout",
                "metric": "rollout_strategy",
                "comparator": "==",
                "bound": "RollingUpdate",
            },
            "no drill measures",
        ),
        (
            {"check": "dr.backup_restore", "metric": "backup_site_count", "comparator": "==", "bound": 2},
            "no drill",
        ),
    ],
)
def test_claims_about_missing_mechanisms_are_not_applicable(kw: dict[str, Any], why: str) -> None:
    reason = not_applicable_reason(claim(**kw), SANDBOX)
    assert reason is not None and why in reason


def test_database_rto_claim_applies_to_a_target_with_a_replica() -> None:
    assert not_applicable_reason(claim(component="database cluster"), SANDBOX) is None
    assert not_applicable_reason(claim(component="database cluster"), DrillCapabilities()) is not None


def test_no_ledger_claim_of_automated_recovery_is_judged_by_a_drill_that_promotes_itself() -> None:
    from checks.ledger import default_ledger

    automated = [
        c
        for c in default_ledger()
        if c.check in ("dr.failover", "dr.rpo") and "automat" in c.statement.lower()
    ]
    assert automated, "the seed ledger states automated recovery"
    for c in automated:  # the drill's own promotion would have PROVEN "automated DR < 5 min" (BB-DR-01)
        assert not_applicable_reason(c, SANDBOX) is not None, c.id


def test_automatic_failover_claim_applies_where_promotion_is_automatic() -> None:
    automatic = DrillCapabilities(postgres=True, promotion="automatic")
    assert not_applicable_reason(claim(condition="automatic failover test"), automatic) is None


def test_zero_data_loss_from_fewer_drills_than_the_policy_wants_is_inconclusive() -> None:
    zero = rpo_claim(0, comparator="==")
    verdict = rpo_within(timeline(lost=()), zero, SufficiencyPolicy(min_drills=2))
    assert outcome(verdict) == Outcome.INCONCLUSIVE and "at least 2 observations" in verdict.reason
    assert (
        outcome(rpo_within(timeline(lost=(50,)), zero, SufficiencyPolicy(min_drills=2))) == Outcome.DISPROVEN
    )

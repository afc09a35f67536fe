"""Disaster-recovery claims, judged by drills that break the target on purpose and always put it back.

One drill run serves every claim of its kind (the `drills` session fixture caches it). Drills run only where
the target sets allow_disruptive, under the certification profile (drill_gate); `--dry-run` lists what each
drill would touch. A claim about a mechanism the target lacks (DNS failover, cross-region, a deployment
pipeline) is NOT_APPLICABLE with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from checks.drills.evidence import FailoverTimeline, RestoreResult, RolloutResult
from checks.drills.session import DrillSession, DryRun, NotRun
from checks.drills.timeline import failover_png, rollout_png
from checks.evaluate.dr import (
    redis_failover_within,
    restore_within,
    rollout_zero_downtime,
    rpo_within,
    rto_within,
)
from checks.evaluate.dr_scope import not_applicable_reason
from checks.ledger import Claim
from checks.targets import LoadProfile, Target
from checks.verdicts import error
from fixtures.claims import claim_params, ledger
from fixtures.judging import Judge
from fixtures.load import steady_watch


@pytest.fixture(scope="session")
def drills(
    target_name: str, target: Target, run_id: str, dry_run: bool, load_profile: LoadProfile | None
) -> Iterator[DrillSession]:
    """Each drill at most once per session, labelled with this run's id, under the profile's stop
    condition (a breach stops the drill at once, undoes it and aborts the run)."""
    yield DrillSession(
        target_name,
        target,
        run_id,
        dry_run,
        watch=lambda drill: steady_watch(target, load_profile, f"steady state during {drill}"),
    )


def _evidence(judge: Judge, claim: Claim, drills: DrillSession, drill: str, kind: type) -> Any:
    """The drill's evidence for this claim, or end the item (not applicable, dry run, drill not run)."""
    reason = not_applicable_reason(claim, drills.capabilities())
    if reason is not None:
        judge.not_applicable(reason)
    result = drills.result(drill)
    if isinstance(result, DryRun):
        judge.attach_text(f"{drill}: dry run", "\n".join(result.would))
        judge.inconclusive(f"dry run: drill {drill} touched nothing; it would: " + "; ".join(result.would))
    if isinstance(result, NotRun):
        judge(error(claim.id, f"drill {drill} could not run: {result.reason}"))
    _attach(judge, drill, result)
    if not isinstance(result, kind):
        judge(error(claim.id, f"drill {drill} returned {type(result).__name__}, not {kind.__name__}"))
    return result


def _attach(judge: Judge, drill: str, result: Any) -> None:
    if isinstance(result, FailoverTimeline):
        judge.attach_json(f"{drill} timeline", result.to_dict())
        judge.attach_png(f"{drill} timeline", failover_png(result))
    elif isinstance(result, RolloutResult):
        judge.attach_json(f"{drill} probes", result.to_dict())
        judge.attach_png(f"{drill} timeline", rollout_png(result))
    elif isinstance(result, RestoreResult):
        judge.attach_json(f"{drill} result", result.to_dict())


def _sla(claim: Claim) -> Claim | None:
    """The claim an `sla_reference` param points at (its bound is the SLA), if any."""
    cite = claim.params.get("sla_reference")
    return next((c for c in ledger() if cite and cite in c.cites and c.id != claim.id), None)


@pytest.mark.disruptive
@pytest.mark.parametrize("claim", claim_params("dr.failover"))
def test_failover_rto(
    claim: Claim,
    judge: Judge,
    target: Target,
    drill_gate: str | None,
    dry_run: bool,
    run_id: str,
    drills: DrillSession,
) -> None:
    judge.settle_declared()
    judge.gate(drill_gate)
    timeline = _evidence(judge, claim, drills, "postgres_failover", FailoverTimeline)
    judge(rto_within(timeline, claim, sla=_sla(claim)))


@pytest.mark.disruptive
@pytest.mark.parametrize("claim", claim_params("dr.rpo"))
def test_failover_rpo(
    claim: Claim,
    judge: Judge,
    target: Target,
    drill_gate: str | None,
    dry_run: bool,
    run_id: str,
    drills: DrillSession,
) -> None:
    judge.settle_declared()
    judge.gate(drill_gate)
    timeline = _evidence(judge, claim, drills, "postgres_failover", FailoverTimeline)
    judge(rpo_within(timeline, claim))


@pytest.mark.disruptive
@pytest.mark.parametrize("claim", claim_params("dr.backup_restore"))
def test_backup_restore(
    claim: Claim,
    judge: Judge,
    target: Target,
    drill_gate: str | None,
    dry_run: bool,
    run_id: str,
    drills: DrillSession,
) -> None:
    judge.settle_declared()
    judge.gate(drill_gate)
    result = _evidence(judge, claim, drills, "backup_restore", RestoreResult)
    judge(restore_within(result, claim))


@pytest.mark.disruptive
@pytest.mark.parametrize("claim", claim_params("dr.redis_failover"))
def test_redis_failover(
    claim: Claim,
    judge: Judge,
    target: Target,
    drill_gate: str | None,
    dry_run: bool,
    run_id: str,
    drills: DrillSession,
) -> None:
    judge.settle_declared()
    judge.gate(drill_gate)
    timeline = _evidence(judge, claim, drills, "redis_failover", FailoverTimeline)
    judge(redis_failover_within(timeline, claim))


@pytest.mark.disruptive
@pytest.mark.parametrize("claim", claim_params("dr.rollout"))
def test_rollout(
    claim: Claim,
    judge: Judge,
    target: Target,
    drill_gate: str | None,
    dry_run: bool,
    run_id: str,
    drills: DrillSession,
) -> None:
    judge.settle_declared()
    judge.gate(drill_gate)
    result = _evidence(judge, claim, drills, "rollout", RolloutResult)
    judge(rollout_zero_downtime(result, claim))

"""Disaster-recovery claims, judged by drills that break the target on purpose and always put it back.

One wiring for every DR check: the claim's check names the drill that measures it and the evaluator that
judges the drill's evidence. One drill run serves every claim of its kind (the `drills` session fixture).
Drills run only where the drill gate allows (fixtures/safety.py: a sandbox under any profile with drills,
otherwise certification); `--dry-run` lists what each drill would touch. A claim about a mechanism the target
lacks (DNS failover, cross-region, a deployment pipeline) is NOT_APPLICABLE with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from checks.drills.session import DrillSession, DryRun, NotRun
from checks.evaluate.dr import (
    bound_seconds,
    redis_failover_within,
    restore_within,
    rollout_zero_downtime,
    rpo_within,
    rto_within,
)
from checks.evaluate.dr_scope import not_applicable_reason
from checks.evidence.drills import FailoverTimeline, RestoreResult, RolloutResult
from checks.ledger import Claim
from checks.params import FailoverParams
from checks.plots import failover_timeline_png, rollout_timeline_png
from checks.sufficiency import SufficiencyPolicy
from checks.targets import LoadProfile, Target
from checks.verdicts import Verdict, error
from fixtures.claims import claim_params, ledger
from fixtures.judging import Judge
from fixtures.load import steady_watch

Evaluate = Callable[[Any, Claim, SufficiencyPolicy], Verdict]


def _sla(claim: Claim) -> Claim | None:
    """The claim an `sla_reference` param points at (its bound is the SLA), if any."""
    cite = claim.params_as(FailoverParams).sla_reference
    return next((c for c in ledger() if cite and cite in c.cites and c.id != claim.id), None)


def _bounding(claim: Claim) -> Claim:
    """The claim whose bound applies: the SLA's for a `present` failover claim that names one."""
    present = claim.check == "dr.failover" and claim.comparator in ("present", None)
    return (_sla(claim) if present else None) or claim


def _rto(timeline: FailoverTimeline, claim: Claim, policy: SufficiencyPolicy) -> Verdict:
    return rto_within(timeline, claim, policy, sla=_sla(claim))


# check -> (the drill that measures it, the evidence type it returns, the evaluator that judges it)
WIRING: dict[str, tuple[str, type, Evaluate]] = {
    "dr.failover": ("postgres_failover", FailoverTimeline, _rto),
    "dr.rpo": ("postgres_failover", FailoverTimeline, rpo_within),
    "dr.backup_restore": ("backup_restore", RestoreResult, restore_within),
    "dr.redis_failover": ("redis_failover", FailoverTimeline, redis_failover_within),
    "dr.rollout": ("rollout", RolloutResult, rollout_zero_downtime),
}


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


def _evidence(judge: Judge, claim: Claim, drills: DrillSession) -> Any:
    """The drill's evidence for this claim, or end the item (not applicable, dry run, drill not run)."""
    drill, kind, _ = WIRING[claim.check]
    reason = not_applicable_reason(claim, drills.capabilities())
    if reason is not None:
        judge.not_applicable(reason)
    result = drills.result(drill)
    if isinstance(result, DryRun):
        judge.attach_text(f"{drill}: dry run", "\n".join(result.would))
        judge.inconclusive(f"dry run: drill {drill} touched nothing; it would: " + "; ".join(result.would))
    if isinstance(result, NotRun):
        judge(error(claim.id, f"drill {drill} could not run: {result.reason}"))
    if not isinstance(result, kind):
        judge(error(claim.id, f"drill {drill} returned {type(result).__name__}, not {kind.__name__}"))
    _attach(judge, claim, drill, result)
    return result


def _attach(judge: Judge, claim: Claim, drill: str, result: Any) -> None:
    """The evidence as JSON, and the drill's timeline with this claim's bound marked."""
    judge.attach_json(f"{drill} evidence", result.to_dict())
    if isinstance(result, FailoverTimeline):
        bound = bound_seconds(_bounding(claim))
        rpo = claim.check == "dr.rpo"
        png = failover_timeline_png(
            result, rto_bound_s=None if rpo else bound, rpo_bound_s=bound if rpo else None
        )
        judge.attach_png(f"{drill} timeline", png)
    elif isinstance(result, RolloutResult):
        judge.attach_png(f"{drill} timeline", rollout_timeline_png(result))


@pytest.mark.disruptive
@pytest.mark.parametrize("claim", [p for check in WIRING for p in claim_params(check)])
def test_drill_bears_out_the_claim(
    claim: Claim,
    judge: Judge,
    drill_gate: str | None,
    drills: DrillSession,
    policy: SufficiencyPolicy,
) -> None:
    judge.gate(drill_gate)
    evaluate = WIRING[claim.check][2]
    judge(evaluate(_evidence(judge, claim, drills), claim, policy))

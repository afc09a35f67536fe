"""Disaster-recovery verdicts from drill evidence: RTO, RPO, restore, Redis failover, zero-downtime rollout.

Pure: evidence + claim (+ the sufficiency policy) -> Verdict. A drill that could not complete never yields
PROVEN: it is ERROR (nothing measured) or INCONCLUSIVE (something measured, not enough to settle the bound),
except that a measurement already beyond the bound disproves the claim however the drill ended.

A drill's time is known only to its resolution (the canary write interval): each measurement is the bracket
measured ± resolution, and decides through the policy's bracketed worst case (checks/sufficiency.py): within
the resolution of the bound it is INCONCLUSIVE, and proof needs the policy's `min_drills` drills. Failed
rollout probes against a ratio bound decide as a proportion. Every reason states the policy it used.
"""

from __future__ import annotations

from typing import Any

from checks.compare import NUMERIC
from checks.evidence.drills import FailoverTimeline, RestoreResult, RolloutResult
from checks.ledger import Claim
from checks.sufficiency import (
    DEFAULT_POLICY,
    Decision,
    SufficiencyPolicy,
    decide_proportion,
    decide_worst_case,
    decide_worst_case_bracketed,
    percent,
    proportion_bounds,
)
from checks.units import as_fraction, to_seconds
from checks.verdicts import (
    EvidenceLevel,
    Outcome,
    Verdict,
    decided,
    disproven,
    error,
    inconclusive,
    proven,
)

OBSERVED = EvidenceLevel.OBSERVED
Evidence = FailoverTimeline | RestoreResult | RolloutResult


def bound_seconds(claim: Claim) -> float | None:
    """The claim's numeric bound in seconds (None for `present` claims and bounds that are not numbers)."""
    if claim.comparator not in (*NUMERIC, "==") or isinstance(claim.bound, bool):
        return None
    if not isinstance(claim.bound, int | float):
        return None
    return to_seconds(float(claim.bound), claim.unit or "s")


def _policy_note(d: Decision, policy: SufficiencyPolicy) -> str:
    return f"{d.n} drill(s); policy min_drills {policy.min_drills}"


def _within(
    claim: Claim,
    what: str,
    measured: float,
    resolution: float,
    policy: SufficiencyPolicy,
    evidence: Evidence,
    *,
    against: Claim | None = None,
) -> Verdict:
    """`measured` (known to ± `resolution` seconds) against the bound of `against` (default: the claim)."""
    source = against or claim
    comparator, bound = str(source.comparator), bound_seconds(source)
    if bound is None:
        return error(claim.id, f"claim has no bound in seconds ({source.bound_text()})")
    bracket = (max(0.0, measured - resolution), measured + resolution)
    d = decide_worst_case_bracketed([bracket], comparator, bound, policy)
    said = {
        Outcome.PROVEN: f"{what} measured {measured:.3f} s {comparator} {bound:g} s",
        Outcome.DISPROVEN: f"{what} measured {measured:.3f} s, not {comparator} {bound:g} s",
    }.get(d.outcome, f"{what} {measured:.3f} s: {d.why}")
    if d.outcome is Outcome.INCONCLUSIVE and d.needed_n is None:
        said = (
            f"{what} {measured:.3f} s is within the drill's resolution ({resolution:g} s) of the bound "
            f"{bound:g} s; a finer canary interval would settle it"
        )
    return decided(
        claim.id,
        d.outcome,
        OBSERVED,
        f"{said} ({_policy_note(d, policy)})",
        measured=round(measured, 3),
        bound=f"{comparator} {bound:g} s",
        evidence=_summary(evidence),
        provenance=evidence.provenance,
        interval=(round(d.interval[0], 3), round(d.interval[1], 3)) if d.interval else None,
        n=d.n,
    )


def timeline_summary(timeline: FailoverTimeline) -> dict[str, Any]:
    """The timeline without its per-write list (counts instead), for verdict evidence."""
    data = timeline.to_dict()
    writes = data.pop("writes")
    data["writes_total"] = len(writes)
    data["writes_failed"] = sum(1 for w in writes if not w["ok"])
    return data


def _summary(evidence: Evidence) -> dict[str, Any]:
    if isinstance(evidence, FailoverTimeline):
        return timeline_summary(evidence)
    if isinstance(evidence, RolloutResult):
        data = {k: v for k, v in evidence.to_dict().items() if k != "probes"}
        data["failed_probes"] = [p.__dict__ for p in evidence.probes if not p.ok][:50]
        return data
    return evidence.to_dict()


def _kw(evidence: Evidence, **more: Any) -> dict[str, Any]:
    return {"evidence": _summary(evidence), "provenance": evidence.provenance, **more}


def _no_recovery(claim: Claim, timeline: FailoverTimeline, what: str, bound: float | None) -> Verdict:
    limit = timeline.timeout_s
    if timeline.at("timeout") is None:
        return error(claim.id, f"drill could not complete: {timeline.error}", **_kw(timeline))
    if bound is None or limit >= bound:
        return disproven(
            claim.id,
            OBSERVED,
            f"no {what} within {limit:g} s of the fault",
            **_kw(timeline, measured=f"> {limit:g} s", bound=claim.bound_text(), n=1),
        )
    return inconclusive(
        claim.id,
        OBSERVED,
        f"no {what} within the drill's {limit:g} s; a timeout of at least {bound:g} s would settle the bound",
        **_kw(timeline),
    )


def _unfinished(claim: Claim, timeline: FailoverTimeline, what: str, took: float) -> Verdict:
    why = f"{what} {took:.3f} s measured but the drill did not complete: {timeline.error}"
    return inconclusive(claim.id, OBSERVED, why, **_kw(timeline, measured=round(took, 3)))


def rto_within(
    timeline: FailoverTimeline,
    claim: Claim,
    policy: SufficiencyPolicy = DEFAULT_POLICY,
    sla: Claim | None = None,
) -> Verdict:
    """RTO (first acknowledged write after the fault - fault) against the claim's bound (or `sla`'s)."""
    source = sla if claim.comparator in ("present", None) and sla is not None else claim
    bound = bound_seconds(source)
    if timeline.fault_at is None:
        return error(claim.id, f"drill did not reach the fault: {timeline.error}", **_kw(timeline))
    rto = timeline.rto_s
    if rto is None:
        return _no_recovery(claim, timeline, "acknowledged write", bound)
    if not timeline.completed and (bound is None or rto <= bound):
        return _unfinished(claim, timeline, "RTO", rto)
    if bound is None:
        why = f"writes recovered {rto:.3f} s after the fault ({timeline.promotion} promotion; 1 drill)"
        return proven(
            claim.id, OBSERVED, why, **_kw(timeline, measured=round(rto, 3), bound=claim.bound_text())
        )
    what = f"RTO ({timeline.system}, {timeline.promotion} promotion)"
    return _within(claim, what, rto, timeline.resolution_s, policy, timeline, against=source)


def _rpo_precheck(timeline: FailoverTimeline, claim: Claim, policy: SufficiencyPolicy) -> Verdict | None:
    if not timeline.completed or timeline.rpo_s is None:
        why = f"drill could not complete, surviving writes unknown: {timeline.error}"
        return error(claim.id, why, **_kw(timeline))
    if timeline.acked_before_fault < policy.min_samples:
        why = (
            f"only {timeline.acked_before_fault} write(s) acknowledged before the fault; the policy needs at "
            f"least {policy.min_samples} (min_samples) to show what a failover loses"
        )
        return inconclusive(claim.id, OBSERVED, why, **_kw(timeline))
    if timeline.duplicates:
        why = f"integrity: {len(timeline.duplicates)} canary write(s) survive twice"
        measured = list(timeline.duplicates[:10])
        return disproven(
            claim.id, OBSERVED, why, **_kw(timeline, measured=measured, bound=claim.bound_text())
        )
    return None


def _nothing_lost(timeline: FailoverTimeline, claim: Claim, policy: SufficiencyPolicy) -> Verdict:
    """'No data loss': the acknowledged writes lost in each drill must be 0 (one loss disproves)."""
    lost, acked = len(timeline.lost), timeline.acked_before_fault
    d = decide_worst_case([float(lost)], "==", 0.0, policy)
    note = _policy_note(d, policy)
    why = {
        Outcome.PROVEN: (
            f"no acknowledged write lost: all {acked} written before the fault survived (one write every "
            f"{timeline.resolution_s:g} s; {note})"
        ),
        Outcome.DISPROVEN: f"{lost} acknowledged write(s) lost ({timeline.rpo_s:.3f} s of writes; {note})",
    }.get(d.outcome, f"no acknowledged write lost in this drill: {d.why}")
    kw = _kw(timeline, measured=f"{lost} lost", bound="0 lost", n=d.n)
    return decided(claim.id, d.outcome, OBSERVED, why, **kw)


def rpo_within(
    timeline: FailoverTimeline, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """RPO (acknowledged writes lost in the failover, as a time window) against the claim's bound."""
    early = _rpo_precheck(timeline, claim, policy)
    if early is not None:
        return early
    bound = bound_seconds(claim)
    if bound is None:
        return error(claim.id, f"claim has no numeric RPO bound ({claim.bound_text()})", **_kw(timeline))
    if bound == 0 and claim.comparator == "==":
        return _nothing_lost(timeline, claim, policy)
    rpo = timeline.rpo_s or 0.0
    what = f"RPO ({len(timeline.lost)} acknowledged write(s) lost)"
    return _within(claim, what, rpo, timeline.resolution_s, policy, timeline)


def redis_failover_within(
    timeline: FailoverTimeline, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """Time until sentinel named a new master against the bound; `present`: it happened (writes resumed)."""
    bound = bound_seconds(claim)
    if timeline.fault_at is None:
        return error(claim.id, f"drill did not reach the fault: {timeline.error}", **_kw(timeline))
    took = timeline.new_primary_s
    if took is None:
        return _no_recovery(claim, timeline, "new master named by sentinel", bound)
    if not timeline.completed and (bound is None or took <= bound):
        return _unfinished(claim, timeline, "sentinel named a new master after", took)
    if bound is None:
        rto = timeline.rto_s
        writes = f"writes resumed after {rto:.3f} s" if rto is not None else "writes did not resume"
        why = (
            f"sentinel failed over {took:.3f} s after the master hung; {writes}; "
            f"{len(timeline.lost)} acknowledged write(s) lost (1 drill)"
        )
        return proven(
            claim.id, OBSERVED, why, **_kw(timeline, measured=round(took, 3), bound=claim.bound_text())
        )
    return _within(claim, "sentinel failover", took, timeline.resolution_s, policy, timeline)


def _pitr(result: RestoreResult, claim: Claim, done: str) -> Verdict:
    if result.archive_mode in ("off", None):
        why = (
            f"WAL archiving is off (archive_mode={result.archive_mode}): no point-in-time recovery is "
            f"possible; a full dump {done}"
        )
        kw = _kw(result, measured=f"archive_mode={result.archive_mode}", bound="WAL archive")
        return disproven(claim.id, EvidenceLevel.CONFIGURED, why, **kw)
    why = (
        f"WAL archiving is on, but this drill restores a full dump ({done}); "
        "a restore to a chosen point in time would settle the claim"
    )
    return inconclusive(claim.id, OBSERVED, why, **_kw(result))


def restore_within(
    result: RestoreResult, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """Backup claims from a restore drill: restore time, newest-record age, point-in-time recovery."""
    if not result.completed or result.restore_s is None or result.newest_record_age_s is None:
        return error(claim.id, f"restore drill could not complete: {result.error}", **_kw(result))
    done = f"restored in {result.restore_s:.2f} s, newest record {result.newest_record_age_s:.2f} s old"
    if claim.metric == "point_in_time_recovery":
        return _pitr(result, claim, done)
    if bound_seconds(claim) is None:
        why = f"{done}; the claim ({claim.bound_text()}) has no bound in seconds"
        return inconclusive(claim.id, OBSERVED, why, **_kw(result))
    if claim.metric == "backup_frequency" and result.source == "drill":
        why = (
            f"the drill took the backup itself ({done}), which says nothing about "
            "how often the platform backs up; the platform's own newest backup is needed"
        )
        return inconclusive(claim.id, OBSERVED, why, **_kw(result))
    measured = result.restore_s if claim.metric in ("rto", "restore_time") else result.newest_record_age_s
    return _within(claim, claim.metric.replace("_", " "), measured, 0.0, policy, result)


def _rollout_ratio(result: RolloutResult, claim: Claim, policy: SufficiencyPolicy) -> Verdict:
    """Failed probes as a proportion against a ratio bound ('< 0.1 %')."""
    total, failed = len(result.probes), result.failures
    bound = as_fraction(claim.bound_number, claim.unit)
    d = decide_proportion(failed, total, str(claim.comparator), bound, policy)
    why = f"{failed} of {total} probes failed while instances restarted: {d.why} ({policy.describe()})"
    kw = _kw(
        result, measured=f"{failed}/{total} failed", bound=claim.bound_text(), interval=d.interval, n=d.n
    )
    return decided(claim.id, d.outcome, OBSERVED, why, **kw)


def rollout_zero_downtime(
    result: RolloutResult, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """Failed probes through the gateway while every instance restarted: zero (or within a ratio bound)."""
    total, failed = len(result.probes), result.failures
    kw = _kw(result, measured=f"{failed}/{total} failed", bound=claim.bound_text(), n=total)
    if failed and claim.comparator == "==" and claim.bound == 0:
        return disproven(
            claim.id, OBSERVED, f"{failed} of {total} probes failed while instances restarted", **kw
        )
    if not result.completed:
        return error(claim.id, f"rollout drill could not complete: {result.error}", **_kw(result))
    if total < policy.min_samples or set(result.restarted) != set(result.instances):
        why = (
            f"{total} probes, restarted {list(result.restarted)}: at least {policy.min_samples} probes "
            "(the policy's min_samples) across every instance's restart are needed"
        )
        return inconclusive(claim.id, OBSERVED, why, **_kw(result))
    if claim.comparator in ("<", "<=") and isinstance(claim.bound, int | float):
        return _rollout_ratio(result, claim, policy)
    if failed:
        return disproven(
            claim.id, OBSERVED, f"{failed} of {total} probes failed while instances restarted", **kw
        )
    upper = proportion_bounds(0, total, policy.confidence)[1]
    why = (
        f"0 of {total} probes failed across {len(result.restarted)} instance restarts over "
        f"{result.duration_s:.1f} s (one probe every {_probe_every(result):.3g} s; failure ratio at most "
        f"{upper:.2%} at {percent(policy.confidence)} confidence)"
    )
    return proven(claim.id, OBSERVED, why, **{**kw, "interval": (0.0, upper)})


def _probe_every(result: RolloutResult) -> float:
    return result.duration_s / max(1, len(result.probes) - 1)

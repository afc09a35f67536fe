"""Disaster-recovery verdicts from drill evidence: RTO, RPO, restore, Redis failover, zero-downtime rollout.

Pure: evidence + claim -> Verdict. A drill that could not complete never yields PROVEN: it is ERROR (nothing
measured) or INCONCLUSIVE (something measured, not enough to settle the bound), except that a measurement
already beyond the bound disproves the claim however the drill ended. A measurement within the drill's
resolution (the canary write interval) of the bound is INCONCLUSIVE.
"""

from __future__ import annotations

from typing import Any

from checks.drills.evidence import FailoverTimeline, RestoreResult, RolloutResult
from checks.ledger import Claim
from checks.units import as_fraction, to_seconds
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, proven

OBSERVED = EvidenceLevel.OBSERVED
MIN_ACKED_WRITES = 10  # fewer acknowledged writes before the fault cannot show what a failover loses
MIN_PROBES = 20


def bound_seconds(claim: Claim) -> float | None:
    """The claim's numeric bound in seconds (None for `present` claims)."""
    if claim.comparator not in ("<", "<=", "==") or not isinstance(claim.bound, int | float):
        return None
    return to_seconds(float(claim.bound), claim.unit or "s")


def _holds(measured: float, comparator: str, bound: float) -> bool:
    return {"<": measured < bound, "<=": measured <= bound, "==": measured == bound}[comparator]


def _judge(
    claim: Claim,
    what: str,
    measured: float,
    comparator: str,
    bound: float,
    resolution: float,
    evidence: dict[str, Any],
) -> Verdict:
    kw: dict[str, Any] = {
        "measured": round(measured, 3),
        "bound": f"{comparator} {bound:g} s",
        "evidence": evidence,
    }
    if comparator != "==" and abs(measured - bound) <= resolution:
        return inconclusive(
            claim.id,
            OBSERVED,
            f"{what} {measured:.3f} s is within the drill's resolution "
            f"({resolution:g} s) of the bound {bound:g} s; a finer canary interval would settle it",
            **kw,
        )
    if _holds(measured, comparator, bound):
        return proven(claim.id, OBSERVED, f"{what} measured {measured:.3f} s {comparator} {bound:g} s", **kw)
    return disproven(
        claim.id, OBSERVED, f"{what} measured {measured:.3f} s, not {comparator} {bound:g} s", **kw
    )


def timeline_summary(timeline: FailoverTimeline) -> dict[str, Any]:
    """The timeline without its per-write list (counts instead), for verdict evidence."""
    data = timeline.to_dict()
    writes = data.pop("writes")
    data["writes_total"] = len(writes)
    data["writes_failed"] = sum(1 for w in writes if not w["ok"])
    return data


def _no_recovery(claim: Claim, timeline: FailoverTimeline, what: str, bound: float | None) -> Verdict:
    ev, limit = timeline_summary(timeline), timeline.timeout_s
    if timeline.at("timeout") is None:
        return error(claim.id, f"drill could not complete: {timeline.error}", evidence=ev)
    if bound is None or limit >= bound:
        return disproven(
            claim.id,
            OBSERVED,
            f"no {what} within {limit:g} s of the fault",
            measured=f"> {limit:g} s",
            bound=claim.bound_text(),
            evidence=ev,
        )
    return inconclusive(
        claim.id,
        OBSERVED,
        f"no {what} within the drill's {limit:g} s; a timeout of at least {bound:g} s would settle the bound",
        evidence=ev,
    )


def rto_within(timeline: FailoverTimeline, claim: Claim, sla: Claim | None = None) -> Verdict:
    """RTO (first acknowledged write after the fault - fault) against the claim's bound (or `sla`'s)."""
    source = sla if claim.comparator in ("present", None) and sla is not None else claim
    bound, ev = bound_seconds(source), timeline_summary(timeline)
    if timeline.fault_at is None:
        return error(claim.id, f"drill did not reach the fault: {timeline.error}", evidence=ev)
    rto = timeline.rto_s
    if rto is None:
        return _no_recovery(claim, timeline, "acknowledged write", bound)
    if not timeline.completed and (bound is None or rto <= bound):
        return inconclusive(
            claim.id,
            OBSERVED,
            f"RTO {rto:.3f} s measured but the drill did not complete: {timeline.error}",
            measured=round(rto, 3),
            evidence=ev,
        )
    if bound is None:
        return proven(
            claim.id,
            OBSERVED,
            f"writes recovered {rto:.3f} s after the fault ({timeline.promotion} promotion)",
            measured=round(rto, 3),
            bound=claim.bound_text(),
            evidence=ev,
        )
    what = f"RTO ({timeline.system}, {timeline.promotion} promotion)"
    return _judge(claim, what, rto, str(source.comparator), bound, timeline.resolution_s, ev)


def rpo_within(timeline: FailoverTimeline, claim: Claim) -> Verdict:
    """RPO (acknowledged writes lost in the failover, as a time window) against the claim's bound."""
    ev, bound = timeline_summary(timeline), bound_seconds(claim)
    if not timeline.completed or timeline.rpo_s is None:
        return error(
            claim.id, f"drill could not complete, surviving writes unknown: {timeline.error}", evidence=ev
        )
    if timeline.acked_before_fault < MIN_ACKED_WRITES:
        return inconclusive(
            claim.id,
            OBSERVED,
            f"only {timeline.acked_before_fault} write(s) acknowledged before "
            f"the fault; at least {MIN_ACKED_WRITES} are needed",
            evidence=ev,
        )
    if timeline.duplicates:
        return disproven(
            claim.id,
            OBSERVED,
            f"integrity: {len(timeline.duplicates)} canary write(s) survive twice",
            measured=list(timeline.duplicates[:10]),
            bound=claim.bound_text(),
            evidence=ev,
        )
    if bound is None:
        return error(claim.id, f"claim has no numeric RPO bound ({claim.bound_text()})", evidence=ev)
    lost, rpo = len(timeline.lost), timeline.rpo_s
    if bound == 0 and claim.comparator == "==":
        kw: dict[str, Any] = {"measured": f"{lost} lost", "bound": "0 lost", "evidence": ev}
        if lost == 0:
            return proven(
                claim.id,
                OBSERVED,
                f"no acknowledged write lost: all {timeline.acked_before_fault} written "
                f"before the fault survived (one write every {timeline.resolution_s:g} s)",
                **kw,
            )
        return disproven(
            claim.id, OBSERVED, f"{lost} acknowledged write(s) lost ({rpo:.3f} s of writes)", **kw
        )
    return _judge(
        claim,
        f"RPO ({lost} acknowledged write(s) lost)",
        rpo,
        str(claim.comparator),
        bound,
        timeline.resolution_s,
        ev,
    )


def redis_failover_within(timeline: FailoverTimeline, claim: Claim) -> Verdict:
    """Time until sentinel named a new master against the bound; `present`: it happened (writes resumed)."""
    ev, bound = timeline_summary(timeline), bound_seconds(claim)
    if timeline.fault_at is None:
        return error(claim.id, f"drill did not reach the fault: {timeline.error}", evidence=ev)
    took = timeline.new_primary_s
    if took is None:
        return _no_recovery(claim, timeline, "new master named by sentinel", bound)
    if not timeline.completed and (bound is None or took <= bound):
        return inconclusive(
            claim.id,
            OBSERVED,
            f"sentinel named a new master after {took:.3f} s but the drill did "
            f"not complete: {timeline.error}",
            measured=round(took, 3),
            evidence=ev,
        )
    if bound is None:
        rto = timeline.rto_s
        writes = f"writes resumed after {rto:.3f} s" if rto is not None else "writes did not resume"
        return proven(
            claim.id,
            OBSERVED,
            f"sentinel failed over {took:.3f} s after the master hung; {writes}; "
            f"{len(timeline.lost)} acknowledged write(s) lost",
            measured=round(took, 3),
            bound=claim.bound_text(),
            evidence=ev,
        )
    return _judge(claim, "sentinel failover", took, str(claim.comparator), bound, timeline.resolution_s, ev)


def restore_within(result: RestoreResult, claim: Claim) -> Verdict:
    """Backup claims from a restore drill: restore time, newest-record age, point-in-time recovery."""
    ev = result.to_dict()
    if not result.completed or result.restore_s is None or result.newest_record_age_s is None:
        return error(claim.id, f"restore drill could not complete: {result.error}", evidence=ev)
    done = f"restored in {result.restore_s:.2f} s, newest record {result.newest_record_age_s:.2f} s old"
    if claim.metric == "point_in_time_recovery":
        if result.archive_mode in ("off", None):
            return disproven(
                claim.id,
                EvidenceLevel.CONFIGURED,
                f"WAL archiving is off (archive_mode="
                f"{result.archive_mode}): no point-in-time recovery is possible; a full dump {done}",
                measured=f"archive_mode={result.archive_mode}",
                bound="WAL archive",
                evidence=ev,
            )
        return inconclusive(
            claim.id,
            OBSERVED,
            f"WAL archiving is on, but this drill restores a full dump ({done}); "
            "a restore to a chosen point in time would settle the claim",
            evidence=ev,
        )
    bound = bound_seconds(claim)
    if bound is None:
        return inconclusive(
            claim.id,
            OBSERVED,
            f"{done}; the claim ({claim.bound_text()}) has no bound in seconds",
            evidence=ev,
        )
    if claim.metric == "backup_frequency" and result.source == "drill":
        return inconclusive(
            claim.id,
            OBSERVED,
            f"the drill took the backup itself ({done}), which says nothing about "
            "how often the platform backs up; the platform's own newest backup is needed",
            evidence=ev,
        )
    measured = result.restore_s if claim.metric in ("rto", "restore_time") else result.newest_record_age_s
    return _judge(claim, claim.metric.replace("_", " "), measured, str(claim.comparator), bound, 0.0, ev)


def rollout_zero_downtime(result: RolloutResult, claim: Claim) -> Verdict:
    """Failed probes through the gateway while every instance restarted: zero (or within a ratio bound)."""
    ev = {k: v for k, v in result.to_dict().items() if k != "probes"}
    ev["failed_probes"] = [p.__dict__ for p in result.probes if not p.ok][:50]
    total, failed = len(result.probes), result.failures
    if failed and claim.comparator == "==" and claim.bound == 0:
        return disproven(
            claim.id,
            OBSERVED,
            f"{failed} of {total} probes failed while instances restarted",
            measured=f"{failed} failed",
            bound=claim.bound_text(),
            evidence=ev,
        )
    if not result.completed:
        return error(claim.id, f"rollout drill could not complete: {result.error}", evidence=ev)
    if total < MIN_PROBES or set(result.restarted) != set(result.instances):
        return inconclusive(
            claim.id,
            OBSERVED,
            f"{total} probes, restarted {list(result.restarted)}: at least "
            f"{MIN_PROBES} probes across every instance's restart are needed",
            evidence=ev,
        )
    ratio, kw = (
        failed / total,
        {"measured": f"{failed}/{total} failed", "bound": claim.bound_text(), "evidence": ev},
    )
    as_ratio = claim.comparator in ("<", "<=") and isinstance(claim.bound, int | float)
    bound = as_fraction(float(claim.bound), claim.unit) if as_ratio else 0.0  # type: ignore[arg-type]
    if (failed == 0) if not as_ratio else _holds(ratio, str(claim.comparator), bound):
        return proven(
            claim.id,
            OBSERVED,
            f"{failed} of {total} probes failed across {len(result.restarted)} "
            f"instance restarts over {result.duration_s:.1f} s",
            **kw,
        )
    return disproven(claim.id, OBSERVED, f"{failed} of {total} probes failed while instances restarted", **kw)

"""Autoscaling claims judged from collected evidence: the HPA's configured bounds and a measured scale-up.

Pure: evidence + claim -> Verdict. A time to scale is known only within the sampling interval, so it decides
through the sufficiency policy's bracketed worst case (checks/sufficiency.py); configured values compare
through checks/compare.py; units convert through checks/units.py.
"""

from __future__ import annotations

from typing import Any

from checks.compare import holds
from checks.evidence.scaling import HpaConfig, ScalingConfig, ScalingSample, ScalingTimeline
from checks.ledger import Claim
from checks.params import ScalingParams
from checks.sufficiency import DEFAULT_POLICY, SufficiencyPolicy, decide_worst_case_bracketed
from checks.units import FRACTION, TIME, is_unit
from checks.verdicts import EvidenceLevel, Outcome, Verdict, decided, disproven, error, inconclusive, proven

CONFIGURED, OBSERVED = EvidenceLevel.CONFIGURED, EvidenceLevel.OBSERVED
HPA_FIELDS = {"hpa_min_replicas": "min_replicas", "hpa_max_replicas": "max_replicas"}


def _first_change(timeline: ScalingTimeline) -> int | None:
    baseline = timeline.samples[0].desired_replicas
    return next((i for i, s in enumerate(timeline.samples) if s.desired_replicas != baseline), None)


def _first_ready(timeline: ScalingTimeline, start: int, target: int) -> int | None:
    up = target >= timeline.samples[0].desired_replicas

    def reached(s: ScalingSample) -> bool:
        if up:
            return s.ready_replicas >= target
        return s.deployment_replicas <= target and s.ready_replicas <= target

    return next((i for i in range(start, len(timeline.samples)) if reached(timeline.samples[i])), None)


def scale_interval(
    timeline: ScalingTimeline, phase: str, to_replicas: int | None = None
) -> tuple[float, float] | None:
    """(earliest, latest) seconds after the trigger at which the phase was reached, or None if never seen.

    phase "decision": desiredReplicas first differs from the baseline; "ready": readyReplicas reaches the
    target (to_replicas, else the first new desiredReplicas). The state changed after the previous sample
    was read and before this one's answer arrived, so the interval is as wide as the sampling interval.
    """
    change = _first_change(timeline)
    if change is None:
        return None
    index: int | None = change
    if phase == "ready":
        index = _first_ready(timeline, change, to_replicas or timeline.samples[change].desired_replicas)
    if index is None:
        return None
    before = timeline.samples[index - 1].t if index else 0.0
    return max(0.0, before - timeline.trigger_t), timeline.samples[index].t_end - timeline.trigger_t


def _evidence(timeline: ScalingTimeline, phase: str) -> dict[str, Any]:
    return {
        "phase": phase,
        "rescales": list(timeline.rescales),
        "interval_s": timeline.interval_s,
        "target": timeline.target,
        "obtained": timeline.obtained,
    }


def time_to_scale(
    timeline: ScalingTimeline,
    claim: Claim,
    policy: SufficiencyPolicy = DEFAULT_POLICY,
    phase: str | None = None,
) -> Verdict:
    """Time from the trigger to the scaling decision or to Ready (params.phase, default ready) vs a bound."""
    params = claim.params_as(ScalingParams)
    phase = phase or params.phase or "ready"
    if claim.comparator not in ("<", "<=") or not is_unit(claim.unit, TIME) or not timeline.samples:
        return error(
            claim.id, f"time to scale needs '<'/'<=' a time bound and samples (got {claim.bound_text()!r})"
        )
    bound_s = claim.bound_in("s")
    found = scale_interval(timeline, phase, params.to_replicas)
    kw: dict[str, Any] = {
        "measured": found,
        "bound": f"{claim.comparator} {bound_s:g} s",
        "evidence": _evidence(timeline, phase),
        "provenance": timeline.provenance,
    }
    if found is None:
        return _not_reached(timeline, claim, phase, bound_s, kw)
    d = decide_worst_case_bracketed([found], str(claim.comparator), bound_s, policy)
    lo, hi = found
    said = {
        Outcome.PROVEN: f"{phase} reached within {hi:.1f} s of the trigger (bound {bound_s:g} s)",
        Outcome.DISPROVEN: f"{phase} took more than {lo:.1f} s (bound {bound_s:g} s)",
    }.get(d.outcome, f"{phase} at {lo:.1f}-{hi:.1f} s: {d.why}")
    if d.outcome is Outcome.INCONCLUSIVE and d.needed_n is None:
        said += f"; sample more often than every {timeline.interval_s:g} s"
    why = f"{said} ({d.n} scale-up(s) observed; policy min_drills {policy.min_drills})"
    return decided(claim.id, d.outcome, OBSERVED, why, interval=d.interval, n=d.n, **kw)


def _not_reached(
    timeline: ScalingTimeline, claim: Claim, phase: str, bound_s: float, kw: dict[str, Any]
) -> Verdict:
    watched = timeline.samples[-1].t - timeline.trigger_t
    if _first_change(timeline) is None:
        why = (
            f"desiredReplicas never changed in {watched:.1f} s: the load may not have crossed the HPA target"
        )
        return inconclusive(claim.id, OBSERVED, why, **kw)
    if watched > bound_s:
        return disproven(
            claim.id, OBSERVED, f"scaled but not {phase} after {watched:.1f} s (bound {bound_s:g} s)", **kw
        )
    return inconclusive(
        claim.id,
        OBSERVED,
        f"not {phase} yet; watch for more than {bound_s:g} s (watched {watched:.1f} s)",
        **kw,
    )


def _configured_value(hpa: HpaConfig, metric: str) -> float | None:
    if metric in HPA_FIELDS:
        return float(getattr(hpa, HPA_FIELDS[metric]))
    cpu = [m for m in hpa.metrics if m.name == "cpu" and m.target_type == "Utilization"]
    return float(cpu[0].target_value) if cpu else None


def _bound_of(claim: Claim) -> Any:
    """The claim's bound in the HPA's own unit: utilization targets are percent, replica counts plain."""
    return claim.bound_in("%") if is_unit(claim.unit, FRACTION) else claim.bound


def hpa_bounds(config: ScalingConfig, claim: Claim, hpa_name: str) -> Verdict:
    """An HPA's min/max replicas or CPU target, by claim.metric (hpa_min/max_replicas, hpa_cpu_target)."""
    hpa = next((h for h in config.hpas if h.name == hpa_name), None)
    if hpa is None:
        return inconclusive(
            claim.id, CONFIGURED, f"no HPA {hpa_name!r} in {config.namespace}", bound=claim.bound_text()
        )
    value = _configured_value(hpa, claim.metric)
    kw: dict[str, Any] = {
        "measured": value,
        "bound": claim.bound_text(),
        "evidence": {"hpa": f"{hpa.namespace}/{hpa.name}", "target": config.target},
        "provenance": config.provenance,
    }
    if value is None:
        return disproven(claim.id, CONFIGURED, f"HPA {hpa.name} has no CPU utilization target", **kw)
    if holds(value, claim.comparator, _bound_of(claim)):
        return proven(
            claim.id, CONFIGURED, f"HPA {hpa.name}: {claim.metric} = {value:g} ({claim.bound_text()})", **kw
        )
    return disproven(
        claim.id, CONFIGURED, f"HPA {hpa.name}: {claim.metric} = {value:g}, claim {claim.bound_text()}", **kw
    )

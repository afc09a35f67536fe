"""Latency claims about back-end operations (database queries, cache commands) from repeated timings.

The statistic (the claim's percentile, else the mean) or the share under a threshold is decided by the one
sufficiency policy. A claim that holds "under load" (its scope names a load or a condition) is measured while
an open-loop load runs against the target; evidence taken idle, or while the load was not what the claim
needs, can disprove such a claim but never prove it (checks/sufficiency.py `cap_idle`). Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

from checks.evaluate.observed import (
    claimed_think_time,
    estimate_text,
    ms,
    params_of,
    policy_note,
    relation,
    rps,
    verdict_of,
)
from checks.evidence.timings import LoadedTimings
from checks.ledger import Claim
from checks.params import QueryLatencyParams
from checks.stats import arrival_rate_for_users
from checks.sufficiency import (
    DEFAULT_POLICY,
    Decision,
    SufficiencyPolicy,
    cap_idle,
    decide_mean,
    decide_proportion,
    decide_quantile,
    is_under_load,
)
from checks.units import as_fraction, convert, is_unit
from checks.verdicts import Verdict, error, not_applicable

SHOWN = 1000  # timings kept in a verdict's evidence (the statistic uses all of them)


def under_load(claim: Claim) -> bool:
    """True when the claim holds under a load its scope names (users, a rate, or a condition)."""
    return is_under_load(claim.scope.condition, claim.scope.load_rps, claim.scope.load_users)


def timings_load(claim: Claim, think_time_s: float, profile_rps: float) -> float:
    """The load (req/s through the target's API) the timings of this claim are taken under: the claim's rate,
    its users through Little's law (the bound as response time), the profile's rate for a bare 'under load'
    condition, and 0 (idle) for a claim that names no load."""
    scope = claim.scope
    if not under_load(claim):
        return 0.0
    if scope.load_rps:
        return float(scope.load_rps)
    if scope.load_users and is_unit(claim.unit, "time"):
        return arrival_rate_for_users(
            scope.load_users, claimed_think_time(claim, think_time_s), claim.bound_in("s")
        )
    return profile_rps


def not_timed(claim: Claim, needs: str) -> Verdict | None:
    """NOT_APPLICABLE for a claim that repeated timings cannot judge (an operations-per-second rate, which
    `needs` a benchmark load claimcheck does not send)."""
    if is_unit(claim.unit, "time") or claim.unit == "%":
        return None
    return not_applicable(claim.id, f"a {claim.unit} throughput claim needs {needs} (read-only)")


def why_idle(evidence: LoadedTimings, policy: SufficiencyPolicy) -> str | None:
    """Why these timings do not stand for the claim's load (None: the load ran as needed meanwhile)."""
    load, timings, needed = evidence.load, evidence.timings, evidence.needed_rps
    if load is None:
        return evidence.idle_because or "the timings were taken with no load running"
    if load.requested_rate < needed * (1 - policy.rate_tolerance):
        return f"the load offered {rps(load.requested_rate)}, less than the {rps(needed)} needed"
    if 1 - load.achieved_rate / load.requested_rate > policy.rate_tolerance:
        return f"the generator achieved {load.achieved_rate:.1f} of {load.requested_rate:g} req/s"
    if load.error_ratio > policy.max_error_ratio:
        return f"{load.error_ratio:.2%} of the load's requests failed (statuses {dict(load.status_counts)})"
    during = len(during_load(evidence))
    if during < policy.min_samples:
        return f"only {during} of {timings.n} timings were taken while the load ran"
    return None


def during_load(evidence: LoadedTimings) -> tuple[float, ...]:
    """The timings taken while the load ran (all of them when there was no load)."""
    timings, load = evidence.timings, evidence.load
    if load is None:
        return timings.latencies_ms
    if not timings.at:  # only the span is known: all of them or none
        whole = load.started_at <= timings.started_at and timings.ended_at <= load.ended_at
        return timings.latencies_ms if whole else ()
    pairs = zip(timings.latencies_ms, timings.at, strict=True)
    return tuple(x for x, t in pairs if load.started_at <= t <= load.ended_at)


def _judged_latencies(evidence: LoadedTimings, claim: Claim, policy: SufficiencyPolicy) -> tuple[float, ...]:
    """What a claim is judged on: the timings under load when they stand for its load, else all of them."""
    if under_load(claim) and why_idle(evidence, policy) is None:
        return during_load(evidence)
    return evidence.timings.latencies_ms


def query_latency_within(
    evidence: LoadedTimings, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """A time bound on the timed statistic, or ('99.2% of queries < 50 ms') the share under a threshold."""
    if claim.unit == "%":
        return ratio_under_threshold(evidence, claim, policy)
    return timings_within(evidence, claim, policy)


def timings_within(
    evidence: LoadedTimings, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """The claim's percentile (the mean when it states none) against its bound in ms."""
    if claim.comparator not in ("<", "<=", ">", ">=", "==") or not is_unit(claim.unit, "time"):
        return error(claim.id, f"not a latency bound: {claim.comparator} {claim.bound} {claim.unit}")
    latencies, bound = _judged_latencies(evidence, claim, policy), claim.bound_in("ms")
    q = claim.scope.percentile
    if q is not None:
        decision, stat = decide_quantile(latencies, q / 100, claim.comparator, bound, policy), f"p{q:g}"
    else:
        decision, stat = decide_mean(latencies, claim.comparator, bound, policy), "mean"
    text = f"{_what(evidence)}: {estimate_text(stat, decision, policy.confidence)}"
    text += f" {relation(decision, claim.comparator, bound)} {claim.comparator} {ms(bound)}"
    if decision.needed_n:
        text += f"; about {decision.needed_n} timings would decide"
    facts = {"statistic": stat, "ci95_ms": list(decision.interval or ()), "bound_ms": bound}
    return _capped(evidence, claim, decision, text, policy, facts, measured=decision.estimate, bound=bound)


def ratio_under_threshold(
    evidence: LoadedTimings, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """Claims like '99.2% of queries < 50 ms': the share under the threshold, by one-sided exact bounds."""
    params = params_of(claim, QueryLatencyParams)
    if params.threshold is None or claim.comparator not in ("<", "<=", ">", ">="):
        return error(claim.id, "a share-under-threshold claim needs params.threshold and a comparator")
    threshold = convert(params.threshold, params.threshold_unit or "ms", "ms")
    latencies = _judged_latencies(evidence, claim, policy)
    k, target = sum(1 for x in latencies if x < threshold), as_fraction(claim.bound_number, claim.unit)
    decision = decide_proportion(k, len(latencies), claim.comparator, target, policy)
    text = f"{_what(evidence)}: under {threshold:g} ms: {decision.why} vs {claim.bound_text()}"
    facts = {"k": k, "threshold_ms": threshold, "bounds": list(decision.interval or ())}
    return _capped(evidence, claim, decision, text, policy, facts, measured=decision.estimate, bound=target)


def _what(evidence: LoadedTimings) -> str:
    return f"{evidence.timings.operation!r} on {evidence.timings.where}"


def _capped(
    evidence: LoadedTimings,
    claim: Claim,
    decision: Decision,
    text: str,
    policy: SufficiencyPolicy,
    facts: dict[str, Any],
    **kw: Any,
) -> Verdict:
    idle = why_idle(evidence, policy)
    loaded = idle is None
    if evidence.load is not None and loaded:
        text += f"; measured under {rps(evidence.load.achieved_rate)} of load"
    capped = cap_idle(decision, claim_under_load=under_load(claim), evidence_loaded=loaded)
    if under_load(claim) and not loaded:
        text += f"; the claim holds under load (needs {rps(evidence.needed_rps)}), but {idle}"
    timings = evidence.timings
    shown = list(timings.latencies_ms[:SHOWN])
    record = {"n": timings.n, "what": _what(evidence), "latencies_ms": shown, **facts}
    record |= {"load_rps": evidence.load.achieved_rate if evidence.load else 0.0, "under_load": loaded}
    reason = f"{text} ({policy_note(policy)})"
    return verdict_of(claim.id, capped, reason, timings.origin, evidence=record, **kw)

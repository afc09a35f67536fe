"""Latency claims judged against an open-loop run, through the one sufficiency policy. Pure: no I/O, no clock.

A percentile is decided by a distribution-free order-statistic interval, a mean by a t-interval
(checks/sufficiency.py): PROVEN needs the whole interval on the claim's side of the bound, DISPROVEN the
whole interval on the other side; anything else is INCONCLUSIVE and names the sample size that would decide.
A run that did not apply the intended load (over the governor, rate short, too many errors) can never be
PROVEN; a route that does not answer as expected, or refuses the identity, is ERROR (evaluate/loadrun.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from checks.compare import holds, interval_outcome
from checks.evaluate.loadrun import load_run_unfit, run_evidence
from checks.evaluate.observed import (
    OBSERVED,
    claimed_think_time,
    estimate_text,
    ms,
    policy_note,
    relation,
    verdict_of,
)
from checks.evidence.load import LatencySamples, LoadRun
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.stats import arrival_rate_for_users
from checks.sufficiency import (
    DEFAULT_POLICY,
    Decision,
    SufficiencyPolicy,
    decide_mean,
    decide_quantile,
    percent,
)
from checks.units import UnitError, is_unit
from checks.verdicts import Outcome, Verdict, error, inconclusive

DEFAULT_STATISTIC = "p95"  # a latency stated with no statistic ('< 150 ms') is judged at p95


def decide(comparator: str, lower: float, upper: float, bound: float) -> Outcome:
    """Transitional, for evaluators not yet on the core (cache_ttl); new code: compare.interval_outcome."""
    return interval_outcome(lower, upper, comparator, bound)


def offered_rate(claim: Claim, think_time_s: float, profile_rps: float) -> float:
    """The rate the claim's condition implies (users through Little's law, with the bound as the response
    time), else the profile's measuring rate."""
    if claim.scope.load_rps:
        return float(claim.scope.load_rps)
    if claim.scope.load_users and is_unit(claim.unit, "time"):
        think = claimed_think_time(claim, think_time_s)
        return arrival_rate_for_users(claim.scope.load_users, think, claim.bound_in("s"))
    return profile_rps


def not_a_latency_bound(claim: Claim) -> Verdict | None:
    """ERROR when the claim's bound is not a time this check can compare with."""
    if claim.comparator not in ("<", "<=", ">", ">=", "==") or not is_unit(claim.unit, "time"):
        return error(claim.id, f"not a latency bound: {claim.comparator} {claim.bound} {claim.unit}")
    try:
        claim.bound_in("ms")
    except (ValueError, UnitError) as exc:
        return error(claim.id, f"not a latency bound: {exc}")
    return None


def load_shortfall(samples: LatencySamples, claim: Claim, policy: SufficiencyPolicy) -> str | None:
    """Why this run cannot stand for the claimed conditions, or None when it can."""
    short = 1 - samples.achieved_rate / samples.requested_rate
    if short > policy.rate_tolerance:
        return (
            f"the generator achieved {samples.achieved_rate:.1f} of {samples.requested_rate:g} req/s "
            f"({short:.1%} short, tolerance {policy.rate_tolerance:.0%})"
        )
    if samples.error_ratio > policy.max_error_ratio:
        return (
            f"{samples.errors} of {samples.scheduled} requests failed ({samples.error_ratio:.2%} > "
            f"{policy.max_error_ratio:.2%}; statuses {dict(samples.status_counts)})"
        )
    wanted = claim.scope.load_rps
    if wanted and samples.requested_rate < wanted * (1 - policy.rate_tolerance):
        return f"the claim holds under {wanted:g} req/s but this run offered {samples.requested_rate:g} req/s"
    return None


@dataclass(frozen=True)
class _Case:
    """One latency claim on one run's samples: what every statistic's judgement reads."""

    claim: Claim
    samples: LatencySamples
    origin: Origin
    policy: SufficiencyPolicy
    base: dict[str, Any]

    @property
    def latencies_ms(self) -> np.ndarray:
        return np.asarray(self.samples.latencies_us, dtype=float) / 1000

    @property
    def bound_ms(self) -> float:
        return self.claim.bound_in("ms")


def latency_within(run: LoadRun, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY) -> Verdict:
    """Judge the claim's statistic (p95 when unstated; a percentile, the mean or the maximum) on the run."""
    if (early := not_a_latency_bound(claim) or load_run_unfit(run, claim.id, policy)) is not None:
        return early
    assert run.samples is not None  # load_run_unfit returns a verdict for a run without samples
    case = _Case(claim, run.samples, run.origin, policy, _base(run.samples, claim))
    if not run.samples.latencies_us:
        return inconclusive(
            claim.id, OBSERVED, "no request finished, so no latency was observed", **case.base
        )
    if why := load_shortfall(run.samples, claim, policy):
        return inconclusive(claim.id, OBSERVED, f"not judged: {why}", **case.base)
    statistic = claim.scope.statistic or DEFAULT_STATISTIC
    verdict = {"mean": _mean, "max": _max}.get(statistic, _percentile)(case, statistic)
    if claim.scope.statistic is None:
        verdict = verdict.with_(reason=f"no statistic stated, judged at p95: {verdict.reason}")
    return verdict


def _base(samples: LatencySamples, claim: Claim) -> dict[str, Any]:
    return {
        "evidence": run_evidence(samples),
        "bound": {"comparator": claim.comparator, "value": claim.bound_in("ms"), "unit": "ms"},
    }


def _percentile(case: _Case, statistic: str) -> Verdict:
    if not statistic.startswith("p"):
        return error(case.claim.id, f"statistic {statistic!r} is not a percentile, the mean or the maximum")
    q = float(statistic[1:]) / 100
    comparator = case.claim.comparator or ""
    return _judged(
        case, statistic, decide_quantile(case.latencies_ms, q, comparator, case.bound_ms, case.policy)
    )


def _mean(case: _Case, statistic: str) -> Verdict:
    comparator = case.claim.comparator or ""
    return _judged(case, "mean", decide_mean(case.latencies_ms, comparator, case.bound_ms, case.policy))


def _max(case: _Case, statistic: str) -> Verdict:
    """A maximum can be disproven by one slow request but never proven by sampling."""
    worst, n = float(case.latencies_ms.max()), len(case.latencies_ms)
    said = f"the slowest of {n} requests took {ms(worst)}"
    measured = {"value": worst, "unit": "ms"}
    if case.claim.comparator in ("<", "<=") and not holds(worst, case.claim.comparator, case.bound_ms):
        decision = Decision(Outcome.DISPROVEN, worst, (worst, worst), n, said)
        return _judged(replace(case, base={**case.base, "measured": measured}), "max", decision)
    why = f"{said}; a maximum over all requests cannot be proven by sampling"
    kw = {**case.base, "measured": measured}
    return inconclusive(case.claim.id, OBSERVED, why, provenance=case.origin.provenance, n=n, **kw)


def _judged(case: _Case, statistic: str, decision: Decision) -> Verdict:
    samples, policy, comparator = case.samples, case.policy, case.claim.comparator or ""
    said = f"{estimate_text(statistic, decision, policy.confidence)} at {samples.achieved_rate:.0f} req/s"
    bound_text = f"{comparator} {ms(case.bound_ms)}"
    text = f"{said} {relation(decision, comparator, case.bound_ms)} {bound_text}"
    outcome = decision.outcome
    if outcome is Outcome.DISPROVEN and (late := _lateness(case, statistic)) is not None:
        blocked, note = late
        if blocked:
            text, outcome = f"{said} looks over {bound_text}, but {note}", Outcome.INCONCLUSIVE
        else:
            text += f"; {note}"
    elif outcome is Outcome.INCONCLUSIVE and decision.needed_n and samples.requested_rate:
        secs = decision.needed_n / samples.requested_rate
        text += (
            f"; about {decision.needed_n} samples (~{secs:.0f} s at {samples.requested_rate:g} req/s) "
            "would decide if the distribution holds"
        )
    kw = _with_measured(case.base, decision, policy)
    return verdict_of(
        case.claim.id, decision, f"{text} ({policy_note(policy)})", case.origin, outcome=outcome, **kw
    )


def _with_measured(base: dict[str, Any], decision: Decision, policy: SufficiencyPolicy) -> dict[str, Any]:
    if "measured" in base or decision.estimate is None:
        return base
    ci = list(decision.interval) if decision.interval else None
    measured = {"value": decision.estimate, "ci": ci, "unit": "ms"}
    evidence = {**base["evidence"], "n": decision.n, "confidence": policy.confidence, "ci_ms": ci}
    return {**base, "measured": measured, "evidence": evidence}


def _lateness(case: _Case, statistic: str) -> tuple[bool, str] | None:
    """Whether the generator's own lateness could explain a disproof: (blocked, why), or None when it is
    within the policy's share of the bound.

    A latency is timed from the request's scheduled send, so it holds the generator's lateness E as well as
    the server's time T: X = E + T. For an upper bound the disproof stands when it survives taking the
    lateness off. A percentile: at most 1% of requests were later than the run's p99 lateness L, so
    P(T < b) <= P(X < b + L) + 1%, and "p_q < b" is disproven when p_(q - 1%) of X is above b + L at the
    policy's confidence. A mean: mean(T) = mean(X) - mean(E) >= mean(X) - max(E). A maximum: the slowest
    request's own T >= X - max(E). A lower bound (">") disproven stands: X >= T, so T is below it too."""
    samples, policy, bound = case.samples, case.policy, case.bound_ms
    late_ms = samples.lateness_us.get("p99", 0.0) / 1000
    if late_ms <= policy.max_lateness_fraction * bound:
        return None
    late_max_ms = max(samples.lateness_us.get("max", 0.0) / 1000, late_ms)
    comparator = case.claim.comparator or ""
    share = f"{policy.max_lateness_fraction:.0%}"
    blocked = f"the generator itself was late by {ms(late_ms)} at p99 (> {share} of the bound)"
    if comparator in (">", ">="):
        return False, f"the generator was late by {ms(late_ms)} at p99, which only adds time"
    if comparator not in ("<", "<="):
        return True, blocked
    values = case.latencies_ms
    if statistic == "mean":
        kept = decide_mean(values, comparator, bound + late_max_ms, policy).outcome
        how = f"the mean stays over {ms(bound)} with its largest lateness ({ms(late_max_ms)}) taken off"
    elif statistic == "max":
        kept = Outcome.DISPROVEN if values.max() - late_max_ms > bound else Outcome.INCONCLUSIVE
        how = f"the slowest request stays over {ms(bound)} with the largest lateness ({ms(late_max_ms)}) off"
    else:
        q = float(statistic[1:]) / 100 - 0.01
        if q <= 0:
            return True, blocked
        kept = decide_quantile(values, q, comparator, bound + late_ms, policy).outcome
        how = (
            f"p{q * 100:g} stays over {ms(bound)} + {ms(late_ms)} at {percent(policy.confidence)} "
            "confidence, so the lateness cannot account for it"
        )
    if kept is Outcome.DISPROVEN:
        return False, f"the generator was late by {ms(late_ms)} at p99, but {how}"
    return True, blocked

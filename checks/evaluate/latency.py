"""Latency claims judged against open-loop samples with confidence intervals. Pure: no I/O, no clock.

PROVEN needs the whole interval on the claim's side of the bound, DISPROVEN the whole interval on the
other side; anything else is INCONCLUSIVE and names the sample size that would decide. A run that did not
apply the intended load (rate short, too many errors, too few samples) can never be PROVEN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from scipy import stats as sps

from checks.collect.load.samples import LatencySamples
from checks.stats import mean_ci, min_samples_for_quantile, quantile_ci, samples_to_decide
from checks.verdicts import EvidenceLevel, Outcome, Verdict, disproven, error, inconclusive, proven

US_PER_UNIT = {"us": 1.0, "µs": 1.0, "ms": 1e3, "s": 1e6}
OBSERVED = EvidenceLevel.OBSERVED


class ClaimScope(Protocol):
    @property
    def statistic(self) -> str | None: ...
    @property
    def percentile(self) -> float | None: ...
    @property
    def load_rps(self) -> float | None: ...


class LatencyClaim(Protocol):
    """The attributes of checks.ledger.Claim these evaluators read."""

    @property
    def id(self) -> str: ...
    @property
    def comparator(self) -> str | None: ...
    @property
    def bound(self) -> Any: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def scope(self) -> ClaimScope: ...


@dataclass(frozen=True)
class LatencyPolicy:
    """How strict a latency judgement is (method parameters, not claim numbers)."""

    confidence: float = 0.95
    rate_tolerance: float = 0.05  # achieved rate may fall short of the requested rate by this fraction
    max_error_ratio: float = 0.01
    max_lateness_fraction: float = (
        0.1  # generator lateness p99 above this share of the bound blocks DISPROVEN
    )


def ms(us: float) -> str:
    """Microseconds shown as milliseconds in a reason sentence."""
    return f"{us / 1000:.4g} ms" if abs(us) < 1e9 else f"{us / 1000:.0f} ms"


def decide(comparator: str, lower: float, upper: float, bound: float) -> Outcome:
    """The outcome of comparing an interval [lower, upper] with `comparator bound`."""
    holds = {"<": upper < bound, "<=": upper <= bound, ">": lower > bound, ">=": lower >= bound, "==": False}
    fails = {
        "<": lower >= bound,
        "<=": lower > bound,
        ">": upper <= bound,
        ">=": upper < bound,
        "==": upper < bound or lower > bound,
    }
    if comparator not in holds:
        raise ValueError(f"unsupported comparator {comparator!r}")
    if holds[comparator]:
        return Outcome.PROVEN
    return Outcome.DISPROVEN if fails[comparator] else Outcome.INCONCLUSIVE


def bound_us(claim: LatencyClaim) -> float | None:
    """The claim's bound in microseconds, or None when its unit is not a time unit."""
    factor = US_PER_UNIT.get((claim.unit or "").strip())
    return None if factor is None or not isinstance(claim.bound, int | float) else float(claim.bound) * factor


def run_evidence(samples: LatencySamples) -> dict[str, Any]:
    """The facts about the run every latency verdict carries."""
    return {
        "requested_rate_rps": samples.requested_rate,
        "achieved_rate_rps": round(samples.achieved_rate, 2),
        "scheduled": samples.scheduled,
        "errors": samples.errors,
        "error_ratio": round(samples.error_ratio, 5),
        "status_counts": dict(samples.status_counts),
        "generator_lateness_us": dict(samples.lateness_us),
        "workers": samples.workers,
        "raw_log": samples.log_path,
        "url": samples.url,
    }


def load_shortfall(samples: LatencySamples, claim: LatencyClaim, policy: LatencyPolicy) -> str | None:
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


def _precheck(samples: LatencySamples, claim: LatencyClaim, policy: LatencyPolicy) -> Verdict | None:
    if bound_us(claim) is None or claim.comparator not in ("<", "<=", ">", ">=", "=="):
        return error(claim.id, f"not a latency bound: {claim.comparator} {claim.bound} {claim.unit}")
    if not samples.latencies_us:
        return inconclusive(
            claim.id,
            OBSERVED,
            "no request finished, so no latency was observed",
            evidence=run_evidence(samples),
        )
    why = load_shortfall(samples, claim, policy)
    if why:
        return inconclusive(claim.id, OBSERVED, f"not judged: {why}", evidence=run_evidence(samples))
    return None


def _lateness_blocks(samples: LatencySamples, bound: float, policy: LatencyPolicy) -> str | None:
    late = samples.lateness_us.get("p99", 0.0)
    if late > policy.max_lateness_fraction * bound:
        share = f"{policy.max_lateness_fraction:.0%}"
        return f"the generator itself was late by {ms(late)} at p99 (> {share} of the bound)"
    return None


def _verdict(claim: LatencyClaim, outcome: Outcome, reason: str, **kw: Any) -> Verdict:
    make = {Outcome.PROVEN: proven, Outcome.DISPROVEN: disproven}.get(outcome, inconclusive)
    return make(claim.id, OBSERVED, reason, **kw)


def percentile_within(
    samples: LatencySamples, claim: LatencyClaim, policy: LatencyPolicy | None = None
) -> Verdict:
    """Judge 'pXX <comparator> bound' with a distribution-free order-statistic interval for the quantile."""
    policy = policy or LatencyPolicy()
    if claim.scope.percentile is None:
        return error(claim.id, f"statistic {claim.scope.statistic!r} is not a percentile")
    if (early := _precheck(samples, claim, policy)) is not None:
        return early
    q, bound, stat = claim.scope.percentile / 100, bound_us(claim) or 0.0, claim.scope.statistic or "quantile"
    n, n_min = len(samples.latencies_us), min_samples_for_quantile(q, policy.confidence)
    base = {
        "evidence": run_evidence(samples),
        "bound": {"comparator": claim.comparator, "value": bound / 1e3, "unit": "ms"},
    }
    if n < n_min:
        return inconclusive(
            claim.id,
            OBSERVED,
            f"only {n} samples; a {policy.confidence:.0%} interval for {stat} needs at least {n_min}",
            **base,
        )
    ci = quantile_ci(samples.latencies_us, q, policy.confidence)
    base["measured"] = {"value": ci.estimate / 1e3, "ci": [ci.lower / 1e3, ci.upper / 1e3], "unit": "ms"}
    base["evidence"] |= {
        "n": n,
        "confidence": policy.confidence,
        "ci_ms": base["measured"]["ci"],
        "ci_order_statistics": [ci.lower_index, ci.upper_index],
        "coverage": round(ci.coverage, 4),
    }
    outcome = decide(claim.comparator or "", ci.lower, ci.upper, bound)
    said = (
        f"{stat} = {ms(ci.estimate)} ({policy.confidence:.0%} CI {ms(ci.lower)}..{ms(ci.upper)}, n={n}, "
        f"{samples.achieved_rate:.0f} req/s)"
    )
    return _judged(samples, claim, policy, outcome, said, _n_to_decide(samples, q, bound, policy), base)


def _n_to_decide(samples: LatencySamples, q: float, bound: float, policy: LatencyPolicy) -> int | None:
    frac_below = float(np.mean(np.asarray(samples.latencies_us) < bound))
    return samples_to_decide(q, frac_below, policy.confidence)


def _judged(
    samples: LatencySamples,
    claim: LatencyClaim,
    policy: LatencyPolicy,
    outcome: Outcome,
    said: str,
    n_needed: int | None,
    base: dict[str, Any],
) -> Verdict:
    bound = bound_us(claim) or 0.0
    text = f"{claim.comparator} {ms(bound)}"
    if outcome is Outcome.PROVEN:
        return _verdict(claim, outcome, f"{said} is within the bound {text}", **base)
    if outcome is Outcome.DISPROVEN:
        blocked = _lateness_blocks(samples, bound, policy)
        if blocked is None:
            return _verdict(claim, outcome, f"{said} violates the bound {text}", **base)
        return _verdict(claim, Outcome.INCONCLUSIVE, f"{said} looks over {text}, but {blocked}", **base)
    if n_needed is None:
        return _verdict(
            claim, outcome, f"{said} straddles the bound {text}; no sample size would separate them", **base
        )
    secs = n_needed / samples.requested_rate
    return _verdict(
        claim,
        outcome,
        f"{said} straddles the bound {text}; about {n_needed} samples "
        f"(~{secs:.0f} s at {samples.requested_rate:g} req/s) would decide if the distribution holds",
        **base,
    )


def mean_within(samples: LatencySamples, claim: LatencyClaim, policy: LatencyPolicy | None = None) -> Verdict:
    """Judge 'mean <comparator> bound' with a t-interval, refused (INCONCLUSIVE) when too skewed for n."""
    policy = policy or LatencyPolicy()
    if (early := _precheck(samples, claim, policy)) is not None:
        return early
    bound, n = bound_us(claim) or 0.0, len(samples.latencies_us)
    base = {
        "evidence": run_evidence(samples),
        "bound": {"comparator": claim.comparator, "value": bound / 1e3, "unit": "ms"},
    }
    if n < 2:
        return inconclusive(claim.id, OBSERVED, f"only {n} sample; a mean interval needs at least 2", **base)
    ci = mean_ci(samples.latencies_us, policy.confidence)
    base["measured"] = {"value": ci.mean / 1e3, "ci": [ci.lower / 1e3, ci.upper / 1e3], "unit": "ms"}
    base["evidence"] |= {
        "n": n,
        "confidence": policy.confidence,
        "ci_ms": base["measured"]["ci"],
        "skewness": round(ci.skewness, 3),
        "min_n_for_t": ci.min_n_for_t,
    }
    said = f"mean = {ms(ci.mean)} ({policy.confidence:.0%} CI {ms(ci.lower)}..{ms(ci.upper)}, n={n})"
    if ci.heavy_tailed:
        return inconclusive(
            claim.id,
            OBSERVED,
            f"{said} but the latencies are too skewed (skewness "
            f"{ci.skewness:.1f}) for a t-interval below n = {ci.min_n_for_t}",
            **base,
        )
    outcome = decide(claim.comparator or "", ci.lower, ci.upper, bound)
    return _judged(
        samples, claim, policy, outcome, said, _mean_n_to_decide(ci.mean, ci.std, bound, policy), base
    )


def _mean_n_to_decide(mean: float, std: float, bound: float, policy: LatencyPolicy) -> int | None:
    if mean == bound:
        return None
    z = float(sps.norm.ppf((1 + policy.confidence) / 2))
    return math.ceil((z * std / (mean - bound)) ** 2)


def max_within(samples: LatencySamples, claim: LatencyClaim, policy: LatencyPolicy | None = None) -> Verdict:
    """A maximum can be disproven by one slow request but never proven by sampling."""
    policy = policy or LatencyPolicy()
    if (early := _precheck(samples, claim, policy)) is not None:
        return early
    bound, worst = bound_us(claim) or 0.0, max(samples.latencies_us)
    said = f"the slowest of {len(samples.latencies_us)} requests took {ms(worst)}"
    base = {
        "evidence": run_evidence(samples),
        "measured": {"value": worst / 1e3, "unit": "ms"},
        "bound": {"comparator": claim.comparator, "value": bound / 1e3, "unit": "ms"},
    }
    if claim.comparator in ("<", "<=") and decide(claim.comparator, worst, worst, bound) is Outcome.DISPROVEN:
        return _judged(samples, claim, policy, Outcome.DISPROVEN, said, None, base)
    return inconclusive(
        claim.id, OBSERVED, f"{said}; a maximum over all requests cannot be proven by sampling", **base
    )


def latency_within(
    samples: LatencySamples, claim: LatencyClaim, policy: LatencyPolicy | None = None
) -> Verdict:
    """Dispatch on the claim's statistic: a percentile, the mean, or the maximum."""
    if claim.scope.statistic == "mean":
        return mean_within(samples, claim, policy)
    if claim.scope.statistic == "max":
        return max_within(samples, claim, policy)
    return percentile_within(samples, claim, policy)

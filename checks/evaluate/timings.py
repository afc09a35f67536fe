"""Latency claims about back-end operations (database queries, cache commands) from repeated timings."""

from __future__ import annotations

from collections.abc import Sequence

from checks.evaluate.latency import decide
from checks.ledger import Claim
from checks.stats import mean_ci, quantile_ci, samples_to_decide
from checks.units import to_seconds
from checks.verdicts import EvidenceLevel, Outcome, Verdict

CONFIDENCE = 0.95


def timings_within(latencies_ms: Sequence[float], claim: Claim, what: str) -> Verdict:
    """The claim's statistic (percentile, or mean by default) with a 95% interval, against its bound in ms."""
    if len(latencies_ms) < 2:
        return Verdict(
            claim.id, Outcome.INCONCLUSIVE, EvidenceLevel.OBSERVED, f"only {len(latencies_ms)} timing(s)"
        )
    bound = to_seconds(float(claim.bound), claim.unit or "ms") * 1000  # type: ignore[arg-type]
    q = claim.scope.percentile
    if q is not None:
        ci = quantile_ci(latencies_ms, q / 100, CONFIDENCE)
        point, lower, upper, stat = ci.estimate, ci.lower, ci.upper, f"p{q:g}"
    else:
        m = mean_ci(latencies_ms, CONFIDENCE)
        point, lower, upper, stat = m.mean, m.lower, m.upper, "mean"
    outcome = decide(claim.comparator or "<", lower, upper, bound)
    reason = (
        f"{what}: {stat} {point:.3f} ms (95% CI {lower:.3f}..{upper:.3f} ms, n={len(latencies_ms)}) "
        f"vs {claim.bound_text()}"
    )
    evidence = {
        "n": len(latencies_ms),
        "statistic": stat,
        "ci95_ms": [lower, upper],
        "what": what,
        "latencies_ms": list(latencies_ms),
    }
    if outcome == Outcome.INCONCLUSIVE and q is not None:
        below = sum(1 for x in latencies_ms if x < bound) / len(latencies_ms)
        need = samples_to_decide(q / 100, below, CONFIDENCE)
        reason += (
            f"; about {need} timings would decide" if need else "; the bound sits on the observed quantile"
        )
    return Verdict(claim.id, outcome, EvidenceLevel.OBSERVED, reason, point, bound, evidence)


def ratio_under_threshold(
    latencies_ms: Sequence[float], claim: Claim, threshold_ms: float, what: str
) -> Verdict:
    """Claims like '99.2% of queries < 50 ms': the share under the threshold with an exact interval."""
    from checks.stats import clopper_pearson

    n = len(latencies_ms)
    k = sum(1 for x in latencies_ms if x < threshold_ms)
    lower, upper = clopper_pearson(k, n, CONFIDENCE)
    target = float(claim.bound) / 100 if claim.unit == "%" else float(claim.bound)  # type: ignore[arg-type]
    outcome = decide(claim.comparator or ">=", lower, upper, target)
    reason = (
        f"{what}: {k}/{n} under {threshold_ms:g} ms = {k / n:.3%} (95% CI {lower:.3%}..{upper:.3%}) vs "
        f"{claim.bound_text()}"
    )
    return Verdict(
        claim.id,
        outcome,
        EvidenceLevel.OBSERVED,
        reason,
        k / n,
        target,
        {"n": n, "k": k, "threshold_ms": threshold_ms, "ci95": [lower, upper]},
    )

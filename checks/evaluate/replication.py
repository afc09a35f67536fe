"""Streaming replication claims: is the replica replaying, and how far behind."""

from __future__ import annotations

from checks.collect.postgres import ReplicationLag
from checks.ledger import Claim
from checks.stats import mean_ci
from checks.units import to_seconds
from checks.verdicts import EvidenceLevel, Outcome, Verdict


def _not_streaming(lag: ReplicationLag) -> list[int]:
    return [i for i, s in enumerate(lag.samples) if s.streaming is False]


def _unknown(lag: ReplicationLag) -> list[int]:
    return [i for i, s in enumerate(lag.samples) if s.streaming is None]


def replication_lag_within(lag: ReplicationLag, claim: Claim) -> Verdict:
    """PROVEN when the replica streams and its lag's upper confidence bound is under the claim's bound."""
    if not lag.samples:
        return Verdict(claim.id, Outcome.ERROR, EvidenceLevel.NONE, "no replication samples were taken")
    broken = _not_streaming(lag)
    evidence = {
        "primary": lag.primary,
        "replica": lag.replica,
        "lags_s": lag.lags_s,
        "lag_bytes": [s.lag_bytes for s in lag.samples],
        "not_streaming_samples": broken,
    }
    if not broken and _unknown(lag):
        return Verdict(
            claim.id,
            Outcome.INCONCLUSIVE,
            EvidenceLevel.OBSERVED,
            f"{lag.replica} hides its receiver status from this role (needs pg_read_all_stats) and "
            "shows no received WAL: whether it streams cannot be told",
            None,
            claim.bound_text(),
            evidence,
        )
    if broken:
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            EvidenceLevel.OBSERVED,
            f"{lag.replica} was not streaming from {lag.primary} in {len(broken)} of "
            f"{len(lag.samples)} samples",
            None,
            claim.bound_text(),
            evidence,
        )
    if claim.comparator in (None, "present") or not isinstance(claim.bound, int | float):
        return Verdict(
            claim.id,
            Outcome.PROVEN,
            EvidenceLevel.OBSERVED,
            f"{lag.replica} streamed from {lag.primary} in all {len(lag.samples)} samples "
            f"(max lag {max(lag.lags_s):.3f} s)",
            max(lag.lags_s),
            "streaming",
            evidence,
        )
    bound = to_seconds(float(claim.bound), claim.unit or "s")
    ci = mean_ci(lag.lags_s) if len(lag.samples) > 1 else None
    lower, upper = (ci.lower, ci.upper) if ci else (lag.lags_s[0], lag.lags_s[0])
    text = (
        f"replication lag mean {sum(lag.lags_s) / len(lag.lags_s):.3f} s (95% CI {lower:.3f}..{upper:.3f} s, "
        f"max {max(lag.lags_s):.3f} s, n={len(lag.samples)}) vs {claim.bound_text()}"
    )
    outcome = (
        Outcome.PROVEN if upper < bound else Outcome.DISPROVEN if lower > bound else Outcome.INCONCLUSIVE
    )
    if outcome == Outcome.INCONCLUSIVE:
        text += "; more samples would narrow the interval"
    return Verdict(
        claim.id,
        outcome,
        EvidenceLevel.OBSERVED,
        text,
        {"mean_s": sum(lag.lags_s) / len(lag.lags_s), "ci95_s": [lower, upper]},
        bound,
        evidence,
    )

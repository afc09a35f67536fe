"""Streaming replication claims: is the replica replaying, and how far behind."""

from __future__ import annotations

from typing import Any

from checks.collect.postgres import ReplicationLag
from checks.ledger import Claim
from checks.stats import mean_ci
from checks.units import to_seconds
from checks.verdicts import EvidenceLevel, Outcome, Verdict


def _not_streaming(lag: ReplicationLag) -> list[int]:
    return [i for i, s in enumerate(lag.samples) if s.streaming is False]


def _unknown(lag: ReplicationLag) -> list[int]:
    return [i for i, s in enumerate(lag.samples) if s.streaming is None]


def _unreachable_replica(lag: ReplicationLag, claim: Claim) -> Verdict:
    """The replica did not answer: the primary's own view decides whether anything streams."""
    evidence = {
        "primary": lag.primary,
        "replica": lag.replica,
        "replica_error": lag.replica_error,
        "primary_senders": list(lag.primary_senders),
    }
    if lag.primary_senders and not any(lag.primary_senders):
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            EvidenceLevel.OBSERVED,
            f"{lag.primary} streams to no replica: its pg_stat_replication was empty in all "
            f"{len(lag.primary_senders)} samples, and {lag.replica} did not answer ({lag.replica_error})",
            0,
            claim.bound_text(),
            evidence,
        )
    return Verdict(
        claim.id,
        Outcome.ERROR,
        EvidenceLevel.NONE,
        f"{lag.replica} did not answer ({lag.replica_error}) while {lag.primary} showed "
        f"{max(lag.primary_senders, default=0)} walsender(s): the lag cannot be measured",
        None,
        claim.bound_text(),
        evidence,
    )


def _broken_text(lag: ReplicationLag, broken: list[int]) -> str:
    unsent = [i for i in broken if lag.samples[i].primary_senders == 0]
    if unsent:
        return (
            f"{lag.primary} streams to no replica (pg_stat_replication empty) in {len(unsent)} of "
            f"{len(lag.samples)} samples, although {lag.replica} answers"
        )
    n = len(lag.samples)
    return f"{lag.replica} was not streaming from {lag.primary} in {len(broken)} of {n} samples"


def _presence_verdict(lag: ReplicationLag, claim: Claim, evidence: dict[str, Any]) -> Verdict:
    """A 'streaming replication' claim: streaming in every sample, and, when the claim carries a lag it
    allows (params.max_lag_s, e.g. the same document's RPO), no lag beyond it."""
    worst = max(lag.lags_s)
    allowed = claim.params.get("max_lag_s")
    if isinstance(allowed, int | float) and worst > float(allowed):
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            EvidenceLevel.OBSERVED,
            f"{lag.replica} streams from {lag.primary} but lags {worst:.1f} s behind it, beyond the "
            f"{float(allowed):g} s this claim allows (params.max_lag_s)",
            worst,
            f"streaming, lag <= {float(allowed):g} s",
            evidence,
        )
    within = f", within the {float(allowed):g} s allowed" if isinstance(allowed, int | float) else ""
    return Verdict(
        claim.id,
        Outcome.PROVEN,
        EvidenceLevel.OBSERVED,
        f"{lag.replica} streamed from {lag.primary} in all {len(lag.samples)} samples "
        f"(max lag {worst:.3f} s{within})",
        worst,
        "streaming",
        evidence,
    )


def replication_lag_within(lag: ReplicationLag, claim: Claim) -> Verdict:
    """PROVEN when the replica streams and its lag's upper confidence bound is under the claim's bound.
    Streaming is judged from both ends: the replica's receiver and the primary's walsenders."""
    if lag.replica_error is not None:
        return _unreachable_replica(lag, claim)
    if not lag.samples:
        return Verdict(claim.id, Outcome.ERROR, EvidenceLevel.NONE, "no replication samples were taken")
    broken = _not_streaming(lag)
    evidence = {
        "primary": lag.primary,
        "replica": lag.replica,
        "lags_s": lag.lags_s,
        "lag_bytes": [s.lag_bytes for s in lag.samples],
        "primary_senders": [s.primary_senders for s in lag.samples],
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
            _broken_text(lag, broken),
            None,
            claim.bound_text(),
            evidence,
        )
    if claim.comparator in (None, "present") or not isinstance(claim.bound, int | float):
        return _presence_verdict(lag, claim, evidence)
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

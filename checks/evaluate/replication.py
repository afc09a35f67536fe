"""Streaming replication claims: is the replica replaying (seen from both ends), and how far behind.

"Streaming" needs every sample streaming (the replica's receiver, and a walsender on the primary) and, when
the claim carries the lag it allows, no lag beyond it. A lag bound is a statistic: the mean ('averages under
2 s') by a t-interval, otherwise every sample ('under 5 s') as a worst case, both through the sufficiency
policy; evidence taken on an idle database cannot prove a claim about lag under load.
"""

from __future__ import annotations

from typing import Any

from checks.evaluate.sourced import attributed, from_decision, policy_note
from checks.evidence.replication import ReplicationLag
from checks.ledger import Claim
from checks.params import ReplicationParams
from checks.sufficiency import (
    DEFAULT_POLICY,
    SufficiencyPolicy,
    cap_idle,
    decide_mean,
    decide_worst_case,
    is_under_load,
)
from checks.units import UnitError
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, proven

OBSERVED = EvidenceLevel.OBSERVED


def _unreachable_replica(lag: ReplicationLag, claim: Claim) -> Verdict:
    """The replica did not answer: the primary's own view decides whether anything streams."""
    evidence = {"primary": lag.primary, "replica": lag.replica, "replica_error": lag.replica_error,
                "primary_senders": list(lag.primary_senders)}  # fmt: skip
    kw: dict[str, Any] = {"bound": claim.bound_text(), "evidence": evidence, "n": len(lag.primary_senders)}
    if lag.primary_senders and not any(lag.primary_senders):
        why = (
            f"{lag.primary} streams to no replica: its pg_stat_replication was empty in all "
            f"{len(lag.primary_senders)} samples, and {lag.replica} did not answer ({lag.replica_error})"
        )
        return disproven(claim.id, OBSERVED, why, measured=0, **kw)
    why = (
        f"{lag.replica} did not answer ({lag.replica_error}) while {lag.primary} showed "
        f"{max(lag.primary_senders, default=0)} walsender(s): the lag cannot be measured"
    )
    return error(claim.id, why, **kw)


def _broken_text(lag: ReplicationLag, broken: list[int]) -> str:
    unsent = [i for i in broken if lag.samples[i].primary_senders == 0]
    if unsent:
        return (
            f"{lag.primary} streams to no replica (pg_stat_replication empty) in {len(unsent)} of "
            f"{len(lag.samples)} samples, although {lag.replica} answers"
        )
    return (
        f"{lag.replica} was not streaming from {lag.primary} in {len(broken)} of {len(lag.samples)} samples"
    )


def _presence(lag: ReplicationLag, claim: Claim, kw: dict[str, Any]) -> Verdict:
    """A 'streaming replication' claim: streaming in every sample, and, when the claim carries a lag it
    allows (params.max_lag_s, e.g. the same document's RPO), no lag beyond it."""
    worst, allowed = max(lag.lags_s), claim.params_as(ReplicationParams).max_lag_s
    if allowed is not None and worst > allowed:
        why = (
            f"{lag.replica} streams from {lag.primary} but lags {worst:.1f} s behind it, beyond the "
            f"{allowed:g} s this claim allows (params.max_lag_s)"
        )
        return disproven(
            claim.id, OBSERVED, why, **{**kw, "measured": worst, "bound": f"streaming, lag <= {allowed:g} s"}
        )
    within = f", within the {allowed:g} s allowed" if allowed is not None else ""
    why = f"{lag.replica} streamed from {lag.primary} in all {len(lag.samples)} samples"
    why += f" (max lag {worst:.3f} s{within})"
    return proven(claim.id, OBSERVED, why, **{**kw, "measured": worst, "bound": "streaming"})


def _lag_bound(lag: ReplicationLag, claim: Claim, policy: SufficiencyPolicy, kw: dict[str, Any]) -> Verdict:
    try:
        bound_s = claim.bound_in("s")
    except (ValueError, UnitError) as exc:
        return error(claim.id, f"cannot compare lag with {claim.bound_text()!r}: {exc}", **kw)
    mean = claim.scope.statistic == "mean"
    rule = decide_mean if mean else decide_worst_case
    decision = rule(lag.lags_s, str(claim.comparator), bound_s, policy)
    scope = claim.scope
    decision = cap_idle(
        decision,
        claim_under_load=is_under_load(scope.condition, scope.load_rps, scope.load_users),
        evidence_loaded=lag.origin.loaded,
    )
    what = "replication lag" if mean else "replication lag, every sample:"
    why = f"{what} {decision.why} vs {claim.bound_text()} ({policy_note(policy)})"
    return from_decision(
        claim.id, decision, OBSERVED, why, **{**kw, "measured": decision.estimate, "bound": bound_s}
    )


def _judged(lag: ReplicationLag, claim: Claim, policy: SufficiencyPolicy, kw: dict[str, Any]) -> Verdict:
    broken = [i for i, s in enumerate(lag.samples) if s.streaming is False]
    if broken:
        return disproven(claim.id, OBSERVED, _broken_text(lag, broken), **kw)
    if any(s.streaming is None for s in lag.samples):
        why = (
            f"{lag.replica} hides its receiver status from this role (needs pg_read_all_stats) and shows no "
            "received WAL: whether it streams cannot be told"
        )
        return inconclusive(claim.id, OBSERVED, why, **kw)
    if claim.comparator in (None, "present") or not isinstance(claim.bound, int | float):
        return _presence(lag, claim, kw)
    return _lag_bound(lag, claim, policy, kw)


def replication_lag_within(
    lag: ReplicationLag, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """PROVEN when the replica streams (both ends agree) and its lag meets the claim's bound, decided by the
    sufficiency policy; DISPROVEN when it does not stream, or lags beyond the bound."""
    if lag.replica_error is not None:
        return attributed(_unreachable_replica(lag, claim), lag.origin)
    if not lag.samples:
        return error(claim.id, "no replication samples were taken", bound=claim.bound_text())
    evidence = {
        "primary": lag.primary,
        "replica": lag.replica,
        "lags_s": lag.lags_s,
        "lag_bytes": [s.lag_bytes for s in lag.samples],
        "primary_senders": [s.primary_senders for s in lag.samples],
    }
    kw: dict[str, Any] = {"bound": claim.bound_text(), "evidence": evidence, "n": len(lag.samples)}
    return attributed(_judged(lag, claim, policy, kw), lag.origin)

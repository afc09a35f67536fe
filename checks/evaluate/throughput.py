"""Throughput claims ('sustains >= X req/s') judged against an open-loop run. Pure: no I/O, no clock.

The run offers a little more than the claimed rate (HEADROOM), and never fewer requests than the policy's
minimum event count over the run. The sustained rate is successful responses over the time from the first
scheduled request to the last response, so a server that falls behind (its queue grows) shows a lower rate
even when every request eventually succeeds; it is decided by an exact Poisson interval
(checks/sufficiency.py `decide_rate`) over at least the policy's minimum duration and count.
"""

from __future__ import annotations

from typing import Any

from checks.evaluate.loadrun import load_run_unfit, run_evidence
from checks.evaluate.observed import OBSERVED, policy_note, verdict_of
from checks.evidence.load import LatencySamples, LoadRun
from checks.ledger import Claim
from checks.sufficiency import DEFAULT_POLICY, SufficiencyPolicy, decide_rate
from checks.units import UnitError, per_second, window_seconds
from checks.verdicts import Outcome, Verdict, disproven, error, inconclusive, not_applicable

HEADROOM = 1.05  # offer a little more than the claim: the sustained rate counts until the last response


def rate_needed(claim: Claim) -> float | None:
    """The claimed rate in requests per second, or None when the claim is not a rate."""
    try:
        return per_second(claim.bound_number, claim.unit or "")
    except (ValueError, UnitError):
        return None


def throughput_offer(
    claim: Claim, seconds: float, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> float | None:
    """The rate a run for this claim offers: the claimed rate plus headroom, raised so that a run of
    `seconds` holds at least the policy's minimum events; None when the claim is not one this check runs."""
    needed = rate_needed(claim)
    if needed is None or not_measured(claim) is not None:
        return None
    return max(needed, policy.min_rate_events / seconds) * HEADROOM


def not_measured(claim: Claim) -> Verdict | None:
    """NOT_APPLICABLE (or ERROR) for a claim this check does not measure with a load run."""
    if rate_needed(claim) is None:
        return not_applicable(
            claim.id, f"'{claim.metric}' in {claim.unit} is not a sustained-rate claim this check measures"
        )
    if claim.scope.per == "client":
        return not_applicable(
            claim.id, "a per-client hourly volume is a rate-limit policy; see the http.rate_limit claims"
        )
    if claim.comparator not in (">", ">="):
        return error(claim.id, f"not a sustained-rate claim: {claim.comparator} {claim.bound} {claim.unit}")
    return None


def throughput_within(
    run: LoadRun | None, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """Judge 'sustains >(=) X req/s' on the run made at `throughput_offer`'s rate."""
    if (skipped := not_measured(claim)) is not None:
        return skipped
    if run is None:
        return error(claim.id, "no load run was made for this claim")
    if (early := load_run_unfit(run, claim.id, policy)) is not None:
        return early
    assert run.samples is not None  # load_run_unfit returns a verdict for a run without samples
    needed = rate_needed(claim) or 0.0
    kw = _evidence(run.samples, claim, needed)
    if why := _unfit(run.samples, claim, needed, policy):
        return inconclusive(claim.id, OBSERVED, f"not judged: {why}", provenance=run.origin.provenance, **kw)
    return _judged(run, run.samples, claim, needed, policy, kw)


def _evidence(samples: LatencySamples, claim: Claim, needed: float) -> dict[str, Any]:
    extra = {"sustained_rps": round(samples.completion_rate, 2), "elapsed_s": round(samples.elapsed_s, 3)}
    return {
        "evidence": run_evidence(samples) | extra,
        "measured": {"value": round(samples.completion_rate, 2), "unit": "req/s"},
        "bound": {"comparator": claim.comparator, "value": needed, "unit": "req/s"},
    }


def _unfit(samples: LatencySamples, claim: Claim, needed: float, policy: SufficiencyPolicy) -> str | None:
    if samples.requested_rate < needed:
        return f"the run offered {samples.requested_rate:g} req/s, less than the claimed {needed:g} req/s"
    short = 1 - samples.achieved_rate / samples.requested_rate
    if short > policy.rate_tolerance:
        return (
            f"the generator achieved {samples.achieved_rate:.1f} of {samples.requested_rate:g} req/s "
            f"({short:.1%} short)"
        )
    wanted = window_seconds(claim.scope.window) if claim.scope.window else None
    if wanted and samples.longest_part_s < wanted:
        return (
            f"the claim is over a {wanted:g} s window but the run's load lasted {samples.longest_part_s:g} s "
            "without a pause"
        )
    return None


def _raised(samples: LatencySamples, needed: float) -> bool:
    """True when the run offered clearly more than the claim (to reach the policy's event count): its
    failures then say nothing about the claimed rate."""
    return samples.requested_rate > needed * HEADROOM * 1.01


def _judged(
    run: LoadRun,
    samples: LatencySamples,
    claim: Claim,
    needed: float,
    policy: SufficiencyPolicy,
    kw: dict[str, Any],
) -> Verdict:
    said = (
        f"offered {samples.requested_rate:g} req/s for {samples.duration_s:g} s, {samples.successes} of "
        f"{samples.scheduled} succeeded"
    )
    if samples.error_ratio > policy.max_error_ratio:
        return _failing(run, samples, claim, needed, policy, said, kw)
    decision = decide_rate(samples.successes, samples.elapsed_s, claim.comparator or "", needed, policy)
    outcome = decision.outcome
    text = f"{said}: {decision.why}"
    if outcome is Outcome.DISPROVEN and _raised(samples, needed):
        outcome = Outcome.INCONCLUSIVE
        text += f"; offered more than the claimed {needed:.4g} req/s, so a shortfall cannot disprove it"
    reason = f"{text}, against {claim.comparator} {needed:.4g} req/s ({policy_note(policy, rate=True)})"
    return verdict_of(claim.id, decision, reason, run.origin, outcome=outcome, **kw)


def _failing(
    run: LoadRun,
    samples: LatencySamples,
    claim: Claim,
    needed: float,
    policy: SufficiencyPolicy,
    said: str,
    kw: dict[str, Any],
) -> Verdict:
    """A run with more failures than the policy allows: the target failing at the claimed rate (DISPROVEN)
    or the client's requests refused (4xx, INCONCLUSIVE)."""
    client = sum(c for s, c in samples.status_counts.items() if 400 <= s < 500)
    failed = f"{said}; {samples.error_ratio:.2%} failed (> {policy.max_error_ratio:.2%}, statuses "
    failed += f"{dict(samples.status_counts)})"
    if samples.errors - client >= client and not _raised(samples, needed):
        found = disproven(
            claim.id, OBSERVED, failed, provenance=run.origin.provenance, n=samples.scheduled, **kw
        )
        # a point rule (no confidence bound): a first look of two must not stop on it (fixtures/load.py)
        return found.with_(evidence={**found.evidence, "point_rule": "max_error_ratio"})
    why = f"{client} client errors (4xx): check the route and credentials before judging"
    if client < samples.errors - client:
        why = f"offered more than the claimed {needed:.4g} req/s, so failures at this rate cannot disprove it"
    return inconclusive(claim.id, OBSERVED, f"{failed}; {why}", provenance=run.origin.provenance, **kw)

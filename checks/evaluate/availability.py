"""Availability claims judged from Prometheus history and the run's own probes, with exact binomial bounds.

History covering the claim's window decides through the one sufficiency policy (one-sided Clopper-Pearson
bounds). Shorter history can still disprove: when the downtime already observed exceeds the whole window's
error budget. Otherwise INCONCLUSIVE, naming the history that would suffice; a Prometheus that has not
scraped the job yet has no history (INCONCLUSIVE), one that does not scrape it at all cannot measure (ERROR).
The run's probes are reported beside it; they never decide a window they do not cover. Error-rate claims
follow the same rule: counters over less than the window can disprove, never prove. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from checks.evaluate.observed import OBSERVED, policy_note, verdict_of
from checks.evidence.http import ProbeSeries
from checks.evidence.prometheus import AvailabilityHistory
from checks.ledger import Claim
from checks.sufficiency import DEFAULT_POLICY, Decision, SufficiencyPolicy, decide_proportion
from checks.units import as_fraction, window_seconds
from checks.verdicts import Outcome, Verdict, disproven, error, inconclusive

DEFAULT_WINDOW = "30d"


def _window(claim: Claim) -> float:
    return window_seconds(claim.scope.window or DEFAULT_WINDOW)


def _ratio(claim: Claim, ok: int, n: int, policy: SufficiencyPolicy) -> Decision:
    target = as_fraction(claim.bound_number, claim.unit)
    return decide_proportion(ok, n, claim.comparator or ">=", target, policy)


def _from_history(claim: Claim, history: AvailabilityHistory, policy: SufficiencyPolicy) -> Verdict:
    decision = _ratio(claim, history.up_ok, history.up_samples, policy)
    measured = {"ratio": decision.estimate, "bounds": list(decision.interval or ()), "n": decision.n}
    evidence = {"source": "Prometheus `up` samples", "samples_needed": decision.needed_n, **measured}
    reason = f"Prometheus `up` samples of job {history.job} ok: {decision.why} vs {claim.bound_text()}"
    reason += f" ({policy_note(policy)})"
    target = as_fraction(claim.bound_number, claim.unit)
    return verdict_of(
        claim.id, decision, reason, history.origin, measured=measured, bound=target, evidence=evidence
    )


def availability_within(
    claim: Claim,
    history: AvailabilityHistory | None,
    probes: ProbeSeries,
    step_s: float = 5.0,
    policy: SufficiencyPolicy = DEFAULT_POLICY,
) -> Verdict:
    """Judge an availability claim over its window (see the module docstring)."""
    window = _window(claim)
    if history is not None and not history.job_known:
        return error(
            claim.id,
            f"Prometheus has no scrape target of job {history.job!r} (targets.yaml prometheus.app_job): "
            "it cannot tell this component's availability",
        )
    if history is not None and history.history_s >= window and history.up_samples > 0:
        return _from_history(claim, history, policy)
    return _short_history(claim, history, probes, window, step_s, policy)


def _short_history(
    claim: Claim,
    history: AvailabilityHistory | None,
    probes: ProbeSeries,
    window: float,
    step_s: float,
    policy: SufficiencyPolicy,
) -> Verdict:
    budget_s = (1 - as_fraction(claim.bound_number, claim.unit)) * window
    down_s = 0.0 if history is None else (history.up_samples - history.up_ok) * step_s
    probe_view = _ratio(claim, probes.successes, probes.n, policy)
    evidence = _short_evidence(history, probe_view, window, budget_s, down_s)
    if down_s > budget_s:
        days = window / 86400
        return disproven(
            claim.id,
            OBSERVED,
            f"observed downtime {down_s:.0f} s already exceeds the {budget_s:.0f} s budget of "
            f"{claim.bound_text()} over {days:g} d",
            measured=down_s,
            bound=budget_s,
            evidence=evidence,
            provenance=history.origin.provenance if history else probes.origin.provenance,
        )
    reason = f"{_history_needed(history, window, budget_s, down_s)}. Run probes ok: {probe_view.why}"
    measured = {"ratio": probe_view.estimate, "bounds": list(probe_view.interval or ()), "n": probes.n}
    return inconclusive(
        claim.id, OBSERVED, reason, measured=measured, bound=claim.bound_text(), evidence=evidence
    )


def _history_needed(
    history: AvailabilityHistory | None, window: float, budget_s: float, down_s: float
) -> str:
    days = f"{window / 86400:g} d"
    if history is None:
        return f"the target has no Prometheus history; the claim's window needs {days} of history"
    if history.up_samples == 0:
        return (
            f"no history yet: Prometheus has not scraped job {history.job!r} yet; the claim's window "
            f"needs {days} of history"
        )
    return (
        f"the claim's window is {days} but the target's history covers {history.history_s / 3600:.2f} h "
        f"(downtime so far {down_s:.0f} s of a {budget_s:.0f} s budget); needs {days} of history"
    )


def _short_evidence(
    history: AvailabilityHistory | None, probes: Decision, window: float, budget_s: float, down_s: float
) -> dict[str, Any]:
    return {
        "probes": {"ratio": probes.estimate, "bounds": list(probes.interval or ()), "n": probes.n},
        "history_s": 0.0 if history is None else history.history_s,
        "window_s": window,
        "budget_s": budget_s,
        "observed_downtime_s": down_s,
        "history": None if history is None else _history_facts(history),
    }


def _history_facts(history: AvailabilityHistory) -> dict[str, Any]:
    return {
        "job": history.job,
        "history_s": history.history_s,
        "up_samples": history.up_samples,
        "up_ok": history.up_ok,
        "requests": history.requests,
        "errors": history.errors,
    }


def error_ratio_within(
    claim: Claim, history: AvailabilityHistory, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """An error-rate claim ('< 0.1%') from the app's request counters over the history Prometheus holds."""
    total, errors = round(history.requests), round(history.errors)
    if not history.job_known:
        return error(claim.id, f"Prometheus has no scrape target of job {history.job!r}")
    if total == 0:
        why = f"job {history.job} served no requests in the last {history.history_s / 3600:.2f} h"
        return inconclusive(claim.id, OBSERVED, why)
    target = as_fraction(claim.bound_number, claim.unit)
    decision = decide_proportion(errors, total, claim.comparator or "<", target, policy)
    reason = (
        f"requests of job {history.job} failed (5xx) over {history.history_s / 3600:.2f} h: "
        f"{decision.why} vs {claim.bound_text()} ({policy_note(policy)})"
    )
    evidence = {"requests": total, "errors": errors, "bounds": list(decision.interval or ())}
    evidence |= {"history_s": history.history_s}
    window = _window(claim)
    if decision.outcome is Outcome.PROVEN and history.history_s < window:
        # as availability_within: a window the history does not cover is not proven (a breach within the
        # history already seen still disproves it)
        reason += (
            f"; the claim's window is {window / 86400:g} d but the target's history covers "
            f"{history.history_s / 3600:.2f} h, so it is not proven yet"
        )
        decision = replace(decision, outcome=Outcome.INCONCLUSIVE)
    return verdict_of(
        claim.id, decision, reason, history.origin, measured=errors / total, bound=target, evidence=evidence
    )

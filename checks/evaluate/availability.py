"""Availability claims judged from Prometheus history and the run's own probes, with exact binomial bounds."""

from __future__ import annotations

from checks.collect.http import ProbeSeries
from checks.collect.prometheus import AvailabilityHistory
from checks.ledger import Claim
from checks.stats import clopper_pearson, trials_for_ratio
from checks.units import as_fraction, window_seconds
from checks.verdicts import EvidenceLevel, Outcome, Verdict

DEFAULT_WINDOW = "30d"
CONFIDENCE = 0.95
# The verdicts use the two-sided 95% interval: each end is a one-sided 97.5% bound.
ONE_SIDED = 1 - (1 - CONFIDENCE) / 2


def _ratio_verdict(claim: Claim, ok: int, n: int, what: str, extra: str = "") -> Verdict:
    target = as_fraction(float(claim.bound), claim.unit)  # type: ignore[arg-type]
    lower, upper = clopper_pearson(ok, n, CONFIDENCE)
    measured = {"ratio": ok / n, "ci95": [lower, upper], "n": n, "ok": ok}
    evidence = {"source": what, "target": target, **measured}
    text = f"{ok}/{n} {what} ok = {ok / n:.5%} (95% CI {lower:.5%}..{upper:.5%}) vs {claim.bound_text()}"
    if lower >= target:
        return Verdict(
            claim.id, Outcome.PROVEN, EvidenceLevel.OBSERVED, text + extra, measured, target, evidence
        )
    if upper < target:
        return Verdict(
            claim.id, Outcome.DISPROVEN, EvidenceLevel.OBSERVED, text + extra, measured, target, evidence
        )
    need = trials_for_ratio(target, ONE_SIDED)
    return Verdict(
        claim.id,
        Outcome.INCONCLUSIVE,
        EvidenceLevel.OBSERVED,
        f"{text}; proving {target:.4%} needs at least {need} consecutive successful samples{extra}",
        measured,
        target,
        {**evidence, "samples_needed": need},
    )


def availability_within(
    claim: Claim, history: AvailabilityHistory | None, probes: ProbeSeries, step_s: float = 5.0
) -> Verdict:
    """Judge an availability claim over its window.

    History covering the window decides with an exact interval. Shorter history can still disprove: when the
    downtime already observed exceeds the whole window's error budget. Otherwise INCONCLUSIVE, naming the
    history that would suffice, with the run's probes reported beside it.
    """
    window = window_seconds(claim.scope.window or DEFAULT_WINDOW)
    if history is not None and history.history_s >= window and history.up_samples > 0:
        return _ratio_verdict(claim, history.up_ok, history.up_samples, "Prometheus `up` samples")
    target = as_fraction(float(claim.bound), claim.unit)  # type: ignore[arg-type]
    budget_s = (1 - target) * window
    down_s = 0.0 if history is None else (history.up_samples - history.up_ok) * step_s
    have = 0.0 if history is None else history.history_s
    probe_view = _ratio_verdict(claim, probes.successes, len(probes.statuses), "probes")
    evidence = {
        **probe_view.evidence,
        "history_s": have,
        "window_s": window,
        "budget_s": budget_s,
        "observed_downtime_s": down_s,
        "history": None if history is None else history.__dict__,
    }
    if down_s > budget_s:
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            EvidenceLevel.OBSERVED,
            f"observed downtime {down_s:.0f} s already exceeds the {budget_s:.0f} s budget of "
            f"{claim.bound_text()} over {window / 86400:g} d",
            down_s,
            budget_s,
            evidence,
        )
    reason = (
        f"the claim's window is {window / 86400:g} d but the target's history covers {have / 3600:.2f} h "
        f"(downtime so far {down_s:.0f} s of a {budget_s:.0f} s budget); needs {window / 86400:g} d of "
        f"history. Run probes: {probe_view.reason}"
    )
    return Verdict(
        claim.id,
        Outcome.INCONCLUSIVE,
        EvidenceLevel.OBSERVED,
        reason,
        probe_view.measured,
        claim.bound_text(),
        evidence,
    )


def error_ratio_within(claim: Claim, history: AvailabilityHistory) -> Verdict:
    """An error-rate claim ('< 0.1%') from the app's request counters over the history Prometheus holds."""
    total, errors = round(history.requests), round(history.errors)
    if total == 0:
        return Verdict(
            claim.id,
            Outcome.INCONCLUSIVE,
            EvidenceLevel.OBSERVED,
            f"job {history.job} served no requests in the last {history.history_s / 3600:.2f} h",
        )
    lower, upper = clopper_pearson(errors, total, CONFIDENCE)
    target = as_fraction(float(claim.bound), claim.unit)  # type: ignore[arg-type]
    text = (
        f"{errors}/{total} requests of job {history.job} failed (5xx) over "
        f"{history.history_s / 3600:.2f} h = "
        f"{errors / total:.4%} (95% CI {lower:.4%}..{upper:.4%}) vs {claim.bound_text()}"
    )
    outcome = (
        Outcome.PROVEN if upper < target else Outcome.DISPROVEN if lower >= target else Outcome.INCONCLUSIVE
    )
    if outcome == Outcome.INCONCLUSIVE:
        need = trials_for_ratio(1 - target, ONE_SIDED)
        text += f"; about {need} error-free requests would decide"
    return Verdict(
        claim.id,
        outcome,
        EvidenceLevel.OBSERVED,
        text,
        errors / total,
        target,
        {"requests": total, "errors": errors, "ci95": [lower, upper], "history_s": history.history_s},
    )

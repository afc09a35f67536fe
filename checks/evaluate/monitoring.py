"""Monitoring claims against the running Prometheus: retention, intervals, and how soon an alert can fire."""

from __future__ import annotations

from checks.evaluate.declared import alerting
from checks.evaluate.declared.common import prom_seconds
from checks.evidence.prometheus import PrometheusSettings
from checks.ledger import Claim
from checks.units import to_seconds
from checks.verdicts import EvidenceLevel, Outcome, Verdict

CONFIGURED = EvidenceLevel.CONFIGURED


def _compare(claim: Claim, measured_s: float, what: str) -> Verdict:
    bound_s = to_seconds(float(claim.bound), claim.unit or "s")  # type: ignore[arg-type]
    ops = {
        "==": measured_s == bound_s,
        "<=": measured_s <= bound_s,
        ">=": measured_s >= bound_s,
        "<": measured_s < bound_s,
        ">": measured_s > bound_s,
    }
    ok = ops.get(claim.comparator or "==", False)
    return Verdict(
        claim.id,
        Outcome.PROVEN if ok else Outcome.DISPROVEN,
        CONFIGURED,
        f"{what} is {measured_s:g} s; claimed {claim.bound_text()} ({bound_s:g} s)",
        measured_s,
        bound_s,
    )


def retention_as_claimed(settings: PrometheusSettings, claim: Claim) -> Verdict:
    """The server's TSDB retention flag against a retention claim."""
    if not settings.retention:
        return Verdict(
            claim.id, Outcome.ERROR, EvidenceLevel.NONE, f"{settings.url} reports no retention flag"
        )
    return _compare(
        claim, prom_seconds(settings.retention, 0), f"{settings.url} retention ({settings.retention})"
    )


def interval_as_claimed(settings: PrometheusSettings, claim: Claim, job: str | None) -> Verdict:
    """A global scrape/evaluation interval, or one job's scrape interval, against the claim."""
    if claim.metric == "evaluation_interval":
        return _compare(claim, settings.evaluation_interval_s, "the global evaluation interval")
    if job is None:
        return _compare(claim, settings.scrape_interval_s, "the global scrape interval")
    if job not in settings.job_scrape_s:
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            CONFIGURED,
            f"{settings.url} has no scrape job {job!r} (jobs: {sorted(settings.job_scrape_s)})",
            None,
            claim.bound_text(),
        )
    return _compare(claim, settings.job_scrape_s[job], f"job {job!r} scrape interval")


def alert_latency_floor(settings: PrometheusSettings, claim: Claim) -> Verdict:
    """The live rules' earliest firing time against an 'alert within X' claim (same model as declared)."""
    rules = [
        alerting.AlertRule(
            r.name,
            r.expr,
            r.for_s,
            r.eval_s,
            r.labels.get("severity", ""),
            f"{settings.url}/api/v1/rules#{r.group}/{r.name}",
        )
        for r in settings.rules
    ]
    if not rules:
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            CONFIGURED,
            f"{settings.url} has no alerting rule: nothing can alert",
            None,
            claim.bound_text(),
        )
    found = alerting.judge(
        claim, rules, max(settings.job_scrape_s.values(), default=settings.scrape_interval_s)
    )
    if found is None:
        return Verdict(claim.id, Outcome.INCONCLUSIVE, CONFIGURED, "no live rule is relevant to this claim")
    if found.outcome == Outcome.DISPROVEN:
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            CONFIGURED,
            f"live rules: {found.reason}",
            found.measured,
            found.bound,
            found.evidence,
        )
    return Verdict(
        claim.id,
        Outcome.INCONCLUSIVE,
        CONFIGURED,
        f"live rules allow it ({found.reason}); proving it "
        "needs an alert drill that measures the time to firing",
        found.measured,
        found.bound,
        found.evidence,
    )


def rules_hold_for(settings: PrometheusSettings, claim: Claim, names: list[str]) -> Verdict:
    """The live rules named by the claim hold their condition for the claimed duration before firing."""
    live = {r.name: r for r in settings.rules}
    missing = [n for n in names if n not in live]
    if not names or missing:
        return Verdict(
            claim.id,
            Outcome.NOT_APPLICABLE,
            EvidenceLevel.NONE,
            f"the target's Prometheus has no rule named {missing or names} "
            f"(its rules: {sorted(live)}); bind the equivalent rules to judge it",
        )
    bound_s = to_seconds(float(claim.bound), claim.unit or "s")  # type: ignore[arg-type]
    off = {n: live[n].for_s for n in names if live[n].for_s != bound_s}
    measured = {n: live[n].for_s for n in names}
    if off:
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            CONFIGURED,
            f"live rules hold for {off} s, not {bound_s:g} s",
            measured,
            bound_s,
        )
    return Verdict(
        claim.id, Outcome.PROVEN, CONFIGURED, f"live rules {names} hold for {bound_s:g} s", measured, bound_s
    )

"""Monitoring claims against the running Prometheus: retention, intervals, and how soon an alert can fire.

Durations are compared in seconds through checks/compare.py; a claim without a time unit, or without a
comparator, cannot be compared and is ERROR (never read as seconds, never as `==`). Retention and intervals
come from the server's flags and configuration, alert rules from its rule API: each part carries its own
origin, since a target may have set either up from the documents."""

from __future__ import annotations

from typing import Any

from checks.compare import holds
from checks.evaluate.declared import alerting
from checks.evaluate.sourced import attributed
from checks.evidence.monitoring import MonitoringSettings
from checks.evidence.prometheus import PrometheusSettings
from checks.ledger import Claim
from checks.units import UnitError, to_seconds
from checks.verdicts import (
    EvidenceLevel,
    Outcome,
    Verdict,
    disproven,
    error,
    inconclusive,
    not_applicable,
    proven,
)

CONFIGURED = EvidenceLevel.CONFIGURED


def claimed_seconds(claim: Claim) -> float:
    """The claim's bound in seconds; ValueError/UnitError when it is not a number with a time unit."""
    if claim.unit is None:
        raise UnitError(f"{claim.id}: the bound {claim.bound!r} has no unit")
    return to_seconds(claim.bound_number, claim.unit)


def _compared(claim: Claim, measured_s: float, what: str) -> Verdict:
    try:
        bound_s = claimed_seconds(claim)
    except (ValueError, UnitError) as exc:
        return error(claim.id, f"cannot compare {what} with {claim.bound_text()!r}: {exc}")
    if claim.comparator is None:
        return error(claim.id, f"the claim gives {claim.bound_text()!r} without a comparator")
    why = f"{what} is {measured_s:g} s; claimed {claim.bound_text()} ({bound_s:g} s)"
    verdict = proven if holds(measured_s, claim.comparator, bound_s) else disproven
    return verdict(claim.id, CONFIGURED, why, measured=measured_s, bound=bound_s)


def retention_as_claimed(ev: MonitoringSettings, claim: Claim) -> Verdict:
    """The server's TSDB retention flag against a retention claim."""
    settings = ev.settings
    if ev.retention_s is None:
        return error(claim.id, f"{settings.url} reports no retention duration ({settings.retention!r})")
    return attributed(
        _compared(claim, ev.retention_s, f"{settings.url} retention ({settings.retention})"), ev.flags
    )


def _interval(settings: PrometheusSettings, claim: Claim, job: str | None) -> Verdict:
    if claim.metric == "evaluation_interval":
        return _compared(claim, settings.evaluation_interval_s, "the global evaluation interval")
    if job is None:
        return _compared(claim, settings.scrape_interval_s, "the global scrape interval")
    if job not in settings.job_scrape_s:
        why = f"{settings.url} has no scrape job {job!r} (jobs: {sorted(settings.job_scrape_s)})"
        return disproven(claim.id, CONFIGURED, why, bound=claim.bound_text())
    return _compared(claim, settings.job_scrape_s[job], f"job {job!r} scrape interval")


def interval_as_claimed(ev: MonitoringSettings, claim: Claim, job: str | None) -> Verdict:
    """A global scrape/evaluation interval, or one job's scrape interval, against the claim."""
    return attributed(_interval(ev.settings, claim, job), ev.flags)


def _live_rules(settings: PrometheusSettings) -> list[alerting.AlertRule]:
    return [
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


def _floor(settings: PrometheusSettings, claim: Claim) -> Verdict:
    if not (rules := _live_rules(settings)):
        why = f"{settings.url} has no alerting rule: nothing can alert"
        return disproven(claim.id, CONFIGURED, why, bound=claim.bound_text())
    scrape = max(settings.job_scrape_s.values(), default=settings.scrape_interval_s)
    if (found := alerting.judge(claim, rules, scrape)) is None:
        seen = ", ".join(f"{r.name} (severity {r.severity or 'none'})" for r in rules)
        severities = "/".join(sorted(alerting.CRITICAL_SEVERITIES))
        why = f"none of the live rules ({seen}) is of a critical severity ({severities})"
        return inconclusive(claim.id, CONFIGURED, why, bound=claim.bound_text())
    kw: dict[str, Any] = {"measured": found.measured, "bound": found.bound, "evidence": found.evidence}
    if found.outcome is Outcome.DISPROVEN:
        return disproven(claim.id, CONFIGURED, f"live rules: {found.reason}", **kw)
    why = f"live rules allow it ({found.reason}); proving it needs an alert drill that measures the time to"
    why += " firing"
    return inconclusive(claim.id, CONFIGURED, why, **kw)


def alert_latency_floor(ev: MonitoringSettings, claim: Claim) -> Verdict:
    """The live rules' earliest firing time against an 'alert within X' claim (same model as declared)."""
    return attributed(_floor(ev.settings, claim), ev.rules)


def _rules_hold(settings: PrometheusSettings, claim: Claim, names: list[str]) -> Verdict:
    live = {r.name: r for r in settings.rules}
    missing = [n for n in names if n not in live]
    if not names or missing:
        return not_applicable(
            claim.id,
            f"the target's Prometheus has no rule named {missing or names} "
            f"(its rules: {sorted(live)}); bind the equivalent rules to judge it",
        )
    try:
        bound_s = claimed_seconds(claim)
    except (ValueError, UnitError) as exc:
        return error(claim.id, f"cannot compare rule durations with {claim.bound_text()!r}: {exc}")
    if claim.comparator is None:
        return error(claim.id, f"the claim gives {claim.bound_text()!r} without a comparator")
    measured = {n: live[n].for_s for n in names}
    if off := {n: s for n, s in measured.items() if not holds(s, claim.comparator, bound_s)}:
        return disproven(
            claim.id,
            CONFIGURED,
            f"live rules hold for {off} s, not {bound_s:g} s",
            measured=measured,
            bound=bound_s,
        )
    return proven(
        claim.id, CONFIGURED, f"live rules {names} hold for {bound_s:g} s", measured=measured, bound=bound_s
    )


def rules_hold_for(ev: MonitoringSettings, claim: Claim, names: list[str]) -> Verdict:
    """The live rules named by the claim hold their condition for the claimed duration before firing."""
    return attributed(_rules_hold(ev.settings, claim, names), ev.rules)


PROMETHEUS_METRICS = {"retention", "scrape_interval", "evaluation_interval"}


def config_unmeasurable(claim: Claim) -> Verdict | None:
    """A monitoring.config claim about something the server's settings do not show (dashboards, escalation,
    another component's retention)."""
    component = (claim.scope.component or "prometheus").lower()
    numeric = isinstance(claim.bound, int | float)
    if (
        claim.metric not in PROMETHEUS_METRICS
        or not numeric
        or ("prometheus" not in component and claim.metric == "retention")
    ):
        return not_applicable(
            claim.id,
            f"claimcheck reads Prometheus retention and intervals; '{claim.metric}' of '{component}' is not "
            "exposed by this target",
            bound=claim.bound_text(),
        )
    return None


def config_as_claimed(ev: MonitoringSettings, claim: Claim, job: str | None) -> Verdict:
    """Retention, or a global or per-job interval (the job only when the claim names a component, whose
    scrape job a binding must name)."""
    if claim.metric == "retention":
        return retention_as_claimed(ev, claim)
    if claim.scope.component and job is None:
        why = f"no binding names the scrape job of '{claim.scope.component}' (bindings.{claim.id}.job)"
        return not_applicable(claim.id, why, bound=claim.bound_text())
    return interval_as_claimed(ev, claim, job if claim.scope.component else None)


def alerting_as_claimed(ev: MonitoringSettings, claim: Claim, rules: tuple[str, ...]) -> Verdict:
    """How long the named rules hold before firing (alert_for_duration), else the earliest alert possible."""
    if claim.metric == "alert_for_duration":
        return rules_hold_for(ev, claim, list(rules))
    return alert_latency_floor(ev, claim)

"""PromQL semantics: alert rules that do not compute what their names and descriptions say.

Detected, per rule (with its name and line):
- absolute rate read as a ratio: rate()/increase() of a counter compared with a fraction (0.01) or described
  as a percentage, with no division: it is events per second, not a share of requests;
- CPU seconds read as percent: rate(container_cpu_usage_seconds_total) is cores in use (0.8 = 0.8 cores),
  not a fraction of the limit;
- quantile label on a histogram-style metric: `{quantile="0.95"}` exists only on Summaries; a Histogram needs
  histogram_quantile() over `_bucket` (definite when the metric's type is known, a suspicion otherwise);
- a division by container_spec_memory_limit_bytes: containers without a limit report 0, x/0 = +Inf.
A finding DISPROVES a claim that cites the rule itself; for broader monitoring claims it is reported as
INCONCLUSIVE context.

Params read:
| param | meaning |
| --- | --- |
| `rule`, `rules` | the alert(s) the claim is about (else the rules whose lines its sources cover) |
| `config_block` | `file:start-end` restricting `rule`/`rules` to one rule file |
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from checks.collect.documents import ConfigObject
from checks.evaluate.declared.alerting import AlertRule, alert_rules, prometheus_for
from checks.evaluate.declared.common import DeclaredConfig, finding, referenced
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "promql"
RATE_OF_COUNTER = re.compile(r"\b(?:rate|irate|increase)\(\s*([a-zA-Z_:][\w:]*)")
COMPARISON = re.compile(r"(?<![=!<>])(>=|<=|>|<)\s*([0-9.]+)\s*$")
QUANTILE = re.compile(r"([a-zA-Z_:][\w:]*)\{[^}]*quantile\s*=")
TIMING_METRICS = ("alert_for_duration", "alert_latency", "detection_latency")
PERCENT_WORDS = ("percent", "%", "ratio", "humanizepercentage", "percentage")


@dataclass(frozen=True)
class RuleProblem:
    """One semantic problem of one rule, with a concrete case showing it."""

    rule: str
    cite: str
    kind: str
    explanation: str
    definite: bool = True


def rule_problems(
    rule: AlertRule,
    cpu_limits: Mapping[str, str] | None = None,
    metric_types: Mapping[str, str] | None = None,
) -> list[RuleProblem]:
    """Every semantic problem found in one alert rule's expression."""
    checks = (
        _absolute_rate(rule),
        _cpu_as_percent(rule, cpu_limits or {}),
        _quantile_on_histogram(rule, metric_types or {}),
        _unlimited_division(rule),
    )
    return [p for p in checks if p is not None]


def _threshold(expr: str) -> float | None:
    match = COMPARISON.search(expr.strip())
    return float(match.group(2)) if match else None


def _absolute_rate(rule: AlertRule) -> RuleProblem | None:
    counter = RATE_OF_COUNTER.search(rule.expr)
    threshold = _threshold(rule.expr)
    if (
        not counter
        or not counter.group(1).endswith(("_total", "_count"))
        or "cpu_usage_seconds" in counter.group(1)
    ):
        return None
    if "/" in rule.expr or "histogram_quantile" in rule.expr or threshold is None:
        return None
    worded = any(w in rule.description.lower() for w in PERCENT_WORDS)
    if threshold >= 1 and not worded:
        return None
    name = counter.group(1)
    why = (
        f"`{rule.expr}` compares {name} per second with {threshold:g} ({threshold * 60:g} a minute), not a "
        f"share of requests: at 1,000 req/s with 0.1% errors (1/s) it fires, at 0.5 req/s with 1.9% errors "
        f"(0.0095/s) it stays silent; a ratio divides by sum(rate(<all requests>[5m]))"
    )
    return RuleProblem(rule.name, rule.cite, "absolute_rate_as_ratio", why)


def _cpu_as_percent(rule: AlertRule, cpu_limits: Mapping[str, str]) -> RuleProblem | None:
    if "container_cpu_usage_seconds_total" not in rule.expr or "/" in rule.expr:
        return None
    threshold = _threshold(rule.expr)
    if threshold is None:
        return None
    limits = ", ".join(
        f"{name} limit {cpu} = {threshold / _cores(cpu):.0%} of it"
        for name, cpu in cpu_limits.items()
        if _cores(cpu)
    )
    why = (
        f"`{rule.expr}` is CPU cores in use, not a percentage: it fires at {threshold:g} cores whatever the "
        f"limit" + (f" ({limits})" if limits else "") + "; a share needs a division by the CPU limit"
    )
    return RuleProblem(rule.name, rule.cite, "cpu_seconds_as_percent", why)


def _quantile_on_histogram(rule: AlertRule, metric_types: Mapping[str, str]) -> RuleProblem | None:
    match = QUANTILE.search(rule.expr)
    if not match or match.group(1).endswith("_bucket"):
        return None
    metric = match.group(1)
    kind = metric_types.get(metric)
    if kind == "summary":
        return None
    known = kind == "histogram"
    why = (
        f"`{metric}{{quantile=...}}` exists only if {metric} is a Summary"
        + (
            " and it is a Histogram: the selector matches no series, the alert can never fire"
            if known
            else "; if it is a Histogram (the usual, aggregatable choice) the selector matches no series "
            "and the alert never fires"
        )
        + f"; a histogram needs histogram_quantile(0.95, sum by (le) (rate({metric}_bucket[5m])))"
    )
    return RuleProblem(rule.name, rule.cite, "quantile_on_histogram", why, definite=known)


def _unlimited_division(rule: AlertRule) -> RuleProblem | None:
    if "/ container_spec_memory_limit_bytes" not in rule.expr.replace("  ", " "):
        return None
    why = (
        "containers without a memory limit report container_spec_memory_limit_bytes 0, so usage / 0 = +Inf "
        "and the alert fires for every unlimited container; container_memory_usage_bytes also counts page "
        "cache (the OOM killer looks at container_memory_working_set_bytes)"
    )
    return RuleProblem(rule.name, rule.cite, "division_by_unset_limit", why, definite=False)


def _cores(cpu: str) -> float:
    text = str(cpu)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def declared_cpu_limits(config: DeclaredConfig, system: str | None) -> dict[str, str]:
    """Container name -> CPU limit, over the system's declared Deployments."""
    out = {}
    for deployment in config.objects("Deployment", system):
        spec = ((deployment.body.get("spec") or {}).get("template") or {}).get("spec") or {}
        for container in spec.get("containers") or []:
            cpu = ((container.get("resources") or {}).get("limits") or {}).get("cpu")
            if cpu:
                out[str(container.get("name"))] = str(cpu)
    return out


def analyze(
    claims: Sequence[Claim], config: DeclaredConfig, metric_types: Mapping[str, str] | None = None
) -> list[Verdict]:
    """Rule problems, attached to the claims about those rules (params.rule/rules, or citing their lines)."""
    out: list[Verdict] = []
    for claim in claims:
        if claim.is_waived:
            continue
        for rules in config.objects("PrometheusRules", claim.system):
            parsed = alert_rules(rules, prometheus_for(rules, config, claim.system))
            mine = [r for r in parsed if _about(claim, rules, r)]
            limits = declared_cpu_limits(config, claim.system)
            out.extend(_finding(claim, p) for r in mine for p in rule_problems(r, limits, metric_types))
    return out


def _about(claim: Claim, rules: ConfigObject, rule: AlertRule) -> bool:
    named = claim.params.get("rules") or ([claim.params["rule"]] if claim.params.get("rule") else [])
    if named:
        return rule.name in named and _in_scope(claim, rules)
    line = rules.find_line(f"alert: {rule.name}")
    return line is not None and any(
        s.file == rules.file and s.line <= line <= (s.end_line or s.line) for s in claim.sources
    )


def _in_scope(claim: Claim, rules: ConfigObject) -> bool:
    ref = referenced(claim)
    return ref is None or rules.overlaps(*ref)


def _finding(claim: Claim, problem: RuleProblem) -> Verdict:
    about_semantics = claim.metric not in TIMING_METRICS
    outcome = Outcome.DISPROVEN if problem.definite and about_semantics else Outcome.INCONCLUSIVE
    reason = f"rule {problem.rule} ({problem.cite}): {problem.explanation}"
    return finding(
        claim,
        outcome,
        NAME,
        reason,
        other=[problem.cite],
        rule=problem.rule,
        problem=problem.kind,
        definite=problem.definite,
    )

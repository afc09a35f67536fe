"""Alerting latency floor: how soon a declared Prometheus alert can fire after its condition starts.

Model (Prometheus rule evaluation): a rule group is evaluated every `interval` (the group's, else
`global.evaluation_interval`, default 1m). An alert whose expression is true becomes pending at that
evaluation and fires at the first evaluation at least `for` later, i.e. ceil(for / interval) evaluations on.
- Floor (best alignment: the condition is scraped at once and evaluated at once): ceil(for/eval) * eval.
  No alignment can do better, so an "alert within X" claim with X at or below the floor of every relevant
  rule is DISPROVEN.
- Typical worst case: one scrape interval (the largest declared) + one evaluation interval + the floor.
  Alertmanager's group_wait (default 30 s) adds to notifications and is not counted.
Relevant rules: those of a critical severity (`critical`, or a paging one: `page`, `p1`, `sev1`, `emergency`)
when the claim speaks of critical issues, else all rules.
Rules declared in the claim's own document are used when there are any; rules of another document of the same
system make a conflict (INCONCLUSIVE), unless `config_document` names that document.

Params read:
| param | meaning |
| --- | --- |
| `config_block` | `file:start-end` of the rule file the claim is about (else every rule file of the system) |
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checks.collect.documents import ConfigObject
from checks.evaluate.declared.common import (
    DeclaredConfig,
    finding,
    fmt,
    linked,
    number,
    prom_seconds,
    seconds,
    text_of,
)
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "alerting"
PROMETHEUS_DEFAULT_S = 60.0
METRICS = ("alert_latency", "detection_latency")


@dataclass(frozen=True)
class AlertRule:
    """One alerting rule with where it is declared and the interval its group is evaluated at."""

    name: str
    expr: str
    for_s: float
    eval_s: float
    severity: str
    cite: str
    description: str = ""

    @property
    def floor_s(self) -> float:
        return math.ceil(self.for_s / self.eval_s) * self.eval_s if self.for_s else 0.0


def alert_rules(rules: ConfigObject, prometheus: ConfigObject | None) -> list[AlertRule]:
    """Every alerting rule of a rules object, with the evaluation interval that applies to its group."""
    glob = (prometheus.body.get("global") or {}) if prometheus else {}
    default_eval = prom_seconds(glob.get("evaluation_interval"), PROMETHEUS_DEFAULT_S)
    out = []
    for group in rules.body.get("groups") or []:
        eval_s = prom_seconds(group.get("interval"), default_eval)
        for rule in group.get("rules") or []:
            if "alert" not in rule:
                continue
            name = str(rule["alert"])
            annotations = rule.get("annotations") or {}
            out.append(
                AlertRule(
                    name,
                    str(rule.get("expr", "")),
                    prom_seconds(rule.get("for"), 0.0),
                    eval_s,
                    str((rule.get("labels") or {}).get("severity", "")),
                    rules.cite_of(f"alert: {name}"),
                    str(annotations.get("description", "")),
                )
            )
    return out


def largest_scrape_s(prometheus: ConfigObject | None) -> float:
    """The largest scrape interval any job of a Prometheus configuration uses."""
    if prometheus is None:
        return PROMETHEUS_DEFAULT_S
    default = prom_seconds((prometheus.body.get("global") or {}).get("scrape_interval"), PROMETHEUS_DEFAULT_S)
    jobs = prometheus.body.get("scrape_configs") or []
    return max([default, *(prom_seconds(j.get("scrape_interval"), default) for j in jobs)])


def prometheus_for(rules: ConfigObject, config: DeclaredConfig, system: str | None) -> ConfigObject | None:
    """The Prometheus configuration that loads a rules object (by rule_files name, else same file)."""
    candidates = config.objects("PrometheusConfig", system)
    short = rules.name.rsplit("/", 1)[-1]
    named = [
        p for p in candidates if any(str(f).endswith(short) for f in p.body.get("rule_files") or [] if short)
    ]
    same_file = [p for p in candidates if p.file == rules.file]
    found = named or same_file
    return found[0] if found else None


def analyze(claims: Sequence[Claim], config: DeclaredConfig) -> list[Verdict]:
    """Alert/detection latency claims against the floor of the system's declared alert rules."""
    out = []
    for claim in claims:
        if claim.is_waived or not (claim.metric in METRICS or claim.check == "monitoring.alerting"):
            continue
        objects, _ = linked(claim, config.objects("PrometheusRules", claim.system))
        rules = [
            (r, prometheus_for(o, config, claim.system))
            for o in objects
            for r in alert_rules(o, prometheus_for(o, config, claim.system))
        ]
        verdict = judge(
            claim, [r for r, _ in rules], max((largest_scrape_s(p) for _, p in rules), default=0.0)
        )
        if verdict is not None:
            out.append(verdict)
    return out


CRITICAL_SEVERITIES = frozenset({"critical", "page", "p1", "sev1", "emergency"})


def judge(claim: Claim, rules: Sequence[AlertRule], scrape_s: float) -> Verdict | None:
    """One claim against declared rules: DISPROVEN when even the fastest relevant rule is too slow."""
    critical = "critical" in text_of(claim)
    relevant = [r for r in rules if r.severity.lower() in CRITICAL_SEVERITIES] if critical else list(rules)
    bound_s, stated_s = claimed_seconds(claim)
    limit = min((v for v in (bound_s, stated_s) if v is not None), default=None)
    if not relevant or limit is None:
        return None
    fastest = min(relevant, key=lambda r: r.floor_s)
    worst = scrape_s + fastest.eval_s + fastest.floor_s
    which = "critical rule" if critical else "rule"
    why = (
        f"the fastest declared {which} ({fastest.name}, for: {fmt(fastest.for_s)} s at a "
        f"{fmt(fastest.eval_s)} s evaluation interval, {fastest.cite}) fires no earlier than "
        f"{fmt(fastest.floor_s)} s after the condition starts, typically up to {fmt(worst)} s "
        f"(+{fmt(scrape_s)} s scrape, +{fmt(fastest.eval_s)} s evaluation)"
    )
    inputs: dict[str, Any] = {
        "rules": [
            {
                "name": r.name,
                "for_s": r.for_s,
                "eval_s": r.eval_s,
                "severity": r.severity,
                "floor_s": r.floor_s,
                "cite": r.cite,
            }
            for r in relevant
        ],
        "scrape_s": scrape_s,
        "claimed_s": limit,
    }
    cites = [r.cite for r in relevant]
    if too_slow(fastest.floor_s, claim.comparator, bound_s, stated_s):
        return finding(
            claim,
            Outcome.DISPROVEN,
            NAME,
            f"{why}; the claim allows {fmt(limit)} s",
            other=cites,
            measured=fastest.floor_s,
            **inputs,
        )
    return finding(
        claim,
        Outcome.INCONCLUSIVE,
        NAME,
        f"declared config allows it ({why}); needs observation",
        other=cites,
        measured=fastest.floor_s,
        **inputs,
    )


def claimed_seconds(claim: Claim) -> tuple[float | None, float | None]:
    """The claim's upper bound (< or <=) and its stated value, in seconds (None where absent)."""
    bound = number(claim.bound) if claim.comparator in ("<", "<=") else None
    stated = number(claim.stated_value)
    return (
        seconds(bound, claim.unit) if bound is not None else None,
        seconds(stated, claim.unit) if stated is not None else None,
    )


def too_slow(floor: float, comparator: str | None, bound_s: float | None, stated_s: float | None) -> bool:
    """Whether a floor breaks the bound (strictly for '<') or exceeds the stated achievement."""
    if bound_s is not None and (floor >= bound_s if comparator == "<" else floor > bound_s):
        return True
    return stated_s is not None and floor > stated_s

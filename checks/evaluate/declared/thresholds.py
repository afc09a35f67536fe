"""A result stated on one line against an alert threshold stated on another, in the same document.

An alert threshold says which values its authors hold abnormal: a rule that fires when the p95 response time
exceeds 100 ms (HighResponseTime, `> 0.1` s) declares p95 > 100 ms an alert state. A result the same document
reports for the same statistic and route class past that threshold (p95 142 ms) means its own monitoring
would be alerting in the state it reports as normal. Both lines cannot describe a healthy system, but neither
claim is false on its own (the rule exists; the result may be measured), so the finding is INCONCLUSIVE on
both sides, both cited; it is kept in verdicts.json with the arithmetic. (A stated result against a target
bound on another line is consistency.py's "a value breaking another claim's bound".)

An alert threshold is a claim with metric `alert_threshold`, a numeric `bound` and `unit`, and a scope
(statistic, route_class, component) saying what it watches. A result is a claim with a numeric
`stated_value` in a unit of the same dimension (durations, or %), the same statistic, and no conflicting
route_class or component.

Params read:
| param | on | meaning |
| --- | --- | --- |
| `alert_when` | alert threshold | the comparison that fires the alert: `>` (default), `>=`, `<`, `<=` |
| `watches` | alert threshold | the result metric(s) it watches; without it only percentile results match |
| `rule` | alert threshold | the alert's name, shown in the reason |
"""

from __future__ import annotations

from collections.abc import Sequence

from checks.evaluate.declared.common import DURATION_S, finding, fmt, holds, number, source_files, stated_at
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "thresholds"
ALERT_METRIC = "alert_threshold"


def _base(value: float, unit: str | None) -> tuple[float, str] | None:
    if unit in DURATION_S:
        return value * DURATION_S[unit] * 1000, "ms"
    if unit == "%":
        return value, "%"
    return None


def _watches(alert: Claim, result: Claim) -> bool:
    a, r = alert.scope, result.scope
    named = alert.params.get("watches")
    metrics = [str(m) for m in named] if isinstance(named, list | tuple) else [str(named)] if named else []
    if metrics and result.metric not in metrics:
        return False
    if not metrics and not (a.statistic or "").startswith("p"):
        return False  # without `watches`, only a percentile says what is timed
    return (
        a.statistic is not None
        and a.statistic == r.statistic
        and (a.route_class is None or r.route_class in (None, a.route_class))
        and (a.component is None or r.component in (None, a.component))
    )


def analyze(claims: Sequence[Claim]) -> list[Verdict]:
    """Results past an alert threshold of the same document."""
    live = [c for c in claims if not c.is_waived]
    alerts = [c for c in live if c.metric == ALERT_METRIC and number(c.bound) is not None]
    out: list[Verdict] = []
    for alert in alerts:
        threshold = _base(number(alert.bound) or 0.0, alert.unit)
        when = str(alert.params.get("alert_when", ">"))
        for result in live:
            stated = number(result.stated_value)
            if (
                result is alert
                or result.metric == ALERT_METRIC
                or stated is None
                or threshold is None
                or result.system != alert.system
                or not (source_files(result) & source_files(alert))
                or not _watches(alert, result)
            ):
                continue
            value = _base(stated, result.unit)
            if value is None or value[1] != threshold[1] or not holds(value[0], when, threshold[0]):
                continue
            out.extend(_both(alert, result, value[0], threshold[0], threshold[1], when))
    return out


def _both(alert: Claim, result: Claim, value: float, threshold: float, unit: str, when: str) -> list[Verdict]:
    rule = str(alert.params.get("rule") or alert.id)
    statistic = alert.scope.statistic
    said, alerted = ", ".join(stated_at(result)), ", ".join(stated_at(alert))
    why = (
        f"the document's own {statistic} of {fmt(value)} {unit} ({result.id}, {said}) is "
        f"past the alert threshold {rule} fires at ({statistic} {when} {fmt(threshold)} {unit}, "
        f"{alerted}): by its own monitoring, the state it reports is an alert state; the two "
        f"cannot both describe normal operation"
    )
    inputs = {"value": value, "threshold": threshold, "unit": unit, "alert_when": when, "rule": rule}
    return [
        finding(alert, Outcome.INCONCLUSIVE, NAME, why, other=stated_at(result), measured=value, **inputs),
        finding(result, Outcome.INCONCLUSIVE, NAME, why, other=stated_at(alert), measured=value, **inputs),
    ]

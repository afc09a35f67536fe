"""Autoscaling feasibility: the fastest a declared HorizontalPodAutoscaler can go from N to M replicas.

Model of the controller (kube-controller-manager, pkg/controller/podautoscaler/horizontal.go, autoscaling/v2):
- The HPA is reconciled every sync period (`--horizontal-pod-autoscaler-sync-period`, default 15 s). Each
  reconcile computes a desired count from the metrics and records it as a timestamped recommendation.
- Scale-up stabilization (`stabilizeRecommendationWithBehaviors`): the count used is the *minimum* of every
  recommendation newer than now - stabilizationWindowSeconds (strictly newer), including the current one.
  Recommendations made before the load keep the old count until they leave the window.
- Rate policies (`calculateScaleUpLimitWithScalingRules`): for each policy, periodStart = current - replicas
  added by scale-up events strictly newer than now - periodSeconds; Pods allows periodStart + value, Percent
  allows ceil(periodStart * (1 + value/100)); selectPolicy Max takes the largest allowance, Min the smallest,
  Disabled allows no scale-up. The result is capped by maxReplicas.
- Defaults when `behavior.scaleUp` (or a field of it) is absent: window 0 s, policies Pods 4 / 15 s and
  Percent 100 / 15 s, selectPolicy Max.
Params read:
| param | meaning |
| --- | --- |
| `config_block` | `file:start-end` of the HPA the claim is about (else the only one, for scale_up_time) |
| `from_replicas` | the replica count scaling starts from (default: the HPA's minReplicas) |
| `to_replicas` | the replica count the claim says it reaches ("up to N pods") |

The floor is the best case for the claim: the metric shows the full load at the first reconcile after the load
starts (t = 0, with the previous reconcile at -sync) and every recommendation asks for at least M. Metric
pipeline delays (metrics-server resolution), pod start-up and readiness only add to it. The floor is what the
HPA controller allows, so a bound below it is DISPROVEN; a bound above it is left to observation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checks.collect.documents import ConfigObject
from checks.evaluate.declared.alerting import claimed_seconds, too_slow
from checks.evaluate.declared.common import DeclaredConfig, finding, fmt, linked, number
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "autoscaling"
DEFAULT_SYNC_S = 15
DEFAULT_POLICIES = (("Pods", 4, 15), ("Percent", 100, 15))
HORIZON_S = 86400


@dataclass(frozen=True)
class ScaleUpRules:
    """The effective scale-up behaviour of one HPA (defaults applied)."""

    window_s: int
    policies: tuple[tuple[str, int, int], ...]  # (type, value, periodSeconds)
    select: str

    def describe(self) -> str:
        unit = {"Pods": "pods", "Percent": "%"}
        parts = [f"{v} {unit.get(t, t)} per {p} s" for t, v, p in self.policies]
        joined = " or ".join(parts) if self.select != "Min" else " and ".join(parts)
        return f"at most {joined}" + (" (the larger)" if len(parts) > 1 and self.select == "Max" else "")


@dataclass(frozen=True)
class ScalePlan:
    """The fastest replica trajectory: (seconds after the first reconcile, replicas) per step."""

    steps: tuple[tuple[int, int], ...]
    reached_s: int | None


def scale_up_rules(spec: Mapping[str, Any]) -> ScaleUpRules:
    """The HPA's scale-up rules with the API defaults for anything not declared."""
    up = ((spec.get("behavior") or {}).get("scaleUp")) or {}
    raw = up.get("policies")
    policies = (
        tuple((str(p["type"]), int(p["value"]), int(p["periodSeconds"])) for p in raw)
        if raw
        else (DEFAULT_POLICIES)
    )
    return ScaleUpRules(
        int(up.get("stabilizationWindowSeconds") or 0), policies, str(up.get("selectPolicy", "Max"))
    )


def fastest_scale_up(
    rules: ScaleUpRules, start: int, target: int, max_replicas: int, sync_s: int = DEFAULT_SYNC_S
) -> ScalePlan:
    """Simulate the controller reconcile by reconcile; `reached_s` None when `target` is never reached."""
    recommendations = [(-sync_s * k, start) for k in range(1, rules.window_s // max(sync_s, 1) + 2)]
    events: list[tuple[int, int]] = []
    steps: list[tuple[int, int]] = []
    current, goal = start, min(target, max_replicas)
    for t in range(0, HORIZON_S, sync_s):
        stabilized = min([target, *(v for ts, v in recommendations if ts > t - rules.window_s)])
        recommendations.append((t, target))
        allowed = _limit(rules, current, events, t)
        new = min(max(current, stabilized), allowed, max_replicas)
        if new > current:
            events.append((t, new - current))
            steps.append((t, new))
            current = new
        if current >= goal:
            return ScalePlan(tuple(steps), t if current >= target else None)
        if rules.select == "Disabled":
            break
    return ScalePlan(tuple(steps), None)


def _limit(rules: ScaleUpRules, current: int, events: list[tuple[int, int]], now: int) -> int:
    if rules.select == "Disabled":
        return current
    proposals = []
    for kind, value, period in rules.policies:
        start = current - sum(n for ts, n in events if ts > now - period)
        proposals.append(start + value if kind == "Pods" else math.ceil(start * (1 + value / 100)))
    return min(proposals) if rules.select == "Min" else max(proposals)


def explain(rules: ScaleUpRules, plan: ScalePlan, start: int, sync_s: int) -> str:
    """The arithmetic of a plan in words: 'needs >= 105 s: ...'."""
    steps = ", ".join(
        f"{a}->{b} at {t} s"
        for (t, b), a in zip(plan.steps, [start, *(b for _, b in plan.steps)], strict=False)
    )
    first = plan.steps[0][0] if plan.steps else 0
    stab = (
        f"scale-up stabilization {rules.window_s} s keeps the pre-load recommendation ({start}, made one "
        f"{sync_s} s sync period before the load is seen) until {first} s, then "
        if rules.window_s
        else ""
    )
    return f"needs >= {plan.reached_s} s: {stab}{rules.describe()} ({steps})"


BOUND_METRICS = {"hpa_max_replicas": "maxReplicas", "hpa_min_replicas": "minReplicas"}


def analyze(claims: Sequence[Claim], config: DeclaredConfig) -> list[Verdict]:
    """Scaling claims judged against the HPA they concern (linked by params.config_block, or the only one).

    - `to_replicas` ("up to N pods", with or without `from_replicas`): N above maxReplicas is DISPROVEN;
      with a time bound (metric scale_up_time) the fastest scale-up from `from_replicas` (default: the HPA's
      minReplicas) is simulated.
    - metric hpa_max_replicas / hpa_min_replicas with `==`: a different value in the HPA is DISPROVEN.
    """
    out: list[Verdict] = []
    for claim in claims:
        if claim.is_waived:
            continue
        hpas, explicit = linked(claim, config.objects("HorizontalPodAutoscaler", claim.system))
        if len(hpas) != 1:
            continue
        hpa = hpas[0]
        spec = hpa.body.get("spec") or {}
        start, target = number(claim.params.get("from_replicas")), number(claim.params.get("to_replicas"))
        if target is not None and (explicit or claim.metric == "scale_up_time"):
            first = int(start) if start is not None else int(spec.get("minReplicas", 1))
            out.extend(judge(claim, hpa, first, int(target)))
        elif explicit and claim.metric in BOUND_METRICS and claim.comparator == "==":
            verdict = _declared_bound(claim, hpa, BOUND_METRICS[claim.metric])
            if verdict is not None:
                out.append(verdict)
    return out


def _declared_bound(claim: Claim, hpa: ConfigObject, field: str) -> Verdict | None:
    stated, declared = number(claim.bound), number((hpa.body.get("spec") or {}).get(field))
    if stated is None or declared is None:
        return None
    cite = hpa.cite_of(f"{field}:")
    same = stated == declared
    why = f"{hpa.name} declares {field} {fmt(declared)} ({cite})" + (
        ", as claimed; needs the live HPA" if same else f", not the {fmt(stated)} claimed"
    )
    outcome = Outcome.INCONCLUSIVE if same else Outcome.DISPROVEN
    return finding(claim, outcome, NAME, why, other=[cite], measured=declared, hpa=hpa.name, field=field)


def judge(
    claim: Claim, hpa: ConfigObject, start: int, target: int, sync_s: int = DEFAULT_SYNC_S
) -> list[Verdict]:
    """Bounds and time-to-scale findings for one claim against one HPA."""
    spec = hpa.body.get("spec") or {}
    low, high = int(spec.get("minReplicas", 1)), int(spec["maxReplicas"])
    inputs = {"hpa": hpa.name, "min_replicas": low, "max_replicas": high, "from": start, "to": target}
    if target > high:
        why = f"{hpa.name} allows at most maxReplicas {high} ({hpa.cite_of('maxReplicas')}), below {target}"
        return [finding(claim, Outcome.DISPROVEN, NAME, why, other=[hpa.cite], measured=high, **inputs)]
    out = []
    if claim.metric == "scale_up_time":
        out.append(_time_finding(claim, hpa, scale_up_rules(spec), start, target, sync_s, inputs))
    return out


def _time_finding(
    claim: Claim,
    hpa: ConfigObject,
    rules: ScaleUpRules,
    start: int,
    target: int,
    sync_s: int,
    inputs: dict[str, Any],
) -> Verdict:
    plan = fastest_scale_up(rules, start, target, int(inputs["max_replicas"]), sync_s)
    policy_only = fastest_scale_up(
        ScaleUpRules(0, rules.policies, rules.select), start, target, int(inputs["max_replicas"]), 1
    )
    inputs = {
        **inputs,
        "window_s": rules.window_s,
        "policies": [list(p) for p in rules.policies],
        "select_policy": rules.select,
        "sync_period_s": sync_s,
        "steps": [list(s) for s in plan.steps],
        "floor_s": plan.reached_s,
        "floor_any_sync_period_s": policy_only.reached_s,
    }
    cite = [hpa.cite]
    if plan.reached_s is None:
        why = f"{hpa.name} never reaches {target} replicas (selectPolicy {rules.select})"
        return finding(claim, Outcome.DISPROVEN, NAME, why, other=cite, **inputs)
    bound_s, stated_s = claimed_seconds(claim)
    why = f"{explain(rules, plan, start, sync_s)} with the default {sync_s} s HPA sync period"
    if too_slow(plan.reached_s, claim.comparator, bound_s, stated_s):
        claimed = fmt(min(v for v in (bound_s, stated_s) if v is not None))
        return finding(
            claim,
            Outcome.DISPROVEN,
            NAME,
            f"{why}; the claim allows {claimed} s",
            other=cite,
            measured=plan.reached_s,
            **inputs,
        )
    return finding(
        claim,
        Outcome.INCONCLUSIVE,
        NAME,
        f"declared config allows it ({why}); needs observation",
        other=cite,
        measured=plan.reached_s,
        **inputs,
    )

"""Error budgets: an availability target's allowed downtime per window against stated recovery times.

Budget = (1 - target) x window (the claim's scope.window, else 30 days): 99.99% over 30 d is 4.32 min.
- A recovery-time objective (rto, recovery_time, failover_time, restore_time) stated in the same document
  (for the same component, when both name one) longer than the budget means one incident at the full RTO
  exhausts the window's budget: reported as INCONCLUSIVE (the target survives only if such incidents are
  rarer than budget / RTO per window), never DISPROVEN, since an RTO is a maximum, not a frequency.
- Stated MTTR (metric mttr, or a mean recovery time) and MTBF imply availability MTBF / (MTBF + MTTR):
  below the target (or below a stated uptime) it is DISPROVEN: the document's own reliability figures
  cannot give its availability. Well above a stated uptime, the figures disagree the other way (they explain
  only part of the downtime): INCONCLUSIVE, with both numbers.
- Incidents the document reports (params on the availability claim: so many incidents of so long per window)
  are downtime: more than the budget is DISPROVEN (the target cannot hold over that window); within it, the
  share of the budget they use is reported (INCONCLUSIVE).

Params read (on the availability claim):
| param | meaning |
| --- | --- |
| `incidents` | the number of incidents reported per `incident_window` |
| `incident_duration` | how long each lasted (or their mean), in `incident_duration_unit` |
| `incident_duration_unit` | ms, s, min (default), h, d |
| `incident_window` | the window the count is per ("30d", "1y"); default `scope.window`, else 30d |
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checks.evaluate.declared.common import DURATION_S, finding, fmt, number, seconds, source_files, stated_at
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "error_budget"
DEFAULT_WINDOW = "30d"
UPTIME = ("uptime", "availability")
RECOVERY = ("rto", "recovery_time", "failover_time", "restore_time")


def window_minutes(window: str | None) -> float:
    """A window like "30d" / "1y" / "720h" in minutes."""
    text = (window or DEFAULT_WINDOW).strip()
    unit = text.lstrip("0123456789.")
    value = float(text[: len(text) - len(unit)] or 1)
    return value * DURATION_S[unit] / 60


def budget_minutes(target_percent: float, window: str | None) -> float:
    """Allowed downtime in minutes for an availability target over a window."""
    return (1 - target_percent / 100) * window_minutes(window)


def analyze(claims: Sequence[Claim]) -> list[Verdict]:
    """Budget findings for every availability target with recovery times or MTTR/MTBF beside it."""
    out = []
    for claim in claims:
        target = (
            number(claim.bound) if claim.metric in UPTIME and claim.comparator in (">=", ">", "==") else None
        )
        if claim.is_waived or target is None or claim.unit != "%":
            continue
        same = [
            c
            for c in claims
            if c.system == claim.system
            and c.id != claim.id
            and not c.is_waived
            and source_files(c) & source_files(claim)
        ]
        out.extend(_recoveries(claim, target, same))
        out.extend(v for v in (_mttr(claim, target, same), _incidents(claim, target)) if v is not None)
    return out


def _incidents(claim: Claim, target: float) -> Verdict | None:
    """Reported incidents (count x duration per window) against the budget of the claim's window."""
    count, duration = number(claim.params.get("incidents")), number(claim.params.get("incident_duration"))
    if count is None or duration is None:
        return None
    each = seconds(duration, str(claim.params.get("incident_duration_unit", "min")))
    if each is None:
        return None
    window = claim.scope.window or DEFAULT_WINDOW
    per = str(claim.params.get("incident_window") or window)
    downtime = count * each / 60 * window_minutes(window) / window_minutes(per)
    budget = budget_minutes(target, window)
    why = (
        f"{fmt(target)}% over {window} allows {budget:.2f} min of downtime; the reported {fmt(count)} "
        f"incident(s) of {fmt(duration)} {claim.params.get('incident_duration_unit', 'min')} per {per} are "
        f"{downtime:.2f} min per {window}"
    )
    inputs: dict[str, Any] = {
        "budget_min": round(budget, 3),
        "downtime_min": round(downtime, 3),
        "window": window,
    }
    if downtime > budget:
        return finding(
            claim,
            Outcome.DISPROVEN,
            NAME,
            f"{why}, more than the whole budget: the target cannot hold",
            measured=round(downtime, 3),
            **inputs,
        )
    share = f"{100 * downtime / budget:.0f}% of the budget" if budget else "no budget"
    return finding(
        claim,
        Outcome.INCONCLUSIVE,
        NAME,
        f"{why}, {share}; needs availability history",
        measured=round(downtime, 3),
        **inputs,
    )


def _recovery_minutes(claim: Claim) -> float | None:
    value = number(claim.bound) if claim.comparator in ("<", "<=", "==") else number(claim.stated_value)
    converted = seconds(value, claim.unit) if value is not None else None
    return None if converted is None else converted / 60


def _same_component(a: Claim, b: Claim) -> bool:
    return a.scope.component is None or b.scope.component is None or a.scope.component == b.scope.component


def _recoveries(claim: Claim, target: float, others: Sequence[Claim]) -> list[Verdict]:
    budget = budget_minutes(target, claim.scope.window)
    window = claim.scope.window or DEFAULT_WINDOW
    out = []
    for other in others:
        rto = _recovery_minutes(other) if other.metric in RECOVERY and _same_component(claim, other) else None
        if rto is None or rto <= budget:
            continue
        where = ", ".join(stated_at(other))
        why = (
            f"{fmt(target)}% over {window} allows {budget:.2f} min of downtime; one incident at the stated "
            f"{other.metric} of {fmt(rto)} min ({where}) exhausts it: the target holds only "
            f"with fewer than {budget / rto:.2f} such incidents per {window}; needs availability history"
        )
        out.append(
            finding(
                claim,
                Outcome.INCONCLUSIVE,
                NAME,
                why,
                other=stated_at(other),
                measured=round(budget, 3),
                budget_min=round(budget, 3),
                window=window,
                recovery_claim=other.id,
                recovery_min=rto,
            )
        )
    return out


def _mttr(claim: Claim, target: float, others: Sequence[Claim]) -> Verdict | None:
    def stated_minutes(metric: str) -> tuple[float, Claim] | None:
        for other in others:
            value = number(other.stated_value)
            named = other.metric == metric or (
                metric == "mttr" and other.metric in RECOVERY and other.scope.statistic == "mean"
            )
            converted = seconds(value, other.unit) if named and value is not None else None
            if converted is not None and _same_component(claim, other):
                return converted / 60, other
        return None

    mttr, mtbf = stated_minutes("mttr"), stated_minutes("mtbf")
    if mttr is None or mtbf is None:
        return None
    implied = 100 * mtbf[0] / (mtbf[0] + mttr[0])
    stated = number(claim.stated_value)
    floor = max(v for v in (target, stated) if v is not None)
    why = (
        f"MTBF {fmt(mtbf[0] / 60)} h and MTTR {fmt(mttr[0])} min imply {implied:.4f}% availability "
        f"(MTBF / (MTBF + MTTR))"
    )
    cites = [*stated_at(mttr[1]), *stated_at(mtbf[1])]
    outcome = Outcome.DISPROVEN if implied < floor else Outcome.INCONCLUSIVE
    unexplained = stated is not None and (100 - stated) > 2 * (100 - implied)
    if implied < floor:
        tail = f", below the {fmt(floor)}% claimed"
    elif unexplained and stated is not None:
        tail = (
            f", while the document states {fmt(stated)}%: {(100 - stated) / (100 - implied):.1f}x the "
            f"downtime those figures explain, so one of them is off (or downtime has other causes); needs "
            f"history"
        )
    else:
        tail = "; consistent with the claim, needs history"
    return finding(
        claim,
        outcome,
        NAME,
        why + tail,
        other=cites,
        measured=round(implied, 4),
        mttr_min=mttr[0],
        mtbf_min=mtbf[0],
    )

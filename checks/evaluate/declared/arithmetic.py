"""Arithmetic and units: a document's numbers checked against each other.

What it concludes:
- `params.parts` (+ `parts_unit`) summed and compared with the claim's comparator/bound, converting durations
  (stage minutes against a "<2 hours" total). Metrics named *_factor/*_ratio compare last/first instead.
- `stated_value` against the claim's own bound, strictly: "achieved 120 minutes, target <120 minutes" fails.
- `params.parts_low`/`parts_high` against a (low, high) bound, times `params.regions` against `params.global`;
  `params.clients`/`per_client` (an average); `params.ranges` (contiguous, covering the bound).
It never proves a claim about a running system: a sum that holds is PROVEN only for `declared.document`
claims; for any other claim it is kept as an INCONCLUSIVE finding (the document's numbers agree; whether the
system does needs observation), as is a stated value meeting its own bound.

Params read:
| param | meaning |
| --- | --- |
| `parts`, `parts_unit` | numbers the claim's total is the sum of (durations converted to the claim's unit) |
| `total` | the total the parts must add up to (e.g. 100 for shares in %), when it is not the claim's bound |
| `parts_low`, `parts_high` | low and high ends of items summed against a (low, high) bound |
| `regions`, `global` | a multiplier of that range and the stated product |
| `clients`, `per_client` | a stated average: sum(parts) / clients against per_client |
| `ranges` | [[a, b], ...]: contiguous ranges that must cover the bound |
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from checks.evaluate.declared.common import DURATION_S, claim_bound, finding, fmt, holds, number
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "arithmetic"
EPSILON = 1e-9


def analyze(claims: Sequence[Claim]) -> list[Verdict]:
    """Findings for every claim whose own numbers can be checked against each other."""
    out: list[Verdict] = []
    for claim in claims:
        if claim.is_waived:
            continue
        found = [
            f
            for f in (_parts(claim), _stated(claim), _low_high(claim), _average(claim), _ranges(claim))
            if f is not None
        ]
        if not found and claim.check == "declared.document":
            found.append(
                finding(
                    claim,
                    Outcome.INCONCLUSIVE,
                    NAME,
                    "no arithmetic possible: the claim carries no parts, stated value or ranges to "
                    "compare; a ledger `params` entry would let the document judge itself",
                    params=dict(claim.params),
                )
            )
        out.extend(found)
    return out


def _judged(claim: Claim, ok: bool, reason: str, **inputs: Any) -> Verdict:
    """DISPROVEN when the numbers disagree; PROVEN for a claim about the document; else INCONCLUSIVE: the
    document's numbers agree, the running system is for observation."""
    if not ok:
        return finding(claim, Outcome.DISPROVEN, NAME, reason, **inputs)
    if claim.check == "declared.document":
        return finding(claim, Outcome.PROVEN, NAME, reason, **inputs)
    why = f"{reason}: the document's numbers agree; whether the system does needs observation"
    return finding(claim, Outcome.INCONCLUSIVE, NAME, why, **inputs)


def _equal(a: float, b: float) -> bool:
    return abs(a - b) <= EPSILON * max(1.0, abs(a), abs(b))


def _compare(value: float, comparator: str | None, bound: float) -> bool:
    if comparator == "==":
        return _equal(value, bound)
    return bool(holds(value, comparator, bound))


def _convert(value: float, unit: str | None, to: str | None) -> float | None:
    if unit == to or not unit or not to:
        return value
    if unit in DURATION_S and to in DURATION_S:
        return value * DURATION_S[unit] / DURATION_S[to]
    return None


def _parts(claim: Claim) -> Verdict | None:
    parts = [number(p) for p in claim.params.get("parts") or []]
    total = number(claim.params.get("total"))
    bound = total if total is not None else claim_bound(claim)
    comparator = "==" if total is not None else claim.comparator
    if not parts or None in parts or bound is None:
        return None
    values = [p for p in parts if p is not None]
    ratio = claim.metric.endswith(("_factor", "_ratio")) and len(values) == 2 and values[0] != 0
    summed = values[1] / values[0] if ratio else sum(values)
    unit = claim.params.get("parts_unit")
    converted = _convert(summed, unit, claim.unit) if not ratio else summed
    if converted is None:
        return None
    shown = f"{fmt(values[1])} / {fmt(values[0])}" if ratio else " + ".join(fmt(v) for v in values)
    if len(values) == 1:
        shown = "the single part"
    ok = _compare(converted, comparator, bound)
    verb = "holds" if ok else "does not hold"
    reason = (
        f"{shown} = {fmt(summed)}{' ' + unit if unit and not ratio else ''}"
        f"{f' = {fmt(converted)} {claim.unit}' if converted != summed else ''}; "
        f"'{fmt(converted)} {comparator} {fmt(bound)}' {verb}"
    )
    return _judged(claim, ok, reason, parts=values, total=converted, comparator=comparator, bound=bound)


def _stated(claim: Claim) -> Verdict | None:
    value, bound = number(claim.stated_value), claim_bound(claim)
    if value is None or bound is None or isinstance(claim.bound, tuple):
        return None
    ok = _compare(value, claim.comparator, bound)
    unit = f" {claim.unit}" if claim.unit else ""
    if ok:
        reason = f"the stated {fmt(value)}{unit} meets its own target {claim.bound_text()}"
    else:
        strict = " (the bound is strict)" if claim.comparator in ("<", ">") and _equal(value, bound) else ""
        reason = f"the document's own value {fmt(value)}{unit} breaks its target {claim.bound_text()}{strict}"
    return _judged(claim, ok, reason, stated_value=value, comparator=claim.comparator, bound=bound)


def _low_high(claim: Claim) -> Verdict | None:
    low, high = claim.params.get("parts_low"), claim.params.get("parts_high")
    if not (low and high and isinstance(claim.bound, tuple) and len(claim.bound) == 2):
        return None
    sums = (sum(float(x) for x in low), sum(float(x) for x in high))
    want = (float(claim.bound[0]), float(claim.bound[1]))
    problems = (
        []
        if all(_equal(a, b) for a, b in zip(sums, want, strict=True))
        else [f"items sum to {fmt(sums[0])}-{fmt(sums[1])}, not {fmt(want[0])}-{fmt(want[1])}"]
    )
    regions, total = claim.params.get("regions"), claim.params.get("global")
    if regions and total:
        scaled = (want[0] * float(regions), want[1] * float(regions))
        if not all(_equal(a, float(b)) for a, b in zip(scaled, total, strict=True)):
            problems.append(f"x{regions} is {fmt(scaled[0])}-{fmt(scaled[1])}, not {total[0]}-{total[1]}")
    reason = "; ".join(problems) or (
        f"items sum to {fmt(sums[0])}-{fmt(sums[1])} as stated"
        + (f", x{regions} = {fmt(float(total[0]))}-{fmt(float(total[1]))}" if regions and total else "")
    )
    return _judged(claim, not problems, reason, sums=list(sums), bound=list(want), regions=regions)


def _average(claim: Claim) -> Verdict | None:
    clients, per_client = number(claim.params.get("clients")), number(claim.params.get("per_client"))
    parts = [float(p) for p in claim.params.get("parts") or []]
    if not (clients and per_client is not None and parts):
        return None
    average = sum(parts) / clients
    ok = abs(average - per_client) < 0.5  # a stated average is rounded to the unit
    reason = f"{fmt(sum(parts))} / {fmt(clients)} = {fmt(average)} against the stated {fmt(per_client)}"
    return _judged(claim, ok, reason, total=sum(parts), clients=clients, per_client=per_client)


def _ranges(claim: Claim) -> Verdict | None:
    ranges = claim.params.get("ranges")
    bound = claim_bound(claim)
    if not ranges or bound is None:
        return None
    pairs = [(int(a), int(b)) for a, b in ranges]
    gaps = [f"{b} -> {c}" for (_, b), (c, _) in itertools.pairwise(pairs) if c != b + 1]
    covered = pairs[-1][1] - pairs[0][0] + 1
    problems = [f"not contiguous at {', '.join(gaps)}"] if gaps else []
    if not _compare(float(covered), claim.comparator, bound):
        problems.append(f"they cover {covered:,}, not {claim.bound_text()}")
    reason = (
        "; ".join(problems) or f"ranges {pairs[0][0]:,}-{pairs[-1][1]:,} are contiguous and cover {covered:,}"
    )
    return _judged(claim, not problems, reason, ranges=pairs, covered=covered)

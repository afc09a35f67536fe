"""Consistency: one system's claims about the same metric and scope, across documents and days.

What it concludes (claims of different systems are never compared; claims naming different subjects through
params.rule/rules/route/vantage_city are never compared either):
- a stated value breaking another claim's bound in the same document, when the bound's scope is the same, or
  broader and not an aggregate (no statistic, or max/min): a platform's "<100 ms ML latency" applies to each
  model, so a model stated at 120 ms breaks it. DISPROVEN on the bound's claim, both sides cited. A lower
  stated load for a capacity metric (2,800 users tested vs 10,000 supported) is not a breach.
- two numeric bounds that cannot both hold (empty intersection, or `==` with different values) for the same
  scope: DISPROVEN on both when one document states both; INCONCLUSIVE on both across documents (a later day
  may have changed the system: configured evidence says which holds).
- the same metric and scope stated twice in one document with two values: DISPROVEN. Different capacity
  figures (tested vs supported) are not reported.
- a rate given per minute in one place and per second (or per hour) in another: the same figure of the same
  metric stated in one document in two units 60x or 3600x apart ("10,000 requests/min" vs "10,000 rps") is one
  measurement written in two units, so at most one is right: DISPROVEN on both, whatever the route or window
  each is stated for, unless they name different subjects (component, vantage, region, tenant tier, per).
Values stated on different days may legitimately differ, so values are only compared within one document.
Scope keys compared: every key except `day`.

Params read:
| param | meaning |
| --- | --- |
| `rule`, `rules`, `route`, `vantage_city` | a claim's subject: claims naming others are not compared |
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

from checks.evaluate.declared.common import (
    DURATION_S,
    RATE_PER_S,
    finding,
    fmt,
    holds,
    number,
    source_files,
    stated_at,
)
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "consistency"
IGNORED_SCOPE = ("day",)
SUBJECT_SCOPE = ("component", "vantage", "region", "regions", "tenant_tier", "per")
SUBJECT_PARAMS = ("rule", "rules", "route", "vantage_city")
CAPACITY = (
    "concurrent_users",
    "api_throughput",
    "sustained_throughput",
    "throughput_events",
    "throughput_messages",
    "tenant_count",
)
PER_ITEM = (None, "max", "min")


def _scope(claim: Claim) -> dict[str, Any]:
    return {k: v for k, v in claim.scope.model_dump(exclude_none=True).items() if k not in IGNORED_SCOPE}


def _base(value: float, unit: str | None) -> tuple[float, str]:
    """A value in a base unit: seconds, per second, or its own unit."""
    if unit in DURATION_S:
        return value * DURATION_S[unit], "s"
    if unit in RATE_PER_S:
        return value * RATE_PER_S[unit], "/s"
    return value, unit or ""


def analyze(claims: Sequence[Claim]) -> list[Verdict]:
    """Contradictions between claims of the same system and metric."""
    live = [c for c in claims if not c.is_waived]
    out: list[Verdict] = []
    for a, b in combinations(live, 2):
        if a.system != b.system or a.metric != b.metric or not _same_subject(a, b):
            continue
        out.extend(v for v in (_value_breaks_bound(a, b), _value_breaks_bound(b, a)) if v is not None)
        out.extend(_bounds_conflict(a, b))
        out.extend(_stated_twice(a, b))
    return out


def _same_subject(a: Claim, b: Claim) -> bool:
    return all(a.params.get(k) == b.params.get(k) for k in SUBJECT_PARAMS if k in a.params and k in b.params)


def _value_breaks_bound(valued: Claim, bounded: Claim) -> Verdict | None:
    stated, bound = number(valued.stated_value), number(bounded.bound)
    if stated is None or bound is None or bounded.comparator not in ("<", "<=", ">", ">="):
        return None
    if not (source_files(valued) & source_files(bounded)):
        return None
    if bounded.metric in CAPACITY and bounded.comparator in (">", ">="):
        return None
    scope, wider = _scope(valued), _scope(bounded)
    if any(scope.get(k) != v for k, v in wider.items()):
        return None
    if wider != scope and bounded.scope.statistic not in PER_ITEM:
        return None
    left, right = _base(stated, valued.unit), _base(bound, bounded.unit)
    if left[1] != right[1] or holds(left[0], bounded.comparator, right[0]):
        return None
    why = (
        f"{valued.id} states {fmt(stated)} {valued.unit or ''} ({', '.join(stated_at(valued))}), "
        f"which breaks this claim's {bounded.bound_text()} for the same {bounded.metric}"
        + (" (its scope includes that one)" if wider != scope else "")
    )
    return finding(
        bounded,
        Outcome.DISPROVEN,
        NAME,
        why.replace("  ", " "),
        other=stated_at(valued),
        measured=stated,
        other_claim=valued.id,
        other_scope=scope,
    )


def _interval(claim: Claim) -> tuple[float, float, bool, bool] | None:
    """(low, high, low_open, high_open) in base units for a numeric comparator."""
    bound = number(claim.bound)
    if bound is None:
        return None
    base = _base(bound, claim.unit)
    inf = float("inf")
    return {
        "<": (-inf, base[0], True, True),
        "<=": (-inf, base[0], True, False),
        ">": (base[0], inf, True, True),
        ">=": (base[0], inf, False, True),
        "==": (base[0], base[0], False, False),
    }.get(claim.comparator or "")


def _bounds_conflict(a: Claim, b: Claim) -> list[Verdict]:
    if _scope(a) != _scope(b):
        return []
    ia, ib = _interval(a), _interval(b)
    if ia is None or ib is None or _base(1, a.unit)[1] != _base(1, b.unit)[1]:
        return []
    low, high = max(ia[0], ib[0]), min(ia[1], ib[1])
    open_edge = (ia[2] if ia[0] == low else ib[2]) or (ia[3] if ia[1] == high else ib[3])
    if not (low > high or (low == high and open_edge)):
        return []
    same = bool(source_files(a) & source_files(b))
    outcome = Outcome.DISPROVEN if same else Outcome.INCONCLUSIVE
    tail = (
        "cannot both hold for the same {m} and scope: the document states both"
        if same
        else "disagree for the same {m} and scope across documents: configured evidence must say which holds"
    )
    return [
        finding(
            x,
            outcome,
            NAME,
            f"{x.bound_text()} here and {y.bound_text()} in {y.id} "
            f"({', '.join(stated_at(y))}) " + tail.format(m=x.metric),
            other=stated_at(y),
            other_claim=y.id,
        )
        for x, y in ((a, b), (b, a))
    ]


def _stated_twice(a: Claim, b: Claim) -> list[Verdict]:
    va, vb = number(a.stated_value), number(b.stated_value)
    if va is None or vb is None or not (source_files(a) & source_files(b)):
        return []
    ba, bb = _base(va, a.unit), _base(vb, b.unit)
    if ba[1] != bb[1] or abs(ba[0] - bb[0]) <= 1e-9 * max(abs(ba[0]), 1):
        return []
    ratio = max(ba[0], bb[0]) / max(min(ba[0], bb[0]), 1e-12)
    confusion = va == vb and a.unit != b.unit and round(ratio) in (60, 3600)
    same_scope = _scope(a) == _scope(b)
    if not confusion and (not same_scope or a.metric in CAPACITY):
        return []
    kind = (
        f"a per-second vs per-minute confusion: the same {fmt(va)} is read as {a.unit} and {b.unit}, "
        f"{round(ratio)}x apart"
        if confusion
        else "two values for one quantity"
    )
    same_subject = all(_scope(a).get(k) == _scope(b).get(k) for k in SUBJECT_SCOPE)
    decided = same_scope or (confusion and same_subject)
    outcome = Outcome.DISPROVEN if decided else Outcome.INCONCLUSIVE
    where = (
        "for the same scope"
        if same_scope
        else "in the same document (stated for different routes or loads)"
        if decided
        else "in the same document (scopes differ)"
    )
    return [
        finding(
            x,
            outcome,
            NAME,
            f"{x.metric} is stated as {fmt(number(x.stated_value) or 0)} {x.unit or ''} "
            f"here and {fmt(number(y.stated_value) or 0)} {y.unit or ''} in {y.id} "
            f"({', '.join(stated_at(y))}) "
            f"{where}: {kind}",
            other=stated_at(y),
            other_claim=y.id,
        )
        for x, y in ((a, b), (b, a))
    ]

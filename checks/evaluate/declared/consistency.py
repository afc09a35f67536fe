"""Consistency: one system's claims about the same metric and scope, across documents and days.

What it concludes (claims of different systems are never compared):
- a stated value breaking another claim's bound, when the bound's scope is the same or broader (a platform's
  "<100 ms ML latency" applies to each model: a model stated at 120 ms breaks it): DISPROVEN on the bound's
  claim, both sides cited;
- two bounds that cannot both hold (no value satisfies both, or `==` with different values) for the same
  scope: DISPROVEN on both;
- the same metric and scope stated twice in one document with two values: DISPROVEN; when the numbers are the
  same and the units differ by 60 or 3600 ("10,000 requests/min" vs "10,000 rps") the reason names it a
  per-second vs per-minute confusion.
Values stated on different days may legitimately change, so two different values across documents are not
reported. Scope keys compared: every key except `day`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

from checks.evaluate.declared.common import DURATION_S, RATE_PER_S, finding, fmt, holds, number, source_files
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "consistency"
IGNORED_SCOPE = ("day",)


def _scope(claim: Claim) -> dict[str, Any]:
    return {k: v for k, v in claim.scope.model_dump(exclude_none=True).items() if k not in IGNORED_SCOPE}


def _base(value: float, unit: str | None) -> tuple[float, str] | None:
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
        if a.system != b.system or a.metric != b.metric:
            continue
        out.extend(v for v in (_value_breaks_bound(a, b), _value_breaks_bound(b, a)) if v is not None)
        out.extend(_bounds_conflict(a, b))
        out.extend(_stated_twice(a, b))
    return out


def _value_breaks_bound(valued: Claim, bounded: Claim) -> Verdict | None:
    stated, bound = number(valued.stated_value), number(bounded.bound)
    if stated is None or bound is None or bounded.comparator not in ("<", "<=", ">", ">="):
        return None
    scope, wider = _scope(valued), _scope(bounded)
    if any(scope.get(k) != v for k, v in wider.items()):
        return None
    left, right = _base(stated, valued.unit), _base(bound, bounded.unit)
    if left is None or right is None or left[1] != right[1] or holds(left[0], bounded.comparator, right[0]):
        return None
    why = (f"{valued.id} states {fmt(stated)} {valued.unit or ''} ({', '.join(valued.cites)}), which breaks this "
           f"claim's {bounded.bound_text()} for the same {bounded.metric}"
           + (" (its scope includes that one)" if wider != scope else ""))
    return finding(bounded, Outcome.DISPROVEN, NAME, why.replace("  ", " "), other=valued.cites,
                   measured=stated, other_claim=valued.id, other_scope=scope)


def _interval(claim: Claim) -> tuple[float, float, bool, bool] | None:
    """(low, high, low_open, high_open) in base units for a numeric comparator."""
    bound = number(claim.bound)
    base = _base(bound, claim.unit) if bound is not None else None
    if base is None:
        return None
    inf = float("inf")
    return {"<": (-inf, base[0], True, True), "<=": (-inf, base[0], True, False),
            ">": (base[0], inf, True, True), ">=": (base[0], inf, False, True),
            "==": (base[0], base[0], False, False)}.get(claim.comparator or "")


def _bounds_conflict(a: Claim, b: Claim) -> list[Verdict]:
    if _scope(a) != _scope(b) or a.comparator is None or b.comparator is None:
        return []
    if a.comparator == "==" and b.comparator == "==" and number(a.bound) is None:
        conflict = a.bound != b.bound and a.unit == b.unit
    else:
        ia, ib = _interval(a), _interval(b)
        if ia is None or ib is None or _base(1, a.unit)[1] != _base(1, b.unit)[1]:  # type: ignore[index]
            return []
        low, high = max(ia[0], ib[0]), min(ia[1], ib[1])
        open_edge = (ia[2] if ia[0] == low else ib[2]) or (ia[3] if ia[1] == high else ib[3])
        conflict = low > high or (low == high and open_edge)
    if not conflict:
        return []
    return [finding(x, Outcome.DISPROVEN, NAME, f"{x.bound_text()} here and {y.bound_text()} in {y.id} "
                    f"({', '.join(y.cites)}) cannot both hold for the same {x.metric} and scope",
                    other=y.cites, other_claim=y.id) for x, y in ((a, b), (b, a))]


def _stated_twice(a: Claim, b: Claim) -> list[Verdict]:
    va, vb = number(a.stated_value), number(b.stated_value)
    if va is None or vb is None or _scope(a) != _scope(b) or not (source_files(a) & source_files(b)):
        return []
    ba, bb = _base(va, a.unit), _base(vb, b.unit)
    if ba is None or bb is None or ba[1] != bb[1] or abs(ba[0] - bb[0]) <= 1e-9 * max(abs(ba[0]), 1):
        return []
    ratio = max(ba[0], bb[0]) / max(min(ba[0], bb[0]), 1e-12)
    confusion = va == vb and a.unit != b.unit and round(ratio) in (60, 3600)
    kind = (f"a per-second vs per-minute confusion: the same {fmt(va)} is read as {a.unit} and {b.unit}, "
            f"{round(ratio)}x apart" if confusion else "two values for one quantity")
    return [finding(x, Outcome.DISPROVEN, NAME, f"{x.metric} is stated as {fmt(number(x.stated_value) or 0)} "
                    f"{x.unit or ''} here and {fmt(number(y.stated_value) or 0)} {y.unit or ''} in {y.id} "
                    f"({', '.join(y.cites)}) for the same scope: {kind}", other=y.cites, other_claim=y.id)
            for x, y in ((a, b), (b, a))]

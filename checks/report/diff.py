"""`claimcheck diff OLD NEW [...]`: what changed between runs, and `run --baseline`'s regressions. Pure.

- newly DISPROVEN / newly PROVEN: the verdict in the last run, not in the first;
- measurement beyond its CI: a number measured in both runs whose new value lies outside the old confidence
  interval
(or the old value outside the new one); claims without an interval are not compared;
- flapping (three runs or more): the verdict changed at least twice along the runs;
- other verdict changes (e.g. PROVEN -> ERROR) are listed too.
A regression against a baseline is a claim DISPROVEN now that was not DISPROVEN then, or in ERROR now that was
neither DISPROVEN nor ERROR then: a nightly gate that accepts known DISPROVEN claims fails only on new ones.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any

from checks.report.records import by_id, measured_number

KINDS = ("newly_disproven", "newly_proven", "measurement", "flapping", "changed")


@dataclass(frozen=True)
class Change:
    kind: str
    claim_id: str
    old: str
    new: str
    detail: str


def measurement_change(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """'12 -> 30 (outside the old interval [10, 14])' when a measurement moved beyond an interval."""
    (a, old_ci), (b, new_ci) = measured_number(old), measured_number(new)
    if a is None or b is None:
        return None
    for value, interval, which in ((b, old_ci, "old"), (a, new_ci, "new")):
        if interval and not interval[0] <= value <= interval[1]:
            return f"{a:g} -> {b:g} (outside the {which} interval [{interval[0]:g}, {interval[1]:g}])"
    return None


def _verdicts(runs: list[dict[str, Any]], claim_id: str) -> list[str]:
    return [by_id(doc).get(claim_id, {}).get("verdict", "NOT_RUN") for doc in runs]


def compare(runs: list[dict[str, Any]]) -> list[Change]:
    """Changes from the first run to the last (at least two verdicts.json documents, oldest first)."""
    if len(runs) < 2:
        raise ValueError("diff needs at least two runs")
    first, last = by_id(runs[0]), by_id(runs[-1])
    changes: list[Change] = []
    for claim_id, new in last.items():
        old = first.get(claim_id)
        if old is None:
            continue
        before, after = old["verdict"], new["verdict"]
        seq = [v for v in _verdicts(runs, claim_id) if v != "NOT_RUN"]
        flips = sum(1 for x, y in pairwise(seq) if x != y)
        reason = str(new.get("reason", ""))
        if after == "DISPROVEN" and before != "DISPROVEN":
            changes.append(Change("newly_disproven", claim_id, before, after, reason))
        elif after == "PROVEN" and before != "PROVEN":
            changes.append(Change("newly_proven", claim_id, before, after, reason))
        elif before != after:
            changes.append(Change("changed", claim_id, before, after, reason))
        if (moved := measurement_change(old, new)) is not None:
            changes.append(Change("measurement", claim_id, before, after, moved))
        if flips >= 2:
            changes.append(Change("flapping", claim_id, before, after, " -> ".join(seq)))
    return sorted(changes, key=lambda c: (KINDS.index(c.kind), c.claim_id))


def as_json(changes: list[Change]) -> dict[str, list[dict[str, str]]]:
    return {kind: [asdict(c) for c in changes if c.kind == kind] for kind in KINDS}


def regressions(baseline: dict[str, Any], current: dict[str, Any]) -> list[Change]:
    """Claims that got worse than the baseline (see the module docstring)."""
    old = by_id(baseline)
    found = []
    for claim_id, record in by_id(current).items():
        before = old.get(claim_id, {}).get("verdict", "NOT_RUN")
        after = record["verdict"]
        worse = (after == "DISPROVEN" and before != "DISPROVEN") or (
            after == "ERROR" and before not in ("DISPROVEN", "ERROR")
        )
        if worse:
            found.append(Change("regression", claim_id, before, after, str(record.get("reason", ""))))
    return found

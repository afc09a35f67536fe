"""Numbers a line states: the promise (comparator, bound, unit) and what it says was achieved (stated value).

"250ms (target: <200ms)" gives stated 250 and bound < 200 ms; "| API latency | <200ms | 142ms |" under a
"Target | Achieved" header gives the same shape; "p95 < 100 ms" a bound with the statistic p95; "measured
p95 350 ms" a stated value alone; "RTO: 1 hour" a bound whose comparator depends on the kind of quantity
(a duration is a maximum, an availability a minimum, a count exact).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER = r"\d[\d,]*(?:\.\d+)?"
UNIT_WORDS: dict[str, str] = {
    "ms": "ms",
    "msec": "ms",
    "milliseconds": "ms",
    "millisecond": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "min": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "d": "d",
    "day": "d",
    "days": "d",
    "%": "%",
    "rps": "rps",
    "req/s": "rps",
    "requests/s": "rps",
    "requests/sec": "rps",
    "requests/second": "rps",
    "r/s": "rps",
    "requests per second": "rps",
    "requests a second": "rps",
    "requests per minute": "requests/min",
    "requests a minute": "requests/min",
    "requests per hour": "requests/hour",
    "requests an hour": "requests/hour",
    "req/min": "requests/min",
    "requests/min": "requests/min",
    "requests/minute": "requests/min",
    "r/m": "requests/min",
    "rpm": "requests/min",
    "req/h": "requests/hour",
    "requests/hour": "requests/hour",
    "requests/h": "requests/hour",
    "users": "users",
    "pods": "pods",
    "replicas": "replicas",
    "nodes": "nodes",
    "instances": "count",
    "regions": "count",
    "shards": "count",
    "gb": "GB",
    "tb": "TB",
    "connections": "connections",
}
UNIT = "|".join(sorted((re.escape(u) for u in UNIT_WORDS), key=len, reverse=True))
COMPARATORS = {
    "<": "<",
    "<=": "<=",
    "≤": "<=",
    ">": ">",
    ">=": ">=",
    "≥": ">=",
    "under": "<",
    "below": "<",
    "less than": "<",
    "at most": "<=",
    "up to": "<=",
    "no more than": "<=",
    "maximum": "<=",
    "max": "<=",
    "within": "<=",
    "sub-": "<",
    "at least": ">=",
    "minimum": ">=",
    "min.": ">=",
    "over": ">",
    "above": ">",
    "more than": ">",
    "exceeds": ">",
}
COMPARATOR = "|".join(sorted((re.escape(c) for c in COMPARATORS), key=len, reverse=True))
QUANTITY = re.compile(rf"(?:(?P<cmp>{COMPARATOR})\s*)?(?P<n>{NUMBER})\s*(?P<u>{UNIT})(?![\w])", re.IGNORECASE)
TARGET_AFTER = re.compile(
    rf"(?P<stated>{NUMBER})\s*(?P<su>{UNIT})?[^()\n]{{0,20}}\((?:target|goal|sla|slo|required|budget)"
    rf"\s*:?\s*(?:(?P<cmp>{COMPARATOR})\s*)?(?P<bound>{NUMBER})\s*(?P<bu>{UNIT})?\s*\)",
    re.IGNORECASE,
)
STATISTIC = re.compile(r"\b(p50|p90|p95|p99(?:\.9)?|median|average|avg|mean|max(?:imum)?)\b", re.IGNORECASE)
MEASURED = re.compile(
    r"\b(measured|observed|achieved|actual|current(?:ly)?|result(?:s|ed)?|was|were|recorded|reached|saw)\b",
    re.IGNORECASE,
)
TARGET_WORDS = re.compile(r"\b(target|goal|sla|slo|objective|required|promise[sd]?|guarantee[sd]?)\b", re.I)
MINIMA = ("%", "rps", "requests/min", "requests/hour", "users", "connections")
COUNTS = ("pods", "replicas", "nodes", "count", "GB", "TB")


@dataclass(frozen=True)
class Quantity:
    """What one line promises and reports."""

    comparator: str | None
    bound: float | None
    unit: str | None
    stated: float | None = None
    statistic: str | None = None

    @property
    def empty(self) -> bool:
        return self.bound is None and self.stated is None


def to_number(text: str) -> float | int:
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() else value


def unit_of(text: str | None) -> str | None:
    return UNIT_WORDS.get(text.lower()) if text else None


def default_comparator(unit: str | None) -> str:
    """A bound stated without a comparator: durations are maxima, rates and shares minima, counts exact."""
    if unit in MINIMA:
        return ">="
    if unit in COUNTS:
        return "=="
    return "<="


def statistic_of(text: str) -> str | None:
    match = STATISTIC.search(text)
    if not match:
        return None
    word = match[1].lower()
    return {"average": "mean", "avg": "mean", "median": "p50", "maximum": "max"}.get(word, word)


DURATIONS = ("ms", "s", "min", "h", "d")


def durations(text: str) -> list[Quantity]:
    """Every duration a line states ("within 10 minutes"), in order."""
    out = []
    for match in QUANTITY.finditer(_without_statistics(text)):
        unit = unit_of(match["u"])
        if unit in DURATIONS:
            comparator = COMPARATORS.get((match["cmp"] or "").lower()) or default_comparator(unit)
            out.append(Quantity(comparator, to_number(match["n"]), unit))
    return out


def parse_line(text: str, header: list[str] | None = None) -> Quantity | None:
    """The quantity a line states (None when it states none)."""
    statistic = statistic_of(text)
    target = TARGET_AFTER.search(text)
    if target:
        bound_unit = unit_of(target["bu"]) or unit_of(target["su"])
        comparator = COMPARATORS.get((target["cmp"] or "").lower()) or default_comparator(bound_unit)
        return Quantity(
            comparator, to_number(target["bound"]), bound_unit, to_number(target["stated"]), statistic
        )
    if text.lstrip().startswith("|"):
        return _table_row(text, header, statistic)
    found = list(QUANTITY.finditer(_without_statistics(text)))
    if not found:
        return None
    first = found[0]
    unit = unit_of(first["u"])
    if first["cmp"]:
        return Quantity(COMPARATORS[first["cmp"].lower()], to_number(first["n"]), unit, None, statistic)
    if MEASURED.search(text) and not TARGET_WORDS.search(text):
        return Quantity(None, None, unit, to_number(first["n"]), statistic)
    return Quantity(default_comparator(unit), to_number(first["n"]), unit, None, statistic)


def _without_statistics(text: str) -> str:
    """The line with "p95"/"p99.9" removed, so they are not read as numbers."""
    return re.sub(r"\bp\d+(?:\.\d+)?\b", " ", text, flags=re.IGNORECASE)


def cells(row: str) -> list[str]:
    """The cells of a Markdown/AsciiDoc table row."""
    return [c.strip() for c in row.strip().strip("|").split("|")]


def _table_row(row: str, header: list[str] | None, statistic: str | None) -> Quantity | None:
    values = cells(row)
    names = [h.lower() for h in header or []]
    target = next((i for i, h in enumerate(names) if TARGET_WORDS.search(h)), None)
    actual = next((i for i, h in enumerate(names) if MEASURED.search(h) or "actual" in h), None)
    quantities = [(i, QUANTITY.search(_without_statistics(v))) for i, v in enumerate(values)]
    present = [(i, m) for i, m in quantities if m]
    if not present:
        return None
    bound_cell = next((m for i, m in present if i == target), None) or next(
        (m for _, m in present if m["cmp"]), None
    )
    stated_cell = next((m for i, m in present if i == actual), None) or next(
        (m for _, m in present if m is not bound_cell), None
    )
    if bound_cell is None:
        first = present[0][1]
        unit = unit_of(first["u"])
        return Quantity(default_comparator(unit), to_number(first["n"]), unit, None, statistic)
    unit = unit_of(bound_cell["u"])
    comparator = COMPARATORS.get((bound_cell["cmp"] or "").lower()) or default_comparator(unit)
    stated = to_number(stated_cell["n"]) if stated_cell else None
    return Quantity(comparator, to_number(bound_cell["n"]), unit, stated, statistic)

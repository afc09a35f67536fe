"""Comparing what was measured with a claim's comparator and bound: the one definition every evaluator uses.

Two forms. `holds` compares one value (a count read from config, a setting, a list of regions) and answers
yes or no. `interval_outcome` compares a confidence interval and answers PROVEN (the whole interval on the
claim's side), DISPROVEN (the whole interval on the other side) or INCONCLUSIVE (the interval straddles the
bound). Pure: no I/O.
"""

from __future__ import annotations

import math
from typing import Any

from checks.verdicts import Outcome

NUMERIC = ("<", "<=", ">", ">=")
COMPARATORS = (*NUMERIC, "==", "present", "absent")


class ComparisonError(ValueError):
    """The measured value and the bound cannot be compared with this comparator."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            return None
    return None


def normalised(value: Any) -> Any:
    """A value as equality sees it: numbers as floats, text trimmed and case-folded, lists sorted."""
    if isinstance(value, bool) or value is None:
        return value
    number = _number(value)
    if number is not None:
        return number
    if isinstance(value, str):
        return value.strip().casefold()
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted((normalised(v) for v in value), key=repr))
    return value


def equal(measured: Any, bound: Any) -> bool:
    """Equality as a claim means it: 5 == "5", "RollingUpdate" == "rollingupdate", lists in any order."""
    if isinstance(measured, bool) != isinstance(bound, bool):
        return False
    return bool(normalised(measured) == normalised(bound))


def holds(measured: Any, comparator: str | None, bound: Any) -> bool:
    """Whether `measured <comparator> bound` holds. `present`/`absent` (and no comparator) test truthiness.

    Raises ComparisonError when an ordering comparator meets a value or bound that is not a number.
    """
    if comparator in (None, "present"):
        return bool(measured)
    if comparator == "absent":
        return not measured
    if comparator == "==":
        return equal(measured, bound)
    if comparator not in NUMERIC:
        raise ComparisonError(f"unknown comparator {comparator!r}")
    value, limit = _number(measured), _number(bound)
    if value is None or limit is None:
        raise ComparisonError(f"{comparator} needs numbers, got {measured!r} and {bound!r}")
    return {"<": value < limit, "<=": value <= limit, ">": value > limit, ">=": value >= limit}[comparator]


def interval_outcome(lower: float, upper: float, comparator: str, bound: float) -> Outcome:
    """PROVEN when every value in [lower, upper] satisfies `comparator bound`, DISPROVEN when none does,
    INCONCLUSIVE otherwise. For `==` only a degenerate interval at the bound proves it."""
    if math.isnan(lower) or math.isnan(upper) or lower > upper:
        raise ComparisonError(f"not an interval: [{lower}, {upper}]")
    if comparator == "==":
        if lower == upper == bound:
            return Outcome.PROVEN
        return Outcome.DISPROVEN if bound < lower or bound > upper else Outcome.INCONCLUSIVE
    if comparator not in NUMERIC:
        raise ComparisonError(f"comparator {comparator!r} does not compare an interval")
    all_hold = holds(upper, comparator, bound) and holds(lower, comparator, bound)
    none_hold = not holds(upper, comparator, bound) and not holds(lower, comparator, bound)
    if all_hold:
        return Outcome.PROVEN
    return Outcome.DISPROVEN if none_hold else Outcome.INCONCLUSIVE


def needs_upper(comparator: str) -> bool:
    """True when the claim is an upper bound ("< 100 ms"): its proof rests on the interval's upper end."""
    return comparator in ("<", "<=")

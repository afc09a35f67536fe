"""Comparing a measured number with a claim's comparator and bound: one definition for every evaluator."""

from __future__ import annotations

from typing import Any


def holds(value: float, comparator: str | None, bound: Any) -> bool:
    """Whether `value <comparator> bound` holds (numeric comparators only; ValueError for others)."""
    ops = {
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
        "==": value == bound,
    }
    if comparator not in ops:
        raise ValueError(f"comparator {comparator!r} does not apply to a number")
    return bool(ops[comparator])

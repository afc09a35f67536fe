"""The one comparison: a value or an interval against a claim's comparator and bound."""

from __future__ import annotations

import math

import pytest

from checks.compare import ComparisonError, equal, holds, interval_outcome
from checks.verdicts import Outcome


@pytest.mark.parametrize(
    ("measured", "comparator", "bound", "expected"),
    [
        (99, "<", 100, True),
        (100, "<", 100, False),
        (100, "<=", 100, True),
        (101, ">", 100, True),
        (100, ">=", 100, True),
        (99.5, ">=", 100, False),
        ("5", "==", 5, True),
        ("RollingUpdate", "==", "rollingupdate", True),
        (["b", "a"], "==", ["a", "b"], True),
        ([1, 2], "==", [1, 3], False),
        (True, "present", None, True),
        (0, "present", None, False),
        (None, "absent", None, True),
        ("x", "absent", None, False),
    ],
)
def test_holds_for_every_comparator(measured: object, comparator: str, bound: object, expected: bool) -> None:
    assert holds(measured, comparator, bound) is expected


@pytest.mark.parametrize(
    ("measured", "comparator", "bound"), [("fast", "<", 100), (5, ">", "many"), (1, "~", 1)]
)
def test_an_ordering_of_non_numbers_is_an_error_not_false(
    measured: object, comparator: str, bound: object
) -> None:
    with pytest.raises(ComparisonError):
        holds(measured, comparator, bound)


def test_equality_is_not_fooled_by_booleans() -> None:
    assert not equal(True, 1.0)


@pytest.mark.parametrize(
    ("lower", "upper", "comparator", "bound", "outcome"),
    [
        (80, 95, "<", 100, Outcome.PROVEN),
        (95, 105, "<", 100, Outcome.INCONCLUSIVE),
        (100, 120, "<", 100, Outcome.DISPROVEN),
        (100, 120, "<=", 100, Outcome.INCONCLUSIVE),
        (0.9991, 0.9999, ">=", 0.999, Outcome.PROVEN),
        (0.99, 0.9995, ">=", 0.999, Outcome.INCONCLUSIVE),
        (0.98, 0.9989, ">=", 0.999, Outcome.DISPROVEN),
        (5, 5, "==", 5, Outcome.PROVEN),
        (4, 6, "==", 5, Outcome.INCONCLUSIVE),
        (6, 7, "==", 5, Outcome.DISPROVEN),
        (-math.inf, 90, "<", 100, Outcome.PROVEN),
        (90, math.inf, "<", 100, Outcome.INCONCLUSIVE),
    ],
)
def test_an_interval_decides_only_when_it_lies_on_one_side(
    lower: float, upper: float, comparator: str, bound: float, outcome: Outcome
) -> None:
    assert interval_outcome(lower, upper, comparator, bound) is outcome


def test_a_reversed_interval_is_refused() -> None:
    with pytest.raises(ComparisonError, match="not an interval"):
        interval_outcome(5, 4, "<", 10)

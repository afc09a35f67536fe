"""Inventory values against their claims: presence, equality (normalised) and numeric comparators."""

from __future__ import annotations

from typing import Any

import pytest

from checks.evaluate.inventory import inventory_matches
from checks.evidence.inventory import InventoryValue
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome

BASE = Claim(
    id="BP-T-INV-01",
    system="BarberPro",
    category="capacity",
    statement="Three replicas of the API.",
    sources=[{"file": "003_05e30b35ee0cdd0e.txt", "line": 1, "quote": "3 replicas"}],
    metric="replica_count",
    comparator="==",
    bound=3,
    unit="replicas",
    check="inventory.components",
    method="Count on the target.",
)


def claim(comparator: str | None, bound: Any) -> Claim:
    return BASE.model_copy(update={"comparator": comparator, "bound": bound})


def found(value: Any, source: str = "pg_streaming_replicas") -> InventoryValue:
    return InventoryValue(source, value, "rows of pg_stat_replication on 127.0.0.1")


def test_equal_count_is_proven() -> None:
    verdict = inventory_matches(BASE, found(3))
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.CONFIGURED
    assert verdict.evidence == {
        "source": "pg_streaming_replicas",
        "detail": "rows of pg_stat_replication on 127.0.0.1",
    }


@pytest.mark.parametrize("value", [2, 4])
def test_a_different_count_is_disproven(value: int) -> None:
    assert inventory_matches(BASE, found(value)).outcome == Outcome.DISPROVEN


def test_strings_compare_case_and_space_insensitively() -> None:
    assert (
        inventory_matches(claim("==", "db.r6g.4xlarge"), found(" DB.R6G.4XLARGE ")).outcome == Outcome.PROVEN
    )
    assert (
        inventory_matches(claim("==", "db.r6g.4xlarge"), found("db.r6g.2xlarge")).outcome == Outcome.DISPROVEN
    )


def test_lists_compare_regardless_of_order() -> None:
    regions = claim("==", ("us-east-1", "sa-east-1"))
    assert inventory_matches(regions, found(["sa-east-1", "us-east-1"])).outcome == Outcome.PROVEN
    assert inventory_matches(regions, found(["us-east-1"])).outcome == Outcome.DISPROVEN


def test_numeric_comparators_hold_on_both_sides() -> None:
    at_least = claim(">=", 2)
    assert inventory_matches(at_least, found(2)).outcome == Outcome.PROVEN
    assert inventory_matches(at_least, found(1)).outcome == Outcome.DISPROVEN
    assert inventory_matches(claim("<", 2), found(1.5)).outcome == Outcome.PROVEN
    assert inventory_matches(claim("<", 2), found(2)).outcome == Outcome.DISPROVEN


def test_presence_and_absence() -> None:
    assert inventory_matches(claim("present", None), found(True, "tcp_endpoint")).outcome == Outcome.PROVEN
    assert (
        inventory_matches(claim("present", None), found(False, "tcp_endpoint")).outcome == Outcome.DISPROVEN
    )
    assert inventory_matches(claim("absent", None), found(False, "tcp_endpoint")).outcome == Outcome.PROVEN
    assert inventory_matches(claim("absent", None), found(True, "tcp_endpoint")).outcome == Outcome.DISPROVEN


def test_a_value_that_cannot_be_compared_is_an_error() -> None:
    verdict = inventory_matches(claim(">=", 2), found("two"))
    assert verdict.outcome == Outcome.ERROR and "cannot compare 'two'" in verdict.reason


def test_a_numeric_setting_read_as_text_equals_its_numeric_bound() -> None:
    verdict = inventory_matches(claim("==", 500), found("500", "pg_setting"))
    assert verdict.outcome == Outcome.PROVEN

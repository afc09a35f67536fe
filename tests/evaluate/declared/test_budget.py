"""Error budgets: allowed downtime against recovery times and MTTR/MTBF."""

from __future__ import annotations

from typing import Any

import pytest

from checks.evaluate.declared import budget
from checks.evaluate.declared.budget import budget_minutes
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import claim


def _uptime(target: float = 99.99, **fields: Any) -> Claim:
    return claim(
        "BB-T-80",
        system="BookedBarber V2",
        metric="uptime",
        comparator=">=",
        bound=target,
        unit="%",
        check="availability.ratio",
        category="availability",
        **fields,
    )


def _rto(minutes: float) -> Claim:
    return claim(
        "BB-T-81",
        system="BookedBarber V2",
        metric="rto",
        comparator="<=",
        bound=minutes,
        unit="min",
        check="dr.failover",
        category="dr",
    )


def test_four_nines_over_30_days_is_4_32_minutes() -> None:
    assert budget_minutes(99.99, "30d") == pytest.approx(4.32)
    assert budget_minutes(99.9, "1y") == pytest.approx(525.6)


def test_an_rto_longer_than_the_budget_is_reported() -> None:
    (verdict,) = budget.analyze([_uptime(), _rto(5)])
    assert verdict.outcome == Outcome.INCONCLUSIVE and verdict.claim_id == "BB-T-80"
    assert "allows 4.32 min" in verdict.reason and "fewer than 0.86" in verdict.reason


def test_an_rto_within_the_budget_is_not() -> None:
    assert budget.analyze([_uptime(), _rto(4)]) == []


def test_mttr_and_mtbf_implying_less_than_the_target_disprove_it() -> None:
    mttr = claim("BB-T-82", system="BookedBarber V2", metric="mttr", stated_value=4.2, unit="min")
    mtbf = claim("BB-T-83", system="BookedBarber V2", metric="mtbf", stated_value=100, unit="h")
    (low,) = budget.analyze([_uptime(99.99), mttr, mtbf])
    assert low.outcome == Outcome.DISPROVEN and "99.9300%" in low.reason
    (fine,) = budget.analyze([_uptime(99.9), mttr, mtbf])
    assert fine.outcome == Outcome.INCONCLUSIVE

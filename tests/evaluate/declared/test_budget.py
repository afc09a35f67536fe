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


def test_reported_incidents_beyond_the_budget_disprove_the_target() -> None:
    incidents = {
        "incidents": 3,
        "incident_duration": 20,
        "incident_duration_unit": "min",
        "incident_window": "30d",
    }
    (verdict,) = budget.analyze([_uptime(99.9, scope={"window": "30d"}, params=incidents)])
    assert verdict.outcome == Outcome.DISPROVEN and "60.00 min per 30d" in verdict.reason
    assert verdict.evidence["budget_min"] == pytest.approx(43.2)


def test_reported_incidents_within_the_budget_report_their_share() -> None:
    incidents = {"incidents": 12, "incident_duration": 1, "incident_window": "1y"}
    (verdict,) = budget.analyze([_uptime(99.9, scope={"window": "30d"}, params=incidents)])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "% of the budget" in verdict.reason
    assert verdict.measured == pytest.approx(12 * 30 / 365, abs=0.01)


def test_mttr_and_mtbf_explaining_a_fraction_of_the_stated_downtime_are_reported() -> None:
    mttr = claim("BB-T-82", system="BookedBarber V2", metric="mttr", stated_value=4.2, unit="min")
    mtbf = claim("BB-T-83", system="BookedBarber V2", metric="mtbf", stated_value=720, unit="h")
    (verdict,) = budget.analyze([_uptime(99.9, stated_value=99.94), mttr, mtbf])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "6.2x the downtime" in verdict.reason

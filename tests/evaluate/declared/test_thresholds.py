"""A result stated on one line against an alert threshold stated on another."""

from __future__ import annotations

from typing import Any

from checks.evaluate.declared import thresholds
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import DAY08, claim


def _alert(**params: Any) -> Claim:
    return claim(
        "BP-T-E0",
        metric="alert_threshold",
        comparator="==",
        bound=0.1,
        unit="s",
        check="monitoring.config",
        category="monitoring",
        scope={"statistic": "p95", "route_class": "api"},
        params={"rule": "HighResponseTime", **params},
        line=209,
    )


def _result(value: float, statistic: str = "p95", **fields: Any) -> Claim:
    return claim(
        "BP-T-E1",
        metric="p95_response_time",
        comparator="<=",
        bound=value,
        unit="ms",
        stated_value=value,
        scope={"statistic": statistic, "route_class": "api"},
        line=551,
        **fields,
    )


def test_a_result_past_its_own_alert_threshold_is_kept_on_both_sides() -> None:
    found = thresholds.analyze([_alert(), _result(142)])
    assert {v.claim_id for v in found} == {"BP-T-E0", "BP-T-E1"}
    assert {v.outcome for v in found} == {Outcome.INCONCLUSIVE}
    reason = found[0].reason
    assert "p95 of 142 ms" in reason and "HighResponseTime fires at (p95 > 100 ms" in reason
    assert all(
        {"004_51559c022b15dff1.txt:209", "004_51559c022b15dff1.txt:551"} <= set(v.cites) for v in found
    )


def test_a_result_below_the_threshold_is_consistent() -> None:
    assert thresholds.analyze([_alert(), _result(89)]) == []


def test_another_statistic_is_not_compared() -> None:
    assert thresholds.analyze([_alert(), _result(142, "mean")]) == []


def test_watches_restricts_the_results_compared() -> None:
    assert thresholds.analyze([_alert(watches=["api_response_time"]), _result(142)]) == []
    assert len(thresholds.analyze([_alert(watches=["p95_response_time"]), _result(142)])) == 2


def test_a_result_in_another_document_is_not_compared() -> None:
    assert thresholds.analyze([_alert(), _result(142, file=DAY08)]) == []

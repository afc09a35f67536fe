"""Back-end timings: mean or percentile intervals against the bound, and share-under-threshold claims."""

from __future__ import annotations

from typing import Any

import numpy as np

from checks.evaluate.timings import ratio_under_threshold, timings_within
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome

BASE = Claim(
    id="BP-T-DB-01",
    system="BarberPro",
    category="latency",
    statement="Queries answer under 50 ms.",
    sources=[{"file": "003_05e30b35ee0cdd0e.txt", "line": 1, "quote": "queries < 50ms"}],
    metric="db_query_time",
    comparator="<",
    bound=50,
    unit="ms",
    check="db.query_latency",
    method="Repeated timed queries.",
)
RATIO = BASE.model_copy(
    update={"metric": "db_queries_under_threshold", "comparator": ">=", "bound": 99.2, "unit": "%"}
)


def claim(**update: Any) -> Claim:
    scope = update.pop("statistic", None)
    changed = BASE.model_copy(update=update)
    return changed.model_copy(update={"scope": changed.scope.model_copy(update={"statistic": scope})})


def around(center_ms: float, n: int = 200, spread: float = 2.0) -> list[float]:
    return list(np.linspace(center_ms - spread, center_ms + spread, n))


def test_fewer_than_two_timings_are_inconclusive() -> None:
    verdict = timings_within([1.0], BASE, "SELECT 1")
    assert verdict.outcome == Outcome.INCONCLUSIVE and "only 1 timing" in verdict.reason


def test_mean_well_under_the_bound_is_proven() -> None:
    verdict = timings_within(around(10), BASE, "SELECT 1")
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.OBSERVED
    assert verdict.evidence["statistic"] == "mean" and verdict.bound == 50


def test_mean_well_over_the_bound_is_disproven() -> None:
    assert timings_within(around(80), BASE, "SELECT 1").outcome == Outcome.DISPROVEN


def test_mean_straddling_the_bound_is_inconclusive() -> None:
    assert timings_within([40.0, 60.0, 45.0, 55.0], BASE, "SELECT 1").outcome == Outcome.INCONCLUSIVE


def test_percentile_claim_uses_the_quantile_interval() -> None:
    p95 = claim(statistic="p95")
    proven = timings_within(around(10), p95, "PING")
    assert proven.outcome == Outcome.PROVEN and proven.evidence["statistic"] == "p95"
    assert timings_within(around(100), p95, "PING").outcome == Outcome.DISPROVEN


def test_too_few_timings_for_a_percentile_say_how_many_would_decide() -> None:
    verdict = timings_within(around(10, n=30), claim(statistic="p95"), "PING")
    assert verdict.outcome == Outcome.INCONCLUSIVE and "timings would decide" in verdict.reason


def test_bound_in_seconds_is_converted_to_milliseconds() -> None:
    in_s = claim(bound=0.05, unit="s")
    verdict = timings_within(around(10), in_s, "SELECT 1")
    assert verdict.outcome == Outcome.PROVEN and verdict.bound == 50


def test_share_under_threshold_above_target_is_proven() -> None:
    verdict = ratio_under_threshold([10.0] * 1000, RATIO, 50, "SELECT 1")
    assert verdict.outcome == Outcome.PROVEN and verdict.bound == 0.992 and verdict.evidence["k"] == 1000


def test_share_under_threshold_below_target_is_disproven() -> None:
    timings = [10.0] * 900 + [60.0] * 100
    assert ratio_under_threshold(timings, RATIO, 50, "SELECT 1").outcome == Outcome.DISPROVEN


def test_threshold_is_strict() -> None:
    verdict = ratio_under_threshold([50.0] * 1000, RATIO, 50, "SELECT 1")
    assert verdict.outcome == Outcome.DISPROVEN and verdict.measured == 0.0


def test_too_few_timings_for_the_share_are_inconclusive() -> None:
    assert ratio_under_threshold([10.0] * 100, RATIO, 50, "SELECT 1").outcome == Outcome.INCONCLUSIVE

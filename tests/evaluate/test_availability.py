"""Availability from Prometheus history and run probes: exact intervals and the window's error budget."""

from __future__ import annotations

import re
from typing import Any

import pytest

from checks.collect.http import ProbeSeries
from checks.collect.prometheus import AvailabilityHistory
from checks.evaluate.availability import availability_within, error_ratio_within
from checks.ledger import Claim
from checks.stats import trials_for_ratio
from checks.verdicts import EvidenceLevel, Outcome

DAY_S = 86400.0
BASE = Claim(
    id="BP-T-AV-01",
    system="BarberPro",
    category="availability",
    statement="99.9% uptime over a day.",
    sources=[{"file": "003_05e30b35ee0cdd0e.txt", "line": 1, "quote": "99.9% uptime"}],
    metric="uptime",
    comparator=">=",
    bound=99.9,
    unit="%",
    scope={"statistic": "ratio", "window": "1d"},
    check="availability.ratio",
    method="Prometheus up history with an exact interval.",
)


def claim(**scope: Any) -> Claim:
    return BASE.model_copy(update={"scope": BASE.scope.model_copy(update=scope)}) if scope else BASE


def history(samples: int, down: int = 0, history_s: float = DAY_S) -> AvailabilityHistory:
    return AvailabilityHistory("app", DAY_S, history_s, samples, samples - down, 0.0, 0.0)


def probes(ok: int = 20, failed: int = 0) -> ProbeSeries:
    statuses = (200,) * ok + (503,) * failed
    return ProbeSeries("https://gw.test/health", statuses, (5.0,) * len(statuses), ())


def test_full_history_all_up_is_proven() -> None:
    verdict = availability_within(claim(), history(20_000), probes())
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.OBSERVED
    assert verdict.measured["n"] == 20_000 and verdict.measured["ci95"][0] >= 0.999


def test_full_history_with_too_much_downtime_is_disproven() -> None:
    verdict = availability_within(claim(), history(20_000, down=100), probes())
    assert verdict.outcome == Outcome.DISPROVEN
    assert verdict.measured["ci95"][1] < 0.999


def test_full_history_too_short_to_decide_names_the_samples_needed() -> None:
    verdict = availability_within(claim(), history(1_000), probes())
    assert verdict.outcome == Outcome.INCONCLUSIVE
    assert verdict.evidence["samples_needed"] > 1_000
    assert f"{verdict.evidence['samples_needed']} consecutive successful samples" in verdict.reason


def test_the_quoted_sample_count_actually_suffices() -> None:
    need = availability_within(claim(), history(1_000), probes()).evidence["samples_needed"]
    assert availability_within(claim(), history(need), probes()).outcome == Outcome.PROVEN


def test_history_exactly_as_long_as_the_window_is_judged_from_history() -> None:
    verdict = availability_within(claim(), history(20_000, history_s=DAY_S), probes())
    assert verdict.evidence["source"] == "Prometheus `up` samples"


def test_history_a_second_short_of_the_window_is_not_judged_from_history() -> None:
    verdict = availability_within(claim(), history(20_000, history_s=DAY_S - 1), probes())
    assert verdict.outcome == Outcome.INCONCLUSIVE
    assert verdict.evidence["history_s"] == DAY_S - 1 and "needs 1 d of history" in verdict.reason


def test_short_history_whose_downtime_exceeds_the_budget_is_disproven() -> None:
    # 1 d at 99.9% allows 86.4 s; 18 failed 5-second samples are 90 s.
    verdict = availability_within(claim(), history(720, down=18, history_s=3600), probes())
    assert verdict.outcome == Outcome.DISPROVEN
    assert verdict.measured == 90.0 and verdict.bound == pytest.approx(86.4)


def test_short_history_within_the_budget_is_inconclusive() -> None:
    verdict = availability_within(claim(), history(720, down=17, history_s=3600), probes())
    assert verdict.outcome == Outcome.INCONCLUSIVE
    assert verdict.evidence["observed_downtime_s"] == 85.0


def test_no_history_is_inconclusive_and_reports_the_probes() -> None:
    verdict = availability_within(claim(), None, probes(ok=19, failed=1))
    assert verdict.outcome == Outcome.INCONCLUSIVE
    assert (
        verdict.evidence["history"] is None
        and verdict.measured["n"] == 20
        and "19/20 probes" in verdict.reason
    )


def test_history_without_up_samples_is_not_judged_from_history() -> None:
    verdict = availability_within(claim(), history(0, history_s=DAY_S), probes())
    assert verdict.outcome == Outcome.INCONCLUSIVE


def test_window_defaults_to_thirty_days() -> None:
    verdict = availability_within(claim(window=None), history(20_000, history_s=DAY_S), probes())
    assert verdict.outcome == Outcome.INCONCLUSIVE and verdict.evidence["window_s"] == 30 * DAY_S


def test_the_quoted_count_is_the_two_sided_one() -> None:
    verdict = availability_within(claim(), history(1_000), probes())
    assert verdict.evidence["samples_needed"] == trials_for_ratio(0.999, 0.975)


ERRORS = BASE.model_copy(update={"id": "BP-T-AV-09", "metric": "error_rate", "comparator": "<", "bound": 0.1})


def counted(requests: float, errors: float) -> AvailabilityHistory:
    return AvailabilityHistory("app", DAY_S, 7200.0, 1440, 1440, requests, errors)


def test_no_requests_served_is_inconclusive() -> None:
    verdict = error_ratio_within(ERRORS, counted(0, 0))
    assert verdict.outcome == Outcome.INCONCLUSIVE and "served no requests" in verdict.reason


def test_error_ratio_clearly_under_the_bound_is_proven() -> None:
    verdict = error_ratio_within(ERRORS, counted(10_000, 0))
    assert verdict.outcome == Outcome.PROVEN and verdict.bound == pytest.approx(0.001)
    assert verdict.evidence["ci95"][1] < 0.001


def test_error_ratio_clearly_over_the_bound_is_disproven() -> None:
    verdict = error_ratio_within(ERRORS, counted(10_000, 100))
    assert verdict.outcome == Outcome.DISPROVEN and verdict.measured == 0.01


def test_error_ratio_from_too_few_requests_is_inconclusive_and_says_how_many() -> None:
    verdict = error_ratio_within(ERRORS, counted(1_000, 1))
    assert verdict.outcome == Outcome.INCONCLUSIVE and "error-free requests would decide" in verdict.reason


def test_counter_increases_are_rounded_to_whole_requests() -> None:
    verdict = error_ratio_within(ERRORS, counted(9_999.6, 0.4))
    assert verdict.evidence["requests"] == 10_000 and verdict.evidence["errors"] == 0


def test_the_quoted_error_free_count_actually_suffices() -> None:
    reason = error_ratio_within(ERRORS, counted(1_000, 0)).reason
    need = int(re.search(r"about (\d+) error-free requests", reason)[1])  # type: ignore[index]
    assert error_ratio_within(ERRORS, counted(need, 0)).outcome == Outcome.PROVEN
    assert error_ratio_within(ERRORS, counted(need - 200, 0)).outcome == Outcome.INCONCLUSIVE

"""Availability from Prometheus history and probes: exact bounds, the error budget, no history yet."""

from __future__ import annotations

import re
from typing import Any

import pytest

from checks.evaluate.availability import availability_within, error_ratio_within
from checks.evidence.prometheus import AvailabilityHistory
from checks.ledger import Claim
from checks.sufficiency import trials_to_prove
from checks.verdicts import EvidenceLevel, Outcome
from tests.evaluate.factories import claim as make_claim
from tests.evaluate.factories import probes

DAY_S = 86400.0


def claim(**scope: Any) -> Claim:
    wanted = {"statistic": "ratio", "window": "1d"} | scope
    return make_claim(
        "availability.ratio", "availability", comparator=">=", bound=99.9, unit="%", scope=wanted
    )


def history(samples: int, down: int = 0, history_s: float = DAY_S, known: bool = True) -> AvailabilityHistory:
    return AvailabilityHistory("app", DAY_S, history_s, samples, samples - down, 0.0, 0.0, known)


def test_full_history_all_up_is_proven() -> None:
    verdict = availability_within(claim(), history(20_000), probes())
    assert verdict.outcome is Outcome.PROVEN and verdict.level is EvidenceLevel.OBSERVED
    assert verdict.n == 20_000 and verdict.interval is not None and verdict.interval[0] >= 0.999
    assert "policy: 95% confidence" in verdict.reason


def test_full_history_with_too_much_downtime_is_disproven() -> None:
    verdict = availability_within(claim(), history(20_000, down=100), probes())
    assert verdict.outcome is Outcome.DISPROVEN and verdict.interval is not None
    assert verdict.interval[1] < 0.999


def test_full_history_too_short_to_decide_names_the_samples_needed() -> None:
    verdict = availability_within(claim(), history(1_000), probes())
    assert verdict.outcome is Outcome.INCONCLUSIVE
    assert (
        verdict.evidence["samples_needed"] > 1_000 and "trials at this ratio would decide" in verdict.reason
    )


def test_the_quoted_sample_count_actually_suffices() -> None:
    need = availability_within(claim(), history(1_000), probes()).evidence["samples_needed"]
    assert availability_within(claim(), history(need), probes()).outcome is Outcome.PROVEN
    assert need == trials_to_prove(0.999, 1.0, 0.95)


def test_history_exactly_as_long_as_the_window_is_judged_from_history() -> None:
    verdict = availability_within(claim(), history(20_000, history_s=DAY_S), probes())
    assert verdict.evidence["source"] == "Prometheus `up` samples"


def test_history_a_second_short_of_the_window_is_not_judged_from_history() -> None:
    verdict = availability_within(claim(), history(20_000, history_s=DAY_S - 1), probes())
    assert verdict.outcome is Outcome.INCONCLUSIVE
    assert verdict.evidence["history_s"] == DAY_S - 1 and "needs 1 d of history" in verdict.reason


def test_short_history_whose_downtime_exceeds_the_budget_is_disproven() -> None:
    # 1 d at 99.9% allows 86.4 s; 18 failed 5-second samples are 90 s.
    verdict = availability_within(claim(), history(720, down=18, history_s=3600), probes())
    assert verdict.outcome is Outcome.DISPROVEN
    assert verdict.measured == 90.0 and verdict.bound == pytest.approx(86.4)


def test_short_history_within_the_budget_is_inconclusive() -> None:
    verdict = availability_within(claim(), history(720, down=17, history_s=3600), probes())
    assert verdict.outcome is Outcome.INCONCLUSIVE and verdict.evidence["observed_downtime_s"] == 85.0


def test_no_prometheus_is_inconclusive_and_reports_the_probes() -> None:
    verdict = availability_within(claim(), None, probes(ok=39, failed=1))
    assert verdict.outcome is Outcome.INCONCLUSIVE and verdict.evidence["history"] is None
    assert verdict.measured["n"] == 40 and "39/40" in verdict.reason


def test_no_history_yet_is_inconclusive_naming_the_history_needed() -> None:
    # a Prometheus that has not scraped the job yet (cold start): never ERROR
    verdict = availability_within(claim(), history(0, history_s=0.0), probes())
    assert verdict.outcome is Outcome.INCONCLUSIVE
    assert "no history yet" in verdict.reason and "needs 1 d of history" in verdict.reason


def test_a_job_prometheus_does_not_scrape_is_an_error() -> None:
    verdict = availability_within(claim(), history(0, history_s=0.0, known=False), probes())
    assert verdict.outcome is Outcome.ERROR and "no scrape target of job 'app'" in verdict.reason


def test_window_defaults_to_thirty_days() -> None:
    verdict = availability_within(claim(window=None), history(20_000, history_s=DAY_S), probes())
    assert verdict.outcome is Outcome.INCONCLUSIVE and verdict.evidence["window_s"] == 30 * DAY_S


ERRORS = make_claim(
    "availability.ratio", "availability", metric="error_rate", comparator="<", bound=0.1, unit="%"
)


def counted(requests: float, errors: float, history_s: float = 30 * DAY_S) -> AvailabilityHistory:
    return AvailabilityHistory("app", 30 * DAY_S, history_s, 1440, 1440, requests, errors)


def test_an_error_rate_over_less_than_its_window_disproves_but_never_proves() -> None:
    """BP-D14-AVAIL-09 was PROVEN on 3.59 h of counters while its twin success-rate claim needed 30 days."""
    short = error_ratio_within(ERRORS, counted(200_000, 0, history_s=3.6 * 3600))
    assert short.outcome is Outcome.INCONCLUSIVE and "history covers 3.60 h" in short.reason
    breached = error_ratio_within(ERRORS, counted(10_000, 100, history_s=3.6 * 3600))
    assert breached.outcome is Outcome.DISPROVEN


def test_no_requests_served_is_inconclusive() -> None:
    verdict = error_ratio_within(ERRORS, counted(0, 0))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "served no requests" in verdict.reason


def test_error_ratio_clearly_under_the_bound_is_proven() -> None:
    verdict = error_ratio_within(ERRORS, counted(10_000, 0))
    assert verdict.outcome is Outcome.PROVEN and verdict.bound == pytest.approx(0.001)
    assert verdict.interval is not None and verdict.interval[1] < 0.001


def test_error_ratio_clearly_over_the_bound_is_disproven() -> None:
    verdict = error_ratio_within(ERRORS, counted(10_000, 100))
    assert verdict.outcome is Outcome.DISPROVEN and verdict.measured == 0.01


def test_error_ratio_from_too_few_requests_is_inconclusive_and_says_how_many() -> None:
    verdict = error_ratio_within(ERRORS, counted(2_000, 1))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "would decide" in verdict.reason


def test_counter_increases_are_rounded_to_whole_requests() -> None:
    verdict = error_ratio_within(ERRORS, counted(9_999.6, 0.4))
    assert verdict.evidence["requests"] == 10_000 and verdict.evidence["errors"] == 0


def test_the_quoted_error_free_count_actually_suffices() -> None:
    reason = error_ratio_within(ERRORS, counted(1_000, 0)).reason
    need = int(re.search(r"about (\d+) trials", reason)[1])  # type: ignore[index]
    assert error_ratio_within(ERRORS, counted(need, 0)).outcome is Outcome.PROVEN
    assert error_ratio_within(ERRORS, counted(need // 2, 0)).outcome is Outcome.INCONCLUSIVE

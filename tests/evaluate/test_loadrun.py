"""What a load run can stand for before its numbers are read: governor, preflight answers, refusals."""

from __future__ import annotations

import pytest

from checks.evaluate.loadrun import load_run_unfit, preflight_failure
from checks.evidence import http as shapes
from checks.sufficiency import SufficiencyPolicy
from checks.verdicts import Outcome
from tests.evaluate.factories import POLICY, exp_ms, load_run, preflight, samples


def test_a_route_answering_as_expected_lets_the_run_be_read() -> None:
    assert load_run_unfit(load_run(samples(exp_ms(100, 5))), "BP-T-01", POLICY) is None


@pytest.mark.parametrize(
    ("status", "shape", "said"),
    [
        (500, shapes.JSON, "status 500"),
        (200, shapes.HTML, "an HTML page where JSON was expected"),
        (200, shapes.EMPTY_JSON, "empty json"),
        (200, shapes.NOT_JSON, "not json"),
        (200, shapes.EMPTY, "empty"),
        (0, shapes.NO_ANSWER, "no answer"),
    ],
)
def test_a_route_that_does_not_answer_as_expected_is_an_error(status: int, shape: str, said: str) -> None:
    run = load_run(None, checked=preflight(status=status, shape=shape))
    verdict = load_run_unfit(run, "BP-T-01", POLICY)
    assert verdict is not None and verdict.outcome is Outcome.ERROR
    assert said in verdict.reason and "30 of 30" in verdict.reason


def test_a_few_bad_answers_within_the_policys_error_ratio_pass() -> None:
    lenient = SufficiencyPolicy(max_error_ratio=0.05)
    assert preflight_failure(preflight(status=500, good=29), lenient) is None


def test_a_few_bad_answers_beyond_the_policys_error_ratio_fail() -> None:
    assert preflight_failure(preflight(status=500, good=29), POLICY) is not None


def test_a_refused_preflight_names_the_identity_and_the_endpoint() -> None:
    why = preflight_failure(preflight(status=403, shape=shapes.JSON), POLICY)
    assert why is not None and "load-tester" in why and "https://gw.test/api" in why and "403 x30" in why


def test_an_html_page_is_fine_where_no_json_is_expected() -> None:
    page = preflight(shape=shapes.HTML)
    page = type(page)(page.url, page.statuses, page.latencies_ms, (), page.origin, page.shapes, False)
    assert preflight_failure(page, POLICY) is None


def test_refusals_during_the_run_are_an_error() -> None:
    run = load_run(samples(exp_ms(100, 5), errors=5, status=401))
    verdict = load_run_unfit(run, "BP-T-01", POLICY)
    assert verdict is not None and verdict.outcome is Outcome.ERROR and "401 x5" in verdict.reason


def test_over_the_governor_nothing_is_read_and_the_verdict_is_inconclusive() -> None:
    verdict = load_run_unfit(load_run(None, offered=1050, max_rps=600), "BP-T-01", POLICY)
    assert verdict is not None and verdict.outcome is Outcome.INCONCLUSIVE
    assert "needs 1,050 req/s" in verdict.reason


def test_a_run_that_lost_a_worker_is_not_judged_and_says_what_was_not_sent() -> None:
    from dataclasses import replace

    lost = replace(samples(exp_ms(400, 5)), lost_workers=("worker 1 (b): gone",), lost_not_sent=100)
    verdict = load_run_unfit(load_run(lost), "BP-T-01", POLICY)
    assert verdict is not None and verdict.outcome is Outcome.INCONCLUSIVE
    assert (
        "worker 1 (b): gone" in verdict.reason
        and "25.0% of the scheduled load was not sent" in verdict.reason
    )
    assert load_run_unfit(load_run(samples(exp_ms(400, 5))), "BP-T-01", POLICY) is None

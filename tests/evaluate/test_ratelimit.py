"""Rate limits: the limiter's advertised policy, and a burst at the boundary with its steady refill rate."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checks.evaluate.ratelimit import (
    burst_as_claimed,
    burst_plan,
    parse_policy,
    policy_as_claimed,
    reads_advertised_policy,
)
from checks.evidence.security import LimitPolicy, RateLimitProbe
from checks.ledger import Claim
from checks.verdicts import Outcome, Provenance
from tests.evaluate.evidence_factories import CONSTRUCTED, INDEPENDENT

PER_MINUTE = Claim(
    id="BP-T-RL-01",
    system="BarberPro",
    category="security",
    statement="100 requests per minute per client.",
    sources=[{"file": "004_51559c022b15dff1.txt", "line": 370, "quote": "threshold"}],
    metric="rate_limit",
    comparator="<=",
    bound=100,
    unit="requests/min",
    check="http.rate_limit",
    method="Burst with a test identity, then a steady phase.",
)
PER_HOUR = PER_MINUTE.model_copy(update={"comparator": "==", "bound": 50000, "unit": "requests/hour"})
PRESENT = PER_MINUTE.model_copy(update={"comparator": "present", "bound": None, "unit": None})


def probe(**kw: object) -> RateLimitProbe:
    base = RateLimitProbe(
        "https://gw/api",
        "sur",
        101,
        0.5,
        (200,) * 100 + (429,),
        101,
        {},
        "norte",
        200,
        paced_rps=3.3,
        paced_sent=40,
        paced_accepted=20,
        paced_s=12.0,
        refusal_headers={},
        other_status_before=200,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_the_policy_header_is_read() -> None:
    assert parse_policy({"ratelimit-policy": "1000;w=3600"}) == (1000, 3600.0)
    assert parse_policy({}) is None


def policy(header: str | None) -> LimitPolicy:
    return LimitPolicy(
        "https://gw/api", "sur", 200, {"ratelimit-policy": header} if header else {}, INDEPENDENT
    )


def test_an_hourly_policy_matching_the_claim_is_proven_and_a_smaller_one_disproven() -> None:
    assert policy_as_claimed(policy("50000;w=3600"), PER_HOUR).outcome == Outcome.PROVEN
    assert policy_as_claimed(policy("1000;w=3600"), PER_HOUR).outcome == Outcome.DISPROVEN


def test_an_advertised_policy_is_compared_exactly_no_tolerance() -> None:
    """Issue 14: ratelimit.py kept a private comparator table with a 15% tolerance."""
    assert policy_as_claimed(policy("49000;w=3600"), PER_HOUR).outcome == Outcome.DISPROVEN


def test_no_advertised_policy_leaves_an_hourly_claim_inconclusive() -> None:
    assert policy_as_claimed(policy(None), PER_HOUR).outcome == Outcome.INCONCLUSIVE


def test_more_served_within_one_window_than_the_ceiling_allows_disproves_without_any_429() -> None:
    """Issue 10: with the limit removed, 150 requests accepted in 0.33 s came out INCONCLUSIVE."""
    verdict = burst_as_claimed(
        probe(first_refusal=None, sent=150, statuses=(200,) * 150, elapsed_s=0.33), PER_MINUTE
    )
    assert verdict.outcome == Outcome.DISPROVEN and verdict.measured == 150


def test_a_burst_served_within_the_ceiling_without_a_429_is_inconclusive() -> None:
    verdict = burst_as_claimed(probe(first_refusal=None, sent=50, statuses=(200,) * 50), PER_MINUTE)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "less than one window" in verdict.reason


def test_a_present_claim_without_any_429_is_inconclusive() -> None:
    verdict = burst_as_claimed(probe(first_refusal=None, statuses=(200,) * 130), PRESENT)
    assert verdict.outcome == Outcome.INCONCLUSIVE


def test_server_errors_in_the_burst_are_not_refusals_but_errors() -> None:
    verdict = burst_as_claimed(probe(statuses=(200,) * 50 + (502,) * 50 + (429,)), PER_MINUTE)
    assert verdict.outcome == Outcome.ERROR and "[502]" in verdict.reason


def test_a_refusal_with_the_other_client_served_proves_a_per_client_limit_exists() -> None:
    assert burst_as_claimed(probe(), PRESENT).outcome == Outcome.PROVEN


def test_the_other_client_refused_only_after_the_burst_disproves_per_client() -> None:
    assert burst_as_claimed(probe(other_status=429), PER_MINUTE).outcome == Outcome.DISPROVEN


def test_the_other_client_already_refused_before_the_burst_is_inconclusive() -> None:
    verdict = burst_as_claimed(probe(other_status=429, other_status_before=429), PER_MINUTE)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "before the burst" in verdict.reason


@pytest.mark.parametrize(
    ("accepted", "seconds", "outcome"),
    [(100, 120.0, Outcome.PROVEN), (300, 60.0, Outcome.DISPROVEN), (110, 60.0, Outcome.INCONCLUSIVE)],
)
def test_the_steady_refill_rate_is_decided_by_its_confidence_bounds(
    accepted: int, seconds: float, outcome: Outcome
) -> None:
    verdict = burst_as_claimed(
        probe(paced_accepted=accepted, paced_sent=2 * accepted, paced_s=seconds), PER_MINUTE
    )
    assert verdict.outcome is outcome and verdict.interval is not None and verdict.n == accepted
    assert "95% confidence" in verdict.reason


def test_too_few_refills_are_inconclusive_naming_what_the_policy_needs() -> None:
    """20 refills in 12 s at the claimed 100/min: the policy needs 100 events over 10 s."""
    verdict = burst_as_claimed(probe(paced_accepted=20, paced_s=12.0), PER_MINUTE)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "at least 100 events" in verdict.reason


def test_a_refusal_from_an_hourly_limiter_says_nothing_about_the_minute_limit() -> None:
    hourly = probe(refusal_headers={"ratelimit-policy": "1000;w=3600"})
    assert burst_as_claimed(hourly, PER_MINUTE).outcome == Outcome.INCONCLUSIVE


def test_no_steady_phase_is_inconclusive() -> None:
    assert burst_as_claimed(probe(paced_sent=0, paced_s=0.0), PER_MINUTE).outcome == Outcome.INCONCLUSIVE


def test_the_claim_plans_the_burst_and_whether_to_read_the_policy() -> None:
    assert burst_plan(PER_MINUTE) == (135, pytest.approx(100 / 30))
    assert burst_plan(PRESENT) == (150, 5.0)
    assert reads_advertised_policy(PER_HOUR) and not reads_advertised_policy(PER_MINUTE)


def test_a_constructed_limiter_is_marked_for_the_judgement() -> None:
    verdict = burst_as_claimed(probe(origin=CONSTRUCTED), PRESENT)
    assert verdict.provenance is Provenance.CONSTRUCTED and verdict.evidence["constructed"]


def test_the_refill_interval_is_in_the_claims_unit() -> None:
    verdict = burst_as_claimed(probe(paced_accepted=100, paced_sent=200, paced_s=120.0), PER_MINUTE)
    assert verdict.interval is not None and 40 < verdict.interval[0] < 50 < verdict.interval[1] < 60


def test_a_policy_asked_for_while_the_identity_is_limited_is_inconclusive() -> None:
    limited = LimitPolicy("https://gw/api", "sur", 429, {}, INDEPENDENT)
    verdict = policy_as_claimed(limited, PER_HOUR)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "was being limited" in verdict.reason


def test_a_policy_answer_that_is_a_server_error_is_an_error() -> None:
    broken = LimitPolicy("https://gw/api", "sur", 502, {}, INDEPENDENT)
    assert policy_as_claimed(broken, PER_HOUR).outcome == Outcome.ERROR

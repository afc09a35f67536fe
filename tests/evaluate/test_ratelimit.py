"""Rate limits: the limiter's advertised policy, and a burst at the boundary with its steady refill rate."""

from __future__ import annotations

from dataclasses import replace

from checks.collect.ratelimit import RateLimitProbe
from checks.evaluate.ratelimit import burst_as_claimed, parse_policy, policy_as_claimed
from checks.ledger import Claim
from checks.verdicts import Outcome

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


def test_an_hourly_policy_matching_the_claim_is_proven_and_a_smaller_one_disproven() -> None:
    assert policy_as_claimed({"ratelimit-policy": "50000;w=3600"}, PER_HOUR, "acme").outcome == Outcome.PROVEN
    assert (
        policy_as_claimed({"ratelimit-policy": "1000;w=3600"}, PER_HOUR, "sur").outcome == Outcome.DISPROVEN
    )


def test_no_advertised_policy_leaves_an_hourly_claim_inconclusive() -> None:
    assert policy_as_claimed({}, PER_HOUR, "sur").outcome == Outcome.INCONCLUSIVE


def test_no_refusal_within_the_burst_is_inconclusive_for_a_presence_claim() -> None:
    verdict = burst_as_claimed(probe(first_refusal=None, statuses=(200,) * 130), PRESENT)
    assert verdict.outcome == Outcome.INCONCLUSIVE


def test_more_accepted_than_a_ceiling_allows_in_one_window_is_disproven_without_any_429() -> None:
    """Issue 10: 150 requests accepted in 0.33 s against '<= 100 requests/min' came out INCONCLUSIVE."""
    never = probe(first_refusal=None, sent=150, statuses=(200,) * 150, elapsed_s=0.33)
    verdict = burst_as_claimed(never, PER_MINUTE)
    assert verdict.outcome == Outcome.DISPROVEN and verdict.measured == 150
    assert "no 429 within 150 requests" in verdict.reason and "more than the claimed" in verdict.reason


def test_fewer_accepted_than_the_ceiling_without_a_429_is_inconclusive() -> None:
    short = probe(first_refusal=None, sent=90, statuses=(200,) * 90, elapsed_s=0.2)
    assert burst_as_claimed(short, PER_MINUTE).outcome == Outcome.INCONCLUSIVE


def test_a_burst_spread_over_more_than_the_window_is_judged_per_window() -> None:
    slow = probe(first_refusal=None, sent=150, statuses=(200,) * 150, elapsed_s=120.0)
    assert burst_as_claimed(slow, PER_MINUTE).outcome == Outcome.INCONCLUSIVE  # 75 per minute
    fast = probe(first_refusal=None, sent=300, statuses=(200,) * 300, elapsed_s=120.0)
    assert burst_as_claimed(fast, PER_MINUTE).outcome == Outcome.DISPROVEN  # 150 per minute


def test_refused_answers_are_not_counted_as_accepted() -> None:
    refused = probe(first_refusal=None, sent=150, statuses=(401,) * 150, elapsed_s=0.33)
    assert burst_as_claimed(refused, PER_MINUTE).outcome == Outcome.INCONCLUSIVE


def test_a_floor_claim_is_not_disproven_by_many_accepted_requests() -> None:
    floor = PER_MINUTE.model_copy(update={"comparator": ">="})
    never = probe(first_refusal=None, sent=150, statuses=(200,) * 150, elapsed_s=0.33)
    assert burst_as_claimed(never, floor).outcome == Outcome.INCONCLUSIVE


def test_a_refusal_with_the_other_client_served_proves_a_per_client_limit_exists() -> None:
    assert burst_as_claimed(probe(), PRESENT).outcome == Outcome.PROVEN


def test_the_other_client_refused_only_after_the_burst_disproves_per_client() -> None:
    assert burst_as_claimed(probe(other_status=429), PER_MINUTE).outcome == Outcome.DISPROVEN


def test_the_other_client_already_refused_before_the_burst_is_inconclusive() -> None:
    verdict = burst_as_claimed(probe(other_status=429, other_status_before=429), PER_MINUTE)
    assert verdict.outcome == Outcome.INCONCLUSIVE and "before the burst" in verdict.reason


def test_the_steady_refill_rate_within_the_claim_is_proven_and_above_it_disproven() -> None:
    assert burst_as_claimed(probe(paced_accepted=20, paced_s=12.0), PER_MINUTE).outcome == Outcome.PROVEN
    assert burst_as_claimed(probe(paced_accepted=40, paced_s=12.0), PER_MINUTE).outcome == Outcome.DISPROVEN


def test_a_refusal_from_an_hourly_limiter_says_nothing_about_the_minute_limit() -> None:
    hourly = probe(refusal_headers={"ratelimit-policy": "1000;w=3600"})
    assert burst_as_claimed(hourly, PER_MINUTE).outcome == Outcome.INCONCLUSIVE


def test_too_short_a_steady_phase_is_inconclusive() -> None:
    assert burst_as_claimed(probe(paced_sent=3, paced_s=1.0), PER_MINUTE).outcome == Outcome.INCONCLUSIVE

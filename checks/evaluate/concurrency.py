"""'N concurrent users supported': Little's law turns N users into a rate, then a throughput judgement."""

from __future__ import annotations

from checks.collect.load.samples import LatencySamples
from checks.evaluate.throughput import throughput_within
from checks.ledger import Claim
from checks.stats import arrival_rate_for_users
from checks.verdicts import Verdict


def users_to_rate(users: float, think_time_s: float, response_time_s: float) -> float:
    """Little's law: N users who wait Z between a response and their next request send N / (R + Z) req/s."""
    return arrival_rate_for_users(int(users), think_time_s, response_time_s)


def users_served(
    samples: LatencySamples | None,
    claim: Claim,
    users: float,
    rate: float,
    think_time_s: float,
    *,
    max_rps: float,
) -> Verdict:
    """PROVEN when the run at the users' arrival rate is sustained without errors (the throughput rules)."""
    as_rate = claim.model_copy(update={"comparator": ">=", "bound": rate, "unit": "rps"})
    verdict = throughput_within(samples, as_rate, max_rps=max_rps)
    prefix = f"{users:g} users with {think_time_s:g} s think time ≈ {rate:.1f} req/s (Little's law); "
    return Verdict(
        claim.id,
        verdict.outcome,
        verdict.level,
        prefix + verdict.reason,
        verdict.measured,
        {"users": users, "rate_rps": rate, "think_time_s": think_time_s},
        verdict.evidence,
        verdict.cites,
    )

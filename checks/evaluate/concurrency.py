"""'N concurrent users supported': Little's law turns N users into a rate, then a throughput judgement."""

from __future__ import annotations

from checks.evaluate.observed import params_of
from checks.evaluate.throughput import HEADROOM, throughput_within
from checks.evidence.load import LoadRun
from checks.ledger import Claim
from checks.params import ConcurrencyParams
from checks.stats import arrival_rate_for_users
from checks.sufficiency import DEFAULT_POLICY, SufficiencyPolicy
from checks.verdicts import Verdict, not_applicable

ASSUMED_RESPONSE_S = 0.1  # R in Little's law when the claim states no latency


def users_to_rate(users: float, think_time_s: float, response_time_s: float = ASSUMED_RESPONSE_S) -> float:
    """Little's law: N users who wait Z between a response and their next request send N / (R + Z) req/s."""
    return arrival_rate_for_users(int(users), think_time_s, response_time_s)


def users_claimed(claim: Claim) -> float | None:
    """The number of users the claim says are served (a multiple names its equivalent users)."""
    if claim.unit == "x":
        return params_of(claim, ConcurrencyParams).equivalent_users
    users = claim.scope.load_users or claim.bound
    return float(users) if isinstance(users, int | float) and not isinstance(users, bool) else None


def concurrency_offer(claim: Claim, think_time_s: float) -> float | None:
    """The rate a run for this claim offers (the users' arrival rate plus headroom); None when the claim
    names no number of users."""
    users = users_claimed(claim)
    return None if users is None else users_to_rate(users, think_time_s) * HEADROOM


def concurrency_not_measured(claim: Claim) -> Verdict | None:
    """NOT_APPLICABLE for a claim that names no number of users to test."""
    if users_claimed(claim) is None:
        return not_applicable(claim.id, f"a {claim.unit} growth claim names no number of users to test")
    return None


def users_served(
    run: LoadRun | None,
    claim: Claim,
    think_time_s: float,
    policy: SufficiencyPolicy = DEFAULT_POLICY,
) -> Verdict:
    """PROVEN when the run at the users' arrival rate is sustained without errors (the throughput rules)."""
    if (skipped := concurrency_not_measured(claim)) is not None:
        return skipped
    users = users_claimed(claim) or 0.0
    rate = users_to_rate(users, think_time_s)
    as_rate = claim.model_copy(update={"comparator": ">=", "bound": rate, "unit": "rps"})
    verdict = throughput_within(run, as_rate, policy)
    prefix = f"{users:g} users with {think_time_s:g} s think time ≈ {rate:.1f} req/s (Little's law); "
    return verdict.with_(
        reason=prefix + verdict.reason,
        bound={"users": users, "rate_rps": rate, "think_time_s": think_time_s},
    )

"""Turning a sufficiency Decision into an observed Verdict: the policy stated, the interval and n filled in.

Shared by the load, timing, geo, availability and caching evaluators so that every one of their reasons
says which policy decided (confidence, minimum n, minimum duration) and every verdict carries the
interval and sample size it rests on. Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

from checks.compare import interval_outcome
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.params import P, Params
from checks.sufficiency import Decision, SufficiencyPolicy, percent
from checks.verdicts import EvidenceLevel, Outcome, Verdict, decided

OBSERVED = EvidenceLevel.OBSERVED


def params_of(claim: Claim, model: type[P]) -> P:
    """The claim's params as its check's model. An entry written without `params` carries the base Params
    (the ledger validates only the params an entry states), read here as the model's defaults."""
    if type(claim.params) is Params:
        return model.model_validate(claim.params.model_dump(exclude_defaults=True))
    return claim.params_as(model)


def policy_note(policy: SufficiencyPolicy, *, rate: bool = False) -> str:
    """'policy: 95% confidence, n >= 30' (and the minimum duration and events for rates)."""
    note = f"policy: {policy.describe()}"
    if rate:
        note += f", >= {policy.min_rate_events} events over >= {policy.min_rate_duration_s:g} s"
    return note


def verdict_of(
    claim_id: str,
    decision: Decision,
    reason: str,
    origin: Origin,
    *,
    outcome: Outcome | None = None,
    level: EvidenceLevel = OBSERVED,
    **kw: Any,
) -> Verdict:
    """A verdict with the decision's outcome (or `outcome`), interval and n, and the evidence's provenance."""
    return decided(
        claim_id,
        outcome or decision.outcome,
        level,
        reason,
        interval=decision.interval,
        n=decision.n,
        provenance=origin.provenance,
        **kw,
    )


def rps(value: float) -> str:
    """A rate for a reason sentence: '19.8 req/s', '19,608 req/s'."""
    return f"{value:.4g} req/s" if value < 1000 else f"{value:,.0f} req/s"


def ms(value: float | None) -> str:
    """A duration in ms for a reason sentence ('12.3 ms'; 'n/a' when there is none)."""
    if value is None:
        return "n/a"
    return f"{value:.4g} ms" if abs(value) < 1e6 else f"{value:.0f} ms"


def estimate_text(name: str, decision: Decision, confidence: float, unit_of: Any = ms) -> str:
    """'p95 = 59.9 ms (95% CI 55.1 ms..63.2 ms, n=2000)', or the decision's why when it has no estimate."""
    if decision.estimate is None or decision.interval is None:
        return decision.why
    lower, upper = decision.interval
    return (
        f"{name} = {unit_of(decision.estimate)} ({percent(confidence)} CI "
        f"{unit_of(lower)}..{unit_of(upper)}, n={decision.n})"
    )


def relation(decision: Decision, comparator: str, bound: float) -> str:
    """How the interval stands to the bound, in words: within, violates, straddles (or why undecided)."""
    if decision.outcome is Outcome.PROVEN:
        return "is within the bound"
    if decision.outcome is Outcome.DISPROVEN:
        return "violates the bound"
    if decision.interval is None:
        return "cannot be compared with the bound"
    lower, upper = decision.interval
    if interval_outcome(lower, upper, comparator, bound) is Outcome.INCONCLUSIVE:
        return "straddles the bound"
    return f"is not decided ({decision.why.rpartition(', but ')[2]}) against the bound"


def claimed_think_time(claim: Claim, profile_think_time_s: float) -> float:
    """The think time the claim's own load states (`params.think_time_s`: 0 for pgbench and
    redis-benchmark clients), else the profile's assumption for users of an API."""
    stated = claim.params.get("think_time_s")
    return float(stated) if stated is not None else profile_think_time_s

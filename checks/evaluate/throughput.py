"""Throughput claims ('sustains >= X req/s') judged against an open-loop run. Pure: no I/O, no clock.

The run must offer at least the claimed rate. The sustained rate is successful responses per second from
the first scheduled request to the last response, so a server that falls behind (its queue grows) shows a
lower rate even when every request eventually succeeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from checks.collect.load.samples import LatencySamples
from checks.evaluate.latency import OBSERVED, LatencyClaim, run_evidence
from checks.verdicts import Verdict, disproven, error, inconclusive, proven

PER_SECOND = {
    "rps": 1.0,
    "req/s": 1.0,
    "requests/s": 1.0,
    "rpm": 1 / 60,
    "req/min": 1 / 60,
    "rph": 1 / 3600,
    "req/h": 1 / 3600,
    "requests/min": 1 / 60,
    "requests/hour": 1 / 3600,
    "transactions/s": 1.0,
}
WINDOW_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600}


@dataclass(frozen=True)
class ThroughputPolicy:
    """How strict a throughput judgement is (method parameters, not claim numbers)."""

    rate_tolerance: float = 0.05  # the generator may fall short of its requested rate by this fraction
    drain_tolerance: float = 0.05  # sustained below claim*(1 - this) is DISPROVEN; in between INCONCLUSIVE
    max_error_ratio: float = 0.01


def rate_needed(claim: LatencyClaim) -> float | None:
    """The claimed rate in requests per second, or None when the claim is not a rate."""
    factor = PER_SECOND.get((claim.unit or "").strip())
    return None if factor is None or not isinstance(claim.bound, int | float) else float(claim.bound) * factor


def window_s(window: str | None) -> float | None:
    """'5m' -> 300.0; None for no window; ValueError for an unreadable one."""
    if not window:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|m|min|h)\s*", window)
    if not match:
        raise ValueError(f"unreadable window {window!r}")
    return float(match[1]) * WINDOW_UNITS[match[2]]


def throughput_within(
    samples: LatencySamples | None,
    claim: LatencyClaim,
    *,
    max_rps: float,
    policy: ThroughputPolicy | None = None,
) -> Verdict:
    """Judge 'sustains >(=) X req/s'. A claim above the target's governor (`max_rps`) is INCONCLUSIVE
    without a run (pass samples=None); otherwise the run must offer at least X req/s."""
    policy = policy or ThroughputPolicy()
    needed = rate_needed(claim)
    if needed is None or claim.comparator not in (">", ">="):
        return error(claim.id, f"not a sustained-rate claim: {claim.comparator} {claim.bound} {claim.unit}")
    if needed > max_rps:
        return inconclusive(
            claim.id,
            OBSERVED,
            f"the claim needs {needed:g} req/s but this target's governor "
            f"allows {max_rps:g} req/s (targets.yaml max_rps); not measured",
            bound=needed,
        )
    if samples is None:
        return error(claim.id, "no load run was made for this claim")
    return _judge_run(samples, claim, needed, policy)


def _unfit(
    samples: LatencySamples, claim: LatencyClaim, needed: float, policy: ThroughputPolicy
) -> str | None:
    if samples.requested_rate < needed:
        return f"the run offered {samples.requested_rate:g} req/s, less than the claimed {needed:g} req/s"
    short = 1 - samples.achieved_rate / samples.requested_rate
    if short > policy.rate_tolerance:
        return (
            f"the generator achieved {samples.achieved_rate:.1f} of {samples.requested_rate:g} req/s "
            f"({short:.1%} short)"
        )
    wanted = window_s(getattr(claim.scope, "window", None))
    if wanted and samples.duration_s < wanted:
        return f"the claim is over a {wanted:g} s window but the run lasted {samples.duration_s:g} s"
    return None


def _errors(samples: LatencySamples) -> tuple[int, int]:
    """(server-side or transport errors, client errors 4xx)."""
    client = sum(c for s, c in samples.status_counts.items() if 400 <= s < 500)
    return samples.errors - client, client


def _judge_run(
    samples: LatencySamples, claim: LatencyClaim, needed: float, policy: ThroughputPolicy
) -> Verdict:
    kw: dict[str, Any] = {
        "evidence": run_evidence(samples)
        | {"sustained_rps": round(samples.completion_rate, 2), "elapsed_s": round(samples.elapsed_s, 3)},
        "measured": {"value": round(samples.completion_rate, 2), "unit": "req/s"},
        "bound": {"comparator": claim.comparator, "value": needed, "unit": "req/s"},
    }
    if why := _unfit(samples, claim, needed, policy):
        return inconclusive(claim.id, OBSERVED, f"not judged: {why}", **kw)
    said = (
        f"offered {samples.requested_rate:g} req/s for {samples.duration_s:g} s, {samples.successes} of "
        f"{samples.scheduled} succeeded: {samples.completion_rate:.1f} req/s sustained"
    )
    server_errors, client_errors = _errors(samples)
    if samples.error_ratio > policy.max_error_ratio:
        if server_errors >= client_errors:
            return disproven(
                claim.id,
                OBSERVED,
                f"{said}; {samples.error_ratio:.2%} failed "
                f"(> {policy.max_error_ratio:.2%}, statuses {dict(samples.status_counts)})",
                **kw,
            )
        return inconclusive(
            claim.id,
            OBSERVED,
            f"{said}; {client_errors} client errors (4xx): check the route and credentials before judging",
            **kw,
        )
    rate = samples.completion_rate
    if rate > needed or (claim.comparator == ">=" and rate == needed):
        return proven(claim.id, OBSERVED, f"{said}, meeting {claim.comparator} {needed:g} req/s", **kw)
    if rate < needed * (1 - policy.drain_tolerance):
        return disproven(
            claim.id,
            OBSERVED,
            f"{said}, under {claim.comparator} {needed:g} req/s by more than {policy.drain_tolerance:.0%}",
            **kw,
        )
    return inconclusive(
        claim.id,
        OBSERVED,
        f"{said}, just under {needed:g} req/s (within the "
        f"{policy.drain_tolerance:.0%} drain allowance); offer more than {needed:g} req/s",
        **kw,
    )

"""Geo latency: what a user in a city sees, with the network round trip and the server's time shown apart.

Request latency is request-sent to first byte on an established connection: one network round trip plus
the server's time. It is judged with the one sufficiency policy (the median when the claim states no
statistic). Two things keep it honest:

- an emulated vantage point (targets.yaml `emulated: true`: a delay claimcheck configured) gives `emulated`
  evidence: its measurement is shown, and the judgement rules cap it at INCONCLUSIVE;
- a round trip below the physics floor between the claim's city and its serving region (light in fibre,
  checks/evaluate/declared/physics.py) is impossible: the path is not what it claims to be (an emulation
  that did not run), so the verdict is ERROR, never PROVEN.

Pure: no I/O (the floor is computed by the caller from the packaged place table).
"""

from __future__ import annotations

import statistics
from typing import Any

from checks.evaluate.declared.physics import Geo, rtt_floor_ms
from checks.evaluate.observed import estimate_text, ms, params_of, policy_note, relation, verdict_of
from checks.evidence.geo import VantageLatency
from checks.ledger import Claim
from checks.params import GeoParams
from checks.sequential import METHOD, sequential_quantile
from checks.sufficiency import DEFAULT_POLICY, SufficiencyPolicy, decide_mean, decide_quantile
from checks.units import is_unit
from checks.verdicts import Verdict, error

DEFAULT_STATISTIC = "p50"


def physics_floor_ms(claim: Claim, geo: Geo) -> float | None:
    """The round-trip floor between the claim's vantage city and its serving region, when both are known."""
    params = params_of(claim, GeoParams)
    city, region = params.vantage_city or claim.scope.vantage, params.serving_region or claim.scope.region
    a, b = (geo.find(city) if city else None), (geo.find(region) if region else None)
    return None if a is None or b is None else rtt_floor_ms(a, b, geo.km_per_ms)


def _median(values: tuple[float, ...]) -> float:
    return statistics.median(values) if values else float("nan")


def shares(samples: VantageLatency) -> dict[str, float]:
    """Medians of the parts of a request: connect (one round trip), server share, TLS and a cold request."""
    server = tuple(t - c for t, c in zip(samples.ttfb_ms, samples.connect_ms, strict=True))
    return {
        "connect_p50_ms": _median(samples.connect_ms),
        "server_share_p50_ms": _median(server),
        "cold_request_p50_ms": _median(samples.total_ms),
        "tls_p50_ms": _median(samples.tls_ms),
    }


def _evidence(samples: VantageLatency, floor_ms: float | None) -> dict[str, Any]:
    failed = [s for s in samples.statuses if not 200 <= s < 400]
    return {
        "url": samples.url,
        "vantage": samples.vantage,
        "vantage_kind": samples.origin.vantage_kind,
        "emulated": samples.origin.emulated,
        "city": samples.city,
        **shares(samples),
        "physics_floor_ms": floor_ms,
        "errors": list(samples.errors),
        "non_2xx": len(failed),
        "n": samples.n,
    }


def _broken(
    samples: VantageLatency, claim: Claim, floor_ms: float | None, evidence: dict[str, Any]
) -> Verdict | None:
    """ERROR when the requests failed, or the round trip is below what physics allows."""
    failed = [s for s in samples.statuses if not 200 <= s < 400]
    where = f"{samples.vantage} ({samples.city or 'no city'})"
    if failed:
        reason = (
            f"{len(failed)} of {len(samples.statuses)} requests from {samples.vantage} failed "
            f"(statuses {sorted(set(failed))})"
        )
        return error(claim.id, reason, evidence=evidence)
    rtt = evidence["connect_p50_ms"]
    if floor_ms is not None and rtt < floor_ms:
        reason = (
            f"the round trip from {where} (TCP connect p50 {ms(rtt)}) is below the physics floor of "
            f"{ms(floor_ms)} to the serving region: no network is that fast, so the path measured is not the "
            "city's (an emulation that did not run?); not judged"
        )
        return error(claim.id, reason, evidence=evidence)
    return None


def geo_latency_within(
    samples: VantageLatency,
    claim: Claim,
    floor_ms: float | None = None,
    policy: SufficiencyPolicy = DEFAULT_POLICY,
    *,
    sequential: bool = False,
) -> Verdict:
    """The claim's statistic (median when unstated) of request latency from the vantage point, vs its bound;
    `floor_ms` is the physics floor of the claim's path (None: the claim names no serving region).
    `sequential`: the probe stopped once its claims were decided (checks/sequential.py), so a percentile is
    decided by the sequential test, valid at that stopping time (a fixed-n interval would not be)."""
    if claim.comparator not in ("<", "<=", ">", ">=") or not is_unit(claim.unit, "time"):
        return error(claim.id, f"not a latency bound: {claim.comparator} {claim.bound} {claim.unit}")
    evidence = _evidence(samples, floor_ms)
    if (broken := _broken(samples, claim, floor_ms, evidence)) is not None:
        return broken
    stat, bound = claim.scope.statistic or DEFAULT_STATISTIC, claim.bound_in("ms")
    if stat != "mean" and claim.scope.percentile is None and claim.scope.statistic is not None:
        return error(claim.id, f"statistic {stat!r} is not a percentile or the mean")
    if stat == "mean":
        decision = decide_mean(samples.ttfb_ms, claim.comparator, bound, policy)
    else:
        decide = sequential_quantile if sequential else decide_quantile
        decision = decide(samples.ttfb_ms, float(stat[1:]) / 100, claim.comparator, bound, policy)
    where = f"{samples.vantage} ({samples.city or 'no city'})"
    text = f"request latency from {where}: {estimate_text(stat, decision, policy.confidence)}"
    text += f" {relation(decision, claim.comparator, bound)} {claim.comparator} {ms(bound)}"
    text += (
        f"; of which network round trip (TCP connect) p50 {evidence['connect_p50_ms']:.2f} ms and server "
        f"p50 {evidence['server_share_p50_ms']:.2f} ms; a cold request (connect + TLS + request) p50 "
        f"{evidence['cold_request_p50_ms']:.2f} ms"
    )
    if floor_ms is not None:
        text += f"; physics floor {floor_ms:.1f} ms"
    evidence |= {"statistic": stat, "ci_ms": list(decision.interval or ())}
    reason = f"{text} ({policy_note(policy)}{'; ' + METHOD if sequential and stat != 'mean' else ''})"
    return verdict_of(
        claim.id, decision, reason, samples.origin, measured=decision.estimate, bound=bound, evidence=evidence
    )

"""Geo latency: what a user in a city sees, with the network round trip and the server's time shown apart."""

from __future__ import annotations

from dataclasses import replace

from checks.collect.geo import VantageLatency
from checks.evaluate.timings import timings_within
from checks.ledger import Claim
from checks.stats import quantile_ci
from checks.verdicts import EvidenceLevel, Outcome, Verdict


def geo_latency_within(samples: VantageLatency, claim: Claim) -> Verdict:
    """The claim's statistic (median when unstated) of request latency from the vantage point, vs its bound.

    Request latency is request-sent to first-byte on an established connection: one network round trip plus
    the server's time, what a user sees per request. The TCP connect time (one bare round trip), the server's
    share (latency minus round trip) and the cold-connection total (connect + TLS + request) are evidence.
    """
    if claim.scope.statistic is None:
        claim = claim.model_copy(update={"scope": claim.scope.model_copy(update={"statistic": "p50"})})
    failed = [s for s in samples.statuses if not 200 <= s < 400]
    verdict = timings_within(
        samples.ttfb_ms, claim, f"request latency from {samples.vantage} ({samples.city or 'no city'})"
    )
    rtt = quantile_ci(samples.connect_ms, 0.5).estimate
    server = quantile_ci(
        [t - c for t, c in zip(samples.ttfb_ms, samples.connect_ms, strict=True)], 0.5
    ).estimate
    cold = quantile_ci(samples.total_ms, 0.5).estimate
    evidence = {
        **verdict.evidence,
        "url": samples.url,
        "vantage": samples.vantage,
        "city": samples.city,
        "connect_p50_ms": rtt,
        "server_share_p50_ms": server,
        "cold_request_p50_ms": cold,
        "tls_p50_ms": quantile_ci(samples.tls_ms, 0.5).estimate,
        "errors": list(samples.errors),
        "non_2xx": len(failed),
    }
    reason = (
        f"{verdict.reason}; of which network round trip (TCP connect) p50 {rtt:.2f} ms and server "
        f"p50 {server:.2f} ms; a cold request (connect + TLS + request) p50 {cold:.2f} ms"
    )
    if failed:
        return Verdict(
            claim.id,
            Outcome.ERROR,
            EvidenceLevel.NONE,
            f"{len(failed)} of {len(samples.statuses)} requests from {samples.vantage} failed "
            f"(statuses {sorted(set(failed))})",
            evidence=evidence,
        )
    return replace(verdict, reason=reason, evidence=evidence, level=EvidenceLevel.OBSERVED)

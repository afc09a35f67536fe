"""Rate-limit claims judged from a burst at the boundary and from the limiter's advertised policy."""

from __future__ import annotations

import re
from typing import Any

from checks.collect.ratelimit import RateLimitProbe
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome, Verdict

WINDOW_S = {"requests/s": 1.0, "requests/min": 60.0, "requests/hour": 3600.0, "rps": 1.0}
TOLERANCE = 0.15  # a steady-rate estimate over a short window is off by a refill or two
_POLICY = re.compile(r"^\s*(\d+)\s*;\s*w=(\d+)")


def parse_policy(headers: dict[str, str]) -> tuple[int, float] | None:
    """(limit, window seconds) from `RateLimit-Policy: 1000;w=3600`, or None."""
    match = _POLICY.match(headers.get("ratelimit-policy", ""))
    return (int(match[1]), float(match[2])) if match else None


def _compare(comparator: str, measured: float, bound: float) -> bool:
    return {
        "==": abs(measured - bound) <= TOLERANCE * bound,
        "<=": measured <= bound * (1 + TOLERANCE),
        ">=": measured >= bound * (1 - TOLERANCE),
        "<": measured < bound,
        ">": measured > bound,
    }[comparator]


def policy_as_claimed(headers: dict[str, str], claim: Claim, identity: str) -> Verdict:
    """The advertised policy scaled to the claim's window, against a numeric per-client limit."""
    policy = parse_policy(headers)
    window = WINDOW_S.get(claim.unit or "")
    if policy is None or window is None or not isinstance(claim.bound, int | float):
        return Verdict(
            claim.id,
            Outcome.INCONCLUSIVE,
            EvidenceLevel.CONFIGURED,
            f"{identity}: the limiter advertises no RateLimit-Policy ({headers}); an {claim.unit} "
            "limit cannot be found without sending that window's traffic",
        )
    per_window = policy[0] * window / policy[1]
    ok = _compare(claim.comparator or "==", per_window, float(claim.bound))
    return Verdict(
        claim.id,
        Outcome.PROVEN if ok else Outcome.DISPROVEN,
        EvidenceLevel.CONFIGURED,
        f"{identity}: RateLimit-Policy {headers['ratelimit-policy']!r} = {per_window:g} {claim.unit}; "
        f"claimed {claim.bound_text()}",
        per_window,
        claim.bound,
        {"headers": headers},
    )


def burst_as_claimed(probe: RateLimitProbe, claim: Claim) -> Verdict:
    """The count at which the burst was refused (with the other client still served) against the claim."""
    evidence = {
        "sent": probe.sent,
        "accepted": probe.accepted,
        "first_429": probe.first_refusal,
        "elapsed_s": probe.elapsed_s,
        "headers": probe.limit_headers,
        "other": probe.other_identity,
        "other_status": probe.other_status,
        "other_status_before": probe.other_status_before,
        "statuses": list(probe.statuses),
    }
    if probe.first_refusal is None:
        return _never_refused(probe, claim, evidence)
    if probe.other_status == 429 and probe.other_status_before == 429:
        return Verdict(
            claim.id,
            Outcome.INCONCLUSIVE,
            EvidenceLevel.OBSERVED,
            f"{probe.other_identity} was refused before the burst as well (its own budget is spent): whether "
            "the limit is per client cannot be told now; retry after its window",
            None,
            claim.bound_text(),
            evidence,
        )
    if probe.other_status == 429:
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            EvidenceLevel.OBSERVED,
            f"after {probe.identity} was limited, {probe.other_identity} was refused too: the limit is "
            "not per client",
            probe.first_refusal - 1,
            claim.bound_text(),
            evidence,
        )
    allowed = probe.first_refusal - 1
    said = (
        f"{probe.identity}: {allowed} requests accepted in {probe.elapsed_s:.2f} s, request "
        f"{probe.first_refusal} refused with 429; {probe.other_identity} still served ({probe.other_status})"
    )
    if not isinstance(claim.bound, int | float) or claim.comparator in (None, "present"):
        return Verdict(
            claim.id, Outcome.PROVEN, EvidenceLevel.OBSERVED, said, allowed, "a per-client limit", evidence
        )
    return _steady_rate_verdict(probe, claim, said, evidence)


def _never_refused(probe: RateLimitProbe, claim: Claim, evidence: dict[str, Any]) -> Verdict:
    """No 429 at all. A ceiling claim (<=, <, ==) is still contradicted when more requests were accepted
    within one claimed window than it allows: some window then held at least accepted * window / elapsed."""
    window = WINDOW_S.get(claim.unit or "")
    ceiling = claim.comparator in ("<=", "<", "==") and isinstance(claim.bound, int | float)
    said = f"{probe.identity}: no 429 within {probe.sent} requests in {probe.elapsed_s:.2f} s"
    if ceiling and window is not None and probe.accepted:
        in_window = probe.accepted * min(1.0, window / max(probe.elapsed_s, 1e-9))
        if not _compare(claim.comparator or "==", in_window, float(claim.bound)):  # type: ignore[arg-type]
            return Verdict(
                claim.id,
                Outcome.DISPROVEN,
                EvidenceLevel.OBSERVED,
                f"{said}: {probe.accepted} accepted, so one {window:g} s window let through "
                f"{in_window:.0f}, more than the claimed {claim.bound_text()} (tolerance {TOLERANCE:.0%})",
                in_window,
                claim.bound,
                evidence,
            )
    return Verdict(
        claim.id,
        Outcome.INCONCLUSIVE,
        EvidenceLevel.OBSERVED,
        f"{said}; a limit above that is not ruled out, nor is the absence of one",
        None,
        claim.bound_text(),
        evidence,
    )


def _steady_rate_verdict(probe: RateLimitProbe, claim: Claim, said: str, evidence: dict[str, Any]) -> Verdict:
    """The refill rate seen after saturation, scaled to the claim's window, against the claimed limit."""
    policy = parse_policy(probe.refusal_headers or {})
    window = WINDOW_S.get(claim.unit or "")
    if policy is not None and window is not None and policy[1] != window:
        return Verdict(
            claim.id,
            Outcome.INCONCLUSIVE,
            EvidenceLevel.OBSERVED,
            f"{said}; but the refusal came from a limiter with a {policy[1]:g} s window "
            f"({probe.refusal_headers}), not the claimed {claim.unit} one: this identity's budget "
            "there is spent; retry after it resets",
            None,
            claim.bound,
            evidence,
        )
    if window is None or probe.paced_s <= 0 or probe.paced_sent < 10:
        return Verdict(
            claim.id,
            Outcome.INCONCLUSIVE,
            EvidenceLevel.OBSERVED,
            f"{said}; no steady-rate phase was measured, so the limit per {claim.unit} is unknown",
            None,
            claim.bound,
            evidence,
        )
    measured = probe.paced_accepted / probe.paced_s * window
    ok = isinstance(claim.bound, int | float) and _compare(
        claim.comparator or "==", measured, float(claim.bound)
    )
    return Verdict(
        claim.id,
        Outcome.PROVEN if ok else Outcome.DISPROVEN,
        EvidenceLevel.OBSERVED,
        f"{said}; then at {probe.paced_rps:g} req/s for {probe.paced_s:.1f} s, {probe.paced_accepted} of "
        f"{probe.paced_sent} were let through = {measured:.1f} {claim.unit}; claimed {claim.bound_text()}"
        f" (tolerance {TOLERANCE:.0%})",
        measured,
        claim.bound,
        {
            **evidence,
            "paced_rps": probe.paced_rps,
            "paced_sent": probe.paced_sent,
            "paced_accepted": probe.paced_accepted,
            "paced_s": probe.paced_s,
        },
    )

"""Rate-limit claims judged from a burst at the boundary and from the limiter's advertised policy.

A burst with no 429 at all still disproves a ceiling when more requests were served inside one claimed
window than it allows (checks/sufficiency.py `decide_count_in_window`). The steady refill rate seen after
saturation is a rate, decided by the sufficiency policy's rule for rates. An advertised policy is compared
exactly. Answers that are neither served nor limited (5xx, other errors) could not be measured: ERROR.
"""

from __future__ import annotations

import re
from typing import Any

from checks.compare import holds
from checks.evaluate.sourced import attributed, from_decision, policy_note
from checks.evidence.security import LimitPolicy, RateLimitProbe
from checks.ledger import Claim
from checks.sufficiency import DEFAULT_POLICY, SufficiencyPolicy, decide_count_in_window, decide_rate
from checks.units import UnitError, per_second
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, proven

CONFIGURED, OBSERVED = EvidenceLevel.CONFIGURED, EvidenceLevel.OBSERVED
_POLICY = re.compile(r"^\s*(\d+)\s*;\s*w=(\d+)")


def parse_policy(headers: dict[str, str]) -> tuple[int, float] | None:
    """(limit, window seconds) from `RateLimit-Policy: 1000;w=3600`, or None."""
    match = _POLICY.match(headers.get("ratelimit-policy", ""))
    return (int(match[1]), float(match[2])) if match else None


def claim_window_s(claim: Claim) -> float | None:
    """The window of a per-window limit claim in seconds (requests/min -> 60), None without a rate unit."""
    try:
        return 1.0 / per_second(1.0, claim.unit or "")
    except UnitError:
        return None


def is_ceiling(claim: Claim) -> bool:
    """A numeric limit claim ('<= 100 requests/min'), as opposed to 'a per-client limit exists'."""
    return claim.comparator not in (None, "present", "absent") and isinstance(claim.bound, int | float)


def _unread_policy(policy: LimitPolicy, claim: Claim) -> Verdict | None:
    """An answer that carries no policy to read: limited right now (429), or not an answer at all (5xx)."""
    if policy.status == 429 and parse_policy(policy.headers) is None:
        why = (
            f"{policy.identity} was being limited (429 from {policy.url}) when its policy was asked for: no "
            "RateLimit-Policy to read; ask with an identity whose budget is not spent"
        )
        return inconclusive(claim.id, CONFIGURED, why, bound=claim.bound_text())
    if not 200 <= policy.status < 300 and policy.status != 429:
        why = f"{policy.url} answered {policy.status} to {policy.identity}: neither served nor limited"
        return error(claim.id, why, bound=claim.bound_text())
    return None


def policy_as_claimed(policy: LimitPolicy, claim: Claim) -> Verdict:
    """The advertised policy scaled to the claim's window, against a numeric per-client limit (exactly)."""
    if (unread := _unread_policy(policy, claim)) is not None:
        return attributed(unread, policy.origin)
    advertised, window = parse_policy(policy.headers), claim_window_s(claim)
    if advertised is None or window is None or not is_ceiling(claim):
        why = (
            f"{policy.identity}: the limiter advertises no RateLimit-Policy ({policy.headers}); a "
            f"{claim.unit} limit cannot be found without sending that window's traffic"
        )
        return attributed(inconclusive(claim.id, CONFIGURED, why, bound=claim.bound_text()), policy.origin)
    per_window = advertised[0] * window / advertised[1]
    ok = holds(per_window, claim.comparator, claim.bound)
    why = (
        f"{policy.identity}: RateLimit-Policy {policy.headers['ratelimit-policy']!r} = {per_window:g} "
        f"{claim.unit}; claimed {claim.bound_text()}"
    )
    verdict = (proven if ok else disproven)(
        claim.id,
        CONFIGURED,
        why,
        measured=per_window,
        bound=claim.bound,
        evidence={"headers": policy.headers},
    )
    return attributed(verdict, policy.origin)


def _evidence(probe: RateLimitProbe) -> dict[str, Any]:
    return {
        "sent": probe.sent,
        "accepted": probe.accepted,
        "first_429": probe.first_refusal,
        "elapsed_s": probe.elapsed_s,
        "headers": probe.limit_headers,
        "other": probe.other_identity,
        "other_status": probe.other_status,
        "other_status_before": probe.other_status_before,
        "statuses": list(probe.statuses),
        "paced": {"rps": probe.paced_rps, "sent": probe.paced_sent, "accepted": probe.paced_accepted,
                  "seconds": probe.paced_s},
    }  # fmt: skip


def _never_refused(probe: RateLimitProbe, claim: Claim, kw: dict[str, Any]) -> Verdict:
    """No 429 at all. A ceiling is still contradicted when more requests were served within one claimed
    window than it allows: by then some window held at least accepted x window / elapsed of them."""
    said = f"{probe.identity}: no 429 within {probe.sent} requests in {probe.elapsed_s:.2f} s"
    window = claim_window_s(claim)
    if not is_ceiling(claim) or window is None or not probe.accepted:
        why = f"{said}; a limit above that is not ruled out, nor is the absence of one"
        return inconclusive(claim.id, OBSERVED, why, **kw)
    observed = min(probe.elapsed_s, window)
    in_window = round(probe.accepted * observed / max(probe.elapsed_s, 1e-9))
    decision = decide_count_in_window(in_window, observed, window, str(claim.comparator), claim.bound_number)
    why = f"{said}: {decision.why} served, against the claimed {claim.bound_text()}"
    return from_decision(claim.id, decision, OBSERVED, why, measured=in_window, **kw)


def _steady_rate(
    probe: RateLimitProbe, claim: Claim, said: str, policy: SufficiencyPolicy, kw: dict[str, Any]
) -> Verdict:
    """The refill rate seen after saturation, against the claimed limit, as a rate the policy decides."""
    advertised, window = parse_policy(probe.refusal_headers or {}), claim_window_s(claim)
    if advertised is not None and window is not None and advertised[1] != window:
        why = (
            f"{said}; but the refusal came from a limiter with a {advertised[1]:g} s window "
            f"({probe.refusal_headers}), not the claimed {claim.unit} one: this identity's budget there is "
            "spent; retry after it resets"
        )
        return inconclusive(claim.id, OBSERVED, why, **kw)
    if window is None or probe.paced_s <= 0:
        return inconclusive(claim.id, OBSERVED, f"{said}; no steady-rate phase was measured", **kw)
    decision = decide_rate(
        probe.paced_accepted,
        probe.paced_s,
        str(claim.comparator),
        per_second(claim.bound_number, str(claim.unit)),
        policy,
    )
    why = (
        f"{said}; then at {probe.paced_rps:g} req/s for {probe.paced_s:.1f} s, {probe.paced_accepted} of "
        f"{probe.paced_sent} were let through: {decision.why} = {(decision.estimate or 0) * window:.4g} "
        f"{claim.unit}, claimed {claim.bound_text()} ({policy_note(policy)})"
    )
    measured = None if decision.estimate is None else decision.estimate * window
    verdict = from_decision(claim.id, decision, OBSERVED, why, measured=measured, **kw)
    if decision.interval is None:
        return verdict
    return verdict.with_(interval=(decision.interval[0] * window, decision.interval[1] * window))


def _not_per_client(probe: RateLimitProbe, claim: Claim, kw: dict[str, Any]) -> Verdict | None:
    """The other identity's answers: refused before the burst (cannot tell), or refused after it (the limit
    is not per client)."""
    if probe.other_status == 429 and probe.other_status_before == 429:
        why = (
            f"{probe.other_identity} was refused before the burst as well (its own budget is spent): whether "
            "the limit is per client cannot be told now; retry after its window"
        )
        return inconclusive(claim.id, OBSERVED, why, **kw)
    if probe.other_status == 429:
        why = f"after {probe.identity} was limited, {probe.other_identity} was refused too: not per client"
        return disproven(claim.id, OBSERVED, why, measured=(probe.first_refusal or 1) - 1, **kw)
    return None


def _judged(probe: RateLimitProbe, claim: Claim, policy: SufficiencyPolicy, kw: dict[str, Any]) -> Verdict:
    if probe.unanswered:
        why = f"{probe.url} answered {sorted(set(probe.unanswered))} in the burst: neither served nor limited"
        return error(claim.id, why, **kw)
    if probe.first_refusal is None:
        return _never_refused(probe, claim, kw)
    if (other := _not_per_client(probe, claim, kw)) is not None:
        return other
    allowed = probe.first_refusal - 1
    said = (
        f"{probe.identity}: {allowed} requests accepted in {probe.elapsed_s:.2f} s, request "
        f"{probe.first_refusal} refused with 429; {probe.other_identity} still served ({probe.other_status})"
    )
    if not is_ceiling(claim):
        return proven(claim.id, OBSERVED, said, measured=allowed, **{**kw, "bound": "a per-client limit"})
    return _steady_rate(probe, claim, said, policy, kw)


def burst_as_claimed(
    probe: RateLimitProbe, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """The count at which the burst was refused (with the other client still served), and the refill rate
    after it, against the claim."""
    kw: dict[str, Any] = {"bound": claim.bound_text(), "evidence": _evidence(probe), "n": probe.sent}
    return attributed(_judged(probe, claim, policy, kw), probe.origin)


PRESENT_BURST = 150  # requests sent when the claim names no number: enough to meet any everyday limit
BURST_MARGIN = 1.3  # a ceiling is probed with this much more than it allows (and a few more)


def reads_advertised_policy(claim: Claim) -> bool:
    """A limit per window longer than a minute is judged from the limiter's advertised policy: sending a
    whole hour's traffic is not a probe."""
    window = claim_window_s(claim)
    return window is not None and window > 60


def burst_plan(claim: Claim) -> tuple[int, float]:
    """(requests in the burst, steady rate after it in req/s) for a claim: past the ceiling, then at twice
    the claimed rate so that the refill, not the offered rate, decides how many get through."""
    window = claim_window_s(claim) or 60.0
    if not is_ceiling(claim):
        return PRESENT_BURST, 5.0
    bound = claim.bound_number
    return int(bound * BURST_MARGIN) + 5, 2 * bound / window

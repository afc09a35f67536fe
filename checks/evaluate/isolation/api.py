"""Tenant isolation at the API: other tenants' resources by id, a spoofed tenant header, tampered JWTs.

A leak is told by what an answer carries (another tenant's canary, or its resource asked for by id), never by
a status alone: it disproves an isolation claim whatever else failed. A cross-tenant request answered 2xx
without another tenant's data was not refused but leaked nothing: INCONCLUSIVE. An answer that is neither a
refusal nor the API's JSON (5xx, 429, an HTML page) could not be measured: ERROR. A percentage claim is a
proportion of refusals, decided by the sufficiency policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from checks.evaluate.sourced import attributed, from_decision, listed, policy_note
from checks.evidence.isolation import ApiIsolation, HttpProbe
from checks.ledger import Claim
from checks.sufficiency import DEFAULT_POLICY, SufficiencyPolicy, decide_proportion
from checks.units import FRACTION, as_fraction, convert, is_unit
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, proven

REFUSED = frozenset({400, 401, 403, 404})
OBSERVED = EvidenceLevel.OBSERVED


def _row(p: HttpProbe) -> dict[str, object]:
    return {"actor": p.actor, "kind": p.kind, "expect": p.expect, "path": p.path, "credential": p.credential,
            "status": p.status, "body": p.body, "foreign_canaries": list(p.foreign_canaries),
            "foreign_ids": list(p.foreign_ids)}  # fmt: skip


def leaks(probes: Iterable[HttpProbe]) -> list[str]:
    """Responses that carried another tenant's data: its canary, or the id of its resource asked for."""
    out = []
    for p in probes:
        if p.foreign_canaries:
            out.append(f"{p.actor} got {'/'.join(p.foreign_canaries)}'s canary from {p.path} ({p.kind})")
        elif p.foreign_ids:
            out.append(
                f"{p.actor} got {p.other_tenant}'s resource {p.foreign_ids[0]} from {p.path} ({p.kind})"
            )
    return out


def _failed_allowed(probes: Sequence[HttpProbe]) -> list[str]:
    """Own requests that were not served with the API's JSON (the control of every refusal)."""
    failed = [p for p in probes if p.expect == "allow" and not (p.served and p.body == "json")]
    return [p.text + ("" if not p.served else f" ({p.body} body)") for p in failed]


def _unmeasured(attempts: Sequence[HttpProbe]) -> list[str]:
    """Refuse-probes answered with neither a refusal nor the API's JSON (429, 5xx, an HTML page)."""
    return [
        p.text + (f" ({p.body} body)" if p.served else "")
        for p in attempts
        if p.status not in REFUSED and not (p.served and p.body == "json") and not p.leaked
    ]


def _is_percentage(claim: Claim) -> bool:
    return isinstance(claim.bound, int | float) and is_unit(claim.unit, FRACTION)


def _refused_share(ev: ApiIsolation, claim: Claim, policy: SufficiencyPolicy, kw: dict[str, Any]) -> Verdict:
    """A percentage claim: refusals among the cross-tenant/tampered requests that were refused or leaked."""
    attempts = [p for p in ev.probes if p.expect == "refuse" and (p.status in REFUSED or p.leaked)]
    refused = sum(p.status in REFUSED and not p.leaked for p in attempts)
    bound = as_fraction(claim.bound_number, claim.unit)
    decision = decide_proportion(refused, len(attempts), str(claim.comparator), bound, policy)
    found = leaks(ev.probes)
    why = f"cross-tenant/tampered requests refused: {decision.why} vs {claim.bound_text()}"
    why += f" ({policy_note(policy)})"
    why += f"; leaks: {listed(found)}" if found else "; no other tenant's data in any response"
    unit = str(claim.unit)
    measured = None if decision.estimate is None else round(convert(decision.estimate, "fraction", unit), 4)
    verdict = from_decision(claim.id, decision, OBSERVED, why, **{**kw, "measured": measured})
    if decision.interval is not None:
        verdict = verdict.with_(interval=tuple(convert(x, "fraction", unit) for x in decision.interval))
    return verdict


def _isolated(ev: ApiIsolation, claim: Claim, kw: dict[str, Any]) -> Verdict:
    """A presence claim ('tenants are isolated at the API') once no leak was found and the controls held."""
    attempts = [p for p in ev.probes if p.expect == "refuse"]
    accepted = [p for p in attempts if p.served]
    if crossed := [p.text for p in accepted if p.other_tenant]:
        why = (
            f"{len(crossed)} of {len(attempts)} cross-tenant requests were answered 2xx without carrying "
            f"another tenant's data (no canary, not the resource asked for): {listed(crossed)}; a status "
            "alone is not a leak, but these were not refused"
        )
        return inconclusive(claim.id, OBSERVED, why, **kw)
    own_only = [f"{p.kind} ({p.credential})" for p in accepted]
    note = (
        f"; accepted without crossing tenants (authentication, not isolation): {listed(own_only)}"
        if own_only
        else ""
    )
    notes = f"; {' '.join(ev.notes)}" if ev.notes else ""
    allowed = sum(p.expect == "allow" for p in ev.probes)
    why = (
        f"all {len(attempts) - len(own_only)} cross-tenant/tampered requests refused "
        f"({', '.join(sorted({p.kind for p in attempts}))}) while {allowed} own requests succeeded; no other "
        f"tenant's data in any response{note}{notes}"
    )
    return proven(claim.id, OBSERVED, why, **kw)


def _judged(ev: ApiIsolation, claim: Claim, policy: SufficiencyPolicy, kw: dict[str, Any]) -> Verdict:
    percentage = _is_percentage(claim)
    if (found := leaks(ev.probes)) and not percentage:
        return disproven(
            claim.id, OBSERVED, f"{len(found)} leak(s) of another tenant's data: {listed(found)}", **kw
        )
    if (failed := _failed_allowed(ev.probes)) or not any(p.expect == "allow" for p in ev.probes):
        return error(
            claim.id, f"allowed side failed, refusals prove nothing: {listed(failed) or 'none'}", **kw
        )
    if unmeasured := _unmeasured([p for p in ev.probes if p.expect == "refuse"]):
        return error(claim.id, f"{len(unmeasured)} probes got no usable answer: {listed(unmeasured)}", **kw)
    return _refused_share(ev, claim, policy, kw) if percentage else _isolated(ev, claim, kw)


def tenants_isolated_at_api(
    ev: ApiIsolation, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """DISPROVEN by a leak, whatever the allowed side did. Otherwise PROVEN when each tenant's own requests
    succeed and every cross-tenant/tampered one is refused; a percentage bound (share of such requests
    refused) is decided from one-sided confidence bounds on that share."""
    attempts = sum(p.expect == "refuse" for p in ev.probes)
    kw: dict[str, Any] = {
        "bound": claim.bound_text(),
        "evidence": {
            "base_url": ev.base_url,
            "notes": list(ev.notes),
            "probes": [_row(p) for p in ev.probes],
        },
        "n": attempts,
        "measured": len(leaks(ev.probes)),
    }
    return attributed(_judged(ev, claim, policy, kw), ev.origin)

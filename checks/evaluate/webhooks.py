"""Webhook signatures: the correctly signed delivery accepted, each unsigned or wrongly signed one refused."""

from __future__ import annotations

from checks.evaluate.sourced import attributed
from checks.evidence.security import WebhookDeliveries
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, proven

REFUSED = frozenset({401, 403})
OBSERVED = EvidenceLevel.OBSERVED


def webhook_signatures_enforced(ev: WebhookDeliveries, claim: Claim) -> Verdict:
    """PROVEN when the signed delivery gets 2xx and each bad one 401/403; a bad one accepted is DISPROVEN; a
    failed signed delivery (or another answer to a bad one) means the route was not measured: ERROR."""
    rows = [f"{d.kind}: {d.status}" for d in ev.deliveries]
    evidence = {"url": ev.url, "scheme": ev.scheme, "deliveries": rows}
    kw = {"bound": claim.bound_text(), "evidence": evidence, "n": len(ev.deliveries)}
    allowed = [d for d in ev.deliveries if d.expect == "allow"]
    if not allowed or any(not 200 <= d.status < 300 for d in allowed):
        return error(
            claim.id,
            f"the correctly signed delivery was not accepted ({', '.join(rows)}): refusals of "
            "bad ones prove nothing",
            **kw,
        )
    bad = [d for d in ev.deliveries if d.expect == "refuse"]
    accepted = [f"{d.kind} ({d.status})" for d in bad if 200 <= d.status < 300]
    if accepted:
        why = f"{ev.url} accepted {', '.join(accepted)}"
        return attributed(disproven(claim.id, OBSERVED, why, measured=len(accepted), **kw), ev.origin)
    unclear = [f"{d.kind} ({d.status})" for d in bad if d.status not in REFUSED]
    if unclear:
        return error(claim.id, f"bad deliveries got neither 2xx nor 401/403: {', '.join(unclear)}", **kw)
    why = (
        f"{ev.url}: the delivery signed with {ev.scheme} was accepted "
        f"and {len(bad)} bad ones were refused ({', '.join(rows[1:])})"
    )
    return attributed(proven(claim.id, OBSERVED, why, measured=0, **kw), ev.origin)

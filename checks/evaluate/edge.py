"""Edge controls: every route demands a credential and refuses bad ones, the claimed auth methods work, the
security headers are present. WAF claims are judged by declared evidence; live, only where a WAF exists.

An answer is a data point only when it is what the check expects: a refusal (401/403), or a 2xx carrying
the API's JSON. A 2xx with an HTML page, garbage or nothing, and any other status, could not be measured:
ERROR, never an acceptance. A handshake or discovery document that could not be read is ERROR too, never
"the target does not offer it"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from checks.evaluate.sourced import attributed, listed
from checks.evidence.security import AuthAttempt, EdgeObservation
from checks.ledger import Claim
from checks.params import HeadersParams
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, not_applicable, proven

REFUSED = frozenset({401, 403})
OBSERVED = EvidenceLevel.OBSERVED
METHOD_ALIASES = {
    "jwt": "jwt",
    "api keys": "api_key",
    "api key": "api_key",
    "oauth2": "oauth2",
    "mutual tls": "mtls",
    "mtls": "mtls",
}
DEFAULT_SECURITY_HEADERS = ("strict-transport-security", "x-content-type-options", "x-frame-options")
MethodState = Literal["works", "broken", "absent", "unknown"]


def _row(a: AuthAttempt) -> str:
    body = "" if a.body == "json" or not 200 <= a.status < 300 else f" ({a.body} body)"
    return f"{a.route} {a.credential}: {a.status}{body}"


def _evidence(ev: EdgeObservation) -> dict[str, object]:
    return {
        "base_url": ev.base_url,
        "attempts": [_row(a) for a in ev.attempts],
        "notes": list(ev.notes),
        "security_headers": ev.security_headers,
        "oauth2_discovery": f"{ev.oauth2.path}: {ev.oauth2.status} (issuer {ev.oauth2.issuer})",
        "client_cert": f"{ev.client_cert.requested}: {ev.client_cert.detail}",
    }


def _kw(ev: EdgeObservation, claim: Claim) -> dict[str, Any]:
    return {"bound": claim.bound_text(), "evidence": _evidence(ev), "n": len(ev.attempts)}


def _failed_allowed(ev: EdgeObservation, attempts: Sequence[AuthAttempt]) -> list[str]:
    """Allowed attempts that were not served, naming identity, credential and endpoint."""
    base = ev.base_url.rstrip("/")
    return [
        f"{a.identity or 'the probe identity'} with its {a.credential} at {base}{a.route}: "
        f"{a.status}{'' if a.status in REFUSED or a.body == 'json' else f' ({a.body} body)'}"
        for a in attempts
        if a.expect == "allow" and not a.accepted
    ]


def _accepted_bad(attempts: Sequence[AuthAttempt]) -> list[str]:
    return [_row(a) for a in attempts if a.expect == "refuse" and a.accepted]


def _unclear_bad(attempts: Sequence[AuthAttempt]) -> list[str]:
    """Bad credentials answered with neither a refusal nor a served API answer (5xx, 429, 2xx garbage)."""
    return [_row(a) for a in attempts if a.expect == "refuse" and a.status not in REFUSED and not a.accepted]


def every_request_authenticated(ev: EdgeObservation, claim: Claim) -> Verdict:
    """PROVEN when on every route valid credentials are accepted and missing, unknown, expired and tampered
    ones are refused (401/403)."""
    kw = _kw(ev, claim)
    if (failed := _failed_allowed(ev, ev.attempts)) or not ev.attempts:
        why = f"valid credentials were not served ({listed(failed) or 'no attempts'}): refusals prove nothing"
        return error(claim.id, why, **kw)
    if accepted := _accepted_bad(ev.attempts):
        why = f"accepted without valid credentials: {listed(accepted)}"
        return attributed(disproven(claim.id, OBSERVED, why, measured=len(accepted), **kw), ev.origin)
    if unclear := _unclear_bad(ev.attempts):
        return error(
            claim.id, f"bad credentials got neither a refusal nor an API answer: {listed(unclear)}", **kw
        )
    bad = [a for a in ev.attempts if a.expect == "refuse"]
    why = (
        f"on {len({a.route for a in ev.attempts})} routes all {len(bad)} requests without valid credentials "
        f"were refused ({', '.join(sorted({a.credential for a in bad}))}) and valid ones served"
    )
    return attributed(proven(claim.id, OBSERVED, why, measured=0, **kw), ev.origin)


def _offered(value: bool | None) -> MethodState:
    return "unknown" if value is None else ("works" if value else "absent")


def method_state(ev: EdgeObservation, method: str) -> MethodState:
    """'works', 'broken', 'absent' or 'unknown' (could not be told) for one auth method as observed."""
    if method == "oauth2":
        return _offered(ev.oauth2.offered)
    if method == "mtls":
        return _offered(ev.client_cert.requested)
    mine = [a for a in ev.attempts if a.method == method]
    if _accepted_bad(mine):
        return "broken"
    if _unclear_bad(mine) or any(a.unreadable for a in mine):
        return "unknown"
    return "works" if any(a.expect == "allow" for a in mine) and not _failed_allowed(ev, mine) else "absent"


def _why_unknown(ev: EdgeObservation, methods: Sequence[str]) -> str:
    why = {
        "oauth2": f"OAuth2 discovery {ev.oauth2.path} answered {ev.oauth2.status}, not a discovery document",
        "mtls": f"the handshake could not be inspected ({ev.client_cert.detail})",
    }
    return "; ".join(
        why.get(METHOD_ALIASES[m.lower()], f"{m}: answers that are neither refused nor served")
        for m in methods
    )


def _claimed_methods(claim: Claim) -> list[str]:
    return [str(m) for m in (claim.bound if isinstance(claim.bound, tuple) else (claim.bound,)) if m]


def auth_methods_supported(ev: EdgeObservation, claim: Claim) -> Verdict:
    """Each claimed method: works (valid accepted, bad refused), broken (a bad credential accepted:
    DISPROVEN), absent on this target (not offered: INCONCLUSIVE, naming what would let it be judged) or
    unknown (the answer could not be read: ERROR)."""
    kw = _kw(ev, claim)
    claimed = _claimed_methods(claim)
    unknown = [m for m in claimed if m.lower() not in METHOD_ALIASES]
    if unknown or not claimed:
        return error(claim.id, f"cannot probe auth method(s) {unknown or claimed}", **kw)
    state = {m: method_state(ev, METHOD_ALIASES[m.lower()]) for m in claimed}
    measured = [m for m, s in state.items() if s == "works"]
    if broken := [m for m, s in state.items() if s == "broken"]:
        verdict = disproven(
            claim.id, OBSERVED, f"{', '.join(broken)} accepted a bad credential", measured=measured, **kw
        )
        return attributed(verdict, ev.origin)
    if unread := [m for m, s in state.items() if s == "unknown"]:
        return error(
            claim.id, f"could not tell whether {', '.join(unread)} work: {_why_unknown(ev, unread)}", **kw
        )
    if absent := [m for m, s in state.items() if s == "absent"]:
        why = (
            f"verified {', '.join(measured) or 'none'}; this target does not offer {', '.join(absent)} "
            f"(OAuth2 discovery {ev.oauth2.path}: {ev.oauth2.status}; client certificate: "
            f"{ev.client_cert.detail}): a target with them would settle the claim"
        )
        return attributed(inconclusive(claim.id, OBSERVED, why, measured=measured, **kw), ev.origin)
    why = f"every claimed method works: {', '.join(measured)}"
    return attributed(proven(claim.id, OBSERVED, why, measured=measured, **kw), ev.origin)


def security_headers_present(ev: EdgeObservation, claim: Claim, required: Sequence[str]) -> Verdict:
    """PROVEN when every route's accepted response carries each of `required` (lower-case header names)."""
    kw = _kw(ev, claim)
    if not ev.security_headers:
        return error(claim.id, "no accepted response to read headers from", **kw)
    missing = [f"{route}: {h}" for route, hs in ev.security_headers.items() for h in required if h not in hs]
    if missing:
        why = f"missing security headers: {'; '.join(missing)}"
        return attributed(disproven(claim.id, OBSERVED, why, measured=missing, **kw), ev.origin)
    why = f"{len(ev.security_headers)} routes carry {', '.join(required)}"
    return attributed(proven(claim.id, OBSERVED, why, **kw), ev.origin)


def is_waf_claim(claim: Claim) -> bool:
    """Claims about WAF rules (geo blocking, SQL injection rules)."""
    return claim.metric.startswith("waf_")


def waf_live_part(claim: Claim, has_waf: bool) -> Verdict:
    """The live part of a WAF claim once declared evidence has not settled it."""
    if not has_waf:
        return not_applicable(
            claim.id,
            "the target has no WAF in front of it (bindings.edge.waf is not set): the "
            "declared rules were judged from the document; nothing live to probe",
            bound=claim.bound_text(),
        )
    return inconclusive(
        claim.id,
        EvidenceLevel.NONE,
        "the target declares a WAF but live WAF probing (rule "
        "read-back or requests from a foreign vantage) is not implemented",
        bound=claim.bound_text(),
    )


def edge_controls_hold(ev: EdgeObservation, claim: Claim) -> Verdict:
    """Dispatch by the claim's metric: auth methods, access control on every request, or security headers."""
    if claim.metric == "auth_methods":
        return auth_methods_supported(ev, claim)
    if claim.metric == "access_control":
        return every_request_authenticated(ev, claim)
    if claim.metric == "security_headers":
        required = claim.params_as(HeadersParams).headers or DEFAULT_SECURITY_HEADERS
        return security_headers_present(ev, claim, [str(h).lower() for h in required])
    return error(claim.id, f"no edge evaluation for metric {claim.metric!r}", bound=claim.bound_text())

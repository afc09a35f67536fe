"""Edge controls: every route demands a credential and refuses bad ones, the claimed auth methods work, the
security headers are present. WAF claims are judged by declared evidence; live, only where a WAF exists."""

from __future__ import annotations

from collections.abc import Sequence

from checks.collect.isolation.edge import AuthAttempt, EdgeObservation
from checks.ledger import Claim
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


def _row(a: AuthAttempt) -> str:
    return f"{a.route} {a.credential}: {a.status}"


def _evidence(ev: EdgeObservation) -> dict[str, object]:
    return {
        "base_url": ev.base_url,
        "attempts": [_row(a) for a in ev.attempts],
        "notes": list(ev.notes),
        "security_headers": ev.security_headers,
        "oauth2_discovery": f"{ev.oauth2_discovery}: {ev.oauth2_status}",
        "client_cert_requested": ev.client_cert_requested,
    }


def _broken(attempts: Sequence[AuthAttempt]) -> tuple[list[str], list[str], list[str]]:
    """(allowed attempts that failed, bad credentials accepted, bad credentials answered otherwise)."""
    failed = [_row(a) for a in attempts if a.expect == "allow" and not 200 <= a.status < 300]
    accepted = [_row(a) for a in attempts if a.expect == "refuse" and 200 <= a.status < 300]
    unclear = [
        _row(a)
        for a in attempts
        if a.expect == "refuse" and a.status not in REFUSED and not 200 <= a.status < 300
    ]
    return failed, accepted, unclear


def every_request_authenticated(ev: EdgeObservation, claim: Claim) -> Verdict:
    """PROVEN when on every route valid credentials are accepted and missing, unknown, expired and tampered
    ones are refused (401/403)."""
    kw = {"bound": claim.bound_text(), "evidence": _evidence(ev)}
    failed, accepted, unclear = _broken(ev.attempts)
    if failed or not ev.attempts:
        return error(
            claim.id,
            f"valid credentials were not accepted ({'; '.join(failed) or 'no attempts'}): "
            "refusals prove nothing",
            **kw,
        )
    if accepted:
        return disproven(
            claim.id,
            OBSERVED,
            f"accepted without valid credentials: {'; '.join(accepted)}",
            measured=len(accepted),
            **kw,
        )
    if unclear:
        return error(
            claim.id, f"bad credentials got neither a refusal nor an acceptance: {'; '.join(unclear)}", **kw
        )
    bad = [a for a in ev.attempts if a.expect == "refuse"]
    routes = sorted({a.route for a in ev.attempts})
    return proven(
        claim.id,
        OBSERVED,
        f"on {len(routes)} routes all {len(bad)} requests without valid credentials "
        f"were refused ({', '.join(sorted({a.credential for a in bad}))}) and valid ones accepted",
        measured=0,
        **kw,
    )


def _method_state(ev: EdgeObservation, method: str) -> str:
    """'works', 'broken' or 'absent' for one auth method as observed."""
    if method == "oauth2":
        return "works" if ev.oauth2_status == 200 else "absent"
    if method == "mtls":
        return "works" if ev.client_cert_requested else "absent"
    mine = [a for a in ev.attempts if a.method == method]
    failed, accepted, _ = _broken(mine)
    if accepted:
        return "broken"
    return "works" if any(a.expect == "allow" for a in mine) and not failed else "absent"


def auth_methods_supported(ev: EdgeObservation, claim: Claim) -> Verdict:
    """Each claimed method: works (valid accepted, bad refused), broken (a bad credential accepted: DISPROVEN)
    or absent on this target (not offered: INCONCLUSIVE, naming what would let it be judged)."""
    kw = {"bound": claim.bound_text(), "evidence": _evidence(ev)}
    claimed = [str(m) for m in (claim.bound if isinstance(claim.bound, tuple) else (claim.bound,)) if m]
    unknown = [m for m in claimed if m.lower() not in METHOD_ALIASES]
    if unknown or not claimed:
        return error(claim.id, f"cannot probe auth method(s) {unknown or claimed}", **kw)
    state = {m: _method_state(ev, METHOD_ALIASES[m.lower()]) for m in claimed}
    measured = [m for m, s in state.items() if s == "works"]
    if broken := [m for m, s in state.items() if s == "broken"]:
        return disproven(
            claim.id, OBSERVED, f"{', '.join(broken)} accepted a bad credential", measured=measured, **kw
        )
    if absent := [m for m, s in state.items() if s == "absent"]:
        return inconclusive(
            claim.id,
            OBSERVED,
            f"verified {', '.join(measured) or 'none'}; this target does not "
            f"offer {', '.join(absent)} (OAuth2 discovery {ev.oauth2_discovery}: {ev.oauth2_status}; "
            f"client certificate requested: {ev.client_cert_requested}): a target with them would "
            "settle the claim",
            measured=measured,
            **kw,
        )
    return proven(
        claim.id, OBSERVED, f"every claimed method works: {', '.join(measured)}", measured=measured, **kw
    )


def security_headers_present(ev: EdgeObservation, claim: Claim, required: Sequence[str]) -> Verdict:
    """PROVEN when every route's accepted response carries each of `required` (lower-case header names)."""
    kw = {"bound": claim.bound_text(), "evidence": _evidence(ev)}
    if not ev.security_headers:
        return error(claim.id, "no accepted response to read headers from", **kw)
    missing = [f"{route}: {h}" for route, hs in ev.security_headers.items() for h in required if h not in hs]
    if missing:
        return disproven(
            claim.id, OBSERVED, f"missing security headers: {'; '.join(missing)}", measured=missing, **kw
        )
    return proven(claim.id, OBSERVED, f"{len(ev.security_headers)} routes carry {', '.join(required)}", **kw)


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


DEFAULT_SECURITY_HEADERS = ("strict-transport-security", "x-content-type-options", "x-frame-options")


def edge_controls_hold(ev: EdgeObservation, claim: Claim) -> Verdict:
    """Dispatch by the claim's metric: auth methods, access control on every request, or security headers."""
    if claim.metric == "auth_methods":
        return auth_methods_supported(ev, claim)
    if claim.metric == "access_control":
        return every_request_authenticated(ev, claim)
    if claim.metric == "security_headers":
        required = claim.params.get("headers") or DEFAULT_SECURITY_HEADERS
        return security_headers_present(ev, claim, [str(h).lower() for h in required])
    return error(claim.id, f"no edge evaluation for metric {claim.metric!r}", bound=claim.bound_text())

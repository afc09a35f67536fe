"""TLS claims judged from a collected TlsPosture. Pure: no I/O, no clock."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from checks.collect.tls import ACCEPTED, UNTESTABLE, VERSIONS, TlsPosture
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, proven

OBSERVED = EvidenceLevel.OBSERVED
VERSION_NUMBER = {"TLSv1": 1.0, "TLSv1.1": 1.1, "TLSv1.2": 1.2, "TLSv1.3": 1.3}


def normalize_version(value: object) -> str:
    """'TLS 1.3', 'TLSv1.3', '1.3' or 1.3 -> 'TLSv1.3'; TLS 1.0 is 'TLSv1', as OpenSSL names it."""
    match = re.fullmatch(r"(?:TLS\s*v?)?\s*1(?:\.([0-3]))?", str(value).strip(), flags=re.IGNORECASE)
    if not match:
        raise ValueError(f"not a TLS version: {value!r}")
    minor = match.group(1) or "0"
    return "TLSv1" if minor == "0" else f"TLSv1.{minor}"


def allowed_versions(claim: Claim) -> frozenset[str]:
    """The versions a claim allows: params.allowed, or `>= 1.2`-style numeric bounds, or `== TLSv1.3`."""
    if "allowed" in claim.params:
        return frozenset(normalize_version(v) for v in claim.params["allowed"])
    floor = VERSION_NUMBER[normalize_version(claim.bound)]
    chosen: Iterable[str] = {
        ">=": (v for v in VERSIONS if VERSION_NUMBER[v] >= floor),
        ">": (v for v in VERSIONS if VERSION_NUMBER[v] > floor),
        "==": (v for v in VERSIONS if VERSION_NUMBER[v] == floor),
    }[str(claim.comparator)]
    return frozenset(chosen)


def tls_versions_only(posture: TlsPosture, claim: Claim, allowed: frozenset[str] | None = None) -> Verdict:
    """The endpoint accepts only the allowed versions (and at least one of them); refusals must come from the
    server: a version this client could not offer leaves the verdict INCONCLUSIVE, never PROVEN."""
    try:
        allowed = allowed if allowed is not None else allowed_versions(claim)
    except (ValueError, KeyError):
        return error(claim.id, f"cannot read allowed TLS versions from {claim.bound_text()!r} / params")
    accepted = [v.version for v in posture.versions if v.outcome == ACCEPTED]
    extra = [v for v in accepted if v not in allowed]
    untested = [v.version for v in posture.versions if v.outcome == UNTESTABLE and v.version not in allowed]
    kw: dict[str, Any] = {
        "measured": accepted,
        "bound": f"only {', '.join(sorted(allowed))}",
        "evidence": {v.version: f"{v.outcome} ({v.cipher or v.detail})" for v in posture.versions},
    }
    where = f"{posture.host}:{posture.port}"
    if extra:
        return disproven(claim.id, OBSERVED, f"{where} also accepts {', '.join(extra)}", **kw)
    if not accepted:
        return disproven(claim.id, OBSERVED, f"{where} accepts none of {', '.join(sorted(allowed))}", **kw)
    if untested:
        why = f"{', '.join(untested)} could not be offered by this client; test them with one that can"
        return inconclusive(claim.id, OBSERVED, why, **kw)
    refused = [v for v in VERSIONS if v not in allowed]
    return proven(
        claim.id, OBSERVED, f"{where} accepts {', '.join(accepted)} and refused {', '.join(refused)}", **kw
    )


def _max_age(hsts: str | None) -> int | None:
    match = re.search(r"max-age\s*=\s*\"?(\d+)", hsts or "", flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


def https_enforced(posture: TlsPosture, claim: Claim) -> Verdict:
    """HSTS with max-age >= params.hsts_min_age_s (default 1), a certificate that verifies for the name,
    and, when plain HTTP was probed, a redirect to https://."""
    min_age = int(claim.params.get("hsts_min_age_s", 1))
    age = _max_age(posture.hsts)
    gaps = [] if age is not None and age >= min_age else [f"HSTS max-age {age} (needs >= {min_age})"]
    gaps += [] if posture.verified else [f"certificate does not verify: {posture.verify_error}"]
    redirect = posture.http_redirect
    if redirect is not None and not redirect.to_https:
        gaps.append(f"HTTP :{redirect.port} answered {redirect.status} {redirect.location or ''}".strip())
    kw: dict[str, Any] = {
        "measured": {
            "hsts": posture.hsts,
            "verified": posture.verified,
            "redirect": redirect.location if redirect else None,
        },
        "bound": f"HSTS max-age >= {min_age}, valid certificate, HTTP redirects to HTTPS",
    }
    if gaps:
        return disproven(claim.id, OBSERVED, "; ".join(gaps), **kw)
    if redirect is None:
        return inconclusive(claim.id, OBSERVED, "HSTS and certificate fine; plain HTTP was not probed", **kw)
    return proven(
        claim.id, OBSERVED, f"HSTS max-age {age}, certificate verifies, HTTP redirects to HTTPS", **kw
    )

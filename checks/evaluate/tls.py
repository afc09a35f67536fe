"""TLS claims judged from a collected TlsPosture. Pure: no I/O, no clock."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from checks.compare import holds
from checks.evaluate.sourced import attributed
from checks.evidence.transport import ACCEPTED, UNTESTABLE, VERSIONS, HopTransport, TlsPosture
from checks.ledger import Claim
from checks.params import TlsParams
from checks.verdicts import EvidenceLevel, Outcome, Verdict, disproven, error, inconclusive, proven

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
    """The versions a claim allows: params.allowed, or the versions whose number meets the claim's
    comparator and bound (`>= 1.2`, `== TLSv1.3`)."""
    allowed = claim.params_as(TlsParams).allowed
    if allowed:
        return frozenset(normalize_version(v) for v in allowed)
    floor = VERSION_NUMBER[normalize_version(claim.bound)]
    return frozenset(v for v in VERSIONS if holds(VERSION_NUMBER[v], claim.comparator, floor))


def _versions_verdict(
    posture: TlsPosture, claim: Claim, allowed: frozenset[str], kw: dict[str, Any]
) -> Verdict:
    accepted = [v.version for v in posture.versions if v.outcome == ACCEPTED]
    extra = [v for v in accepted if v not in allowed]
    untested = [v.version for v in posture.versions if v.outcome == UNTESTABLE and v.version not in allowed]
    where = f"{posture.host}:{posture.port}"
    kw = {**kw, "measured": accepted}
    if extra:
        return disproven(claim.id, OBSERVED, f"{where} also accepts {', '.join(extra)}", **kw)
    if not accepted:
        return disproven(claim.id, OBSERVED, f"{where} accepts none of {', '.join(sorted(allowed))}", **kw)
    if untested:
        why = f"{', '.join(untested)} could not be offered by this client; test them with one that can"
        return inconclusive(claim.id, OBSERVED, why, **kw)
    refused = [v for v in VERSIONS if v not in allowed]
    why = f"{where} accepts {', '.join(accepted)} and refused {', '.join(refused)}"
    return proven(claim.id, OBSERVED, why, **kw)


def tls_versions_only(posture: TlsPosture, claim: Claim, allowed: frozenset[str] | None = None) -> Verdict:
    """The endpoint accepts only the allowed versions (and at least one of them); refusals must come from the
    server: a version this client could not offer leaves the verdict INCONCLUSIVE, never PROVEN."""
    try:
        allowed = allowed if allowed is not None else allowed_versions(claim)
    except (ValueError, KeyError) as exc:
        return error(
            claim.id, f"cannot read allowed TLS versions from {claim.bound_text()!r} / params: {exc}"
        )
    kw: dict[str, Any] = {
        "bound": f"only {', '.join(sorted(allowed))}",
        "evidence": {v.version: f"{v.outcome} ({v.cipher or v.detail})" for v in posture.versions},
        "n": len(posture.versions),
    }
    return attributed(_versions_verdict(posture, claim, allowed, kw), posture.origin)


def _max_age(hsts: str | None) -> int | None:
    match = re.search(r"max-age\s*=\s*\"?(\d+)", hsts or "", flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


def https_gaps(posture: TlsPosture, min_age: int) -> list[str]:
    """What keeps HTTPS from being enforced: HSTS too short, a certificate that does not verify, plain HTTP
    answering with anything but a redirect to https://."""
    age = _max_age(posture.hsts)
    gaps = [] if age is not None and age >= min_age else [f"HSTS max-age {age} (needs >= {min_age})"]
    gaps += [] if posture.verified else [f"certificate does not verify: {posture.verify_error}"]
    redirect = posture.http_redirect
    if redirect is not None and not redirect.to_https:
        gaps.append(f"HTTP :{redirect.port} answered {redirect.status} {redirect.location or ''}".strip())
    return gaps


def https_enforced(posture: TlsPosture, claim: Claim) -> Verdict:
    """HSTS with max-age >= params.hsts_min_age_s (default 1), a certificate that verifies for the name,
    and, when plain HTTP was probed, a redirect to https://."""
    min_age = claim.params_as(TlsParams).hsts_min_age_s or 1
    redirect = posture.http_redirect
    kw: dict[str, Any] = {
        "measured": {
            "hsts": posture.hsts,
            "verified": posture.verified,
            "redirect": redirect.location if redirect else None,
        },
        "bound": f"HSTS max-age >= {min_age}, valid certificate, HTTP redirects to HTTPS",
    }
    if gaps := https_gaps(posture, min_age):
        verdict = disproven(claim.id, OBSERVED, "; ".join(gaps), **kw)
    elif redirect is None:
        verdict = inconclusive(
            claim.id, OBSERVED, "HSTS and certificate fine; plain HTTP was not probed", **kw
        )
    else:
        why = f"HSTS max-age {_max_age(posture.hsts)}, certificate verifies, HTTP redirects to HTTPS"
        verdict = proven(claim.id, OBSERVED, why, **kw)
    return attributed(verdict, posture.origin)


def tls_as_claimed(posture: TlsPosture, claim: Claim) -> Verdict:
    """'HTTPS enforced' (a presence claim) or 'only these TLS versions' (a version bound)."""
    return (
        https_enforced(posture, claim) if claim.comparator == "present" else tls_versions_only(posture, claim)
    )


UNSEEN = "links between the target's own servers (the gateway's upstream, replication) are not observed"


def _hop_gap(hop: HopTransport, allowed: frozenset[str] | None) -> str | None:
    """What makes this hop contradict the claim (plaintext, or a version outside `allowed`), or None."""
    if not hop.encrypted:
        return f"{hop.hop} ({hop.where}) is not encrypted: {hop.detail}"
    if allowed is not None and hop.version is not None and normalize_version(hop.version) not in allowed:
        return f"{hop.hop} ({hop.where}) uses {hop.version}: {hop.detail}"
    return None


def in_transit_as_claimed(
    posture: TlsPosture, hops: Sequence[HopTransport], failures: Sequence[str], claim: Claim
) -> Verdict:
    """A claim about every hop ('data in transit is encrypted', 'all communications use TLS 1.3',
    params.hops: all), from the gateway's verdict and claimcheck's own connections to each database and
    cache the target describes. One plaintext hop, or one outside the allowed versions, disproves it; a hop
    that could not be reached leaves it ERROR unless another already disproves it. Everything seen encrypted
    is still not "all": the links between the target's own servers are not observed, so it is INCONCLUSIVE
    at best."""
    edge = tls_as_claimed(posture, claim)
    constructed = [o for o in (posture.origin, *(h.origin for h in hops)) if o.constructed]
    return attributed(_in_transit(edge, hops, failures, claim), (constructed or [posture.origin])[0])


def _in_transit(
    edge: Verdict, hops: Sequence[HopTransport], failures: Sequence[str], claim: Claim
) -> Verdict:
    try:
        allowed = None if claim.comparator == "present" else allowed_versions(claim)
    except (ValueError, KeyError) as exc:
        return error(claim.id, f"cannot read allowed TLS versions from {claim.bound_text()!r}: {exc}")
    gaps = [g for h in hops if (g := _hop_gap(h, allowed)) is not None]
    evidence = {h.hop: h.detail for h in hops}
    kw: dict[str, Any] = {
        "measured": {"gateway": edge.measured, **{h.hop: h.version or h.encrypted for h in hops}},
        "bound": edge.bound,
        "evidence": {"gateway": edge.reason, **evidence},
        "n": len(hops) + 1,
    }
    if edge.outcome is Outcome.DISPROVEN or gaps:
        at_edge = [f"the gateway: {edge.reason}"] if edge.outcome is Outcome.DISPROVEN else []
        said = "; ".join(at_edge + gaps)
        return disproven(claim.id, OBSERVED, said, **kw)
    if edge.outcome is Outcome.ERROR or failures:
        said = "; ".join(([edge.reason] if edge.outcome is Outcome.ERROR else []) + list(failures))
        return error(claim.id, f"could not see every hop: {said}")
    if not hops:
        why = "only the gateway was probed: the target describes no database or cache to connect to"
        return inconclusive(claim.id, OBSERVED, f"{edge.reason}; {why}", **kw)
    unversioned = [h.hop for h in hops if allowed is not None and h.version is None]
    seen = ", ".join(f"{h.hop} {h.version or 'encrypted'}" for h in hops)
    why = f"the gateway: {edge.reason}; {seen}"
    if unversioned:
        why += f"; {', '.join(unversioned)} did not report a TLS version"
    return inconclusive(claim.id, OBSERVED, f"{why}; {UNSEEN}, so 'all' cannot be proven here", **kw)

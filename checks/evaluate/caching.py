"""Cache-Control served per route class, against the cache lifetimes the documents state."""

from __future__ import annotations

from checks.collect.http import ResponseHeaders
from checks.ledger import Claim
from checks.units import to_seconds
from checks.verdicts import EvidenceLevel, Outcome, Verdict

_COMPARE = {
    "==": lambda a, b: a == b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
}


def cache_directives(value: str) -> dict[str, str | None]:
    """'public, max-age=600' -> {'public': None, 'max-age': '600'} (names lower-cased)."""
    found: dict[str, str | None] = {}
    for part in value.split(","):
        name, _, arg = part.strip().partition("=")
        if name:
            found[name.lower()] = arg.strip('"') if arg else None
    return found


def effective_lifetime(directives: dict[str, str | None]) -> float | None:
    """Seconds a cache may keep the response: 0 with no-store, else s-maxage or max-age; None if unstated."""
    if "no-store" in directives:
        return 0.0
    for name in ("s-maxage", "max-age"):
        value = directives.get(name)
        if value is not None and value.isdigit():
            return float(value)
    return None


def cache_policy_matches(claim: Claim, response: ResponseHeaders) -> Verdict:
    """PROVEN when the lifetime meets the claim; a 0 s claim needs `no-store` (max-age=0 still stores)."""
    header = response.headers.get("cache-control", "")
    measured = {
        "cache-control": header,
        "status": response.status,
        "url": response.url,
        "age": response.headers.get("age"),
    }
    if not 200 <= response.status < 300:
        return Verdict(
            claim.id,
            Outcome.ERROR,
            EvidenceLevel.NONE,
            f"{response.url} answered {response.status}; a cache policy is judged on a success",
            measured,
            claim.bound_text(),
        )
    claimed = to_seconds(float(claim.bound), claim.unit or "s")  # type: ignore[arg-type]
    directives = cache_directives(header)
    lifetime = effective_lifetime(directives)
    if claimed == 0:
        ok = "no-store" in directives
        why = "no-store forbids storing it" if ok else "without no-store a cache may still store it"
        return Verdict(
            claim.id,
            Outcome.PROVEN if ok else Outcome.DISPROVEN,
            EvidenceLevel.OBSERVED,
            f"{response.url} sends Cache-Control {header!r}: {why}",
            measured,
            "no-store",
        )
    if lifetime is None:
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            EvidenceLevel.OBSERVED,
            f"{response.url} sends no cache lifetime (Cache-Control {header!r}); claimed "
            f"{claim.bound_text()}",
            measured,
            claimed,
        )
    ok = _COMPARE[claim.comparator or "=="](lifetime, claimed)
    return Verdict(
        claim.id,
        Outcome.PROVEN if ok else Outcome.DISPROVEN,
        EvidenceLevel.OBSERVED,
        f"{response.url} is cacheable for {lifetime:g} s (Cache-Control {header!r}); claimed "
        f"{claim.comparator or '=='} {claimed:g} s",
        lifetime,
        claimed,
        measured,
    )

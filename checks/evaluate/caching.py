"""Caching: Cache-Control served per route class against the stated lifetimes, and the cache's hit ratio.

Lifetimes are compared with the one comparison (checks/compare.py) in seconds (checks/units.py); a 0 s claim
needs `no-store` (max-age=0 still lets a cache store the response). The hit ratio is a proportion decided by
one-sided exact bounds (checks/sufficiency.py). Pure: no I/O.
"""

from __future__ import annotations

from checks.compare import holds
from checks.evaluate.observed import OBSERVED, policy_note, verdict_of
from checks.evidence.cache import HitCounters
from checks.evidence.http import ResponseHeaders
from checks.ledger import Claim
from checks.sufficiency import DEFAULT_POLICY, SufficiencyPolicy, decide_proportion
from checks.units import as_fraction
from checks.verdicts import Outcome, Verdict, decided, error, inconclusive


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


def _lifetime_verdict(claim: Claim, response: ResponseHeaders, measured: dict[str, object]) -> Verdict:
    header = str(measured["cache-control"])
    claimed, directives = claim.bound_in("s"), cache_directives(header)
    lifetime = effective_lifetime(directives)
    kw: dict[str, object] = {"measured": measured, "bound": claimed, "provenance": response.origin.provenance}
    if claimed == 0:
        ok = "no-store" in directives
        why = "no-store forbids storing it" if ok else "without no-store a cache may still store it"
        reason, kw["bound"] = f"{response.url} sends Cache-Control {header!r}: {why}", "no-store"
    elif lifetime is None:
        ok, reason = False, f"{response.url} sends no cache lifetime (Cache-Control {header!r}); claimed "
        reason += claim.bound_text()
    else:
        ok = holds(lifetime, claim.comparator or "==", claimed)
        reason = (
            f"{response.url} is cacheable for {lifetime:g} s (Cache-Control {header!r}); claimed "
            f"{claim.comparator or '=='} {claimed:g} s"
        )
        kw |= {"measured": lifetime, "evidence": measured}
    return decided(claim.id, Outcome.PROVEN if ok else Outcome.DISPROVEN, OBSERVED, reason, **kw)


def cache_policy_matches(claim: Claim, response: ResponseHeaders) -> Verdict:
    """PROVEN when the lifetime meets the claim; a 0 s claim needs `no-store` (max-age=0 still stores)."""
    header = response.headers.get("cache-control", "")
    measured: dict[str, object] = {
        "cache-control": header,
        "status": response.status,
        "url": response.url,
        "age": response.headers.get("age"),
    }
    if not 200 <= response.status < 300:
        return error(
            claim.id,
            f"{response.url} answered {response.status}; a cache policy is judged on a success",
            measured=measured,
            bound=claim.bound_text(),
        )
    return _lifetime_verdict(claim, response, measured)


def hit_ratio_within(
    counters: HitCounters, claim: Claim, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Verdict:
    """Keyspace hit ratio against the claimed ratio, decided by one-sided exact bounds."""
    if counters.n == 0:
        why = f"{counters.address} has served no lookups yet (hits+misses = 0)"
        return inconclusive(claim.id, OBSERVED, why)
    target = as_fraction(claim.bound_number, claim.unit)
    decision = decide_proportion(counters.hits, counters.n, claim.comparator or ">", target, policy)
    reason = (
        f"{counters.address} keyspace hits: {decision.why} vs {claim.bound_text()}; counts every lookup "
        f"since the server started ({policy_note(policy)})"
    )
    evidence = {"hits": counters.hits, "misses": counters.misses, "bounds": list(decision.interval or ())}
    return verdict_of(
        claim.id,
        decision,
        reason,
        counters.origin,
        measured=decision.estimate,
        bound=target,
        evidence=evidence,
    )

"""Cache key lifetimes (TTL) and hit ratios, from the target's Redis.

The TTL of a key the probe itself just created, read at once, is the lifetime configured today: it decides
both ways (longer or shorter than claimed disproves). Older keys of the class only show how long they have
left: one living longer than claimed disproves, and only a key fresh enough to show its full lifetime proves.
"""

from __future__ import annotations

from typing import Any

from checks.compare import holds
from checks.evaluate.sourced import attributed
from checks.evidence.cache_keys import KeyTtls
from checks.ledger import Claim
from checks.units import UnitError
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, proven

CONFIGURED = EvidenceLevel.CONFIGURED
FRESH_SHARE = 0.9  # a key seen with >= 90% of its TTL left was set recently enough to show the configured TTL
READ_SLACK_S = (
    5  # a key the probe just created is read within seconds: its TTL is the configured one minus that
)


def _created_verdict(ttls: KeyTtls, claim: Claim, claimed: float, kw: dict[str, Any]) -> Verdict:
    """The TTL of the key(s) the probe's own request created, read at once, against the claim."""
    if not ttls.ttls_s:
        why = f"the probe's request created no key matching {ttls.pattern!r} on {ttls.address}"
        return inconclusive(claim.id, CONFIGURED, why, **kw)
    ttl = -1 if -1 in ttls.ttls_s else max(ttls.ttls_s)
    comparator = str(claim.comparator)
    longer = ttl == -1 or not holds(ttl, "<=", claimed)
    shorter = ttl != -1 and not holds(ttl, ">=", claimed - READ_SLACK_S)
    wrong = (comparator in ("==", "<=", "<") and longer) or (comparator in ("==", ">=", ">") and shorter)
    shown = "never expire" if ttl == -1 else f"expire in {ttl} s"
    why = (
        f"{ttls.address}: the key(s) {ttls.pattern!r} the probe just created {shown} (read at once, within "
        f"{READ_SLACK_S} s of creation); claimed {claim.bound_text()} ({claimed:g} s)"
    )
    return (disproven if wrong else proven)(claim.id, CONFIGURED, why, **{**kw, "measured": ttl})


def _existing_verdict(ttls: KeyTtls, claim: Claim, claimed: float, kw: dict[str, Any]) -> Verdict:
    """Keys of the class that were already there: their remaining TTLs bound the configured one from below."""
    where = f"{ttls.address} keys {ttls.pattern!r}"
    if not ttls.ttls_s:
        why = f"no keys match {where}; a key of this class must exist to read its TTL"
        return inconclusive(claim.id, CONFIGURED, why, **kw)
    forever, longest = [t for t in ttls.ttls_s if t == -1], max(ttls.ttls_s)
    kw = {**kw, "measured": longest}
    if forever or longest > claimed:
        why = f"{len(forever)} key(s) never expire" if forever else f"a key has {longest} s left"
        return disproven(claim.id, CONFIGURED, f"{where}: {why}, longer than the claimed {claimed:g} s", **kw)
    if longest >= FRESH_SHARE * claimed:
        why = (
            f"{where}: longest remaining TTL {longest} s, within {claimed:g} s and fresh enough to show the "
            f"configured lifetime ({len(ttls.ttls_s)} keys)"
        )
        return proven(claim.id, CONFIGURED, why, **kw)
    why = (
        f"{where}: longest remaining TTL {longest} s; no key fresh enough (>= {FRESH_SHARE:.0%} of "
        f"{claimed:g} s left) to show the configured lifetime"
    )
    return inconclusive(claim.id, CONFIGURED, why, **kw)


def ttl_as_claimed(ttls: KeyTtls, claim: Claim) -> Verdict:
    """DISPROVEN when a key lives longer than claimed (or forever); PROVEN when a fresh key shows the TTL.
    A key the probe itself just created is judged both ways (shorter than claimed disproves too)."""
    try:
        claimed = claim.bound_in("s")
    except (ValueError, UnitError) as exc:
        return error(claim.id, f"cannot compare a TTL with {claim.bound_text()!r}: {exc}")
    evidence = {"pattern": ttls.pattern, "keys": len(ttls.ttls_s), "ttls_s": list(ttls.ttls_s[:50]),
                "created_by_probe": ttls.created}  # fmt: skip
    kw: dict[str, Any] = {"bound": claimed, "evidence": evidence, "n": len(ttls.ttls_s)}
    judged = _created_verdict if ttls.created else _existing_verdict
    return attributed(judged(ttls, claim, claimed, kw), ttls.origin)

"""Cache key lifetimes (TTL) and hit ratios, from the target's Redis."""

from __future__ import annotations

from typing import Any

from checks.collect.cache import HitCounters, KeyTtls
from checks.evaluate.latency import decide
from checks.ledger import Claim
from checks.stats import clopper_pearson
from checks.units import as_fraction, to_seconds
from checks.verdicts import EvidenceLevel, Outcome, Verdict

FRESH_SHARE = 0.9  # a key seen with >= 90% of its TTL left was set recently enough to show the configured TTL
READ_SLACK_S = (
    5  # a key the probe just created is read within seconds: its TTL is the configured one minus that
)


def _created_verdict(ttls: KeyTtls, claim: Claim, claimed: float, evidence: dict[str, Any]) -> Verdict:
    """The TTL of the key(s) the probe's own request created, read at once, against the claim."""
    where = f"{ttls.address}: the key(s) {ttls.pattern!r} the probe just created"
    if not ttls.ttls_s:
        return Verdict(
            claim.id,
            Outcome.INCONCLUSIVE,
            EvidenceLevel.CONFIGURED,
            f"the probe's request created no key matching {ttls.pattern!r} on {ttls.address}",
            None,
            claimed,
            evidence,
        )
    ttl = -1 if -1 in ttls.ttls_s else max(ttls.ttls_s)
    comparator = claim.comparator or "=="
    longer = ttl == -1 or ttl > claimed
    shorter = ttl != -1 and ttl < claimed - READ_SLACK_S
    wrong = (comparator in ("==", "<=", "<") and longer) or (comparator in ("==", ">=", ">") and shorter)
    shown = "never expire" if ttl == -1 else f"expire in {ttl} s"
    return Verdict(
        claim.id,
        Outcome.DISPROVEN if wrong else Outcome.PROVEN,
        EvidenceLevel.CONFIGURED,
        f"{where} {shown} (read at once, within {READ_SLACK_S} s of creation); claimed {claim.bound_text()} "
        f"({claimed:g} s)",
        ttl,
        claimed,
        evidence,
    )


def ttl_as_claimed(ttls: KeyTtls, claim: Claim) -> Verdict:
    """DISPROVEN when a key lives longer than claimed (or forever); PROVEN when a fresh key shows the TTL.
    A key the probe itself just created is judged both ways (shorter than claimed disproves too)."""
    claimed = to_seconds(float(claim.bound), claim.unit or "s")  # type: ignore[arg-type]
    evidence = {
        "pattern": ttls.pattern,
        "keys": len(ttls.ttls_s),
        "ttls_s": list(ttls.ttls_s[:50]),
        "created_by_probe": ttls.created,
    }
    if ttls.created:
        return _created_verdict(ttls, claim, claimed, evidence)
    where = f"{ttls.address} keys {ttls.pattern!r}"
    if not ttls.ttls_s:
        return Verdict(
            claim.id,
            Outcome.INCONCLUSIVE,
            EvidenceLevel.CONFIGURED,
            f"no keys match {where}; a key of this class must exist to read its TTL",
            None,
            claimed,
            evidence,
        )
    forever = [t for t in ttls.ttls_s if t == -1]
    longest = max(ttls.ttls_s)
    if forever or longest > claimed:
        why = f"{len(forever)} key(s) never expire" if forever else f"a key has {longest} s left"
        return Verdict(
            claim.id,
            Outcome.DISPROVEN,
            EvidenceLevel.CONFIGURED,
            f"{where}: {why}, longer than the claimed {claimed:g} s",
            longest,
            claimed,
            evidence,
        )
    if longest >= FRESH_SHARE * claimed:
        return Verdict(
            claim.id,
            Outcome.PROVEN,
            EvidenceLevel.CONFIGURED,
            f"{where}: longest remaining TTL {longest} s, within {claimed:g} s and fresh enough to show "
            f"the configured lifetime ({len(ttls.ttls_s)} keys)",
            longest,
            claimed,
            evidence,
        )
    return Verdict(
        claim.id,
        Outcome.INCONCLUSIVE,
        EvidenceLevel.CONFIGURED,
        f"{where}: longest remaining TTL {longest} s; no key fresh enough (>= {FRESH_SHARE:.0%} of "
        f"{claimed:g} s left) to show the configured lifetime",
        longest,
        claimed,
        evidence,
    )


def hit_ratio_within(counters: HitCounters, claim: Claim) -> Verdict:
    """Keyspace hit ratio with an exact 95% interval against the claimed ratio."""
    n = counters.hits + counters.misses
    if n == 0:
        return Verdict(
            claim.id,
            Outcome.INCONCLUSIVE,
            EvidenceLevel.OBSERVED,
            f"{counters.address} has served no lookups yet (hits+misses = 0)",
        )
    lower, upper = clopper_pearson(counters.hits, n)
    target = as_fraction(float(claim.bound), claim.unit)  # type: ignore[arg-type]
    outcome = decide(claim.comparator or ">", lower, upper, target)
    reason = (
        f"{counters.address} keyspace hits {counters.hits}/{n} = {counters.hits / n:.2%} "
        f"(95% CI {lower:.2%}..{upper:.2%}) vs {claim.bound_text()}; counts every lookup since start"
    )
    return Verdict(
        claim.id,
        outcome,
        EvidenceLevel.OBSERVED,
        reason,
        counters.hits / n,
        target,
        {"hits": counters.hits, "misses": counters.misses, "ci95": [lower, upper]},
    )

"""Inventory claims (counts, settings, regions, endpoints) against what the target actually runs."""

from __future__ import annotations

from checks.compare import ComparisonError, holds
from checks.evaluate.sourced import attributed
from checks.evidence.inventory import InventoryValue
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, proven


def inventory_matches(claim: Claim, found: InventoryValue) -> Verdict:
    """PROVEN when the target's value satisfies the claim's comparator and bound, DISPROVEN otherwise."""
    try:
        ok = holds(found.value, claim.comparator, claim.bound)
    except ComparisonError as exc:
        why = f"cannot compare {found.value!r} with {claim.bound_text()}: {exc}"
        return error(claim.id, why, measured=found.value, bound=claim.bound)
    why = f"{found.detail}: {found.value!r} vs claimed {claim.bound_text() or 'present'}"
    evidence = {"source": found.source, "detail": found.detail}
    verdict = (proven if ok else disproven)(
        claim.id, EvidenceLevel.CONFIGURED, why, measured=found.value, bound=claim.bound, evidence=evidence
    )
    return attributed(verdict, found.origin)

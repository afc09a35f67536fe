"""Waivers: a statement that is not a technical claim is OUT_OF_SCOPE, with the ledger's reason."""

from __future__ import annotations

from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome, Verdict, error


def waived(claim: Claim) -> Verdict:
    """OUT_OF_SCOPE with the waiver's reason; a claim without a waiver is an ERROR, never silently waived."""
    if claim.waiver is None:
        return error(claim.id, "claim routed to waivers has no waiver reason")
    return Verdict(claim.id, Outcome.OUT_OF_SCOPE, EvidenceLevel.DECLARED, claim.waiver)

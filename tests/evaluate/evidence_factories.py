"""Small builders shared by the isolation, compliance, security, inventory and monitoring evaluator tests:
a claim of any check, and the origins evidence can come from."""

from __future__ import annotations

from typing import Any

from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.verdicts import Provenance

INDEPENDENT = Origin("local", Provenance.INDEPENDENT, source="http")
CONSTRUCTED = Origin(
    "local", Provenance.CONSTRUCTED, source="aws", constructed="moto is provisioned from the documents"
)


def make_claim(check: str, **kw: Any) -> Claim:
    """A valid claim of `check` (present/True unless `kw` says otherwise), validated like a ledger entry."""
    base: dict[str, Any] = {
        "id": "BP-T-01",
        "system": "BarberPro",
        "category": "security",
        "statement": "A claim built for a test.",
        "sources": [{"file": "doc.txt", "line": 1, "quote": "a claim"}],
        "metric": "claimed",
        "comparator": "present",
        "bound": True,
        "check": check,
        "method": "hand-built evidence",
    }
    return Claim.model_validate(base | kw)

"""Inventory claims (counts, settings, regions, endpoints) against what the target actually runs."""

from __future__ import annotations

from typing import Any

from checks.collect.inventory import InventoryValue
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome, Verdict


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value.strip().lower()
    if isinstance(value, list | tuple):
        return sorted(_norm(v) for v in value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


def _holds(comparator: str | None, measured: Any, bound: Any) -> bool:
    if comparator in (None, "present"):
        return bool(measured)
    if comparator == "absent":
        return not measured
    if comparator == "==":
        return bool(_norm(measured) == _norm(bound))
    m, b = float(measured), float(bound)
    return {"<": m < b, "<=": m <= b, ">": m > b, ">=": m >= b}[comparator]


def inventory_matches(claim: Claim, found: InventoryValue) -> Verdict:
    """PROVEN when the target's value satisfies the claim's comparator and bound, DISPROVEN otherwise."""
    try:
        ok = _holds(claim.comparator, found.value, claim.bound)
    except (TypeError, ValueError) as exc:
        return Verdict(
            claim.id,
            Outcome.ERROR,
            EvidenceLevel.NONE,
            f"cannot compare {found.value!r} with {claim.bound_text()}: {exc}",
            found.value,
            claim.bound,
        )
    text = f"{found.detail}: {found.value!r} vs claimed {claim.bound_text() or 'present'}"
    return Verdict(
        claim.id,
        Outcome.PROVEN if ok else Outcome.DISPROVEN,
        EvidenceLevel.CONFIGURED,
        text,
        found.value,
        claim.bound,
        {"source": found.source, "detail": found.detail},
    )

"""An immutable audit trail: object lock in COMPLIANCE mode (GOVERNANCE can be bypassed), deletes refused."""

from __future__ import annotations

from typing import Any

from checks.evaluate.aws import retention_at_least
from checks.evaluate.sourced import attributed
from checks.evidence.storage import StoragePosture
from checks.ledger import Claim
from checks.units import TIME, is_unit
from checks.verdicts import EvidenceLevel, Verdict, disproven, inconclusive, proven


def _gaps(storage: StoragePosture) -> list[str]:
    gaps = [
        f"s3://{b.bucket}: object lock {'mode ' + str(b.lock_mode) if b.object_lock_enabled else 'disabled'}"
        for b in storage.buckets
        if not (b.object_lock_enabled and b.lock_mode == "COMPLIANCE")
    ]
    return gaps + [
        f"s3://{p.bucket}: deleting locked version {p.version_id} succeeded"
        for p in storage.probes
        if not p.refused
    ]


def _lock_verdict(storage: StoragePosture, claim: Claim) -> Verdict:
    level = EvidenceLevel.OBSERVED if storage.probes else EvidenceLevel.CONFIGURED
    if not storage.buckets:
        return inconclusive(claim.id, level, "no audit bucket was inspected")
    measured = {
        b.bucket: {"lock": b.lock_mode, "retention_days": b.retention_days, "years": b.retention_years}
        for b in storage.buckets
    }
    kw: dict[str, Any] = {"measured": measured, "bound": "COMPLIANCE lock", "n": len(storage.buckets)}
    if gaps := _gaps(storage):
        return disproven(claim.id, level, "; ".join(gaps), **kw)
    probed = (
        f" and {len(storage.probes)} delete probe(s) refused"
        if storage.probes
        else " (delete not probed on this target)"
    )
    why = f"{len(storage.buckets)} audit bucket(s) lock objects in COMPLIANCE mode{probed}"
    return proven(claim.id, level, why, evidence={"probes": [p.__dict__ for p in storage.probes]}, **kw)


def audit_lock_present(storage: StoragePosture, claim: Claim) -> Verdict:
    """PROVEN when every audit bucket locks objects in COMPLIANCE mode and every delete probe was refused."""
    return attributed(_lock_verdict(storage, claim), storage.origin)


def audit_trail_as_claimed(storage: StoragePosture, claim: Claim) -> Verdict:
    """A retention period ('>= 7 y') or, without one, an immutable (COMPLIANCE-locked) trail."""
    return (
        retention_at_least(storage, claim)
        if is_unit(claim.unit, TIME)
        else audit_lock_present(storage, claim)
    )

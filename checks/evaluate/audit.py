"""An immutable audit trail: object lock in COMPLIANCE mode (GOVERNANCE can be bypassed), deletes refused."""

from __future__ import annotations

from collections.abc import Sequence

from checks.collect.aws import BucketPosture, DeleteProbe
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome, Verdict


def audit_lock_present(
    buckets: Sequence[BucketPosture], probes: Sequence[DeleteProbe], claim: Claim
) -> Verdict:
    """PROVEN when every audit bucket locks objects in COMPLIANCE mode and every delete probe was refused."""
    level = EvidenceLevel.OBSERVED if probes else EvidenceLevel.CONFIGURED
    if not buckets:
        return Verdict(claim.id, Outcome.INCONCLUSIVE, level, "no audit bucket was inspected")
    gaps = [
        f"s3://{b.bucket}: object lock {'mode ' + str(b.lock_mode) if b.object_lock_enabled else 'disabled'}"
        for b in buckets
        if not (b.object_lock_enabled and b.lock_mode == "COMPLIANCE")
    ]
    gaps += [
        f"s3://{p.bucket}: deleting locked version {p.version_id} succeeded" for p in probes if not p.refused
    ]
    measured = {
        b.bucket: {"lock": b.lock_mode, "retention_days": b.retention_days, "years": b.retention_years}
        for b in buckets
    }
    if gaps:
        return Verdict(claim.id, Outcome.DISPROVEN, level, "; ".join(gaps), measured, "COMPLIANCE lock")
    probed = (
        f" and {len(probes)} delete probe(s) refused" if probes else " (delete not probed on this target)"
    )
    return Verdict(
        claim.id,
        Outcome.PROVEN,
        level,
        f"{len(buckets)} audit bucket(s) lock objects in COMPLIANCE mode{probed}",
        measured,
        "COMPLIANCE lock",
        {"probes": [p.__dict__ for p in probes]},
    )

"""Immutable audit trail: COMPLIANCE object lock on every audit bucket and refused delete probes."""

from __future__ import annotations

from checks.evaluate.audit import audit_lock_present, audit_trail_as_claimed
from checks.evidence.storage import BucketPosture, DbInventory, DeleteProbe, StoragePosture
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome


def stored(
    buckets: list[BucketPosture], dbs: DbInventory | None = None, probes: list[DeleteProbe] | None = None
) -> StoragePosture:
    return StoragePosture(tuple(buckets), dbs, tuple(probes or ()))


CLAIM = Claim(
    id="BP-T-AUD-01",
    system="BarberPro",
    category="compliance",
    statement="The audit trail is immutable.",
    sources=[{"file": "003_05e30b35ee0cdd0e.txt", "line": 1, "quote": "immutable audit"}],
    metric="audit_immutability",
    comparator="present",
    check="audit.retention",
    method="S3 object lock.",
)


def bucket(
    lock_mode: str | None = "COMPLIANCE", *, enabled: bool = True, name: str = "audit"
) -> BucketPosture:
    return BucketPosture(
        name, "us-east-1", "aws:kms", "key-1", "CUSTOMER", "Enabled", enabled, lock_mode, None, 7, ()
    )


def probe(refused: bool = True, name: str = "audit") -> DeleteProbe:
    return DeleteProbe(
        name,
        "claimcheck/run-1",
        "v1",
        refused,
        "AccessDenied" if refused else "",
        "",
        "COMPLIANCE",
        "2032-01-01T00:00:00Z",
    )


def test_no_bucket_is_inconclusive() -> None:
    assert audit_lock_present(stored([], probes=[]), CLAIM).outcome == Outcome.INCONCLUSIVE


def test_compliance_lock_and_refused_delete_is_proven_observed() -> None:
    verdict = audit_lock_present(stored([bucket()], probes=[probe()]), CLAIM)
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.OBSERVED
    assert "1 delete probe(s) refused" in verdict.reason


def test_compliance_lock_without_probe_is_proven_configured() -> None:
    verdict = audit_lock_present(stored([bucket()], probes=[]), CLAIM)
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.CONFIGURED
    assert "delete not probed" in verdict.reason


def test_governance_mode_is_disproven() -> None:
    verdict = audit_lock_present(stored([bucket("GOVERNANCE")], probes=[]), CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "mode GOVERNANCE" in verdict.reason


def test_lock_disabled_is_disproven() -> None:
    verdict = audit_lock_present(stored([bucket(None, enabled=False)], probes=[]), CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "object lock disabled" in verdict.reason


def test_one_unlocked_bucket_among_locked_ones_is_disproven() -> None:
    verdict = audit_lock_present(
        stored([bucket(), bucket(None, enabled=False, name="audit-eu")], probes=[]), CLAIM
    )
    assert verdict.outcome == Outcome.DISPROVEN and "s3://audit-eu" in verdict.reason


def test_a_delete_that_succeeded_is_disproven() -> None:
    verdict = audit_lock_present(stored([bucket()], probes=[probe(refused=False)]), CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "deleting locked version v1 succeeded" in verdict.reason


def test_a_retention_period_is_judged_as_retention_and_a_lock_claim_as_a_lock() -> None:
    period = CLAIM.model_copy(update={"metric": "retention", "comparator": ">=", "bound": 7, "unit": "y"})
    assert "retain >= 2555 days" in audit_trail_as_claimed(stored([bucket()]), period).reason
    assert "COMPLIANCE mode" in audit_trail_as_claimed(stored([bucket()]), CLAIM).reason

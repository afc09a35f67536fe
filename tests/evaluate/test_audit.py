"""Immutable audit trail: COMPLIANCE object lock on every audit bucket and refused delete probes."""

from __future__ import annotations

from checks.collect.aws import BucketPosture, DeleteProbe
from checks.evaluate.audit import audit_lock_present
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome

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
    assert audit_lock_present([], [], CLAIM).outcome == Outcome.INCONCLUSIVE


def test_compliance_lock_and_refused_delete_is_proven_observed() -> None:
    verdict = audit_lock_present([bucket()], [probe()], CLAIM)
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.OBSERVED
    assert "1 delete probe(s) refused" in verdict.reason


def test_compliance_lock_without_probe_is_proven_configured() -> None:
    verdict = audit_lock_present([bucket()], [], CLAIM)
    assert verdict.outcome == Outcome.PROVEN and verdict.level == EvidenceLevel.CONFIGURED
    assert "delete not probed" in verdict.reason


def test_governance_mode_is_disproven() -> None:
    verdict = audit_lock_present([bucket("GOVERNANCE")], [], CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "mode GOVERNANCE" in verdict.reason


def test_lock_disabled_is_disproven() -> None:
    verdict = audit_lock_present([bucket(None, enabled=False)], [], CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "object lock disabled" in verdict.reason


def test_one_unlocked_bucket_among_locked_ones_is_disproven() -> None:
    verdict = audit_lock_present([bucket(), bucket(None, enabled=False, name="audit-eu")], [], CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "s3://audit-eu" in verdict.reason


def test_a_delete_that_succeeded_is_disproven() -> None:
    verdict = audit_lock_present([bucket()], [probe(refused=False)], CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "deleting locked version v1 succeeded" in verdict.reason

"""AWS evaluators on hand-built evidence: both sides of every bound."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from checks.evaluate.aws import encryption_at_rest, replicas_per_primary, residency, retention_at_least
from checks.evidence.storage import (
    BucketPosture,
    DbInstance,
    DbInventory,
    DeleteProbe,
    ReplicationRule,
    StoragePosture,
)
from checks.judgement import Scope, judged
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome, Provenance
from tests.evaluate.evidence_factories import CONSTRUCTED, INDEPENDENT


def stored(
    buckets: list[BucketPosture], dbs: DbInventory | None = None, probes: list[DeleteProbe] | None = None
) -> StoragePosture:
    return StoragePosture(tuple(buckets), dbs, tuple(probes or ()))


def claim(**kw: Any) -> Claim:
    base: dict[str, Any] = {
        "id": "BP-D09-SEC-01",
        "system": "BarberPro",
        "category": "compliance",
        "statement": "a test claim",
        "sources": [
            {"file": "001_ca4cc006242b71e0.txt", "line": 195, "quote": "AES-256-GCM encryption at rest"}
        ],
        "metric": "encryption_at_rest",
        "check": "encryption.at_rest",
        "method": "hand-built evidence",
    }
    return Claim.model_validate(base | kw)


CMK_BUCKET = BucketPosture(
    "audit",
    "sa-east-1",
    "aws:kms",
    "arn:aws:kms:sa-east-1:1:key/k",
    "CUSTOMER",
    "Enabled",
    True,
    "COMPLIANCE",
    None,
    7,
    (),
)


def db(
    iid: str,
    region: str = "sa-east-1",
    source: str | None = None,
    replicas: tuple[str, ...] = (),
    encrypted: bool = True,
) -> DbInstance:
    return DbInstance(iid, region, "postgres", "db.r6g.large", encrypted, None, source, replicas)


def inventory(*instances: DbInstance) -> DbInventory:
    return DbInventory(tuple(sorted({i.region for i in instances})), instances)


# encryption_at_rest
@pytest.mark.parametrize(
    ("bucket", "params", "outcome"),
    [
        (CMK_BUCKET, {"cmk": True}, Outcome.PROVEN),
        (
            replace(CMK_BUCKET, encryption_algorithm="AES256", kms_key_id=None, key_manager=None),
            {},
            Outcome.PROVEN,
        ),
        (
            replace(CMK_BUCKET, encryption_algorithm="AES256", kms_key_id=None, key_manager=None),
            {"kms": True},
            Outcome.DISPROVEN,
        ),
        (replace(CMK_BUCKET, key_manager="AWS"), {"cmk": True}, Outcome.DISPROVEN),
        (replace(CMK_BUCKET, encryption_algorithm=None), {}, Outcome.DISPROVEN),
    ],
)
def test_bucket_encryption_against_the_claim(
    bucket: BucketPosture, params: dict[str, Any], outcome: Outcome
) -> None:
    assert encryption_at_rest(stored([bucket], None), claim(params=params)).outcome is outcome


def test_unencrypted_database_disproves() -> None:
    verdict = encryption_at_rest(stored([CMK_BUCKET], inventory(db("main", encrypted=False))), claim())
    assert verdict.outcome is Outcome.DISPROVEN and "rds main" in verdict.reason


def test_cmk_claim_over_databases_is_inconclusive_without_key_managers() -> None:
    verdict = encryption_at_rest(stored([CMK_BUCKET], inventory(db("main"))), claim(params={"cmk": True}))
    assert verdict.outcome is Outcome.INCONCLUSIVE


def test_nothing_inspected_is_inconclusive() -> None:
    assert encryption_at_rest(stored([], None), claim()).outcome is Outcome.INCONCLUSIVE


# retention_at_least
def retention_claim(bound: float, unit: str = "y", **params: Any) -> Claim:
    return claim(
        metric="retention", check="audit.retention", comparator=">=", bound=bound, unit=unit, params=params
    )


def probe(refused: bool, lock_mode: str | None = "COMPLIANCE") -> DeleteProbe:
    return DeleteProbe(
        "audit",
        "claimcheck/lock-probe/r1",
        "v1",
        refused,
        "AccessDenied" if refused else "",
        "",
        lock_mode,
        "2032-11-20T10:00:00+00:00" if lock_mode else None,
    )


@pytest.mark.parametrize(
    ("bound", "unit", "outcome"),
    [
        (7, "y", Outcome.PROVEN),
        (8, "y", Outcome.DISPROVEN),
        (2555, "d", Outcome.PROVEN),
        (2556, "d", Outcome.DISPROVEN),
    ],
)
def test_retention_against_years_and_days(bound: float, unit: str, outcome: Outcome) -> None:
    verdict = retention_at_least(stored([CMK_BUCKET], probes=[]), retention_claim(bound, unit))
    assert verdict.outcome is outcome and verdict.level is EvidenceLevel.CONFIGURED


def test_governance_mode_fails_a_compliance_claim() -> None:
    governance = replace(CMK_BUCKET, lock_mode="GOVERNANCE")
    assert retention_at_least(stored([governance], probes=[]), retention_claim(7)).outcome is Outcome.PROVEN
    verdict = retention_at_least(stored([governance], probes=[]), retention_claim(7, mode="COMPLIANCE"))
    assert verdict.outcome is Outcome.DISPROVEN and "GOVERNANCE" in verdict.reason


def test_no_object_lock_disproves() -> None:
    unlocked = replace(CMK_BUCKET, object_lock_enabled=False, lock_mode=None, retention_years=None)
    assert retention_at_least(stored([unlocked], probes=[]), retention_claim(1)).outcome is Outcome.DISPROVEN


def test_refused_delete_probe_makes_it_observed() -> None:
    verdict = retention_at_least(stored([CMK_BUCKET], probes=[probe(True)]), retention_claim(7))
    assert verdict.outcome is Outcome.PROVEN and verdict.level is EvidenceLevel.OBSERVED
    assert verdict.evidence["governance_bypass_attempted"] is False


def test_allowed_delete_probe_disproves() -> None:
    verdict = retention_at_least(stored([CMK_BUCKET], probes=[probe(False)]), retention_claim(7))
    assert verdict.outcome is Outcome.DISPROVEN and "succeeded" in verdict.reason


def test_refusal_without_a_lock_on_the_version_is_inconclusive() -> None:
    assert (
        retention_at_least(stored([CMK_BUCKET], probes=[probe(True, None)]), retention_claim(7)).outcome
        is Outcome.INCONCLUSIVE
    )


def test_retention_bound_in_hours_is_converted() -> None:
    verdict = retention_at_least(stored([CMK_BUCKET]), retention_claim(7, unit="h"))
    assert verdict.outcome is Outcome.PROVEN and "0.291667 days" in verdict.reason


def test_retention_bound_without_a_time_unit_is_an_error() -> None:
    assert retention_at_least(stored([CMK_BUCKET]), retention_claim(7, unit="count")).outcome is Outcome.ERROR


# residency
def residency_claim(*regions: str) -> Claim:
    return claim(
        metric="data_residency", check="residency.regions", comparator="present", scope={"regions": regions}
    )


def test_everything_in_the_allowed_region_is_proven() -> None:
    verdict = residency(
        stored([CMK_BUCKET], inventory(db("main"), db("r1", source="main"))), residency_claim("sa-east-1")
    )
    assert verdict.outcome is Outcome.PROVEN and verdict.evidence["inspected"] == 3


def test_replication_destination_outside_disproves() -> None:
    replicated = replace(CMK_BUCKET, replication=(ReplicationRule("dr", "Enabled", "audit-dr", "us-east-1"),))
    verdict = residency(stored([replicated], None), residency_claim("sa-east-1"))
    assert verdict.outcome is Outcome.DISPROVEN
    assert verdict.measured == ["s3://audit-dr (replica of audit) in us-east-1"]


def test_database_replica_outside_disproves() -> None:
    dbs = inventory(db("main"), db("r-us", region="us-west-2", source="main"))
    verdict = residency(stored([], dbs), residency_claim("sa-east-1", "us-east-1"))
    assert verdict.outcome is Outcome.DISPROVEN and verdict.measured == ["rds r-us in us-west-2"]


def test_residency_without_allowed_regions_is_an_error() -> None:
    no_regions = claim(metric="data_residency", check="residency.regions")
    assert residency(stored([CMK_BUCKET], None), no_regions).outcome is Outcome.ERROR


def test_residency_with_nothing_inspected_is_inconclusive() -> None:
    assert residency(stored([], None), residency_claim("sa-east-1")).outcome is Outcome.INCONCLUSIVE


# replicas_per_primary
def replicas_claim(bound: int) -> Claim:
    return claim(
        metric="replica_count", check="inventory.components", comparator=">=", bound=bound, unit="replicas"
    )


TOPOLOGY = inventory(db("main", replicas=("r1", "r2")), db("r1", source="main"), db("r2", source="main"))


@pytest.mark.parametrize(("bound", "outcome"), [(2, Outcome.PROVEN), (3, Outcome.DISPROVEN)])
def test_replicas_per_primary_against_the_bound(bound: int, outcome: Outcome) -> None:
    verdict = replicas_per_primary(TOPOLOGY, replicas_claim(bound))
    assert verdict.outcome is outcome and verdict.measured == {"main": 2}


def test_every_primary_must_meet_the_bound() -> None:
    dbs = inventory(*TOPOLOGY.instances, db("other"))
    assert replicas_per_primary(dbs, replicas_claim(1)).outcome is Outcome.DISPROVEN


def test_no_primary_is_inconclusive() -> None:
    assert replicas_per_primary(inventory(), replicas_claim(1)).outcome is Outcome.INCONCLUSIVE


# provenance: a cloud account set up from the documents decides nothing
def test_constructed_storage_carries_the_reason_for_the_judgement() -> None:
    storage = replace(stored([CMK_BUCKET]), origin=CONSTRUCTED)
    verdict = encryption_at_rest(storage, claim())
    assert verdict.outcome is Outcome.PROVEN and verdict.provenance is Provenance.CONSTRUCTED
    assert verdict.evidence["constructed"] == CONSTRUCTED.constructed
    assert judged(verdict, Scope("local", "sandbox")).verdict.outcome is Outcome.NOT_APPLICABLE


def test_independent_storage_keeps_its_verdict() -> None:
    verdict = encryption_at_rest(replace(stored([CMK_BUCKET]), origin=INDEPENDENT), claim())
    assert verdict.provenance is Provenance.INDEPENDENT and "constructed" not in verdict.evidence
    assert judged(verdict, Scope("staging", "staging")).verdict.outcome is Outcome.PROVEN


def test_per_tenant_keys_are_not_what_bucket_encryption_shows() -> None:
    per_tenant = claim(scope={"per": "tenant"})
    assert encryption_at_rest(stored([CMK_BUCKET]), per_tenant).outcome is Outcome.NOT_APPLICABLE

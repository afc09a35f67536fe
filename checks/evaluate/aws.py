"""Cloud storage claims (encryption at rest, retention, residency, replicas) judged from the storage posture
of a target's cloud account. Pure.

A sandbox's cloud account is provisioned by claimcheck from the documents' own resources: its targets.yaml
declares `aws` constructed, so these verdicts come out NOT_APPLICABLE "sandbox fidelity" there.
"""

from __future__ import annotations

from typing import Any

from checks.compare import ComparisonError, holds
from checks.evaluate.sourced import attributed
from checks.evidence.storage import BucketPosture, DbInventory, DeleteProbe, StoragePosture
from checks.ledger import Claim
from checks.params import AuditParams, EncryptionParams, ResidencyParams
from checks.units import UnitError, convert
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, not_applicable, proven

CONFIGURED, OBSERVED = EvidenceLevel.CONFIGURED, EvidenceLevel.OBSERVED
# Every S3 default-encryption algorithm encrypts with AES-256 (GCM); KMS ones also name the key.
AES256_ALGORITHMS = {"AES256", "aws:kms", "aws:kms:dsse"}
KMS_ALGORITHMS = {"aws:kms", "aws:kms:dsse"}


def _bucket_encryption_gap(posture: BucketPosture, need_kms: bool, need_cmk: bool) -> str | None:
    name, algorithm = f"s3://{posture.bucket}", posture.encryption_algorithm
    if algorithm not in AES256_ALGORITHMS:
        return f"{name}: no default encryption" if algorithm is None else f"{name}: {algorithm}"
    if (need_kms or need_cmk) and algorithm not in KMS_ALGORITHMS:
        return f"{name}: {algorithm}, not SSE-KMS"
    if need_cmk and posture.key_manager != "CUSTOMER":
        return f"{name}: KMS key {posture.kms_key_id} is {posture.key_manager or 'unknown'}-managed"
    return None


def encryption_unmeasurable(claim: Claim) -> Verdict | None:
    """Per-tenant or per-component keys are not what bucket and database encryption shows."""
    if claim.scope.per != "tenant" and not claim.scope.component:
        return None
    return not_applicable(
        claim.id,
        f"claimcheck reads bucket and database encryption, not per-{claim.scope.per or 'component'} keys of "
        f"'{claim.scope.component or 'tenants'}'",
        bound=claim.bound_text(),
    )


def _encryption_verdict(storage: StoragePosture, claim: Claim, params: EncryptionParams) -> Verdict:
    gaps = [g for b in storage.buckets if (g := _bucket_encryption_gap(b, params.kms, params.cmk))]
    gaps += [
        f"rds {i.instance_id} ({i.region}): storage not encrypted"
        for i in storage.db_instances
        if not i.storage_encrypted
    ]
    inspected = len(storage.buckets) + len(storage.db_instances)
    bound = "AES-256" + (" SSE-KMS" if params.kms else "") + (" CMK" if params.cmk else "")
    kw: dict[str, Any] = {"measured": gaps, "bound": bound, "n": inspected}
    if gaps:
        return disproven(claim.id, CONFIGURED, "; ".join(gaps), **kw)
    if inspected == 0:
        return inconclusive(claim.id, CONFIGURED, "no bucket or database was inspected", **kw)
    if params.cmk and storage.db_instances:
        why = "DB storage encrypted; their KMS key managers were not collected"
        return inconclusive(claim.id, CONFIGURED, why, **kw)
    return proven(claim.id, CONFIGURED, f"all {inspected} stores encrypt at rest as claimed", **kw)


def encryption_at_rest(storage: StoragePosture, claim: Claim) -> Verdict:
    """Every bucket encrypts by default with AES-256 (SSE-S3 or SSE-KMS) and every DB instance has encrypted
    storage. params.kms requires SSE-KMS; params.cmk a customer-managed key (checked on buckets, whose key
    manager is collected; a DB's key manager is not, so a CMK claim over DBs stays inconclusive)."""
    if (unmeasurable := encryption_unmeasurable(claim)) is not None:
        return unmeasurable
    return attributed(_encryption_verdict(storage, claim, claim.params_as(EncryptionParams)), storage.origin)


def retention_days(posture: BucketPosture) -> int:
    """The bucket's default object-lock retention in days (years count 365 days; 0 when none)."""
    return posture.retention_total_days


def _retention_gap(
    posture: BucketPosture, bound_days: float, comparator: str | None, mode: str | None
) -> str | None:
    name = f"s3://{posture.bucket}"
    if not posture.object_lock_enabled or posture.lock_mode is None:
        return f"{name}: no object lock default retention"
    if mode and posture.lock_mode != mode:
        return f"{name}: {posture.lock_mode} mode, claim needs {mode}"
    if not holds(posture.retention_total_days, comparator, bound_days):
        return f"{name}: {posture.retention_total_days} days retention"
    return None


def _probe_gap(probe: DeleteProbe) -> str | None:
    if not probe.refused:
        return f"s3://{probe.bucket}: deleting version {probe.version_id} of the probe object succeeded"
    return None


def _retention_verdict(storage: StoragePosture, claim: Claim, bound_days: float) -> Verdict:
    mode = claim.params_as(AuditParams).mode
    gaps = [g for b in storage.buckets if (g := _retention_gap(b, bound_days, claim.comparator, mode))]
    gaps += [g for p in storage.probes if (g := _probe_gap(p))]
    level = OBSERVED if storage.probes else CONFIGURED
    kw: dict[str, Any] = {
        "measured": {b.bucket: b.retention_total_days for b in storage.buckets},
        "bound": claim.bound_text(),
        "evidence": {"gaps": gaps, "governance_bypass_attempted": False},
        "n": len(storage.buckets),
    }
    if gaps:
        return disproven(claim.id, level, "; ".join(gaps), **kw)
    if not storage.buckets:
        return inconclusive(claim.id, level, "no bucket was inspected", **kw)
    if unlocked := [p.bucket for p in storage.probes if p.lock_mode is None]:
        return inconclusive(
            claim.id, level, f"delete refused without a lock on the version (IAM?): {unlocked}", **kw
        )
    refused = " and refused deleting a locked version" if storage.probes else ""
    return proven(
        claim.id, level, f"{len(storage.buckets)} bucket(s) retain >= {bound_days:g} days{refused}", **kw
    )


def retention_at_least(storage: StoragePosture, claim: Claim) -> Verdict:
    """Object lock default retention of every bucket against the claim (a duration; params.mode COMPLIANCE
    requires that mode, since GOVERNANCE can be bypassed). Delete probes, when made, must all be refused."""
    try:
        bound_days = convert(claim.bound_number, str(claim.unit), "d")
    except (ValueError, UnitError) as exc:
        return error(claim.id, f"retention needs a duration bound, got {claim.bound_text()!r}: {exc}")
    return attributed(_retention_verdict(storage, claim, bound_days), storage.origin)


def allowed_regions(claim: Claim) -> tuple[str, ...]:
    """The regions a residency claim allows: scope.regions, scope.region, or params.allowed_regions."""
    scope = claim.scope
    regions = scope.regions or ((scope.region,) if scope.region else ())
    return tuple(regions) or tuple(claim.params_as(ResidencyParams).allowed_regions or ())


def residency_unmeasurable(claim: Claim, bound_buckets: bool) -> Verdict | None:
    """A residency claim that names no region (and no bucket is bound to it) cannot be judged."""
    if allowed_regions(claim) or bound_buckets:
        return None
    why = "the claim names no region that storage must stay in; bind allowed_regions to judge it"
    return not_applicable(claim.id, why, bound=claim.bound_text())


def _places(storage: StoragePosture) -> list[tuple[str, str]]:
    places = [(f"s3://{b.bucket}", b.region) for b in storage.buckets]
    places += [
        (f"s3://{r.destination_bucket} (replica of {b.bucket})", r.destination_region)
        for b in storage.buckets
        for r in b.replication
    ]
    return places + [(f"rds {i.instance_id}", i.region) for i in storage.db_instances]


def _residency_verdict(storage: StoragePosture, claim: Claim, allowed: tuple[str, ...]) -> Verdict:
    places = _places(storage)
    violators = [f"{what} in {region}" for what, region in places if region not in allowed]
    kw: dict[str, Any] = {
        "measured": violators,
        "bound": f"in {', '.join(allowed)}",
        "evidence": {"inspected": len(places)},
        "n": len(places),
    }
    if violators:
        return disproven(claim.id, CONFIGURED, f"outside {', '.join(allowed)}: {'; '.join(violators)}", **kw)
    if not places:
        return inconclusive(claim.id, CONFIGURED, "no storage was inspected", **kw)
    return proven(
        claim.id, CONFIGURED, f"all {len(places)} stores and replicas are in {', '.join(allowed)}", **kw
    )


def residency(storage: StoragePosture, claim: Claim) -> Verdict:
    """All buckets, their replication destinations, and DB instances (replicas included) sit in the allowed
    regions (scope.regions, scope.region, or params.allowed_regions). Violators are listed."""
    allowed = allowed_regions(claim)
    if not allowed:
        return error(claim.id, "the claim names no allowed region (scope.regions / scope.region)")
    return attributed(_residency_verdict(storage, claim, allowed), storage.origin)


def replicas_per_primary(dbs: DbInventory, claim: Claim) -> Verdict:
    """Read replicas of every primary (an instance that is nobody's replica) against the claimed count."""
    primaries = [i for i in dbs.instances if not i.replica_source]
    counts = {p.instance_id: len(p.replica_ids) for p in primaries}
    kw: dict[str, Any] = {"measured": counts, "bound": claim.bound_text()}
    try:
        short = [f"{pid}: {n}" for pid, n in counts.items() if not holds(n, claim.comparator, claim.bound)]
    except ComparisonError as exc:
        return error(claim.id, f"cannot compare replica counts with {claim.bound_text()!r}: {exc}", **kw)
    if not primaries:
        return inconclusive(claim.id, CONFIGURED, f"no primary DB instance in {', '.join(dbs.regions)}", **kw)
    if short:
        why = f"replicas per primary, claim {claim.bound_text()}: {', '.join(short)}"
        return disproven(claim.id, CONFIGURED, why, **kw)
    return proven(
        claim.id, CONFIGURED, f"{len(primaries)} primaries, each with replicas {claim.bound_text()}", **kw
    )

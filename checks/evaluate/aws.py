"""Cloud storage claims (encryption at rest, retention, residency, replicas) judged from AWS posture. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checks.collect.aws import BucketPosture, DbInventory, DeleteProbe
from checks.evaluate.compare import holds
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Verdict, disproven, error, inconclusive, proven

CONFIGURED, OBSERVED = EvidenceLevel.CONFIGURED, EvidenceLevel.OBSERVED
# Every S3 default-encryption algorithm encrypts with AES-256 (GCM); KMS ones also name the key.
AES256_ALGORITHMS = {"AES256", "aws:kms", "aws:kms:dsse"}
KMS_ALGORITHMS = {"aws:kms", "aws:kms:dsse"}
DAYS_PER = {"d": 1, "y": 365}


def _bucket_encryption_gap(posture: BucketPosture, need_kms: bool, need_cmk: bool) -> str | None:
    algorithm = posture.encryption_algorithm
    if algorithm not in AES256_ALGORITHMS:
        return (
            f"s3://{posture.bucket}: no default encryption"
            if algorithm is None
            else f"s3://{posture.bucket}: {algorithm}"
        )
    if (need_kms or need_cmk) and algorithm not in KMS_ALGORITHMS:
        return f"s3://{posture.bucket}: {algorithm}, not SSE-KMS"
    if need_cmk and posture.key_manager != "CUSTOMER":
        manager = posture.key_manager or "unknown"
        return f"s3://{posture.bucket}: KMS key {posture.kms_key_id} is {manager}-managed"
    return None


def encryption_at_rest(buckets: Sequence[BucketPosture], dbs: DbInventory | None, claim: Claim) -> Verdict:
    """Every bucket encrypts by default with AES-256 (SSE-S3 or SSE-KMS) and every DB instance has encrypted
    storage. params.kms requires SSE-KMS; params.cmk a customer-managed key (checked on buckets, whose key
    manager is collected; a DB's key manager is not, so a CMK claim over DBs stays inconclusive)."""
    need_kms, need_cmk = bool(claim.params.get("kms")), bool(claim.params.get("cmk"))
    gaps = [g for b in buckets if (g := _bucket_encryption_gap(b, need_kms, need_cmk))]
    gaps += [
        f"rds {i.instance_id} ({i.region}): storage not encrypted"
        for i in (dbs.instances if dbs else ())
        if not i.storage_encrypted
    ]
    inspected = len(buckets) + (len(dbs.instances) if dbs else 0)
    kw: dict[str, Any] = {
        "measured": gaps,
        "bound": "AES-256" + (" SSE-KMS" if need_kms else "") + (" CMK" if need_cmk else ""),
    }
    if gaps:
        return disproven(claim.id, CONFIGURED, "; ".join(gaps), **kw)
    if inspected == 0:
        return inconclusive(claim.id, CONFIGURED, "no bucket or database was inspected", **kw)
    if need_cmk and dbs and dbs.instances:
        return inconclusive(
            claim.id, CONFIGURED, "DB storage encrypted; their KMS key managers were not collected", **kw
        )
    return proven(claim.id, CONFIGURED, f"all {inspected} stores encrypt at rest as claimed", **kw)


def retention_days(posture: BucketPosture) -> int:
    """The bucket's default object-lock retention in days (years count 365 days; 0 when none)."""
    return (posture.retention_days or 0) + 365 * (posture.retention_years or 0)


def _retention_gap(
    posture: BucketPosture, bound_days: float, comparator: str | None, mode: str | None
) -> str | None:
    name = f"s3://{posture.bucket}"
    if not posture.object_lock_enabled or posture.lock_mode is None:
        return f"{name}: no object lock default retention"
    if mode and posture.lock_mode != mode:
        return f"{name}: {posture.lock_mode} mode, claim needs {mode}"
    if not holds(retention_days(posture), comparator, bound_days):
        return f"{name}: {retention_days(posture)} days retention"
    return None


def _probe_gap(probe: DeleteProbe) -> str | None:
    if not probe.refused:
        return f"s3://{probe.bucket}: deleting version {probe.version_id} of the probe object succeeded"
    return None


def retention_at_least(
    buckets: Sequence[BucketPosture], probes: Sequence[DeleteProbe], claim: Claim
) -> Verdict:
    """Object lock default retention of every bucket against the claim (unit y or d; params.mode COMPLIANCE
    requires that mode, since GOVERNANCE can be bypassed). Delete probes, when given, must all be refused."""
    if claim.unit not in DAYS_PER or not isinstance(claim.bound, int | float):
        return error(claim.id, f"retention needs a bound in years or days, got {claim.bound_text()!r}")
    bound_days = float(claim.bound) * DAYS_PER[claim.unit]
    mode = claim.params.get("mode")
    gaps = [g for b in buckets if (g := _retention_gap(b, bound_days, claim.comparator, mode))]
    gaps += [g for p in probes if (g := _probe_gap(p))]
    level = OBSERVED if probes else CONFIGURED
    kw: dict[str, Any] = {
        "measured": {b.bucket: retention_days(b) for b in buckets},
        "bound": claim.bound_text(),
        "evidence": {"gaps": gaps, "governance_bypass_attempted": False},
    }
    if gaps:
        return disproven(claim.id, level, "; ".join(gaps), **kw)
    if not buckets:
        return inconclusive(claim.id, level, "no bucket was inspected", **kw)
    unlocked = [p.bucket for p in probes if p.lock_mode is None]
    if unlocked:
        return inconclusive(
            claim.id, level, f"delete refused without a lock on the version (IAM?): {unlocked}", **kw
        )
    return proven(
        claim.id,
        level,
        f"{len(buckets)} bucket(s) retain >= {bound_days:g} days"
        + (" and refused deleting a locked version" if probes else ""),
        **kw,
    )


def _allowed_regions(claim: Claim) -> tuple[str, ...]:
    scope = claim.scope
    regions = scope.regions or ((scope.region,) if scope.region else ())
    return tuple(regions) or tuple(claim.params.get("allowed_regions", ()))


def residency(buckets: Sequence[BucketPosture], dbs: DbInventory | None, claim: Claim) -> Verdict:
    """All buckets, their replication destinations, and DB instances (replicas included) sit in the allowed
    regions (scope.regions, scope.region, or params.allowed_regions). Violators are listed."""
    allowed = _allowed_regions(claim)
    if not allowed:
        return error(claim.id, "the claim names no allowed region (scope.regions / scope.region)")
    places = [(f"s3://{b.bucket}", b.region) for b in buckets]
    places += [
        (f"s3://{r.destination_bucket} (replica of {b.bucket})", r.destination_region)
        for b in buckets
        for r in b.replication
    ]
    places += [(f"rds {i.instance_id}", i.region) for i in (dbs.instances if dbs else ())]
    violators = [f"{what} in {region}" for what, region in places if region not in allowed]
    kw: dict[str, Any] = {
        "measured": violators,
        "bound": f"in {', '.join(allowed)}",
        "evidence": {"inspected": len(places)},
    }
    if violators:
        return disproven(claim.id, CONFIGURED, f"outside {', '.join(allowed)}: {'; '.join(violators)}", **kw)
    if not places:
        return inconclusive(claim.id, CONFIGURED, "no storage was inspected", **kw)
    return proven(
        claim.id, CONFIGURED, f"all {len(places)} stores and replicas are in {', '.join(allowed)}", **kw
    )


def replicas_per_primary(dbs: DbInventory, claim: Claim) -> Verdict:
    """Read replicas of every primary (an instance that is nobody's replica) against the claimed count."""
    primaries = [i for i in dbs.instances if not i.replica_source]
    counts = {p.instance_id: len(p.replica_ids) for p in primaries}
    short = [f"{pid}: {n}" for pid, n in counts.items() if not holds(n, claim.comparator, claim.bound)]
    kw: dict[str, Any] = {"measured": counts, "bound": claim.bound_text()}
    if not primaries:
        return inconclusive(claim.id, CONFIGURED, f"no primary DB instance in {', '.join(dbs.regions)}", **kw)
    if short:
        return disproven(
            claim.id,
            CONFIGURED,
            f"replicas per primary, claim {claim.bound_text()}: {', '.join(short)}",
            **kw,
        )
    return proven(
        claim.id, CONFIGURED, f"{len(primaries)} primaries, each with replicas {claim.bound_text()}", **kw
    )

"""Cloud storage evidence: what buckets and database instances are configured to do with data at rest
(encryption, object lock, replication, regions), and whether a locked object version refused deletion."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.origin import UNKNOWN, Origin


@dataclass(frozen=True)
class ReplicationRule:
    """One S3 replication rule: status and destination bucket with the destination's region."""

    rule_id: str
    status: str
    destination_bucket: str
    destination_region: str


@dataclass(frozen=True)
class BucketPosture:
    """What an S3 bucket is configured to do with data at rest."""

    bucket: str
    region: str
    encryption_algorithm: str | None  # "AES256", "aws:kms", "aws:kms:dsse"; None when no default encryption
    kms_key_id: str | None
    key_manager: str | None  # "CUSTOMER" or "AWS" for KMS keys
    versioning: str  # "Enabled", "Suspended" or "Disabled"
    object_lock_enabled: bool
    lock_mode: str | None  # "COMPLIANCE" or "GOVERNANCE" default retention
    retention_days: int | None
    retention_years: int | None
    replication: tuple[ReplicationRule, ...]

    @property
    def retention_total_days(self) -> int:
        """The default object-lock retention in days (years count 365 days; 0 when none)."""
        return (self.retention_days or 0) + 365 * (self.retention_years or 0)


@dataclass(frozen=True)
class DbInstance:
    """One RDS instance: engine, class, encryption, and its place in a replication topology."""

    instance_id: str
    region: str
    engine: str
    instance_class: str
    storage_encrypted: bool
    kms_key_id: str | None
    replica_source: str | None
    replica_ids: tuple[str, ...]


@dataclass(frozen=True)
class DbInventory:
    """Every RDS instance in the regions asked about."""

    regions: tuple[str, ...]
    instances: tuple[DbInstance, ...]


@dataclass(frozen=True)
class DeleteProbe:
    """A version written with a run-id key, then an attempt to delete exactly that version."""

    bucket: str
    key: str
    version_id: str
    refused: bool
    error_code: str
    message: str
    lock_mode: str | None  # the lock S3 reported on the written version
    retain_until: str | None
    governance_bypass_attempted: bool = False


@dataclass(frozen=True)
class StoragePosture:
    """The buckets and database instances a claim is about, as one target's cloud account configures them,
    and the delete probes made against locked buckets (empty where the target allows no writes)."""

    buckets: tuple[BucketPosture, ...]
    dbs: DbInventory | None = None
    probes: tuple[DeleteProbe, ...] = ()
    origin: Origin = UNKNOWN

    @property
    def db_instances(self) -> tuple[DbInstance, ...]:
        return self.dbs.instances if self.dbs else ()

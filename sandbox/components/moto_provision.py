"""The documents' declared cloud resources, created in a moto server with boto3 (where moto can express them).

BarberPro (Argentina): audit bucket with versioning, SSE-KMS (customer-managed key) and object lock
COMPLIANCE 7 years (003:295); backups bucket replicated to us-east-1 (004:301, 003:355); RDS primary with
two read replicas (one cross-region). BookedBarber V2: per region a data bucket (SSE-KMS + versioning) and an
RDS shard with ONE read replica (the document claims three: the difference is for the suites to find).
"""

from __future__ import annotations

from typing import Any

CREDENTIALS = {"aws_access_key_id": "sandbox", "aws_secret_access_key": "sandbox"}
BARBERPRO_REGION = "sa-east-1"
BARBERPRO_DR_REGION = "us-east-1"
BOOKEDBARBER_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1")
AUDIT_LOCK_YEARS = 7
REPLICATION_ROLE_ARN = "arn:aws:iam::123456789012:role/barberpro-s3-replication"


def client(endpoint: str, service: str, region: str) -> Any:
    """A boto3 client pointed at the moto server."""
    import boto3

    return boto3.client(service, region_name=region, endpoint_url=endpoint, **CREDENTIALS)


def _cmk(endpoint: str, region: str, alias: str) -> str:
    kms = client(endpoint, "kms", region)
    for entry in kms.list_aliases()["Aliases"]:
        if entry["AliasName"] == f"alias/{alias}":
            return str(kms.describe_key(KeyId=entry["TargetKeyId"])["KeyMetadata"]["Arn"])
    arn = kms.create_key(Description=alias, KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=arn)
    return str(arn)


def _bucket(endpoint: str, region: str, name: str, key_arn: str, *, lock: bool = False) -> dict[str, Any]:
    s3 = client(endpoint, "s3", region)
    if name not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        extra: dict[str, Any] = {"ObjectLockEnabledForBucket": True} if lock else {}
        if region != "us-east-1":
            extra["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(Bucket=name, **extra)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    rule = {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
        "BucketKeyEnabled": True,
    }
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
    return {"bucket": name, "region": region, "versioning": True, "sse": "aws:kms", "kms_key": key_arn}


def _audit_lock(endpoint: str, name: str) -> dict[str, Any]:
    retention = {"Mode": "COMPLIANCE", "Years": AUDIT_LOCK_YEARS}
    client(endpoint, "s3", BARBERPRO_REGION).put_object_lock_configuration(
        Bucket=name,
        ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}},
    )
    return {"object_lock": retention}


def _replication(endpoint: str, source: str, target: str) -> dict[str, Any]:
    rule = {
        "ID": "backups-to-dr",
        "Priority": 1,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "DeleteMarkerReplication": {"Status": "Disabled"},
        "Destination": {"Bucket": f"arn:aws:s3:::{target}", "StorageClass": "STANDARD"},
    }
    client(endpoint, "s3", BARBERPRO_REGION).put_bucket_replication(
        Bucket=source, ReplicationConfiguration={"Role": REPLICATION_ROLE_ARN, "Rules": [rule]}
    )
    return {"replication": {"destination": target, "role": REPLICATION_ROLE_ARN}}


def _rds_primary(endpoint: str, region: str, name: str, key_arn: str, instance_class: str) -> dict[str, Any]:
    rds = client(endpoint, "rds", region)
    existing = {d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]}
    if name not in existing:
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBInstanceClass=instance_class,
            Engine="postgres",
            EngineVersion="15.4",
            AllocatedStorage=500,
            MasterUsername="barberpro",
            MasterUserPassword="not-a-real-password-1",
            StorageEncrypted=True,
            KmsKeyId=key_arn,
            MultiAZ=True,
            BackupRetentionPeriod=7,
        )
    arn = rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]["DBInstanceArn"]
    return {"db_instance": name, "region": region, "class": instance_class, "encrypted": True, "arn": arn}


def _rds_replica(endpoint: str, region: str, name: str, source: dict[str, Any]) -> dict[str, Any]:
    rds = client(endpoint, "rds", region)
    if name not in {d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]}:
        same_region = region == source["region"]
        src = source["db_instance"] if same_region else source["arn"]
        rds.create_db_instance_read_replica(
            DBInstanceIdentifier=name, SourceDBInstanceIdentifier=src, DBInstanceClass=source["class"]
        )
    return {"db_instance": name, "region": region, "replica_of": source["db_instance"]}


def provision_barberpro(endpoint: str) -> dict[str, Any]:
    """BarberPro's buckets and RDS topology."""
    key = _cmk(endpoint, BARBERPRO_REGION, "barberpro-data")
    dr_key = _cmk(endpoint, BARBERPRO_DR_REGION, "barberpro-dr")
    audit = {
        **_bucket(endpoint, BARBERPRO_REGION, "barberpro-audit-logs", key, lock=True),
        **_audit_lock(endpoint, "barberpro-audit-logs"),
    }
    secondary = _bucket(endpoint, BARBERPRO_DR_REGION, "barberpro-backups-secondary", dr_key)
    primary = {
        **_bucket(endpoint, BARBERPRO_REGION, "barberpro-backups-primary", key),
        **_replication(endpoint, "barberpro-backups-primary", "barberpro-backups-secondary"),
    }
    db = _rds_primary(endpoint, BARBERPRO_REGION, "barberpro-primary", key, "db.r6g.4xlarge")
    replicas = [
        _rds_replica(endpoint, BARBERPRO_REGION, "barberpro-replica-1", db),
        _rds_replica(endpoint, BARBERPRO_DR_REGION, "barberpro-replica-2", db),
    ]
    return {"buckets": [audit, primary, secondary], "rds": [db, *replicas]}


def provision_bookedbarber(endpoint: str) -> dict[str, Any]:
    """BookedBarber V2: one data bucket and one RDS shard (+1 replica) per region."""
    buckets, rds = [], []
    for n, region in enumerate(BOOKEDBARBER_REGIONS, start=1):
        key = _cmk(endpoint, region, f"bookedbarber-data-{region}")
        buckets.append(_bucket(endpoint, region, f"bookedbarber-data-{region}", key))
        shard = _rds_primary(endpoint, region, f"bookedbarber-shard-{n}", key, "db.r6g.2xlarge")
        rds += [shard, _rds_replica(endpoint, region, f"bookedbarber-shard-{n}-replica-1", shard)]
    return {"buckets": buckets, "rds": rds}


def provision_all(endpoint: str) -> dict[str, Any]:
    """Everything, idempotently; returns what was provisioned (for RUN_DIR/moto/provisioned.json)."""
    return {
        "endpoint": endpoint,
        "barberpro": provision_barberpro(endpoint),
        "bookedbarber": provision_bookedbarber(endpoint),
    }

"""AWS storage and database posture through boto3: encryption, versioning, object lock, replication."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from checks.evidence.storage import BucketPosture as BucketPosture
from checks.evidence.storage import DbInstance as DbInstance
from checks.evidence.storage import DbInventory as DbInventory
from checks.evidence.storage import DeleteProbe as DeleteProbe
from checks.evidence.storage import ReplicationRule as ReplicationRule

T = TypeVar("T")
DENIED_CODES = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidClientTokenId",
}


def _endpoint(client: Any, operation: str, target: str) -> str:
    return f"{client.meta.endpoint_url} {operation} {target}"


def aws_call(endpoint: str, fn: Callable[..., T], /, **kwargs: Any) -> T:
    """Call one boto3 operation, mapping every failure onto a CollectionError subclass."""
    try:
        return fn(**kwargs)
    except ClientError as exc:
        err = exc.response.get("Error", {})
        code, status = err.get("Code", ""), exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = f"{code}: {err.get('Message', '')}"
        if code in DENIED_CODES or status in (401, 403):
            raise AccessDenied(endpoint, message) from exc
        raise CollectionError(endpoint, message) from exc
    except EndpointConnectionError as exc:
        raise TargetUnreachable(endpoint, str(exc)) from exc
    except BotoCoreError as exc:
        raise CollectionError(endpoint, str(exc)) from exc


def _optional(
    endpoint: str, fn: Callable[..., dict[str, Any]], absent_code: str, **kwargs: Any
) -> dict[str, Any] | None:
    """The answer, or None when S3 says this configuration does not exist (a fact, not a failure)."""
    try:
        return aws_call(endpoint, fn, **kwargs)
    except CollectionError as err:
        cause = err.__cause__
        if isinstance(cause, ClientError) and cause.response.get("Error", {}).get("Code") == absent_code:
            return None
        raise


def bucket_region(s3: Any, bucket: str) -> str:
    """The bucket's region (GetBucketLocation: None means us-east-1, "EU" means eu-west-1)."""
    answer = aws_call(_endpoint(s3, "GetBucketLocation", bucket), s3.get_bucket_location, Bucket=bucket)
    location = answer.get("LocationConstraint")
    return str({None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location))


def _encryption(s3: Any, kms: Any, bucket: str) -> tuple[str | None, str | None, str | None]:
    found = _optional(
        _endpoint(s3, "GetBucketEncryption", bucket),
        s3.get_bucket_encryption,
        "ServerSideEncryptionConfigurationNotFoundError",
        Bucket=bucket,
    )
    rules = (found or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    algorithm, key_id = default.get("SSEAlgorithm"), default.get("KMSMasterKeyID")
    if algorithm and algorithm.startswith("aws:kms"):
        # No key id with aws:kms means the AWS managed key aws/s3.
        key_ref = key_id or "alias/aws/s3"
        meta = aws_call(_endpoint(kms, "DescribeKey", key_ref), kms.describe_key, KeyId=key_ref)[
            "KeyMetadata"
        ]
        return algorithm, meta.get("Arn", key_ref), meta.get("KeyManager")
    return algorithm, key_id, None


def _lock(s3: Any, bucket: str) -> tuple[bool, str | None, int | None, int | None]:
    found = _optional(
        _endpoint(s3, "GetObjectLockConfiguration", bucket),
        s3.get_object_lock_configuration,
        "ObjectLockConfigurationNotFoundError",
        Bucket=bucket,
    )
    config = (found or {}).get("ObjectLockConfiguration", {})
    retention = config.get("Rule", {}).get("DefaultRetention", {})
    # Some implementations send Days 0 beside Years: a zero is "not set".
    return (
        config.get("ObjectLockEnabled") == "Enabled",
        retention.get("Mode"),
        retention.get("Days") or None,
        retention.get("Years") or None,
    )


def _replication(s3: Any, bucket: str) -> tuple[ReplicationRule, ...]:
    found = _optional(
        _endpoint(s3, "GetBucketReplication", bucket),
        s3.get_bucket_replication,
        "ReplicationConfigurationNotFoundError",
        Bucket=bucket,
    )
    rules = []
    for rule in (found or {}).get("ReplicationConfiguration", {}).get("Rules", []):
        destination = rule["Destination"]["Bucket"].removeprefix("arn:aws:s3:::")
        rules.append(
            ReplicationRule(
                rule.get("ID", ""), rule.get("Status", ""), destination, bucket_region(s3, destination)
            )
        )
    return tuple(rules)


def collect_bucket_posture(s3: Any, kms: Any, bucket: str) -> BucketPosture:
    """Region, default encryption (and whether its KMS key is customer-managed), versioning, object lock
    default retention, and replication rules with each destination's region. `kms` must be a client of
    the key's region."""
    algorithm, key_id, manager = _encryption(s3, kms, bucket)
    versioning = aws_call(
        _endpoint(s3, "GetBucketVersioning", bucket), s3.get_bucket_versioning, Bucket=bucket
    )
    enabled, mode, days, years = _lock(s3, bucket)
    return BucketPosture(
        bucket,
        bucket_region(s3, bucket),
        algorithm,
        key_id,
        manager,
        versioning.get("Status", "Disabled"),
        enabled,
        mode,
        days,
        years,
        _replication(s3, bucket),
    )


def _db_instance(region: str, raw: Mapping[str, Any]) -> DbInstance:
    return DbInstance(
        raw["DBInstanceIdentifier"],
        region,
        raw.get("Engine", ""),
        raw.get("DBInstanceClass", ""),
        bool(raw.get("StorageEncrypted")),
        raw.get("KmsKeyId"),
        raw.get("ReadReplicaSourceDBInstanceIdentifier"),
        tuple(raw.get("ReadReplicaDBInstanceIdentifiers", ())),
    )


def collect_db_instances(rds_by_region: Mapping[str, Any]) -> DbInventory:
    """Every RDS instance of each region (one boto3 rds client per region), all pages."""
    instances = []
    for region, rds in rds_by_region.items():
        endpoint = _endpoint(rds, "DescribeDBInstances", region)
        pages = aws_call(
            endpoint, lambda rds=rds: list(rds.get_paginator("describe_db_instances").paginate())
        )
        instances += [_db_instance(region, raw) for page in pages for raw in page.get("DBInstances", [])]
    return DbInventory(tuple(rds_by_region), tuple(instances))


def object_lock_delete_probe(s3: Any, bucket: str, run_id: str) -> DeleteProbe:
    """Write a version under `claimcheck/lock-probe/<run_id>`, then try to delete that exact version.

    A refusal (AccessDenied) with an active lock on the version is the lock at work; the same code without
    a lock would be IAM. Governance-mode bypass (x-amz-bypass-governance-retention) is NOT attempted. Under an
    effective lock the probe object stays until its retention ends: it is a few bytes named by the run id.
    """
    key = f"claimcheck/lock-probe/{run_id}"
    put = aws_call(
        _endpoint(s3, "PutObject", f"{bucket}/{key}"),
        s3.put_object,
        Bucket=bucket,
        Key=key,
        Body=f"claimcheck object-lock probe {run_id}\n".encode(),
    )
    version = put.get("VersionId") or ""
    # An unversioned bucket has no versions (and cannot lock): the probe then deletes the object itself.
    which = {"VersionId": version} if version else {}
    target = f"{bucket}/{key}?versionId={version}"
    head = aws_call(_endpoint(s3, "HeadObject", target), s3.head_object, Bucket=bucket, Key=key, **which)
    retain = head.get("ObjectLockRetainUntilDate")
    lock = (head.get("ObjectLockMode"), retain.isoformat() if retain else None)
    try:
        aws_call(_endpoint(s3, "DeleteObject", target), s3.delete_object, Bucket=bucket, Key=key, **which)
    except AccessDenied as denied:
        return DeleteProbe(bucket, key, version, True, "AccessDenied", str(denied), *lock)
    return DeleteProbe(bucket, key, version, False, "", "version deleted", *lock)


def collect_buckets(s3: Any, names: Sequence[str], prefix: str | None) -> tuple[str, ...]:
    """The buckets a claim is about: `names` when given, else every bucket whose name starts with `prefix`
    (the claim's system's resource prefix; none without one)."""
    if names:
        return tuple(names)
    if prefix is None:
        return ()
    listed = aws_call(_endpoint(s3, "ListBuckets", "*"), s3.list_buckets)
    return tuple(b["Name"] for b in listed.get("Buckets", []) if str(b["Name"]).startswith(prefix))


def only_named(inventory: DbInventory, prefix: str | None) -> DbInventory:
    """The instances of one system (names starting with its resource prefix; none without one)."""
    kept = tuple(i for i in inventory.instances if prefix is not None and i.instance_id.startswith(prefix))
    return DbInventory(inventory.regions, kept)

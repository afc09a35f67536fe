"""AWS collectors through boto3 against a moto server this module starts on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from checks.collect.aws import collect_bucket_posture, collect_db_instances, object_lock_delete_probe
from checks.errors import AccessDenied, CollectionError, TargetUnreachable

pytestmark = pytest.mark.integration
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # moto accepts any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"moto_server did not listen on 127.0.0.1:{port} within {timeout_s} s")


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    binary = shutil.which("moto_server")
    if binary is None:
        pytest.skip("moto_server not installed (pip install 'moto[server]')")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(port, 20.0)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def client(service: str, region: str, url: str) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=url, **CREDENTIALS)


def new_bucket(s3: Any, region: str, *, lock: bool = False) -> str:
    name = f"cc-{uuid.uuid4().hex[:12]}"
    config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=lock, **config)
    return name


def test_locked_kms_bucket_with_cross_region_replica(moto_url: str) -> None:
    s3, kms = client("s3", "eu-west-1", moto_url), client("kms", "eu-west-1", moto_url)
    key_arn = kms.create_key(Description="audit CMK")["KeyMetadata"]["Arn"]
    bucket, replica = (
        new_bucket(s3, "eu-west-1", lock=True),
        new_bucket(client("s3", "us-east-1", moto_url), "us-east-1"),
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}}
            ]
        },
    )
    s3.put_object_lock_configuration(
        Bucket=bucket,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 7}},
        },
    )
    s3.put_bucket_replication(
        Bucket=bucket,
        ReplicationConfiguration={
            "Role": "arn:aws:iam::123456789012:role/replication",
            "Rules": [
                {
                    "ID": "to-dr",
                    "Priority": 1,
                    "Filter": {},
                    "Status": "Enabled",
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "Destination": {"Bucket": f"arn:aws:s3:::{replica}"},
                }
            ],
        },
    )
    posture = collect_bucket_posture(s3, kms, bucket)
    assert (posture.region, posture.encryption_algorithm, posture.kms_key_id) == (
        "eu-west-1",
        "aws:kms",
        key_arn,
    )
    assert posture.key_manager == "CUSTOMER" and posture.versioning == "Enabled"
    assert (
        posture.object_lock_enabled,
        posture.lock_mode,
        posture.retention_years,
        posture.retention_days,
    ) == (True, "COMPLIANCE", 7, None)
    (rule,) = posture.replication
    assert (rule.rule_id, rule.destination_bucket, rule.destination_region) == ("to-dr", replica, "us-east-1")


def test_plain_bucket_reports_absent_configuration_not_an_error(moto_url: str) -> None:
    s3 = client("s3", "us-east-1", moto_url)
    bucket = new_bucket(s3, "us-east-1")
    posture = collect_bucket_posture(s3, client("kms", "us-east-1", moto_url), bucket)
    assert (posture.region, posture.encryption_algorithm, posture.versioning) == (
        "us-east-1",
        None,
        "Disabled",
    )
    assert not posture.object_lock_enabled and posture.lock_mode is None and posture.replication == ()


def test_sse_s3_bucket_has_no_kms_key(moto_url: str) -> None:
    s3 = client("s3", "sa-east-1", moto_url)
    bucket = new_bucket(s3, "sa-east-1")
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    posture = collect_bucket_posture(s3, client("kms", "sa-east-1", moto_url), bucket)
    assert (posture.region, posture.encryption_algorithm, posture.key_manager) == (
        "sa-east-1",
        "AES256",
        None,
    )


def test_missing_bucket_is_a_collection_error(moto_url: str) -> None:
    s3 = client("s3", "us-east-1", moto_url)
    with pytest.raises(CollectionError, match="NoSuchBucket"):
        collect_bucket_posture(s3, client("kms", "us-east-1", moto_url), "cc-does-not-exist")


def test_unreachable_endpoint_is_target_unreachable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"  # bound, never listening
        s3 = boto3.client(
            "s3",
            region_name="us-east-1",
            endpoint_url=url,
            config=boto3.session.Config(retries={"max_attempts": 1}),
            **CREDENTIALS,
        )
        with pytest.raises(TargetUnreachable):
            collect_bucket_posture(s3, s3, "any-bucket")


def test_compliance_lock_refuses_deleting_the_probe_version(moto_url: str) -> None:
    s3 = client("s3", "eu-west-1", moto_url)
    bucket = new_bucket(s3, "eu-west-1", lock=True)
    s3.put_object_lock_configuration(
        Bucket=bucket,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}},
        },
    )
    probe = object_lock_delete_probe(s3, bucket, "run-42")
    assert probe.refused and probe.error_code == "AccessDenied" and probe.lock_mode == "COMPLIANCE"
    assert (
        probe.key == "claimcheck/lock-probe/run-42"
        and probe.retain_until
        and not probe.governance_bypass_attempted
    )
    versions = s3.list_object_versions(Bucket=bucket, Prefix=probe.key)["Versions"]
    assert [v["VersionId"] for v in versions] == [probe.version_id]


def test_unlocked_versioned_bucket_allows_deleting_the_version(moto_url: str) -> None:
    s3 = client("s3", "eu-west-1", moto_url)
    bucket = new_bucket(s3, "eu-west-1")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    probe = object_lock_delete_probe(s3, bucket, "run-43")
    assert not probe.refused and probe.lock_mode is None and probe.version_id
    assert "Versions" not in s3.list_object_versions(Bucket=bucket, Prefix=probe.key)


def test_db_inventory_across_regions_with_a_read_replica(moto_url: str) -> None:
    rds_eu, rds_us = client("rds", "eu-west-1", moto_url), client("rds", "us-west-2", moto_url)
    primary = f"db-{uuid.uuid4().hex[:8]}"
    rds_eu.create_db_instance(
        DBInstanceIdentifier=primary,
        Engine="postgres",
        DBInstanceClass="db.r6g.large",
        AllocatedStorage=100,
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-123",
        StorageEncrypted=True,
    )
    rds_eu.create_db_instance_read_replica(
        DBInstanceIdentifier=f"{primary}-r1", SourceDBInstanceIdentifier=primary
    )
    inventory = collect_db_instances({"eu-west-1": rds_eu, "us-west-2": rds_us})
    by_id = {i.instance_id: i for i in inventory.instances}
    assert by_id[primary].region == "eu-west-1" and by_id[primary].storage_encrypted
    assert (by_id[primary].engine, by_id[primary].instance_class) == ("postgres", "db.r6g.large")
    assert by_id[primary].replica_ids == (f"{primary}-r1",)
    assert by_id[f"{primary}-r1"].replica_source == primary
    assert inventory.regions == ("eu-west-1", "us-west-2")


def test_denied_credentials_are_access_denied() -> None:
    from botocore.exceptions import ClientError

    from checks.collect.aws import aws_call

    def denied(**_: Any) -> Any:
        raise ClientError(
            {
                "Error": {"Code": "AccessDenied", "Message": "Access Denied"},
                "ResponseMetadata": {"HTTPStatusCode": 403},
            },
            "GetBucketVersioning",
        )

    with pytest.raises(AccessDenied, match="AccessDenied"):
        aws_call("s3 GetBucketVersioning b", denied, Bucket="b")

"""Defects in the local cloud account (moto): a bucket's default encryption or object lock weakened.

These resources were provisioned from the documents' own declarations, so reading them back is constructed
evidence (targets.yaml `constructed: aws`): the defects show the read-back changes, not that AWS enforces.
"""

from __future__ import annotations

from typing import Any

from sandbox.components.moto_provision import client
from sandbox.defects.live import Live
from sandbox.defects.mechanism import Mechanism, Saved, mechanism


def s3(live: Live, region: str) -> Any:
    return client(f"http://127.0.0.1:{live.cfg.ports.moto}", "s3", region)


@mechanism("cloud.bucket_encryption")
class BucketEncryption(Mechanism):
    """A bucket's default encryption replaced by `rule` (e.g. SSE-S3 instead of a customer-managed key)."""

    def __init__(self, bucket: str, region: str, algorithm: str) -> None:
        self.bucket, self.region, self.algorithm = bucket, region, algorithm

    def current(self, live: Live) -> dict[str, Any]:
        found = s3(live, self.region).get_bucket_encryption(Bucket=self.bucket)
        return dict(found["ServerSideEncryptionConfiguration"])

    def save(self, live: Live) -> Saved:
        return {"config": self.current(live)}

    def apply(self, live: Live, saved: Saved) -> None:
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": self.algorithm}}
        s3(live, self.region).put_bucket_encryption(
            Bucket=self.bucket, ServerSideEncryptionConfiguration={"Rules": [rule]}
        )

    def restore(self, live: Live, saved: Saved) -> None:
        s3(live, self.region).put_bucket_encryption(
            Bucket=self.bucket, ServerSideEncryptionConfiguration=saved["config"]
        )

    def present(self, live: Live) -> bool:
        rules = self.current(live)["Rules"]
        return bool(rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == self.algorithm)


@mechanism("cloud.object_lock")
class ObjectLock(Mechanism):
    """A bucket's default object-lock retention changed to `mode` for `days`."""

    def __init__(self, bucket: str, region: str, mode: str, days: int) -> None:
        self.bucket, self.region, self.mode, self.days = bucket, region, mode, int(days)

    def current(self, live: Live) -> dict[str, Any]:
        found = s3(live, self.region).get_object_lock_configuration(Bucket=self.bucket)
        return dict(found["ObjectLockConfiguration"])

    def save(self, live: Live) -> Saved:
        return {"config": self.current(live)}

    def apply(self, live: Live, saved: Saved) -> None:
        rule = {"DefaultRetention": {"Mode": self.mode, "Days": self.days}}
        s3(live, self.region).put_object_lock_configuration(
            Bucket=self.bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": rule}
        )

    def restore(self, live: Live, saved: Saved) -> None:
        s3(live, self.region).put_object_lock_configuration(
            Bucket=self.bucket, ObjectLockConfiguration=saved["config"]
        )

    def present(self, live: Live) -> bool:
        retention = self.current(live)["Rule"]["DefaultRetention"]
        return bool(retention.get("Mode") == self.mode and retention.get("Days") == self.days)

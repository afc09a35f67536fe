"""Data at rest: encryption and keys, regions (residency), and the immutable audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from checks.collect.aws import (
    BucketPosture,
    DbInventory,
    collect_bucket_posture,
    collect_db_instances,
    object_lock_delete_probe,
)
from checks.collect.cloud import AwsClients
from checks.evaluate.audit import audit_lock_present
from checks.evaluate.aws import encryption_at_rest, residency, retention_at_least
from checks.ledger import Claim
from checks.targets import Aws, Target
from fixtures.claims import claim_params
from fixtures.endpoints import binding
from fixtures.judging import Judge


def _system_buckets(aws: Aws, claim: Claim, bound: dict[str, Any]) -> list[BucketPosture]:
    """The buckets the claim is about: the binding's list, else every bucket of the claim's system."""
    clients = AwsClients(aws)
    s3 = clients.client("s3", aws.regions[0] if aws.regions else "us-east-1")
    names = bound.get("buckets") or [
        b["Name"]
        for b in s3.list_buckets().get("Buckets", [])
        if b["Name"].startswith(aws.resource_prefix.get(claim.system, "\0"))
    ]
    postures = []
    for name in names:
        region = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
        postures.append(
            collect_bucket_posture(clients.client("s3", region), clients.client("kms", region), name)
        )
    return postures


def _system_dbs(aws: Aws, claim: Claim) -> DbInventory:
    found = collect_db_instances(AwsClients(aws).per_region("rds"))
    prefix = aws.resource_prefix.get(claim.system, "\0")
    return DbInventory(found.regions, tuple(i for i in found.instances if i.instance_id.startswith(prefix)))


@pytest.mark.parametrize("claim", claim_params("encryption.at_rest"))
def test_encrypted_at_rest_as_claimed(claim: Claim, judge: Judge, target: Target) -> None:
    aws = judge.need(target.aws, "a cloud account (aws section)")
    if claim.scope.per == "tenant" or claim.scope.component:
        judge.not_applicable(
            f"claimcheck reads bucket and database encryption, not per-{claim.scope.per or 'component'}"
            f" keys of '{claim.scope.component or 'tenants'}'"
        )
    judge(
        encryption_at_rest(
            _system_buckets(aws, claim, binding(target, claim)), _system_dbs(aws, claim), claim
        )
    )


@pytest.mark.parametrize("claim", claim_params("residency.regions"))
def test_data_stays_in_claimed_regions(claim: Claim, judge: Judge, target: Target) -> None:
    aws = judge.need(target.aws, "a cloud account (aws section)")
    bound = binding(target, claim)
    if not (claim.scope.regions or claim.scope.region or claim.params.get("allowed_regions") or bound):
        judge.not_applicable(
            "the claim names no region that storage must stay in; bind allowed_regions to judge it"
        )
    judge(residency(_system_buckets(aws, claim, bound), _system_dbs(aws, claim), claim))


@pytest.mark.parametrize("claim", claim_params("audit.retention"))
def test_audit_trail_immutable_for_the_claimed_period(
    claim: Claim, judge: Judge, target: Target, drill_gate: str | None, run_id: str
) -> None:
    aws = judge.need(target.aws, "a cloud account (aws section)")
    audit = judge.need(
        binding(target, claim).get("buckets") or ([aws.buckets["audit"]] if "audit" in aws.buckets else None),
        "the audit bucket (aws.buckets.audit)",
    )
    buckets = _system_buckets(aws, claim, {"buckets": audit})
    clients = AwsClients(aws)
    # The delete probe leaves a locked object until its retention ends: only where the target allows changes.
    probes = (
        []
        if drill_gate
        else [object_lock_delete_probe(clients.client("s3", b.region), b.bucket, run_id) for b in buckets]
    )
    if claim.unit in ("y", "d"):
        judge(retention_at_least(buckets, probes, claim))
    else:
        judge(audit_lock_present(buckets, probes, claim))

"""Data at rest: encryption and keys, regions (residency), and the immutable audit trail."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.bindings import StorageBinding
from checks.collect.storage import collect_storage_posture
from checks.evaluate.audit import audit_trail_as_claimed
from checks.evaluate.aws import encryption_at_rest, encryption_unmeasurable, residency, residency_unmeasurable
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.registry import binding_as
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge


def _bound_buckets(target: Target, claim: Claim) -> tuple[str, ...]:
    bound = binding_as(target, claim, StorageBinding)
    return bound.buckets if bound else ()


@pytest.mark.parametrize("claim", claim_params("encryption.at_rest"))
def test_encrypted_at_rest_as_claimed(
    claim: Claim, judge: Judge, target: Target, evidence_origin: Callable[[str], Origin]
) -> None:
    aws = judge.need(target.aws, "a cloud account (aws section)")
    if (unmeasurable := encryption_unmeasurable(claim)) is not None:
        judge(unmeasurable)
    storage = collect_storage_posture(
        aws, claim.system, _bound_buckets(target, claim), origin=evidence_origin("aws")
    )
    judge(encryption_at_rest(storage, claim))


@pytest.mark.parametrize("claim", claim_params("residency.regions"))
def test_data_stays_in_claimed_regions(
    claim: Claim, judge: Judge, target: Target, evidence_origin: Callable[[str], Origin]
) -> None:
    aws = judge.need(target.aws, "a cloud account (aws section)")
    buckets = _bound_buckets(target, claim)
    if (unmeasurable := residency_unmeasurable(claim, bool(buckets))) is not None:
        judge(unmeasurable)
    storage = collect_storage_posture(aws, claim.system, buckets, origin=evidence_origin("aws"))
    judge(residency(storage, claim))


@pytest.mark.parametrize("claim", claim_params("audit.retention"))
def test_audit_trail_immutable_for_the_claimed_period(
    claim: Claim,
    judge: Judge,
    target: Target,
    drill_gate: str | None,
    run_id: str,
    evidence_origin: Callable[[str], Origin],
) -> None:
    aws = judge.need(target.aws, "a cloud account (aws section)")
    audit = judge.need(
        _bound_buckets(target, claim) or ((aws.buckets["audit"],) if "audit" in aws.buckets else None),
        "the audit bucket (aws.buckets.audit)",
    )
    # The delete probe leaves a locked object until its retention ends: only where the target allows changes.
    storage = collect_storage_posture(
        aws,
        claim.system,
        audit,
        with_dbs=False,
        delete_probe_run=None if drill_gate else run_id,
        origin=evidence_origin("aws"),
    )
    judge(audit_trail_as_claimed(storage, claim))

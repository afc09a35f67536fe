"""Component counts and topology (replicas, nodes, regions, settings, endpoints) on the target."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.bindings import InventoryBinding
from checks.collect.inventory import collect_inventory_value, evidence_source
from checks.evaluate.inventory import inventory_matches
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.registry import binding_as
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge


@pytest.mark.parametrize("claim", claim_params("inventory.components"))
def test_component_inventory_as_claimed(
    claim: Claim, judge: Judge, target: Target, evidence_origin: Callable[[str], Origin]
) -> None:
    bound = binding_as(target, claim, InventoryBinding)
    if bound is None:
        judge.not_applicable(
            f"no binding in targets.yaml says where '{claim.scope.component or claim.metric}' "
            f"is counted on this target (bindings.{claim.id}.source)"
        )
    found = collect_inventory_value(target, bound, origin=evidence_origin(evidence_source(bound)))
    judge(inventory_matches(claim, found))

"""Component counts and topology (replicas, nodes, regions, settings, endpoints) on the target."""

from __future__ import annotations

import pytest

from checks.collect.inventory import collect_inventory_value
from checks.evaluate.inventory import inventory_matches
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.endpoints import binding
from fixtures.judging import Judge


@pytest.mark.parametrize("claim", claim_params("inventory.components"))
def test_component_inventory_as_claimed(claim: Claim, judge: Judge, target: Target) -> None:
    bound = binding(target, claim)
    if not bound:
        judge.not_applicable(
            f"no binding in targets.yaml says where '{claim.scope.component or claim.metric}' "
            f"is counted on this target (bindings.{claim.id}.source)"
        )
    judge(inventory_matches(claim, collect_inventory_value(target, bound)))

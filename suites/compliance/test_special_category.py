"""Special-category (health) data: a canary session written through the API must surface in no cache, log or
metric label."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.collect.canary import collect_canary_trail
from checks.collect.isolation.bindings import SpecialCategoryBinding, parse_binding, tenant_named
from checks.evaluate.special_category import special_category_contained
from checks.evidence.compliance import CanaryTrail
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge
from fixtures.once import CollectOnce


@pytest.fixture(scope="session")
def canary_trails() -> CollectOnce[str, CanaryTrail]:
    """One canary record written and followed per session, judged for every claim."""
    return CollectOnce("canary trail")


@pytest.mark.parametrize("claim", claim_params("special_category.flow"))
def test_special_category_data_contained(
    claim: Claim,
    judge: Judge,
    target: Target,
    run_id: str,
    evidence_origin: Callable[[str], Origin],
    canary_trails: CollectOnce[str, CanaryTrail],
) -> None:
    judge.need(target.http, "an HTTP endpoint")
    binding = judge.need(
        parse_binding(target, "special_category", SpecialCategoryBinding),
        "where special-category records are written (bindings.special_category)",
    )
    tenant = judge.need(tenant_named(target, binding.tenant), f"the test tenant {binding.tenant!r}")
    trail = canary_trails.get(
        tenant.slug,
        lambda: collect_canary_trail(
            target, tenant, binding, run_id, origin=evidence_origin("http.special_category")
        ),
    )
    judge(special_category_contained(trail, claim))

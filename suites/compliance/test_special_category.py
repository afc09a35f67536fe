"""Special-category (health) data: a canary session written through the API must surface in no cache, log or
metric label."""

from __future__ import annotations

import pytest

from checks.collect.canary import collect_canary_trail
from checks.collect.isolation.bindings import SpecialCategoryBinding, parse_binding, tenant_named
from checks.evaluate.special_category import special_category_contained
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge


@pytest.fixture(scope="module")
def shared() -> dict[str, object]:
    """Evidence collected once and judged for every claim of this module (the probes are the same)."""
    return {}


@pytest.mark.parametrize("claim", claim_params("special_category.flow"))
def test_special_category_data_contained(
    claim: Claim, judge: Judge, target: Target, shared: dict[str, object], run_id: str
) -> None:
    judge.need(target.http, "an HTTP endpoint")
    binding = judge.need(
        parse_binding(target, "special_category", SpecialCategoryBinding),
        "where special-category records are written (bindings.special_category)",
    )
    tenant = judge.need(tenant_named(target, binding.tenant), f"the test tenant {binding.tenant!r}")
    if "trail" not in shared:
        shared["trail"] = collect_canary_trail(target, tenant, binding, run_id)
    judge(special_category_contained(shared["trail"], claim))  # type: ignore[arg-type]

"""Tenant data isolation in PostgreSQL, probed with each tenant's own role: RLS forced, no foreign rows."""

from __future__ import annotations

import pytest

from checks.collect.isolation.bindings import isolation_binding
from checks.collect.isolation.database import collect_database_isolation
from checks.evaluate.isolation import tenants_isolated_in_database
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge


@pytest.fixture(scope="module")
def shared() -> dict[str, object]:
    """Evidence collected once and judged for every claim of this module (the probes are the same)."""
    return {}


@pytest.mark.parametrize("claim", claim_params("isolation.database"))
def test_tenant_rows_isolated(claim: Claim, judge: Judge, target: Target, shared: dict[str, object]) -> None:
    pg = judge.need(target.postgres, "a PostgreSQL section")
    tenants = [t for t in target.tenants if t.db_role and t.db_password_env]
    judge.need(tenants if len(tenants) >= 2 else None, "two tenants with database roles (tenants[].db_role)")
    binding = isolation_binding(target)
    if "db" not in shared:
        shared["db"] = collect_database_isolation(
            pg.primary, tenants, column=binding.tenant_column, context_setting=binding.context_setting
        )
    judge(tenants_isolated_in_database(shared["db"], claim))  # type: ignore[arg-type]

"""Tenant data isolation in PostgreSQL, probed with each tenant's own role: RLS forced, no foreign rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.collect.isolation.bindings import isolation_binding
from checks.collect.isolation.database import collect_database_isolation
from checks.evaluate.isolation import tenants_isolated_in_database
from checks.evidence.isolation import DatabaseIsolation
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge
from fixtures.once import CollectOnce


@pytest.fixture(scope="session")
def database_isolation() -> CollectOnce[str, DatabaseIsolation]:
    """The database probes, made once per session and judged for every claim."""
    return CollectOnce("database isolation")


@pytest.mark.parametrize("claim", claim_params("isolation.database"))
def test_tenant_rows_isolated(
    claim: Claim,
    judge: Judge,
    target: Target,
    evidence_origin: Callable[[str], Origin],
    database_isolation: CollectOnce[str, DatabaseIsolation],
) -> None:
    pg = judge.need(target.postgres, "a PostgreSQL section")
    tenants = [t for t in target.tenants if t.db_role and t.db_password_env]
    judge.need(tenants if len(tenants) >= 2 else None, "two tenants with database roles (tenants[].db_role)")
    binding = isolation_binding(target)
    evidence = database_isolation.get(
        pg.primary.host,
        lambda: collect_database_isolation(
            pg.primary,
            tenants,
            column=binding.tenant_column,
            context_setting=binding.context_setting,
            origin=evidence_origin("postgres"),
        ),
    )
    judge(tenants_isolated_in_database(evidence, claim))

"""Tenant isolation verdicts from the probes of checks/collect/isolation (database, API, network).

A leak is a response carrying another tenant's data (rows, a canary, the resource asked for by id) or a
connection into another tenant's network: it disproves isolation whatever else failed. Without one, the
allowed side (own rows, own resources, own service) must have worked, or the refusals prove nothing and the
verdict is ERROR; then the refusals prove isolation. A percentage bound ("99.8% of cross-tenant requests
refused") is a proportion, decided by the sufficiency policy's one-sided bounds.
"""

from checks.evaluate.isolation.api import tenants_isolated_at_api
from checks.evaluate.isolation.database import schemas_by_tenant, tenants_isolated_in_database
from checks.evaluate.isolation.network import (
    network_claim_kind,
    network_claim_unmeasurable,
    tenant_networks_isolated,
)

__all__ = [
    "network_claim_kind",
    "network_claim_unmeasurable",
    "schemas_by_tenant",
    "tenant_networks_isolated",
    "tenants_isolated_at_api",
    "tenants_isolated_in_database",
]

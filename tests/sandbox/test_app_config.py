"""The sandbox app's config file and the DDL it derives from tenants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.app.config import TenantSpec, load_config
from sandbox.app.schema import TENANT_TABLES, rls_ddl, tenant_function_ddl
from sandbox.app.seed import canary

TENANT = {
    "slug": "acme-enterprise",
    "name": "Acme",
    "tier": "enterprise",
    "vertical": "barbershop",
    "db_role": "tenant_acme_enterprise",
    "db_password": "pw",
    "api_key": "k",
}
RAW = {
    "instance": "a",
    "pg_dsn": "postgresql://claimcheck_app:pw@127.0.0.1:25432/barberpro",
    "redis_url": "redis://127.0.0.1:26379/0",
    "jwt_secret": "j",
    "webhook_secret": "w",
    "tenants": [TENANT],
    "rate_limits_per_hour": {"standard": 1000, "enterprise": 50000},
    "access_log": "/tmp/app.log",
    "fault_injection": True,
}


def write(tmp_path: Path, raw: dict[str, object]) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(raw))
    return path


def test_contract_config_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, RAW))
    assert config.tenant("acme-enterprise") == TenantSpec(**TENANT)
    assert config.tenant("nobody") is None
    assert config.cache_ttl_seconds == {"providers": 600, "profiles": 7200}
    assert config.session_ttl_seconds == 86400


def test_unknown_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rate_limit_per_hour"):
        load_config(write(tmp_path, {**RAW, "rate_limit_per_hour": {}}))


def test_missing_key_is_an_error(tmp_path: Path) -> None:
    raw = {k: v for k, v in RAW.items() if k != "redis_url"}
    with pytest.raises(ValueError, match="redis_url"):
        load_config(write(tmp_path, raw))


def test_unknown_tier_is_refused() -> None:
    with pytest.raises(ValueError, match="tier"):
        TenantSpec(**{**TENANT, "tier": "gold"})


def test_enterprise_tenant_has_its_own_schema_standard_shares_public() -> None:
    assert TenantSpec(**TENANT).schema == "tenant_acme_enterprise"
    assert TenantSpec(**{**TENANT, "tier": "standard"}).schema == "public"


def test_rls_is_enabled_and_forced_on_every_tenant_table() -> None:
    ddl = rls_ddl("public").as_string(None)
    for table in TENANT_TABLES:
        assert f'ALTER TABLE "public"."{table}" ENABLE ROW LEVEL SECURITY' in ddl
        assert f'ALTER TABLE "public"."{table}" FORCE ROW LEVEL SECURITY' in ddl
        assert f'CREATE POLICY tenant_isolation ON "public"."{table}"' in ddl


def test_tenant_function_maps_roles_and_reads_the_setting_only_for_the_app_role() -> None:
    ddl = tenant_function_ddl("claimcheck_app", [("tenant_a", "a")]).as_string(None)
    assert "WHEN 'claimcheck_app' THEN nullif(current_setting('app.tenant_id', true), '')" in ddl
    assert "WHEN 'tenant_a' THEN 'a'" in ddl
    assert "ELSE NULL" in ddl


def test_canaries_are_per_tenant_and_deterministic() -> None:
    assert canary("a", "bookings") == canary("a", "bookings")
    assert canary("a", "bookings").startswith("CANARY-a-")
    assert canary("a", "bookings") != canary("b", "bookings")
    assert canary("a", "bookings", 0) != canary("a", "bookings", 1)

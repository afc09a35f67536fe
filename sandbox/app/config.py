"""The app's configuration: tenants and the JSON file written by the sandbox orchestration."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIERS = ("standard", "enterprise")


@dataclass(frozen=True)
class TenantSpec:
    """One tenant: its identity, isolation tier, database login role and API key."""

    slug: str
    name: str
    tier: str
    vertical: str
    db_role: str
    db_password: str
    api_key: str

    def __post_init__(self) -> None:
        if self.tier not in TIERS:
            raise ValueError(f"tenant {self.slug!r}: tier {self.tier!r} is not one of {TIERS}")

    @property
    def schema(self) -> str:
        """The tenant's own schema (enterprise tier) or `public` (shared tables with RLS)."""
        return "tenant_" + self.slug.replace("-", "_") if self.tier == "enterprise" else "public"


@dataclass(frozen=True)
class AppConfig:
    """Everything one app instance needs; secrets arrive in the file, never in logs or responses."""

    instance: str
    pg_dsn: str
    redis_url: str
    jwt_secret: str
    webhook_secret: str
    tenants: tuple[TenantSpec, ...]
    rate_limits_per_hour: dict[str, int]
    access_log: str
    pg_replica_dsn: str = ""
    webhook_target_url: str = ""
    fault_injection: bool = False
    # Tenants whose requests skip the hourly limit: the platform's own load-test identity (the gateway
    # allowlists the same identity), so load runs measure the service, not the limiter.
    unlimited_tenants: tuple[str, ...] = ()
    # Defaults follow the documents: API responses 10 min, profiles 2 h (003:66-67), sessions 24 h (002:48).
    cache_ttl_seconds: dict[str, int] = field(default_factory=lambda: {"providers": 600, "profiles": 7200})
    session_ttl_seconds: int = 86400

    def tenant(self, slug: str) -> TenantSpec | None:
        """The tenant with this slug, if configured."""
        return next((t for t in self.tenants if t.slug == slug), None)


def config_from_dict(raw: dict[str, Any]) -> AppConfig:
    """Build an AppConfig from the decoded JSON; a missing or unknown key is a ValueError naming it."""
    fields = dict(raw)
    fields["tenants"] = tuple(TenantSpec(**t) for t in raw.get("tenants", []))
    fields["unlimited_tenants"] = tuple(raw.get("unlimited_tenants", ()))
    unknown = set(fields) - set(AppConfig.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown app config keys: {sorted(unknown)}")
    try:
        return AppConfig(**fields)
    except TypeError as exc:
        raise ValueError(f"app config: {exc}") from exc


def load_config(path: str | Path) -> AppConfig:
    """Read the app's config.json."""
    return config_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

"""Typed `bindings` of targets.yaml: where a claim is measured on one target, validated before any contact.

A target's `bindings` mapping holds two kinds of keys. A *family* (`isolation`, `special_category`,
`webhooks`, `edge`, `drills`, `route_ids`) configures a probe family. A *claim id* binds one claim to what
measures it on this target (`BP-D08-DB-05: {source: rds_instance_class, instance: barberpro-primary}`),
validated against the binding model of that claim's check (checks/registry.py). Unknown keys, unknown claim
ids and bad values are ConfigErrors naming the file, the key and the value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checks.errors import ConfigError


class ClaimBinding(BaseModel):
    """Keys every claim binding accepts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    route: str | None = Field(default=None, description="the path that measures this claim on the target")
    evidence_source: str | None = Field(
        default=None,
        description="the target's source this claim's evidence stands for (a `constructed:` key when "
        "claimcheck set it up from the documents: the verdict is then NOT_APPLICABLE, sandbox fidelity)",
    )


B = TypeVar("B", bound=BaseModel)


class QueryBinding(ClaimBinding):
    """db.query_latency: the read-only query to time (default: postgres.probe_query)."""

    query: str | None = None


class CacheKeyBinding(ClaimBinding):
    """cache.ttl, cache.latency, cache.hit_ratio: which keys, and a request that creates one."""

    key_pattern: str | None = None
    prime_path: str | None = None


class MonitoringBinding(ClaimBinding):
    """monitoring.*: the Prometheus job and rule names that stand for the claim's component."""

    job: str | None = None
    rules: tuple[str, ...] = ()


class StorageBinding(ClaimBinding):
    """encryption.at_rest, audit.retention, residency.regions: the buckets the claim is about."""

    buckets: tuple[str, ...] = ()


InventorySource = Literal[
    "pg_setting", "pg_streaming_replicas", "redis_data_nodes", "rds_read_replicas", "rds_instance_class",
    "rds_regions", "tcp_endpoint", "prometheus_query",
]  # fmt: skip


class InventoryBinding(ClaimBinding):
    """inventory.components: where the component is counted on this target."""

    source: InventorySource
    instance: str | None = None  # rds_*: the instance id
    prefix: str | None = None  # rds_regions: the name prefix of the system's instances
    count: bool = False  # rds_regions: compare the number of regions, not the list
    name: str | None = None  # pg_setting: the setting
    expr: str | None = None  # prometheus_query: the PromQL expression
    address: str | None = None  # tcp_endpoint: host:port


class AutoscalingBinding(ClaimBinding):
    """autoscaling.*: the HPA and Deployment that stand for the claim's component."""

    namespace: str | None = None
    hpa: str | None = None
    deployment: str | None = None
    observe_s: float = Field(default=300.0, gt=0)


class RateLimitBinding(ClaimBinding):
    """http.rate_limit: the test identity whose budget the probe may spend (default: probe_tenant)."""

    tenant: str | None = None


class ExternalBinding(ClaimBinding):
    """external.component: the system that holds the component on this target."""

    system: str
    note: str | None = None


def _family_models() -> dict[str, type[BaseModel]]:
    from checks.collect.isolation.bindings import (
        EdgeBinding,
        IsolationBinding,
        SpecialCategoryBinding,
        WebhookBinding,
    )
    from checks.drills.binding import DrillsBinding

    return {
        "isolation": IsolationBinding,
        "special_category": SpecialCategoryBinding,
        "webhooks": WebhookBinding,
        "edge": EdgeBinding,
        "drills": DrillsBinding,
        "route_ids": RouteIds,
    }


class RouteRef(BaseModel):
    """Where ids for a route's `{id}` are listed: `GET list` -> body[field][*][id_field]."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    list: str
    field: str
    id_field: str = "id"


class RouteIds(BaseModel):
    """`route_ids`: per route class, where a real id for its `{id}` comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    routes: dict[str, RouteRef] = Field(default_factory=dict)

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> RouteIds:
        return cls(routes={k: RouteRef.model_validate(v) for k, v in raw.items()})


FAMILIES: tuple[str, ...] = ("isolation", "special_category", "webhooks", "edge", "drills", "route_ids")


def _fail(file: str, target: str, key: str, exc: ValidationError, raw: Any) -> ConfigError:
    err = exc.errors()[0]
    where = ".".join([key, *(str(p) for p in err["loc"])])
    value = err.get("input")
    shown = "" if isinstance(value, dict) else f" (value: {value!r})"
    return ConfigError(file, f"{err['msg']}{shown}", entry=target, key=f"bindings.{where}")


def validate_model(file: str, target: str, key: str, model: type[B], raw: Any) -> B:
    """`raw` validated as `model`, or a ConfigError naming `bindings.<key>.<field>` and the value."""
    try:
        if model is RouteIds and isinstance(raw, dict):
            return RouteIds.from_raw(raw)  # type: ignore[return-value]
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _fail(file, target, key, exc, raw) from None


def validate_bindings(
    file: str,
    target: str,
    bindings: dict[str, Any],
    binding_model: Callable[[str], type[BaseModel] | None],
    claim_ids: Iterable[str],
) -> None:
    """Validate every family and every claim binding of one target (ConfigError on the first problem).

    `binding_model(claim_id)` gives the binding model of the claim's check, or None when the check takes none.
    """
    known = set(claim_ids)
    families = _family_models()
    for key, raw in bindings.items():
        if key in families:
            validate_model(file, target, key, families[key], raw)
            continue
        if key not in known:
            raise ConfigError(
                file,
                f"no ledger claim or binding family named {key!r} (families: {', '.join(FAMILIES)})",
                entry=target,
                key=f"bindings.{key}",
            )
        model = binding_model(key)
        if model is None:
            raise ConfigError(
                file, f"claim {key}'s check takes no binding", entry=target, key=f"bindings.{key}"
            )
        validate_model(file, target, key, model, raw)

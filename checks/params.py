"""Typed `params` of ledger claims: one pydantic model per check, validated when the ledger loads.

A claim's `params` carries numbers and references the analyzers need beyond comparator and bound (the config
block a claim is about, the parts of a stated total, the city a latency is seen from). Unknown keys are
errors naming the file, the entry and the key. The reference table in claims/SCHEMA.md is generated from
these models (`python -m checks.registry --schema`).
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Scalar = float | int | str | bool
BLOCK_REF = r"^[^:]+:\d+(-\d+)?$"


class Params(BaseModel):
    """Keys every check accepts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    config_block: str | None = Field(
        default=None,
        pattern=BLOCK_REF,
        description="`<file>:<start>-<end>`: the embedded config the claim is about",
    )
    hard_coded: bool = Field(
        default=False, description="the document presents literals in code as collected measurements"
    )
    config_document: str | None = Field(
        default=None,
        description="another document of the system whose configuration the document says applies",
    )

    def get(self, key: str, default: Any = None) -> Any:
        """Transitional dict-style read for the declared analyzers; new code reads attributes."""
        name = next((n for n, f in type(self).model_fields.items() if f.alias == key), key)
        value = getattr(self, name, None)
        return default if value is None else value

    def __getitem__(self, key: str) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and getattr(self, key, None) not in (None, False)

    def items(self) -> list[tuple[str, Any]]:
        """The keys that are set (transitional, like `get`)."""
        return [(k, v) for k, v in self.model_dump(exclude_defaults=True).items()]


P = TypeVar("P", bound=Params)


class SumInputs(Params):
    """Inputs of the arithmetic analyzer: the parts of a stated total."""

    parts: tuple[float, ...] | None = Field(default=None, description="the parts of a stated total")
    parts_unit: str | None = Field(default=None, description="unit of the parts")
    total: float | None = Field(default=None, description="what the shares of one whole add up to (e.g. 100)")
    parts_low: tuple[float, ...] | None = Field(default=None, description="low ends of ranged parts")
    parts_high: tuple[float, ...] | None = Field(default=None, description="high ends of ranged parts")
    ranges: tuple[tuple[float, float], ...] | None = Field(default=None, description="ranges that must tile")
    clients: int | None = Field(default=None, description="number of clients (per-client totals)")
    per_client: float | None = Field(default=None, description="a per-client figure")


class LoadTestInputs(Params):
    """Inputs of the method analyzer: the load a document's own test reached."""

    tested_load_users: int | None = Field(default=None, ge=0, description="the largest load a test reached")
    equivalent_users: int | None = Field(default=None, ge=0, description="users a figure is said to equal")
    baseline: str | None = Field(default=None, description="what a multiple is relative to")


class QueueingInputs(Params):
    """Inputs of the response-time law (N = X (R + Z)): a benchmark's concurrency and throughput."""

    concurrency: int | None = Field(default=None, ge=0, description="clients a benchmark ran with")
    throughput: float | None = Field(default=None, ge=0, description="the throughput it reported")
    throughput_unit: str | None = Field(
        default=None, description="unit of throughput (ops/s, transactions/s)"
    )
    think_time_s: float | None = Field(default=None, ge=0, description="think time between requests")


class ServingInputs(Params):
    """Inputs of the physics analyzer: where requests are actually served."""

    write_region: str | None = Field(default=None, description="where writes go (a primary region)")
    served_from: str | None = Field(default=None, description="where every request is served (a DNS primary)")
    user_regions: tuple[str, ...] | None = Field(
        default=None, description="regions whose users the claim covers"
    )


class ResidencyInputs(Params):
    """Inputs of the residency analyzer."""

    jurisdiction: str | None = Field(
        default=None, description="where data must stay: a country code, EU, EEA, a law (GDPR), or `regional`"
    )
    stores_data: bool | None = Field(default=None, description="the component stores personal data")
    replicated: bool | None = Field(default=None, description="the data is replicated to every listed region")


class BudgetInputs(Params):
    """Inputs of the error-budget analyzer: incidents the document reports."""

    incidents: int | None = Field(default=None, ge=0, description="incidents reported in the window")
    incident_duration: float | None = Field(default=None, ge=0, description="duration of each incident")
    incident_duration_unit: str | None = Field(default=None, description="unit of incident_duration")
    incident_window: str | None = Field(default=None, description="the window the incidents fell in (30d)")


class AlertInputs(Params):
    """Inputs of the alert-threshold analyzer."""

    rule: str | None = Field(default=None, description="the alert rule the claim is about")
    rules: tuple[str, ...] | None = Field(default=None, description="the alert rules the claim is about")
    watches: tuple[str, ...] | None = Field(
        default=None, description="result metrics an alert threshold watches"
    )
    alert_when: str | None = Field(default=None, description="the comparator the alert fires on")


class ScalingParams(Params):
    """autoscaling.bounds, autoscaling.time_to_scale."""

    from_replicas: int | None = Field(default=None, ge=0, description="replicas before the scale-up")
    to_replicas: int | None = Field(default=None, ge=0, description="replicas after the scale-up")
    cpu_target: float | None = Field(default=None, description="the autoscaler's CPU target")
    cpu_target_unit: str | None = Field(default=None, description="unit of cpu_target (%)")
    queue_threshold: float | None = Field(default=None, description="queue length that triggers scaling")
    stabilization_window_s: float | None = Field(default=None, ge=0, description="HPA stabilization window")
    policy_pods: int | None = Field(default=None, ge=0, description="pods a scaling policy adds per period")
    period_s: float | None = Field(default=None, gt=0, description="period of that scaling policy")
    phase: str | None = Field(default=None, description="replicas counted when 'ready' or 'scheduled'")


class CachePolicyParams(Params):
    """cache.policy."""

    previous_value: float | None = Field(default=None, description="a value the document states elsewhere")
    previous_unit: str | None = Field(default=None, description="unit of previous_value")
    expect: str | None = Field(default=None, description="the Cache-Control directive expected (no-store)")


class QueryLatencyParams(QueueingInputs):
    """db.query_latency."""

    threshold: float | None = Field(default=None, description="'X% of queries under <threshold>'")
    threshold_unit: str | None = Field(default=None, description="unit of threshold")


class DocumentParams(SumInputs, ServingInputs):
    """declared.document: the numbers a stated total or restated value is checked with."""

    regions: int | None = Field(default=None, description="a stated number of regions")
    global_: tuple[float, ...] | None = Field(default=None, alias="global", description="global figures")
    achieved: float | None = Field(default=None, description="a stated achieved value")
    target: float | None = Field(default=None, description="a stated target value")
    target_comparator: str | None = Field(default=None, description="comparator of the stated target")
    unit: str | None = Field(default=None, description="unit of achieved/target")
    cross_reference: str | None = Field(default=None, description="another document the claim restates")


class ReplicationParams(Params):
    """Streaming replication claims."""

    max_lag_s: float | None = Field(
        default=None,
        ge=0,
        description="the lag a 'streaming' claim allows (e.g. the section's RPO); beyond it, not streaming",
    )


class FailoverParams(Params):
    """dr.failover, dr.rpo, dr.backup_restore, dr.redis_failover."""

    target_region: str | None = Field(default=None, description="the region failed over to")
    sla_reference: str | None = Field(default=None, pattern=BLOCK_REF, description="the SLA line it answers")


class RolloutParams(Params):
    """dr.rollout."""

    max_surge: int | None = Field(default=None, ge=0, description="declared RollingUpdate maxSurge")
    max_unavailable: int | None = Field(
        default=None, ge=0, description="declared RollingUpdate maxUnavailable"
    )
    route: str | None = Field(default=None, description="the route probed during the rollout")


class ExternalParams(SumInputs, LoadTestInputs, QueueingInputs, ServingInputs, BudgetInputs):
    """external.component."""

    cpu_range: tuple[float, float] | None = Field(default=None, description="a stated CPU range (%)")
    memory_range: tuple[float, float] | None = Field(default=None, description="a stated memory range (%)")
    edge_tier: str | None = Field(default=None, description="primary/secondary/tertiary edge")
    cities: tuple[str, ...] | None = Field(default=None, description="cities the component serves")
    timezone: str | None = Field(default=None, description="a stated time zone")


class GeoParams(ServingInputs):
    """geo.latency."""

    vantage_city: str | None = Field(default=None, description="the city the latency is seen from")
    serving_region: str | None = Field(default=None, description="the region that serves those users")
    route: str | None = Field(default=None, description="a route hint (e.g. a static asset)")


class ConcurrencyParams(LoadTestInputs, QueueingInputs):
    """http.concurrency."""


class RateLimitParams(Params):
    """http.rate_limit."""

    route: str | None = Field(default=None, description="the limited route prefix")
    action: str | None = Field(default=None, description="what the limiter does (block, challenge)")
    period_s: float | None = Field(default=None, gt=0, description="the limit's period")


class RouteParams(LoadTestInputs, QueueingInputs, BudgetInputs):
    """http.throughput, http.latency and other checks that may name a route."""

    route: str | None = Field(default=None, description="a route hint")


class InventoryParams(SumInputs, ResidencyInputs, ServingInputs):
    """inventory.components."""

    primary_region: str | None = Field(default=None, description="the stated primary region")
    vcpu: int | None = Field(default=None, ge=0, description="stated vCPUs")
    memory_gb: float | None = Field(default=None, ge=0, description="stated memory (GB)")
    regions: tuple[str, ...] | None = Field(default=None, description="stated regions")
    global_primary: str | None = Field(default=None, description="the global primary region")
    argentina_primary: str | None = Field(default=None, description="the Argentina primary zone")
    analytics_replica: str | None = Field(default=None, description="the analytics replica zone")


class AlertingParams(AlertInputs):
    """monitoring.alerting."""

    scrape_interval_s: float | None = Field(default=None, gt=0, description="the stated scrape interval")
    evaluation_interval_s: float | None = Field(
        default=None, gt=0, description="the stated evaluation interval"
    )


class MonitoringConfigParams(AlertInputs):
    """monitoring.config."""

    timezone: str | None = Field(default=None, description="a stated time zone")
    expr: str | None = Field(default=None, description="the rule's PromQL expression as stated")


class ResidencyParams(ResidencyInputs, ServingInputs):
    """residency.regions."""

    serving_region: str | None = Field(default=None, description="the region that stores/serves it")
    allowed_regions: tuple[str, ...] | None = Field(default=None, description="regions the data may be in")


class TlsParams(Params):
    """tls.policy."""

    allowed: tuple[str, ...] | None = Field(default=None, description="the TLS versions the claim allows")
    hsts_min_age_s: int | None = Field(default=None, ge=0, description="the least HSTS max-age accepted")
    hops: Literal["edge", "all"] = Field(
        default="edge",
        description="edge: the public endpoint; all: every hop ('data in transit', 'all communications'): "
        "the gateway and each database and cache the target describes",
    )


class HeadersParams(Params):
    """security.headers."""

    headers: tuple[str, ...] | None = Field(default=None, description="security headers every response needs")


class KubernetesParams(Params):
    """isolation.kubernetes."""

    directions: tuple[str, ...] | None = Field(default=None, description="policy types default-deny covers")
    resources: tuple[str, ...] | None = Field(default=None, description="resources every quota must limit")
    level: str | None = Field(default=None, description="the Pod Security level enforced")


class EncryptionParams(Params):
    """encryption.at_rest."""

    kms: bool = Field(default=False, description="the claim needs KMS (not S3-managed keys)")
    cmk: bool = Field(default=False, description="the claim needs customer-managed keys")


class AuditParams(Params):
    """audit.retention."""

    mode: str | None = Field(
        default=None, description="the object-lock mode claimed (COMPLIANCE, GOVERNANCE)"
    )

"""The registry of checks: every check a ledger claim can name, with its typed params and binding.

Each check is implemented by exactly one suite test function (tests/test_ledger_mapping.py proves it), reads
its claim's `params` through its Params model and its target binding through its Binding model. Both are
validated when the ledger and targets.yaml load, so a typo stops the run before anything is contacted.

    python -m checks.registry --schema         # the reference table of checks, params and bindings
    python -m checks.registry --write-schema   # ... into claims/SCHEMA.md (a test checks it is current)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from checks import bindings as b
from checks import params as p

if TYPE_CHECKING:
    from checks.ledger import Claim, Ledger
    from checks.targets import Target

B = TypeVar("B", bound=BaseModel)


@dataclass(frozen=True)
class Check:
    """One check: what it judges, the params it reads from a claim, the binding it reads from a target."""

    name: str
    description: str
    params: type[p.Params] = p.Params
    binding: type[BaseModel] | None = b.ClaimBinding


def _checks(*checks: Check) -> dict[str, Check]:
    return {c.name: c for c in checks}


CHECKS: dict[str, Check] = _checks(
    # declared evidence only: claims about the documents' own content
    Check(
        "declared.document",
        "A claim about the document itself (totals, restated values): declared evidence.",
        p.DocumentParams,
        None,
    ),
    # latency and load
    Check(
        "http.latency",
        "Latency statistic (percentile or mean) of an HTTP route class under the stated load.",
        p.RouteParams,
    ),
    Check("http.throughput", "Sustained request rate over a window with its error ratio.", p.RouteParams),
    Check(
        "http.concurrency",
        "Concurrent users served without errors (Little's law turns users into a rate).",
        p.ConcurrencyParams,
    ),
    Check(
        "http.rate_limit",
        "Per-client request limit found at the boundary with a test identity.",
        p.RateLimitParams,
        b.RateLimitBinding,
    ),
    Check(
        "geo.latency", "Latency seen from a named city vantage point, beside the physics floor.", p.GeoParams
    ),
    Check(
        "db.query_latency",
        "Database query time on the target's PostgreSQL.",
        p.QueryLatencyParams,
        b.QueryBinding,
    ),
    Check(
        "db.replication_lag", "Streaming replication lag between primary and replica.", p.ReplicationParams
    ),
    Check("cache.latency", "Cache (Redis) operation latency.", p.QueueingInputs, binding=b.CacheKeyBinding),
    Check(
        "cache.policy",
        "Cache-Control/Age per route class (no-store for special-category data).",
        p.CachePolicyParams,
    ),
    Check(
        "cache.hit_ratio",
        "Cache hit ratio from metrics or headers, with binomial bounds.",
        binding=b.CacheKeyBinding,
    ),
    Check(
        "cache.ttl",
        "Time-to-live of a class of cache keys (sessions, rate-limit counters, franchise data).",
        binding=b.CacheKeyBinding,
    ),
    Check(
        "availability.ratio",
        "Availability over the claim's window from Prometheus history and probes.",
        p.BudgetInputs,
    ),
    # isolation
    Check("isolation.database", "Tenant data isolation in PostgreSQL (forced RLS, tenant roles, schemas)."),
    Check("isolation.api", "Tenant isolation at the API (IDOR, spoofed tenant headers, tampered JWTs)."),
    Check("isolation.network", "Network isolation between tenant networks / network policies in force."),
    Check(
        "isolation.kubernetes",
        "Namespaces per tenant, default-deny policies, quotas, RBAC across namespaces.",
        p.KubernetesParams,
    ),
    # compliance and security
    Check("tls.policy", "TLS protocol versions and certificate posture of the public endpoint.", p.TlsParams),
    Check("mesh.mtls", "Service-mesh mTLS in STRICT mode for inter-service traffic."),
    Check(
        "encryption.at_rest",
        "Storage encryption (algorithm, customer-managed keys) from cloud config.",
        p.EncryptionParams,
        b.StorageBinding,
    ),
    Check("special_category.flow", "Special-category (health) data never cached, logged or labelled."),
    Check(
        "residency.regions",
        "Storage and replica regions against residency/localization claims.",
        p.ResidencyParams,
        b.StorageBinding,
    ),
    Check(
        "audit.retention",
        "Immutable audit trail: object lock mode and retention period.",
        p.AuditParams,
        b.StorageBinding,
    ),
    Check(
        "webhook.signature",
        "Webhook deliveries signed (HMAC-SHA256); unsigned or wrongly signed ones refused.",
    ),
    Check(
        "security.headers",
        "Edge security controls (security headers, WAF/geo rules, auth methods).",
        p.HeadersParams,
    ),
    # scaling and inventory
    Check(
        "autoscaling.time_to_scale",
        "Time to scale between replica counts under the declared/live autoscaler.",
        p.ScalingParams,
        b.AutoscalingBinding,
    ),
    Check(
        "autoscaling.bounds",
        "Autoscaler min/max replicas and targets as configured.",
        p.ScalingParams,
        b.AutoscalingBinding,
    ),
    Check(
        "inventory.components",
        "Component counts and topology (replicas, nodes, regions, shards) on the target.",
        p.InventoryParams,
        b.InventoryBinding,
    ),
    Check(
        "monitoring.alerting",
        "Alert/detection latency floor from scrape/evaluation intervals and rule 'for:'.",
        p.AlertingParams,
        b.MonitoringBinding,
    ),
    Check(
        "monitoring.config",
        "Monitoring configuration (retention, scrape intervals, rule semantics).",
        p.MonitoringConfigParams,
        b.MonitoringBinding,
    ),
    # disaster recovery
    Check("dr.failover", "Database failover drill: measured RTO (and data integrity).", p.FailoverParams),
    Check("dr.rpo", "Recovery point: acknowledged writes lost in a failover or restore.", p.FailoverParams),
    Check(
        "dr.backup_restore",
        "Backup restored into a scratch instance: restore time and newest record age.",
        p.FailoverParams,
    ),
    Check(
        "dr.redis_failover",
        "Redis failover through sentinel: time to a new master, writes lost.",
        p.FailoverParams,
    ),
    Check(
        "dr.rollout", "Zero-downtime rollout/restart: errors counted by continuous probes.", p.RolloutParams
    ),
    # components no local collector can reach
    Check(
        "external.component",
        "A component the target does not expose (Kafka, ML accuracy, third-party APIs).",
        p.ExternalParams,
        b.ExternalBinding,
    ),
    # waivers
    Check("waived", "Not a technical claim: OUT_OF_SCOPE with the waiver's reason.", binding=None),
)


def check(name: str) -> Check:
    """The registered check `name` (KeyError naming the known ones)."""
    if name not in CHECKS:
        raise KeyError(f"unknown check {name!r}; known: {', '.join(sorted(CHECKS))}")
    return CHECKS[name]


def validate_target_bindings(file: str, name: str, target: Target, ledger: Ledger) -> None:
    """Every binding of one target validated against its family or its claim's check (ConfigError)."""

    def model_of(claim_id: str) -> type[BaseModel] | None:
        return CHECKS[ledger[claim_id].check].binding

    b.validate_bindings(file, name, target.bindings, model_of, (c.id for c in ledger))


def binding_as(target: Target, claim: Claim, model: type[B]) -> B | None:
    """The claim's binding on this target as `model`, or None when the target binds nothing for it.

    Bindings are validated when the run starts (validate_target_bindings), so this cannot fail later for a
    key or a value; it raises TypeError when `model` is not the binding its check declares."""
    declared = CHECKS[claim.check].binding
    if declared is None or not issubclass(declared, model):
        raise TypeError(
            f"{claim.check} takes {declared.__name__ if declared else 'no'} binding, not {model.__name__}"
        )
    raw = target.bindings.get(claim.id)
    return None if raw is None else model.model_validate(raw)


def is_bound(target: Target, claim: Claim) -> bool:
    """True when the target binds this claim explicitly (targets.yaml `bindings.<claim id>`)."""
    return claim.id in target.bindings


def _field_rows(model: type[BaseModel]) -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        kind = str(field.annotation).replace("typing.", "").replace("<class '", "").replace("'>", "")
        kind = kind.replace(" | None", "").replace(" | ", " or ")
        rows.append(f"`{key}` ({kind}): {field.description or ''}".rstrip(": "))
    return rows


def schema_markdown() -> str:
    """The generated reference: checks, their params and bindings (embedded in claims/SCHEMA.md)."""
    lines = [
        "| check | what it judges | params (beyond config_block, hard_coded) | target binding keys |",
        "| --- | --- | --- | --- |",
    ]
    common = set(p.Params.model_fields)
    for c in CHECKS.values():
        params = [
            r for n, r in zip(c.params.model_fields, _field_rows(c.params), strict=True) if n not in common
        ]
        binding = (
            ""
            if c.binding is None
            else ", ".join(f"`{f.alias or n}`" for n, f in c.binding.model_fields.items())
        )
        lines.append(f"| `{c.name}` | {c.description} | {'<br>'.join(params)} | {binding} |")
    return "\n".join(lines) + "\n"


SCHEMA_BEGIN, SCHEMA_END = "<!-- registry:begin -->", "<!-- registry:end -->"


def write_schema(path: Path) -> None:
    """Replace the generated section of claims/SCHEMA.md with the current registry."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(SCHEMA_BEGIN)
    _, _, tail = rest.partition(SCHEMA_END)
    path.write_text(f"{head}{SCHEMA_BEGIN}\n{schema_markdown()}{SCHEMA_END}{tail}", encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--schema"]:
        sys.stdout.write(schema_markdown())
        return 0
    if argv[:1] == ["--write-schema"]:
        # the checkout's claims/ (as checks.ledger.project_root, which imports this module)
        write_schema(Path(__file__).resolve().parent.parent / "claims" / "SCHEMA.md")
        return 0
    for c in CHECKS.values():
        print(f"{c.name:<28} {c.params.__name__:<24} {c.binding.__name__ if c.binding else '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The checks a ledger claim can name. Each check is implemented by exactly one suite test function.

The meta-test in tests/test_ledger_mapping.py proves the mapping both ways.
"""

from __future__ import annotations

CHECKS: dict[str, str] = {
    # declared evidence only: claims about the documents' own content
    "declared.document": "A claim about the document itself (totals, restated values): declared evidence.",
    # latency and load
    "http.latency": "Latency statistic (percentile or mean) of an HTTP route class under the stated load.",
    "http.throughput": "Sustained request rate over a window with its error ratio.",
    "http.concurrency": "Concurrent users served without errors (Little's law turns users into a rate).",
    "http.rate_limit": "Per-client request limit found at the boundary with a test identity.",
    "geo.latency": "Latency seen from a named city vantage point, beside the physics floor.",
    "db.query_latency": "Database query time on the target's PostgreSQL.",
    "db.replication_lag": "Streaming replication lag between primary and replica.",
    "cache.latency": "Cache (Redis) operation latency.",
    "cache.policy": "Cache-Control/Age per route class (no-store for special-category data).",
    "cache.hit_ratio": "Cache hit ratio from metrics or headers, with binomial bounds.",
    "cache.ttl": "Time-to-live of a class of cache keys (sessions, rate-limit counters, franchise data).",
    "availability.ratio": "Availability over the claim's window from Prometheus history and probes.",
    # isolation
    "isolation.database": "Tenant data isolation in PostgreSQL (forced RLS, tenant roles, schemas).",
    "isolation.api": "Tenant isolation at the API (IDOR, spoofed tenant headers, tampered JWTs).",
    "isolation.network": "Network isolation between tenant networks / network policies in force.",
    "isolation.kubernetes": "Namespaces per tenant, default-deny policies, quotas, RBAC across namespaces.",
    # compliance and security
    "tls.policy": "TLS protocol versions and certificate posture of the public endpoint.",
    "mesh.mtls": "Service-mesh mTLS in STRICT mode for inter-service traffic.",
    "encryption.at_rest": "Storage encryption (algorithm, customer-managed keys) from cloud config.",
    "special_category.flow": "Special-category (health) data never cached, logged or labelled.",
    "residency.regions": "Storage and replica regions against residency/localization claims.",
    "audit.retention": "Immutable audit trail: object lock mode and retention period.",
    "webhook.signature": "Webhook deliveries signed (HMAC-SHA256); unsigned or wrongly signed ones refused.",
    "security.headers": "Edge security controls (security headers, WAF/geo rules, auth methods).",
    # scaling and inventory
    "autoscaling.time_to_scale": "Time to scale between replica counts under the declared/live autoscaler.",
    "autoscaling.bounds": "Autoscaler min/max replicas and targets as configured.",
    "inventory.components": "Component counts and topology (replicas, nodes, regions, shards) on the target.",
    "monitoring.alerting": "Alert/detection latency floor from scrape/evaluation intervals and rule 'for:'.",
    "monitoring.config": "Monitoring configuration (retention, scrape intervals, rule semantics).",
    # disaster recovery
    "dr.failover": "Database failover drill: measured RTO (and data integrity).",
    "dr.rpo": "Recovery point: acknowledged writes lost in a failover or restore.",
    "dr.backup_restore": "Backup restored into a scratch instance: restore time and newest record age.",
    "dr.redis_failover": "Redis failover through sentinel: time to a new master, writes lost.",
    "dr.rollout": "Zero-downtime rollout/restart: errors counted by continuous probes.",
    # components no local collector can reach
    "external.component": "A component the target does not expose (Kafka, ML accuracy, third-party APIs).",
    # waivers
    "waived": "Not a technical claim: OUT_OF_SCOPE with the waiver's reason.",
}

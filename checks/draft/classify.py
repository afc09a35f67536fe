"""What a line is about: a suggested category, check and metric from its words, or a waiver for lines that
are not technical (money, people, dates, plans). Suggestions only: the reviewer confirms or edits them.

The rules are tried in order; the first whose pattern matches wins. Metric names are the canonical ones of
claims/SCHEMA.md, so that claims about the same thing meet in the consistency analyzer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A suggested classification for one line."""

    category: str
    check: str
    metric: str
    comparator: str | None = None  # overrides the unit's default comparator
    per_client: bool = False


RULES: tuple[tuple[str, Topic], ...] = (
    (
        r"rate[- ]?limit|throttl|\brequests?\b.*\b(per|each) (api )?(client|consumer|ip|api key|key|user)\b"
        r"|\b(each|per|every) (api )?(client|consumer|ip|api key|key|user)\b.*\brequests?\b",
        Topic("security", "http.rate_limit", "rate_limit", "=="),
    ),
    (
        r"sql[- ]?injection|\bwaf\b|web application firewall",
        Topic("security", "security.headers", "waf_sqli_rule"),
    ),
    (r"\bMTTR\b|mean time to (recover|repair|restore)", Topic("dr", "dr.failover", "mttr")),
    (r"\bMTBF\b|mean time between failures", Topic("availability", "availability.ratio", "mtbf", ">=")),
    (r"\bRPO\b|data loss|recovery point", Topic("dr", "dr.rpo", "rpo")),
    (r"\bRTO\b|recovery time|time to recover|restore service", Topic("dr", "dr.failover", "rto")),
    (r"failover", Topic("dr", "dr.failover", "failover_time")),
    (r"restore|backup", Topic("dr", "dr.backup_restore", "restore_time")),
    (r"replication lag|replica lag", Topic("data", "db.replication_lag", "replication_lag")),
    (
        r"\b(alert|page|pages|paging|detect\w*|notif\w*)\b",
        Topic("monitoring", "monitoring.alerting", "alert_latency"),
    ),
    (r"retention|retain", Topic("monitoring", "monitoring.config", "retention")),
    (
        r"scale[sd]? (up|out)|scal\w+ (from|to) \d|time to scale",
        Topic("autoscaling", "autoscaling.time_to_scale", "scale_up_time"),
    ),
    (r"\b(pods?|replicas?)\b|autoscal|\bHPA\b", Topic("autoscaling", "autoscaling.bounds", "replica_count")),
    (
        r"query time|database (latency|quer)|\bdb\b.*\b(ms|latency)\b",
        Topic("latency", "db.query_latency", "db_query_time"),
    ),
    (r"cache hit|hit ratio|hit rate", Topic("caching", "cache.hit_ratio", "cache_hit_ratio")),
    (r"\bttl\b|max-age|cache-control", Topic("caching", "cache.ttl", "cache_ttl")),
    (
        r"latency|response time|\bp(50|90|95|99)\b|round[- ]trip",
        Topic("latency", "http.latency", "api_response_time"),
    ),
    (r"error rate|errors?\b.*%|5xx", Topic("availability", "availability.ratio", "error_rate", "<=")),
    (r"uptime|availability|\bSLA\b", Topic("availability", "availability.ratio", "uptime", ">=")),
    (r"concurrent|simultaneous", Topic("capacity", "http.concurrency", "concurrent_users", ">=")),
    (
        r"throughput|\brps\b|requests?/s|requests per second|\btps\b",
        Topic("throughput", "http.throughput", "api_throughput", ">="),
    ),
    (r"\bm?tls\b.*1\.[0-3]|tls 1\.|ssl", Topic("compliance", "tls.policy", "tls_version")),
    (r"\bmtls\b|mutual tls|service mesh", Topic("security", "mesh.mtls", "mtls")),
    (r"encrypt\w* at rest|\bAES\b|\bKMS\b", Topic("compliance", "encryption.at_rest", "encryption_at_rest")),
    (
        r"residen|sovereign|gdpr|stays? in|stored in|locali[sz]",
        Topic("compliance", "residency.regions", "data_residency"),
    ),
    (
        r"network polic|default[- ]deny|segmentation",
        Topic("isolation", "isolation.network", "network_policy"),
    ),
    (r"row[- ]level|\bRLS\b", Topic("isolation", "isolation.database", "rls_enabled")),
    (r"tenant|isolat|namespace", Topic("isolation", "isolation.kubernetes", "tenant_isolation")),
    (r"webhook|hmac|signature", Topic("security", "webhook.signature", "webhook_signature")),
    (r"hsts|security header|csp\b", Topic("security", "security.headers", "security_headers")),
    (
        r"zero[- ]downtime|rolling|blue[- ]green|canary",
        Topic("deployment", "dr.rollout", "deployment_errors"),
    ),
    (r"\bregions?\b", Topic("capacity", "inventory.components", "region_count", "==")),
    (r"\bnodes?\b", Topic("capacity", "inventory.components", "node_count", "==")),
    (r"\bshards?\b", Topic("capacity", "inventory.components", "shard_count", "==")),
    (r"deploy", Topic("deployment", "external.component", "deployment_time")),
)
COMPILED = tuple((re.compile(p, re.IGNORECASE), t) for p, t in RULES)
FALLBACK = Topic("integration", "external.component", "component_property")
PER_CLIENT = re.compile(r"(per|each|every) (api )?(client|ip|api key|key|user|tenant|consumer)", re.I)

NON_TECHNICAL = (
    (
        r"\$\s?\d|€\s?\d|\bUSD\b|\bcost|budget|revenue|price|pricing|\bARR\b|\bMRR\b|margin|invoice",
        "a financial figure, not a property of the running system",
    ),
    (r"customer satisfaction|\bNPS\b|\bCSAT\b|market|adoption|sign[- ]?ups?", "a business or market figure"),
    (r"\b(team|engineers?|headcount|hires?|staff|on[- ]call rotation|people)\b", "staffing or effort"),
    (
        r"\b(Q[1-4]\s*20\d\d|20\d\d-\d\d-\d\d|roadmap|next quarter|next sprint|planned|will be|future)\b",
        "a date, plan or intention, not a property of the running system",
    ),
    (r"https?://", "a URL of a portal or document"),
    (r"\(\d+\s*(hours?|days?|weeks?)\)\s*$", "an effort estimate of a task"),
)
NON_TECHNICAL_COMPILED = tuple((re.compile(p, re.IGNORECASE), why) for p, why in NON_TECHNICAL)
TECHNICAL = re.compile(
    r"latency|response|uptime|availability|\brps\b|\bms\b|RTO|RPO|replica|pods?|TLS|encrypt|rate limit|alert",
    re.IGNORECASE,
)


def topic_of(text: str) -> Topic:
    """The first rule matching the line's words."""
    for pattern, topic in COMPILED:
        if pattern.search(text):
            per = bool(PER_CLIENT.search(text))
            return Topic(topic.category, topic.check, topic.metric, topic.comparator, per)
    return FALLBACK


def waiver_reason(text: str) -> str | None:
    """Why a line looks non-technical (None: it looks technical)."""
    for pattern, why in NON_TECHNICAL_COMPILED:
        if pattern.search(text) and not (TECHNICAL.search(text) and "financial" not in why):
            return why
    return None

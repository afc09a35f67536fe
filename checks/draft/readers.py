"""Which declared analyzers will read a draft entry: what each one consumes, checked against the entry, plus
every analyzer that actually produced a finding when the engine ran over the draft.

The predicates say what an analyzer needs (e.g. the autoscaling analyzer: `params.from_replicas` and
`to_replicas`, and one HorizontalPodAutoscaler serving the system). An entry no analyzer reads is still a
claim: with `--target none` it stays open for a live target, and the draft says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from checks.collect.documents import ConfigBlock
from checks.evaluate.declared.common import DeclaredConfig, document_systems, number, referenced, text_of
from checks.ledger import Claim

UPTIME = ("uptime", "availability")
RECOVERY = ("rto", "recovery_time", "failover_time", "restore_time", "mttr")
ALERTING = ("alert_latency", "detection_latency")
ISOLATION = ("network_policy", "tenant_isolation", "network_isolation")


@dataclass(frozen=True)
class Context:
    """What the predicates look at: every claim of the draft and the declared configuration."""

    claims: Sequence[Claim]
    config: DeclaredConfig

    def others(self, claim: Claim) -> list[Claim]:
        files = {s.file for s in claim.sources}
        return [
            c
            for c in self.claims
            if c.id != claim.id
            and not c.is_waived
            and c.system == claim.system
            and files & {s.file for s in c.sources}
        ]


def _numeric(claim: Claim) -> bool:
    return number(claim.stated_value) is not None or number(claim.bound) is not None


def _arithmetic(claim: Claim, ctx: Context) -> bool:
    stated = number(claim.stated_value) is not None and claim.comparator in ("<", "<=", ">", ">=", "==")
    return stated or any(k in claim.params for k in ("parts", "ranges", "parts_low"))


def _consistency(claim: Claim, ctx: Context) -> bool:
    return _numeric(claim) and any(o.metric == claim.metric and _numeric(o) for o in ctx.others(claim))


def _budget(claim: Claim, ctx: Context) -> bool:
    metrics = {o.metric for o in ctx.others(claim)}
    return (claim.metric in UPTIME and bool(metrics & set(RECOVERY))) or (
        claim.metric in RECOVERY and bool(metrics & set(UPTIME))
    )


def _autoscaling(claim: Claim, ctx: Context) -> bool:
    has_counts = "from_replicas" in claim.params and "to_replicas" in claim.params
    return has_counts and len(ctx.config.objects("HorizontalPodAutoscaler", claim.system)) >= 1


def _alerting(claim: Claim, ctx: Context) -> bool:
    about = claim.metric in ALERTING or claim.check == "monitoring.alerting"
    return about and bool(ctx.config.objects("PrometheusRules", claim.system))


def _netpol(claim: Claim, ctx: Context) -> bool:
    about = claim.metric in ISOLATION or "network polic" in text_of(claim)
    return about and bool(ctx.config.objects("NetworkPolicy", claim.system))


def _rate_limits(claim: Claim, ctx: Context) -> bool:
    about = claim.metric == "rate_limit" or (claim.scope.per == "client" and claim.metric == "api_throughput")
    return about and bool(ctx.config.rate_limits(claim.system))


def _waf(claim: Claim, ctx: Context) -> bool:
    rules = ctx.config.waf_rules(claim.system)
    words = text_of(claim)
    mentions = any(k in words for k in ("sql injection", "sqli", "waf", "web application firewall"))
    cites = any(
        s.file == r.file and s.line <= r.line <= (s.end_line or s.line) for r in rules for s in claim.sources
    )
    return bool(rules) and claim.metric not in ("rate_limit", "api_throughput") and (mentions or cites)


def _physics(claim: Claim, ctx: Context) -> bool:
    return claim.check == "geo.latency" or "vantage_city" in claim.params


def _residency(claim: Claim, ctx: Context) -> bool:
    return claim.check == "residency.regions" or claim.metric == "data_residency"


def _method(claim: Claim, ctx: Context) -> bool:
    scripts = [b for b in ctx.config.blocks if b.kind in ("bash", "sh", "shell", "python", "typescript")]
    return any(_cites_block(claim, b) for b in scripts)


def _cites_block(claim: Claim, block: ConfigBlock) -> bool:
    ref = referenced(claim)
    inside = ref is not None and block.overlaps(*ref)
    return inside or any(block.overlaps(s.file, s.line, s.end_line or s.line) for s in claim.sources)


PREDICATES: dict[str, Callable[[Claim, Context], bool]] = {
    "arithmetic": _arithmetic,
    "consistency": _consistency,
    "error_budget": _budget,
    "autoscaling": _autoscaling,
    "alerting": _alerting,
    "network_policy": _netpol,
    "rate_limits": _rate_limits,
    "waf": _waf,
    "physics": _physics,
    "residency": _residency,
    "method": _method,
}
WHAT = {
    "arithmetic": "its stated value against its own bound",
    "consistency": "other lines stating the same metric",
    "error_budget": "the availability budget against recovery times",
    "autoscaling": "the HorizontalPodAutoscaler, from/to replicas",
    "alerting": "the alert rules' for: and intervals",
    "network_policy": "the NetworkPolicies",
    "rate_limits": "the declared rate-limit rules",
    "waf": "the declared WAF rules, run on concrete requests",
    "physics": "the physics floor between city and region",
    "residency": "declared storage regions",
    "method": "the script or listing it cites",
    "promql": "the alert expressions",
}


def readers(claims: Sequence[Claim], blocks: Sequence[ConfigBlock]) -> dict[str, list[str]]:
    """Per claim id, the analyzers that will read it (predicted, plus those that produced a finding)."""
    from checks.evaluate.declared.engine import declared_verdicts

    config = DeclaredConfig(tuple(blocks), document_systems(claims))
    ctx = Context(claims, config)
    found = declared_verdicts(claims, blocks)
    out: dict[str, list[str]] = {}
    for claim in claims:
        if claim.is_waived:
            continue
        names = [name for name, reads in PREDICATES.items() if reads(claim, ctx)]
        names += [str(f.evidence.get("analyzer")) for f in found.get(claim.id, [])]
        out[claim.id] = list(dict.fromkeys(names))
    return out

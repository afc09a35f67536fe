"""Rate limits: what the declared rules (any format the block parsers read: checks/blocks/) let a client do.

A rule allows `limit` requests per `period_s` seconds per counting key on the paths of its scope. Per client
(IP, API key, consumer) it caps one client; with a shared key (one proxy instance, a constant) it caps all
clients together, so it caps each one too.
- A claim promising a client more than that (a rate_limit above it, or per-client throughput) is DISPROVEN:
  a declared lower limit cannot be lifted by any other layer. With action "challenge" the excess requests get
  an interactive challenge, which a browser may pass but an API client cannot.
- A claimed limit lower than the declared one, or "rate limiting present", is INCONCLUSIVE: another layer
  (gateway) may enforce it; a challenge is not a hard limit.
- A rule declared but not enforced (Envoy without filter_enforced, AWS WAF Count, ModSecurity DetectionOnly)
  limits nothing: DISPROVEN for a claim that names that block (`params.config_block`), else INCONCLUSIVE.
"""

from __future__ import annotations

from collections.abc import Sequence

from checks.blocks.model import RateLimitRule
from checks.evaluate.declared.common import DeclaredConfig, finding, fmt, number, per_second, referenced
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "rate_limits"
RATE_METRICS = ("rate_limit", "api_throughput")
SOFT_ACTIONS = ("log", "count", "pass", "allow", "simulate")


def analyze(claims: Sequence[Claim], config: DeclaredConfig) -> list[Verdict]:
    """Rate-limit findings for the claims of systems that declare rate limits."""
    out: list[Verdict] = []
    for claim in claims:
        if claim.is_waived or (claim.metric != "rate_limit" and _claimed_allowance(claim) is None):
            continue
        rules, explicit = linked_rules(claim, config.rate_limits(claim.system))
        route = str(claim.params.get("route") or claim.scope.route or "/api/")
        for rule in rules:
            if rule.scope.applies(route):
                out.append(_rate_finding(claim, rule, route, explicit))
    return out


def linked_rules(claim: Claim, rules: Sequence[RateLimitRule]) -> tuple[list[RateLimitRule], bool]:
    """The rules a claim is about: those inside its `params.config_block` (explicit), else all candidates."""
    ref = referenced(claim)
    if ref is None:
        return list(rules), False
    file, start, end = ref
    return [r for r in rules if r.file == file and start <= r.line <= end], True


def _claimed_allowance(claim: Claim) -> float | None:
    """The request rate per client the claim promises a client can send (per second)."""
    if claim.scope.per != "client" or claim.metric not in RATE_METRICS:
        return None
    bound = claim.bound
    values = [number(v) for v in bound] if isinstance(bound, tuple) else [number(bound)]
    top = max((v for v in values if v is not None), default=None)
    return per_second(top, claim.unit) if top is not None else None


def _who(rule: RateLimitRule) -> str:
    if rule.key == "ip":
        return "one client (per IP)"
    if rule.per_client:
        return f"one client (per {rule.key})"
    return f"all clients together (one counter per {rule.key})"


def describe(rule: RateLimitRule, route: str) -> str:
    """The rule as a reader checks it: who may send how much where, then what happens."""
    limit = rule.per_second
    burst = f", burst {fmt(rule.burst)}" if rule.burst else ""
    action = rule.action.lower()
    tail = ""
    if "challenge" in action:
        tail = " (a challenge: not a hard limit, and one an API client cannot pass)"
    elif action in SOFT_ACTIONS:
        tail = " (it only logs: not a limit)"
    return (
        f"rule {rule.name} ({rule.cite}) lets {_who(rule)} send {fmt(limit * 60)} requests/min "
        f"= {fmt(limit * 3600)}/hour to {route}{burst}, then action '{rule.action}'{tail}"
    )


def _rate_finding(claim: Claim, rule: RateLimitRule, route: str, explicit: bool) -> Verdict:
    limit = rule.per_second
    declared = describe(rule, route)
    allowance = _claimed_allowance(claim)
    inputs = {
        "rule": rule.name,
        "format": rule.parser,
        "key": rule.key,
        "limit_per_hour": limit * 3600,
        "action": rule.action,
        "route": route,
    }
    measured = limit * 3600
    if not rule.enforced:
        outcome = Outcome.DISPROVEN if explicit else Outcome.INCONCLUSIVE
        why = f"{declared}; but it is not enforced: {rule.note or 'declared only'}"
        return finding(claim, outcome, NAME, why, other=[rule.cite], measured=measured, **inputs)
    if allowance is not None and allowance > limit * (1 + 1e-9) and claim.comparator != "<=":
        why = f"{declared}; the claim promises {fmt(allowance * 3600)}/hour, {allowance / limit:.1f}x more"
        return finding(claim, Outcome.DISPROVEN, NAME, why, other=[rule.cite], measured=measured, **inputs)
    return finding(
        claim,
        Outcome.INCONCLUSIVE,
        NAME,
        f"{declared}; needs the limit found at the boundary",
        other=[rule.cite],
        measured=measured,
        **inputs,
    )

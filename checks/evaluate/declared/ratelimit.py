"""Rate limits and WAF rules: what the declared edge rules let a client do, and which inputs they misjudge.

Rate limits: a rule with `rateLimit {threshold, period}` allows threshold/period requests per client (per
source IP, the default counting key) on the paths its expression matches.
- A claim promising a client more than that (a rate_limit at or above, or per-client throughput) is DISPROVEN:
  a declared lower limit cannot be lifted by any other layer. With action "challenge" the excess requests get
  an interactive challenge, which a browser may pass but an API client cannot.
- A claimed limit lower than the declared one, or "rate limiting present", is INCONCLUSIVE: another layer
  (gateway) may enforce it; a challenge is not a hard limit.
WAF matchers: a blocking rule described as SQL-injection protection is run against concrete requests; the
attacks it lets through (lower case, URL-encoding, payload in the query string, comment inside the keyword)
and the benign inputs it blocks are reported with the input. Claims about that rule are DISPROVEN when an
attack passes; other security claims of the system get the counter-examples as INCONCLUSIVE context.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checks.collect.documents import ConfigObject
from checks.evaluate.declared.common import DeclaredConfig, finding, fmt, linked, number, per_second, text_of
from checks.evaluate.declared.waf import ExpressionError, Probe, matches
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "rate_limits"
HARD_ACTIONS = ("block",)
ATTACKS = (
    ("lower-case keywords", Probe("/api/search", body='{"q": "1 union select password from users"}')),
    ("URL-encoded keyword", Probe("/api/search", body="q=1%20%55NION%20SELECT%20password%20FROM%20users")),
    ("payload in the query string", Probe("/api/search", query="q=1 UNION SELECT password FROM users")),
    ("comment inside the keyword", Probe("/api/admin", body='{"q": "1; DROP/**/TABLE bookings"}')),
)
BENIGN = (
    (
        "a booking note quoting DROP TABLE",
        Probe("/api/bookings", body='{"note": "Ask IT why the FAQ says never to run DROP TABLE"}'),
    ),
    (
        "a union name in a customer's employer",
        Probe("/api/customers", body='{"employer": "UNION OBRERA METALURGICA"}'),
    ),
)
RATE_METRICS = ("rate_limit", "api_throughput")


def per_client_limit(rule: dict[str, Any]) -> float | None:
    """Requests per second one client may send under a rule's rateLimit (None: the rule limits nothing)."""
    limit = rule.get("rateLimit") or rule.get("ratelimit") or {}
    threshold = number(limit.get("threshold") or limit.get("requests_per_period"))
    period = number(limit.get("period"))
    return threshold / period if threshold is not None and period else None


def analyze(claims: Sequence[Claim], config: DeclaredConfig) -> list[Verdict]:
    """Rate-limit and WAF findings for the claims of systems that declare WAF rules."""
    out: list[Verdict] = []
    for claim in claims:
        if claim.is_waived:
            continue
        wafs, _ = linked(claim, config.objects("WafRules", claim.system))
        for waf in wafs:
            out.extend(_rate_findings(claim, waf))
            out.extend(_matcher_findings(claim, waf))
    return out


def _claimed_allowance(claim: Claim) -> float | None:
    """The request rate per client the claim promises a client can send (per second)."""
    if claim.scope.per != "client" or claim.metric not in RATE_METRICS:
        return None
    bound = claim.bound
    values = [number(v) for v in bound] if isinstance(bound, tuple) else [number(bound)]
    top = max((v for v in values if v is not None), default=None)
    return per_second(top, claim.unit) if top is not None else None


def _rate_findings(claim: Claim, waf: ConfigObject) -> list[Verdict]:
    if claim.metric != "rate_limit" and _claimed_allowance(claim) is None:
        return []
    out = []
    route = str(claim.params.get("route") or claim.scope.route or "/api/")
    for rule in waf.body.get("rules") or []:
        limit = per_client_limit(rule)
        if limit is None or not _applies(rule, route):
            continue
        out.append(_rate_finding(claim, waf, rule, limit, route))
    return out


def _applies(rule: dict[str, Any], route: str) -> bool:
    try:
        return matches(str(rule.get("expression", "")), Probe(path=route))
    except ExpressionError:
        return False


def _rate_finding(claim: Claim, waf: ConfigObject, rule: dict[str, Any], limit: float, route: str) -> Verdict:
    action = str(rule.get("action", ""))
    cite = waf.cite_of(f'"id": "{rule.get("id")}"')
    hourly = limit * 3600
    declared = (
        f"rule {rule.get('id')} ({cite}) lets one client (per IP) send {fmt(limit * 60)} requests/min "
        f"= {fmt(hourly)}/hour to {route}, then action '{action}'"
        + (
            ""
            if action in HARD_ACTIONS
            else " (a challenge: not a hard limit, and one an API client cannot pass)"
        )
    )
    allowance = _claimed_allowance(claim)
    inputs = {"rule": rule.get("id"), "limit_per_hour": hourly, "action": action, "route": route}
    if allowance is not None and allowance > limit * (1 + 1e-9) and claim.comparator != "<=":
        why = f"{declared}; the claim promises {fmt(allowance * 3600)}/hour, {allowance / limit:.1f}x more"
        return finding(claim, Outcome.DISPROVEN, NAME, why, other=[cite], measured=hourly, **inputs)
    return finding(
        claim,
        Outcome.INCONCLUSIVE,
        NAME,
        f"{declared}; needs the limit found at the boundary",
        other=[cite],
        measured=hourly,
        **inputs,
    )


def _is_sqli_rule(rule: dict[str, Any]) -> bool:
    words = f"{rule.get('id', '')} {rule.get('description', '')}".lower()
    return rule.get("action") == "block" and ("sql" in words or "injection" in words)


def cites_line(claim: Claim, file: str, line: int | None) -> bool:
    """Whether one of the claim's sources covers a document line."""
    return line is not None and any(
        s.file == file and s.line <= line <= (s.end_line or s.line) for s in claim.sources
    )


def _matcher_findings(claim: Claim, waf: ConfigObject) -> list[Verdict]:
    words = text_of(claim)
    mentions = any(k in words for k in ("sql injection", "waf", "threat prevention"))
    out = []
    for rule in waf.body.get("rules") or []:
        explicit = cites_line(claim, waf.file, waf.find_line(f'"id": "{rule.get("id")}"'))
        if not _is_sqli_rule(rule) or not (explicit or mentions) or claim.metric in RATE_METRICS:
            continue
        expression = str(rule.get("expression", ""))
        passed = [(name, p) for name, p in ATTACKS if not matches(expression, p)]
        blocked = [(name, p) for name, p in BENIGN if matches(expression, p)]
        if not passed and not blocked:
            continue
        cite = waf.cite_of(f'"id": "{rule.get("id")}"')
        shown = "; ".join(f"{n} passes: {_show(p)}" for n, p in passed)
        shown += "".join(f"; blocks benign {n}: {_show(p)}" for n, p in blocked)
        why = f"rule {rule.get('id')} ({cite}) `{expression}`: {shown}"
        outcome = Outcome.DISPROVEN if explicit and passed else Outcome.INCONCLUSIVE
        out.append(
            finding(
                claim,
                outcome,
                NAME,
                why,
                other=[cite],
                rule=rule.get("id"),
                bypasses=[n for n, _ in passed],
                false_positives=[n for n, _ in blocked],
            )
        )
    return out


def _show(probe: Probe) -> str:
    where = f"query {probe.query!r}" if probe.query else f"body {probe.body!r}"
    return f"{probe.path} with {where}"

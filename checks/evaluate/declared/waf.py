"""WAF rules (any format the block parsers read: checks/blocks/) run against concrete requests.

A blocking rule described as SQL-injection protection is run against attacks (lower case, URL-encoding, the
payload in the query string, a comment inside the keyword) and benign inputs (a note quoting "DROP TABLE", an
employer named "UNION ..."). The attacks it lets through and the benign inputs it blocks are reported with
the input. A claim citing that rule (or an SQL-injection claim naming its block) is DISPROVEN when an attack
passes, or when the rule is declared but not enforced (it only logs or counts); other WAF/SQL-injection
claims of the system get the counter-examples as INCONCLUSIVE context. A matcher claimcheck cannot run
(libinjection, AWS's SQLi detector) is not guessed.
"""

from __future__ import annotations

from collections.abc import Sequence

from checks.blocks.model import Probe, WafRule
from checks.evaluate.declared.common import DeclaredConfig, finding, referenced, text_of
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "waf"
RATE_METRICS = ("rate_limit", "api_throughput")
MENTIONS = ("sql injection", "sqli", "waf", "threat prevention", "web application firewall")
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


def analyze(claims: Sequence[Claim], config: DeclaredConfig) -> list[Verdict]:
    """WAF matcher findings for the claims of systems that declare WAF rules."""
    out: list[Verdict] = []
    for claim in claims:
        if claim.is_waived or claim.metric in RATE_METRICS:
            continue
        for rule in _linked(claim, config.waf_rules(claim.system)):
            found = _matcher_finding(claim, rule)
            out.extend([found] if found else [])
    return out


def _linked(claim: Claim, rules: Sequence[WafRule]) -> list[WafRule]:
    ref = referenced(claim)
    if ref is None:
        return list(rules)
    file, start, end = ref
    return [r for r in rules if r.file == file and start <= r.line <= end]


def is_sqli_rule(rule: WafRule) -> bool:
    """A rule that says it stops SQL injection (by its name or description)."""
    words = f"{rule.name} {rule.description}".lower()
    return "sql" in words or "injection" in words


def cites_line(claim: Claim, file: str, line: int | None) -> bool:
    """Whether one of the claim's sources covers a document line."""
    return line is not None and any(
        s.file == file and s.line <= line <= (s.end_line or s.line) for s in claim.sources
    )


def _matcher_finding(claim: Claim, rule: WafRule) -> Verdict | None:
    words = text_of(claim)
    about_sqli = claim.metric == "waf_sqli_rule" or "sql injection" in words or "sqli" in words
    explicit = cites_line(claim, rule.file, rule.line) or (about_sqli and _names_block_of(claim, rule))
    mentions = any(k in words for k in MENTIONS)
    if not is_sqli_rule(rule) or not (explicit or mentions):
        return None
    head = f"rule {rule.name} ({rule.cite}) `{rule.matcher.text}`"
    if not rule.blocks:
        why = (
            f"{head}: action '{rule.action}'"
            + (f", {rule.note}" if rule.note else "")
            + ": it blocks nothing"
        )
        outcome = Outcome.DISPROVEN if explicit else Outcome.INCONCLUSIVE
        return finding(claim, outcome, NAME, why, other=[rule.cite], rule=rule.name, format=rule.parser)
    passed = [(name, p) for name, p in ATTACKS if rule.matcher.matches(p) is False]
    blocked = [(name, p) for name, p in BENIGN if rule.matcher.matches(p) is True]
    if not passed and not blocked:
        return None
    shown = "; ".join(f"{n} passes: {_show(p)}" for n, p in passed)
    shown += "".join(f"; blocks benign {n}: {_show(p)}" for n, p in blocked)
    outcome = Outcome.DISPROVEN if explicit and passed else Outcome.INCONCLUSIVE
    return finding(
        claim,
        outcome,
        NAME,
        f"{head}: {shown.lstrip('; ')}",
        other=[rule.cite],
        rule=rule.name,
        format=rule.parser,
        bypasses=[n for n, _ in passed],
        false_positives=[n for n, _ in blocked],
    )


def _names_block_of(claim: Claim, rule: WafRule) -> bool:
    """Whether the claim's `params.config_block` is the block holding the rule."""
    ref = referenced(claim)
    return ref is not None and ref[0] == rule.file and ref[1] <= rule.line <= ref[2]


def _show(probe: Probe) -> str:
    where = f"query {probe.query!r}" if probe.query else f"body {probe.body!r}"
    return f"{probe.path} with {where}"

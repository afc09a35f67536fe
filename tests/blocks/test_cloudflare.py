from __future__ import annotations

import pytest

from checks.blocks import cloudflare
from checks.blocks.cf_expression import ExpressionError, matches
from checks.blocks.model import Probe
from tests.blocks.conftest import block

RULES = """
{"rules": [
  {"id": "api_rate", "expression": "http.request.uri.path contains \\"/api/\\"", "action": "block",
   "ratelimit": {"characteristics": ["ip.src"], "period": 60, "requests_per_period": 100}},
  {"id": "sqli", "description": "SQL injection", "expression": "http.request.body contains \\"UNION\\"",
   "action": "block"}
]}
"""
SQLI = 'http.request.body contains "UNION" or http.request.body contains "DROP TABLE"'


def test_rate_rules_and_waf_rules_are_told_apart() -> None:
    parsed = cloudflare.read(block(RULES, "json"))
    assert parsed is not None
    (rate,) = parsed.rate_limits
    (rule,) = parsed.waf_rules
    assert (rate.name, rate.limit, rate.period_s, rate.key, rate.line) == ("api_rate", 100, 60, "ip", 2)
    assert rate.scope.applies("/api/x") and not rate.scope.applies("/x")
    assert rule.matcher.matches(Probe(body="1 UNION SELECT")) and not rule.matcher.matches(
        Probe(body="union")
    )


def test_expressions_are_case_sensitive_and_combine() -> None:
    assert matches(SQLI, Probe(body="1 UNION SELECT"))
    assert not matches(SQLI, Probe(body="1 union select"))
    assert matches(
        'not (ip.geoip.country ne "AR") and http.request.uri.path contains "/api/"', Probe("/api/x")
    )
    assert matches('ip.geoip.country in {"AR" "UY"}', Probe(country="UY"))
    assert matches('lower(url_decode(http.request.body)) contains "union"', Probe(body="%55NION"))


def test_unknown_fields_are_errors() -> None:
    with pytest.raises(ExpressionError):
        matches("cf.bot_score lt 30", Probe())

from __future__ import annotations

from checks.blocks import generic
from checks.blocks.model import Probe
from tests.blocks.conftest import block

GATEWAY = """
gateway:
  rate_limits:
    - name: partner-api
      key: api_key
      limit: 1000
      period: 1h
      paths: [/api/partners]
  waf:
    - name: sqli
      match: "UNION\\\\s+SELECT"
      case_sensitive: false
      fields: [body, query]
"""


def test_key_limit_period_and_match_rules() -> None:
    parsed = generic.read(block(GATEWAY))
    assert parsed is not None
    (rate,) = parsed.rate_limits
    (rule,) = parsed.waf_rules
    assert (rate.name, rate.limit, rate.period_s, rate.key, rate.line) == (
        "partner-api",
        1000,
        3600,
        "header:x-api-key",
        3,
    )
    assert rate.scope.applies("/api/partners/1") and not rate.scope.applies("/api/other")
    assert rule.matcher.matches(Probe(query="q=1 union select")) is True and rule.line == 9


def test_case_sensitive_is_the_default() -> None:
    parsed = generic.read(block('rules:\n  - match: "DROP TABLE"'))
    assert parsed is not None
    assert parsed.waf_rules[0].matcher.matches(Probe(body="drop table x")) is False

from __future__ import annotations

from checks.blocks import aws_waf
from checks.blocks.model import Probe
from tests.blocks.conftest import block

ACL = """
{"Name": "edge", "Rules": [
  {"Name": "api-rate", "Priority": 1, "Action": {"Block": {}},
   "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP",
     "ScopeDownStatement": {"ByteMatchStatement": {"SearchString": "/api/",
       "PositionalConstraint": "STARTS_WITH",
       "FieldToMatch": {"UriPath": {}}, "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}}}},
  {"Name": "sqli-regex", "Priority": 2, "Action": {"Block": {}},
   "Statement": {"RegexMatchStatement": {"RegexString": "UNION\\\\s+SELECT", "FieldToMatch": {"Body": {}},
     "TextTransformations": [{"Priority": 0, "Type": "URL_DECODE"}]}}},
  {"Name": "sqli-managed", "Priority": 3, "Action": {"Count": {}},
   "Statement": {"SqliMatchStatement": {"FieldToMatch": {"Body": {}}, "TextTransformations": []}}}
]}
"""


def test_a_rate_based_statement_counts_per_ip_over_five_minutes_on_its_scope_down() -> None:
    parsed = aws_waf.read(block(ACL, "json"))
    assert parsed is not None
    (rate,) = parsed.rate_limits
    assert (rate.limit, rate.period_s, rate.key, rate.action, rate.line) == (2000, 300, "ip", "block", 2)
    assert rate.scope.applies("/api/x") and not rate.scope.applies("/static/x")


def test_match_statements_run_after_their_transformations() -> None:
    parsed = aws_waf.read(block(ACL, "json"))
    assert parsed is not None
    regex, managed = parsed.waf_rules
    assert regex.matcher.matches(Probe(body="1%20UNION%20SELECT")) is True
    assert regex.matcher.matches(Probe(body="1 union select")) is False
    assert managed.matcher.matches(Probe(body="x")) is None and not managed.blocks

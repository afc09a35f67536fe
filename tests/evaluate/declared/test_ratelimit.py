"""Rate limits and WAF rules: effective per-client limits and matchers run on concrete inputs."""

from __future__ import annotations

from typing import Any

from checks.blocks.cf_expression import matches
from checks.evaluate.declared import ratelimit, waf
from checks.evaluate.declared.common import DeclaredConfig
from checks.evaluate.declared.waf import ATTACKS, BENIGN
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import DAY14, claim, real_config, yaml_config

SQLI = 'http.request.body contains "UNION" or http.request.body contains "DROP TABLE"'
ROBUST = (
    'lower(url_decode(http.request.body)) matches "union|drop\\\\s*(/\\\\*.*\\\\*/)?\\\\s*table" '
    'or lower(url_decode(http.request.uri.query)) contains "union"'
)


def _rate_claim(bound: object, unit: str = "requests/hour", comparator: str = "==", **fields: Any) -> Claim:
    return claim(
        "BP-T-40",
        metric="rate_limit",
        comparator=comparator,
        bound=bound,
        unit=unit,
        check="http.rate_limit",
        category="security",
        scope={"per": "client"},
        **fields,
    )


def test_50000_per_hour_against_100_per_minute_is_disproven() -> None:
    (verdict,) = ratelimit.analyze([_rate_claim(50000, line=73)], real_config())
    assert verdict.outcome == Outcome.DISPROVEN
    assert "6,000/hour" in verdict.reason and "challenge" in verdict.reason and "8.3x" in verdict.reason


def test_a_top_tier_range_is_judged_by_its_top() -> None:
    (verdict,) = ratelimit.analyze([_rate_claim((1000, 50000))], real_config())
    assert verdict.outcome == Outcome.DISPROVEN


def test_a_lower_claimed_limit_is_left_to_observation() -> None:
    (below,) = ratelimit.analyze([_rate_claim(5000)], real_config())
    (same,) = ratelimit.analyze([_rate_claim(100, "requests/min", "<=")], real_config())
    assert below.outcome == Outcome.INCONCLUSIVE and same.outcome == Outcome.INCONCLUSIVE
    assert "not a hard limit" in same.reason


def test_a_route_the_rule_does_not_cover_gets_no_rate_finding() -> None:
    static = _rate_claim(50000, params={"route": "/static/app.js"})
    assert ratelimit.analyze([static], real_config()) == []


def test_sqli_matcher_bypasses_and_false_positives_are_shown() -> None:
    passed = [name for name, probe in ATTACKS if not matches(SQLI, probe)]
    blocked = [name for name, probe in BENIGN if matches(SQLI, probe)]
    assert passed == [name for name, _ in ATTACKS] and blocked == [name for name, _ in BENIGN]


def test_a_normalising_rule_stops_the_listed_attacks() -> None:
    assert all(matches(ROBUST, probe) for _, probe in ATTACKS)


def test_a_claim_citing_the_sqli_rule_is_disproven_with_the_inputs() -> None:
    about = claim(
        "BP-T-41",
        metric="waf_sqli_rule",
        comparator="present",
        bound=True,
        check="security.headers",
        category="security",
        line=375,
        end_line=381,
        params={"config_block": f"{DAY14}:349-381"},
    )
    (verdict,) = waf.analyze([about], real_config())
    assert verdict.outcome == Outcome.DISPROVEN
    assert "1 union select password" in verdict.reason and "UNION OBRERA METALURGICA" in verdict.reason


def test_a_claim_citing_another_rule_of_the_waf_gets_no_sqli_verdict() -> None:
    geo = claim(
        "BP-T-42",
        metric="waf_geo_block",
        comparator="==",
        bound=("AR",),
        check="security.headers",
        category="security",
        line=359,
        end_line=363,
        params={"config_block": f"{DAY14}:349-381"},
    )
    assert waf.analyze([geo], real_config()) == []


def _gateway(text: str, kind: str = "yaml") -> DeclaredConfig:
    return yaml_config(text, file="gw.md", kind=kind)


NGINX = """limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
server {
  location /api/ {
    limit_req zone=api burst=20 nodelay;
  }
}"""


def test_an_nginx_limit_below_the_claimed_per_client_rate_is_disproven() -> None:
    over = _rate_claim(50000, file="gw.md")
    (verdict,) = ratelimit.analyze([over], _gateway(NGINX, "nginx"))
    assert (
        verdict.outcome == Outcome.DISPROVEN
        and "36,000/hour" in verdict.reason
        and "burst 20" in verdict.reason
    )
    assert verdict.cites[-1] == "gw.md:4"


def test_a_limit_on_another_path_says_nothing() -> None:
    static = _rate_claim(50000, file="gw.md", params={"route": "/static/"})
    assert ratelimit.analyze([static], _gateway(NGINX, "nginx")) == []


def test_a_shared_counter_caps_every_client_too() -> None:
    envoy = """token_bucket: {max_tokens: 100, tokens_per_fill: 10, fill_interval: 1s}
stat_prefix: local
filter_enabled: {default_value: {numerator: 100, denominator: HUNDRED}}
filter_enforced: {default_value: {numerator: 100, denominator: HUNDRED}}"""
    (verdict,) = ratelimit.analyze([_rate_claim(50000, file="gw.md")], _gateway(envoy))
    assert verdict.outcome == Outcome.DISPROVEN and "all clients together" in verdict.reason


def test_an_unenforced_limit_named_by_the_claim_is_disproven() -> None:
    envoy = "token_bucket: {max_tokens: 100, tokens_per_fill: 100, fill_interval: 60s}\nstat_prefix: local"
    named = _rate_claim(100, "requests/min", "<=", file="gw.md", params={"config_block": "gw.md:1-2"})
    (verdict,) = ratelimit.analyze([named], _gateway(envoy))
    assert verdict.outcome == Outcome.DISPROVEN and "not enforced" in verdict.reason


def test_a_case_sensitive_generic_match_rule_is_bypassed_in_lower_case() -> None:
    rules = """waf:
  - name: sql-injection
    match: "UNION\\s+SELECT|DROP\\s+TABLE"
    case_sensitive: true
    action: block"""
    about = claim(
        "BP-T-43",
        metric="waf_sqli_rule",
        comparator="present",
        bound=True,
        file="gw.md",
        line=2,
        check="security.headers",
        category="security",
    )
    (verdict,) = waf.analyze([about], _gateway(rules))
    assert verdict.outcome == Outcome.DISPROVEN and "lower-case keywords passes" in verdict.reason


def test_a_detection_only_modsecurity_rule_blocks_nothing() -> None:
    rules = (
        "SecRuleEngine DetectionOnly\n"
        'SecRule ARGS "@rx (?i)union\\s+select" "id:942100,phase:2,deny,msg:\'SQL Injection\'"'
    )
    about = claim(
        "BP-T-44",
        metric="waf_sqli_rule",
        comparator="present",
        bound=True,
        file="gw.md",
        line=2,
        check="security.headers",
        category="security",
    )
    (verdict,) = waf.analyze([about], _gateway(rules, "modsecurity"))
    assert verdict.outcome == Outcome.DISPROVEN and "blocks nothing" in verdict.reason

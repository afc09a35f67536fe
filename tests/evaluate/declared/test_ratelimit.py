"""Rate limits and WAF rules: effective per-client limits and matchers run on concrete inputs."""

from __future__ import annotations

from typing import Any

import pytest

from checks.evaluate.declared import ratelimit
from checks.evaluate.declared.ratelimit import ATTACKS, BENIGN, per_client_limit
from checks.evaluate.declared.waf import ExpressionError, Probe, matches
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import DAY14, claim, real_config

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


def test_threshold_per_period_is_requests_per_second() -> None:
    assert per_client_limit({"rateLimit": {"threshold": 100, "period": 60}}) == pytest.approx(100 / 60)
    assert per_client_limit({"action": "block"}) is None


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
    (verdict,) = ratelimit.analyze([about], real_config())
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
    assert ratelimit.analyze([geo], real_config()) == []

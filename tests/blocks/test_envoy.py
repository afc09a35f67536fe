from __future__ import annotations

from checks.blocks import envoy
from tests.blocks.conftest import block

ROUTES = """
routes:
- match: {prefix: /api}
  typed_per_filter_config:
    envoy.filters.http.local_ratelimit:
      "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
      stat_prefix: api_limit
      token_bucket: {max_tokens: 200, tokens_per_fill: 100, fill_interval: 60s}
      filter_enabled: {runtime_key: on, default_value: {numerator: 100, denominator: HUNDRED}}
      filter_enforced: {runtime_key: on, default_value: {numerator: 100, denominator: HUNDRED}}
"""


def test_a_route_bucket_is_shared_by_all_clients_of_that_route() -> None:
    parsed = envoy.read(block(ROUTES))
    assert parsed is not None
    (rule,) = parsed.rate_limits
    assert (rule.limit, rule.period_s, rule.burst, rule.key, rule.enforced) == (
        100,
        60,
        200,
        "instance",
        True,
    )
    assert not rule.per_client and rule.scope.applies("/api/x") and not rule.scope.applies("/web")


def test_a_bucket_without_filter_enforced_is_not_enforced() -> None:
    parsed = envoy.read(block(ROUTES.replace("      filter_enforced", "      #")))
    assert parsed is not None and not parsed.rate_limits[0].enforced
    assert "default is 0%" in parsed.rate_limits[0].note

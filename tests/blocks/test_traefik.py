from __future__ import annotations

from checks.blocks import traefik
from tests.blocks.conftest import block

DYNAMIC = """
http:
  routers:
    api:
      rule: "Host(`api.example.com`) && PathPrefix(`/api`)"
      middlewares: [api-limit]
      service: api
  middlewares:
    api-limit:
      rateLimit:
        average: 100
        period: 1m
        burst: 50
        sourceCriterion:
          requestHeaderName: X-API-Key
"""


def test_a_middleware_limits_the_paths_of_the_routers_using_it() -> None:
    parsed = traefik.read(block(DYNAMIC))
    assert parsed is not None
    (rule,) = parsed.rate_limits
    assert (rule.limit, rule.period_s, rule.burst, rule.key) == (100, 60, 50, "header:x-api-key")
    assert rule.scope.applies("/api/x") and not rule.scope.applies("/web") and rule.enforced


def test_a_middleware_no_router_uses_limits_nothing() -> None:
    parsed = traefik.read(block(DYNAMIC.replace("[api-limit]", "[other]")))
    assert parsed is not None and not parsed.rate_limits[0].enforced

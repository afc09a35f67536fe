from __future__ import annotations

from checks.blocks import kong
from tests.blocks.conftest import block

DECK = """
_format_version: "3.0"
services:
- name: bookings
  url: http://bookings:8080
  routes:
  - name: bookings-api
    paths: [/api/bookings]
plugins:
- name: rate-limiting
  route: bookings-api
  config: {minute: 60, hour: 1000, limit_by: ip, policy: local}
"""


def test_each_window_is_a_rule_on_the_named_route() -> None:
    parsed = kong.read(block(DECK))
    assert parsed is not None
    minute, hour = parsed.rate_limits
    assert (minute.limit, minute.period_s, minute.key) == (60, 60, "ip")
    assert (hour.limit, hour.period_s) == (1000, 3600)
    assert minute.scope.applies("/api/bookings/1") and not minute.scope.applies("/api/users")


def test_the_default_key_is_the_consumer() -> None:
    parsed = kong.read(block("plugins:\n- name: rate-limiting\n  config: {second: 5}"))
    assert parsed is not None and parsed.rate_limits[0].key == "consumer"

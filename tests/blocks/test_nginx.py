from __future__ import annotations

import pytest

from checks.blocks import nginx
from tests.blocks.conftest import block

CONF = """
limit_req_zone $binary_remote_addr zone=api:10m rate=600r/m;
limit_req_zone $server_name zone=all:10m rate=1000r/s;
limit_req_zone $binary_remote_addr zone=unused:1m rate=1r/s;
limit_req_status 429;
server {
    location /api/ {
        limit_req zone=api burst=20 nodelay;
    }
    location ~* ^/login {
        limit_req zone=all;
    }
}
"""


def test_each_limit_req_is_a_rule_of_its_zone_on_its_location() -> None:
    parsed = nginx.read(block(CONF, "nginx"))
    assert parsed is not None
    api, login = parsed.rate_limits
    assert (api.name, api.per_second, api.key, api.burst, api.line) == ("api", pytest.approx(10), "ip", 20, 7)
    assert api.scope.applies("/api/v1") and not api.scope.applies("/static/x")
    assert api.action == "reject with 429" and api.per_client
    assert not login.per_client and login.scope.applies("/LOGIN") and not login.scope.applies("/api/")
    assert "unused" in parsed.note


def test_a_block_without_zones_is_not_nginx() -> None:
    assert nginx.read(block("server { listen 80; }", "nginx")) is None

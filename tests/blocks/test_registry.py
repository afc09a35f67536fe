from __future__ import annotations

from checks.blocks import read_block
from tests.blocks.conftest import block


def test_a_config_block_no_parser_reads_is_not_understood() -> None:
    reading = read_block(block("upstreams:\n  api: {timeout: 30}"))
    assert reading.not_understood and reading.status == "NOT UNDERSTOOD (yaml)"
    diagram = read_block(block("[client] --> [gateway] --> [api]", "text"))
    assert not diagram.not_understood and diagram.status == "not configuration (text)"
    assert read_block(block("SELECT 1;", "sql")).status == "not configuration (sql)"


def test_a_block_may_be_read_by_several_parsers() -> None:
    text = (
        "apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata: {name: api}\n"
        "spec:\n  rateLimit: {average: 10}"
    )
    reading = read_block(block(text))
    assert reading.parsers == ("kubernetes", "traefik") and reading.rate_limits[0].limit == 10

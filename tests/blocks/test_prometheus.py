from __future__ import annotations

from checks.blocks import prometheus
from tests.blocks.conftest import block

RULES = "groups:\n- name: api\n  rules:\n  - alert: Slow\n    expr: up == 0\n    for: 5m"


def test_prometheus_rule_files_are_understood() -> None:
    parsed = prometheus.read(block(RULES))
    assert parsed is not None and parsed.note == "PrometheusRules"
    assert prometheus.read(block("a: 1")) is None

from __future__ import annotations

from checks.blocks import kubernetes, prometheus, read_block, scripts
from tests.blocks.conftest import block

HPA = (
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec: {maxReplicas: 5}"
)
RULES = "groups:\n- name: api\n  rules:\n  - alert: Slow\n    expr: up == 0\n    for: 5m"


def test_kubernetes_objects_are_understood() -> None:
    parsed = kubernetes.read(block(HPA))
    assert parsed is not None and parsed.note == "HorizontalPodAutoscaler"
    assert kubernetes.read(block("a: 1")) is None


def test_prometheus_rule_files_are_understood() -> None:
    parsed = prometheus.read(block(RULES))
    assert parsed is not None and parsed.note == "PrometheusRules"


def test_scripts_are_read_by_the_method_analyzer() -> None:
    assert scripts.read(block("echo ok", "bash")) is not None


def test_a_config_block_no_parser_reads_is_not_understood() -> None:
    reading = read_block(block("upstreams:\n  api: {timeout: 30}"))
    assert reading.not_understood and reading.status == "NOT UNDERSTOOD (yaml)"
    diagram = read_block(block("[client] --> [gateway] --> [api]", "text"))
    assert not diagram.not_understood and diagram.status == "not configuration (text)"
    assert read_block(block("SELECT 1;", "sql")).status == "not configuration (sql)"

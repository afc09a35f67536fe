"""Config blocks embedded in the documents: blocks, objects, embedded files and their document lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.collect.documents import (
    ConfigBlock,
    ConfigObject,
    DocumentError,
    collect_document_blocks,
    objects_from_dicts,
    parse_document,
)

DOCS = Path(__file__).resolve().parents[2] / "claims" / "documents"
DAY14 = "004_51559c022b15dff1.txt"


@pytest.fixture(scope="module")
def blocks() -> tuple[ConfigBlock, ...]:
    return collect_document_blocks(DOCS)


def _object(blocks: tuple[ConfigBlock, ...], kind: str, name: str = "") -> ConfigObject:
    return next(o for b in blocks for o in b.objects if o.kind == kind and name in o.name)


def test_fenced_blocks_carry_their_lines_and_language() -> None:
    text = "intro\n```yaml\na: 1\nb: 2\n```\ntext\n```bash\necho hi\n```\n"
    yaml_block, bash_block = parse_document("doc.txt", text)
    assert (yaml_block.start, yaml_block.end, yaml_block.kind) == (3, 4, "yaml")
    assert (bash_block.start, bash_block.end, bash_block.kind) == (8, 8, "bash")
    assert bash_block.objects == ()


def test_unterminated_fence_is_not_a_block() -> None:
    assert parse_document("doc.txt", "```yaml\na: 1\n") == ()


def test_hpa_of_document_004_has_its_kind_line_and_range(blocks: tuple[ConfigBlock, ...]) -> None:
    hpa = _object(blocks, "HorizontalPodAutoscaler")
    assert (hpa.file, hpa.line, hpa.start, hpa.end) == (DAY14, 79, 78, 114)
    assert hpa.body["spec"]["maxReplicas"] == 50
    assert hpa.find_line("stabilizationWindowSeconds: 60") == 104


def test_configmap_alert_rules_become_a_rules_object(blocks: tuple[ConfigBlock, ...]) -> None:
    rules = _object(blocks, "PrometheusRules")
    assert rules.name == "alert-rules/alert_rules.yml"
    assert rules.start == 205 and rules.end == 260
    assert rules.find_line("alert: HighErrorRate") == 217
    assert len(rules.body["groups"][0]["rules"]) == 6


def test_prometheus_config_waf_and_kafka_files_are_classified(blocks: tuple[ConfigBlock, ...]) -> None:
    prometheus = _object(blocks, "PrometheusConfig")
    assert prometheus.body["global"]["evaluation_interval"] == "15s"
    waf = _object(blocks, "WafRules")
    assert waf.find_line('"id": "rate_limiting"') == 365
    assert _object(blocks, "KafkaTopics").body["topics"][0]["partitions"] == 12


def test_pseudo_yaml_declarations_keep_their_text(blocks: tuple[ConfigBlock, ...]) -> None:
    web = next(o for b in blocks for o in b.objects if "Web Servers" in o.body)
    assert web.body["Web Servers"] == "5-25 instances (65% CPU target)"
    assert web.line == 37


def test_pseudo_yaml_that_does_not_parse_is_read_leniently(blocks: tuple[ConfigBlock, ...]) -> None:
    block = next(b for b in blocks if b.file.startswith("001_") and b.start == 334)
    assert block.parse_error is None
    assert block.objects[0].body["Average Deployment Time"].startswith("120 minutes")


def test_live_objects_are_fed_as_plain_dicts() -> None:
    live = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {"maxReplicas": 10, "minReplicas": 2, "scaleTargetRef": {"name": "web"}},
    }
    (hpa,) = objects_from_dicts([live], "cluster:tenant-a")
    assert (hpa.kind, hpa.name, hpa.file) == ("HorizontalPodAutoscaler", "web", "cluster:tenant-a")
    assert hpa.find_line("maxReplicas") is None and hpa.cite_of("maxReplicas") == "cluster:tenant-a:0"


def test_kind_list_is_expanded() -> None:
    items = [{"kind": "NetworkPolicy", "metadata": {"name": n}, "spec": {}} for n in ("a", "b")]
    objects = objects_from_dicts([{"kind": "List", "items": items}], "x")
    assert [o.name for o in objects] == ["a", "b"]


def test_a_folder_without_documents_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError):
        collect_document_blocks(tmp_path)

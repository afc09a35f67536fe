"""A target repository's manifests loaded from a path: same evidence types as the embedded blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.collect.manifests import ManifestError, collect_manifests

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels: {app: web}
---
# autoscaler
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  minReplicas: 2
  maxReplicas: 8
"""
RULES = """\
groups:
- name: api
  interval: 30s
  rules:
  - alert: ApiDown
    expr: up == 0
    for: 2m
"""
OPERATOR_RULE = """\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: api
spec:
  groups:
  - name: api
    rules:
    - alert: Slow
      expr: x > 1
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_folder_of_manifests_gives_objects_with_lines(tmp_path: Path) -> None:
    _write(tmp_path, "k8s/web.yaml", DEPLOY)
    _write(tmp_path, "monitoring/rules.yml", RULES)
    blocks = collect_manifests(tmp_path, system="BarberPro")
    assert [b.file for b in blocks] == ["k8s/web.yaml", "monitoring/rules.yml"]
    deployment, hpa = blocks[0].objects
    assert (deployment.kind, deployment.line) == ("Deployment", 2)
    assert (hpa.kind, hpa.line, hpa.start) == ("HorizontalPodAutoscaler", 12, 11)
    assert blocks[0].system == "BarberPro"


def test_a_prometheus_rules_file_given_as_a_path(tmp_path: Path) -> None:
    (block,) = collect_manifests(_write(tmp_path, "rules.yml", RULES))
    (rules,) = block.objects
    assert rules.kind == "PrometheusRules"
    assert rules.find_line("alert: ApiDown") == 5


def test_a_prometheus_rule_resource_yields_its_groups(tmp_path: Path) -> None:
    (block,) = collect_manifests(_write(tmp_path, "rule.yaml", OPERATOR_RULE))
    kinds = [o.kind for o in block.objects]
    assert kinds == ["PrometheusRule", "PrometheusRules"]
    assert block.objects[1].body["groups"][0]["rules"][0]["alert"] == "Slow"


def test_broken_yaml_is_an_error_not_an_empty_config(tmp_path: Path) -> None:
    _write(tmp_path, "bad.yaml", "kind: Deployment\nmetadata: [unclosed\n")
    with pytest.raises(ManifestError, match="not YAML"):
        collect_manifests(tmp_path)


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no such file"):
        collect_manifests(tmp_path / "nope")


def test_a_folder_without_manifests_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "README.md", "# nothing")
    with pytest.raises(ManifestError, match=r"no \*\.yaml"):
        collect_manifests(tmp_path)

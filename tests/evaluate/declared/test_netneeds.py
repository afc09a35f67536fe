"""NetworkPolicies against what their workloads need: DNS, their consumers, their namespaces."""

from __future__ import annotations

from checks.evaluate.declared import netneeds
from checks.evaluate.declared.common import DeclaredConfig
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import claim, yaml_config

WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        env: [{name: DB, value: "postgres://db.shop:5432/app"}]
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus-config, namespace: shop}
data:
  prometheus.yml: |
    scrape_configs:
    - job_name: 'api'
      static_configs:
      - targets: ['api:8080']
---
"""
BROKEN = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-policy, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: shop}}}]
    ports: [{protocol: TCP, port: 8080}]
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
    ports: [{protocol: TCP, port: 5432}]
"""
WORKING = (
    BROKEN.replace(
        "  egress:\n",
        "  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}]\n"
        "    ports: [{protocol: TCP, port: 8080}]\n"
        "  egress:\n"
        "  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]\n"
        "    ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]\n",
    )
    + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: shop}}\n"
)


def _config(policy: str) -> DeclaredConfig:
    return yaml_config(WORKLOAD + policy)


def _policy_claim(config: DeclaredConfig, metric: str = "network_policy") -> Claim:
    (policy,) = [o for b in config.blocks for o in b.objects if o.kind == "NetworkPolicy"]
    return claim(
        "BP-T-N0",
        metric=metric,
        comparator="present",
        bound=True,
        check="isolation.network",
        category="isolation",
        file="test.yaml",
        line=policy.start,
        params={"config_block": f"test.yaml:{policy.start}-{policy.end}"},
    )


def _scrape_claim(config: DeclaredConfig) -> Claim:
    (prom,) = [o for b in config.blocks for o in b.objects if o.kind == "PrometheusConfig"]
    line = prom.find_line("job_name: 'api'")
    return claim(
        "BP-T-N1",
        metric="scrape_interval",
        comparator="==",
        bound=15,
        unit="s",
        check="monitoring.config",
        category="monitoring",
        file="test.yaml",
        line=line or 1,
    )


def test_a_policy_denying_dns_and_every_declared_namespace_is_reported_but_not_disproven() -> None:
    """A claim describing the policy's allowances stays true of a policy that also breaks its workloads
    (BP-D14-ISO-01/02 restate 004:317-346): the denied needs are a finding beside it, never its verdict."""
    config = _config(BROKEN)
    (verdict,) = netneeds.analyze([_policy_claim(config)], config)
    assert verdict.outcome == Outcome.INCONCLUSIVE
    assert "api needs DNS (UDP/TCP 53 to kube-dns): denied" in verdict.reason
    assert "no declared namespace carries the labels" in verdict.reason


def test_a_policy_allowing_what_the_workload_needs_is_not() -> None:
    config = _config(WORKING)
    assert netneeds.analyze([_policy_claim(config), _scrape_claim(config)], config) == []


def test_a_scrape_the_policy_denies_disproves_the_scrape_claim() -> None:
    config = _config(BROKEN)
    (verdict,) = netneeds.analyze([_scrape_claim(config)], config)
    assert verdict.outcome == Outcome.DISPROVEN and "the Prometheus scrape job api (shop)" in verdict.reason


def test_isolation_only_claims_are_left_to_the_reachability_facts() -> None:
    config = _config(BROKEN)
    assert netneeds.analyze([_policy_claim(config, metric="network_isolation")], config) == []


def test_needs_list_each_path() -> None:
    config = _config(BROKEN)
    found, policies = netneeds.needs(config, None, {"test.yaml"})
    assert [p.name for p in policies] == ["api-policy"]
    assert {n.what.split(" (")[0].split(" on ")[0]: n.allowed for n in found} == {
        "DNS": False,
        "ingress": False,
        "the Prometheus scrape job api": False,
    }

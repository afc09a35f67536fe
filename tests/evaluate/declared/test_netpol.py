"""NetworkPolicy reachability under the declared policies."""

from __future__ import annotations

from checks.collect.documents import ConfigObject, objects_from_dicts
from checks.evaluate.declared import netpol
from checks.evaluate.declared.netpol import KUBE_DNS, Pod, default_deny, reachable, selects
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import DAY14, claim, real_config, real_object

BACKEND = Pod("barberpro-production", {"app": "barberpro", "tier": "backend"})


def _policy(name: str, spec: dict[str, object], namespace: str = "shop") -> ConfigObject:
    body = {"kind": "NetworkPolicy", "metadata": {"name": name, "namespace": namespace}, "spec": spec}
    return objects_from_dicts([body], "test")[0]


def test_selectors_match_labels_and_expressions() -> None:
    assert selects({"matchLabels": {"app": "a"}}, {"app": "a", "x": "y"})
    assert not selects({"matchLabels": {"app": "a"}}, {"app": "b"})
    assert selects(
        {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]}, {"tier": "web"}
    )
    assert not selects({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, {})
    assert selects({}, {"anything": "goes"})


def test_unselected_pods_are_reachable_and_selected_pods_are_not() -> None:
    deny = _policy("deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
    a, b = Pod("shop", {"app": "a"}), Pod("shop", {"app": "b"})
    assert reachable([], a, b, 80)[0]
    assert not reachable([deny], a, b, 80)[0]
    assert default_deny([deny], "Ingress") == ["deny"] and default_deny([deny], "Egress") == []


def test_port_and_namespace_rules() -> None:
    allow = _policy(
        "allow",
        {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "edge"}}}],
                    "ports": [{"protocol": "TCP", "port": 8080}],
                }
            ],
        },
    )
    dst = Pod("shop", {"app": "web"})
    assert reachable([allow], Pod("edge", {}), dst, 8080)[0]
    assert not reachable([allow], Pod("edge", {}), dst, 9090)[0]
    assert not reachable([allow], Pod("other", {}), dst, 8080)[0]


def test_document_004_policy_denies_dns_and_the_ingress_controller() -> None:
    policy = real_object("NetworkPolicy")
    assert not reachable([policy], BACKEND, KUBE_DNS, 53, "UDP", "barberpro-production")[0]
    labelled = Pod("other-ns", {}, {"name": "barberpro-production"})
    assert reachable([policy], labelled, BACKEND, 3000, "TCP", "barberpro-production")[0]
    assert not reachable([policy], Pod("ingress-nginx", {}), BACKEND, 3000, "TCP", "barberpro-production")[0]


def test_isolation_claim_gets_the_facts_as_inconclusive() -> None:
    iso = claim(
        "BP-T-30",
        metric="network_policy",
        comparator="present",
        bound=True,
        check="isolation.network",
        category="isolation",
        line=317,
        end_line=336,
        params={"config_block": f"{DAY14}:317-346"},
    )
    (verdict,) = netpol.analyze([iso], real_config())
    assert verdict.outcome == Outcome.INCONCLUSIVE
    assert "DNS egress to kube-dns: denied" in verdict.reason
    assert "analytics-engine is selected by no policy" in verdict.reason
    assert "default deny: ingress none" in verdict.reason


def test_tenant_isolation_with_a_policy_open_to_every_namespace_is_disproven() -> None:
    open_all = _policy(
        "open",
        {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{"namespaceSelector": {}}]}]},
    )
    tenant = claim(
        "BP-T-31",
        metric="tenant_isolation",
        comparator="present",
        bound=True,
        check="isolation.kubernetes",
        category="isolation",
        scope={"per": "tenant"},
    )
    verdict = netpol.judge(tenant, [open_all], [])
    assert verdict.outcome == Outcome.DISPROVEN
    closed = _policy("closed", {"podSelector": {}, "policyTypes": ["Ingress"]})
    assert netpol.judge(tenant, [closed], []).outcome == Outcome.INCONCLUSIVE

"""NetworkPolicy reachability: which pods can reach which ports under the declared policies.

Semantics (networking.k8s.io/v1): a pod is isolated for ingress (egress) when some policy of its namespace
selects it with that policy type; then only traffic some selecting policy allows passes, in both directions
(egress from the source and ingress to the destination must both allow it). Peers: podSelector alone means
pods of the policy's namespace; namespaceSelector alone, all pods of matching namespaces; both, matching pods
of matching namespaces. No `ports` means every port. Namespaces carry the automatic label
kubernetes.io/metadata.name=<name> and nothing else unless someone adds it.
Policies only ever add allowances, so a declared allow is definite evidence of reachability, while a
declared deny can be undone by a policy the documents do not show: isolation claims get the facts as
INCONCLUSIVE findings (default deny present or not, DNS egress, ingress-controller reachability), and are
DISPROVEN only when a declared policy allows traffic from every namespace (an `{}` namespaceSelector) to pods
a tenant-isolation claim says are isolated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.collect.documents import ConfigObject
from checks.evaluate.declared.common import DeclaredConfig, finding
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "network_policy"
ISOLATION_METRICS = ("network_policy", "tenant_isolation", "network_isolation")
DEFAULT_NAMESPACE = "default"


@dataclass(frozen=True)
class Pod:
    """A pod as network policies see it: namespace, its labels, and its namespace's labels."""

    namespace: str
    labels: Mapping[str, str] = field(default_factory=dict)
    namespace_labels: Mapping[str, str] = field(default_factory=dict)

    def ns_labels(self) -> dict[str, str]:
        return {"kubernetes.io/metadata.name": self.namespace, **self.namespace_labels}


def selects(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """A label selector (matchLabels and matchExpressions) against labels; {} selects everything."""
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        ok = {"In": labels.get(key) in values, "NotIn": labels.get(key) not in values,
              "Exists": key in labels, "DoesNotExist": key not in labels}[op]
        if not ok:
            return False
    return True


def _namespace(policy: ConfigObject, default: str) -> str:
    return str((policy.body.get("metadata") or {}).get("namespace") or default)


def _types(policy: ConfigObject) -> list[str]:
    spec = policy.body.get("spec") or {}
    declared = spec.get("policyTypes")
    return list(declared) if declared else ["Ingress", *(["Egress"] if "egress" in spec else [])]


def _peer_matches(peer: Mapping[str, Any], pod: Pod, policy_ns: str) -> bool:
    if "ipBlock" in peer:
        return False
    pods, nss = peer.get("podSelector"), peer.get("namespaceSelector")
    in_ns = selects(nss, pod.ns_labels()) if nss is not None else pod.namespace == policy_ns
    return in_ns and (pods is None or selects(pods, pod.labels))


def _port_matches(ports: Sequence[Mapping[str, Any]] | None, port: int, protocol: str) -> bool:
    if not ports:
        return True
    for item in ports:
        low = item.get("port")
        same_protocol = str(item.get("protocol", "TCP")) == protocol
        if same_protocol and (low is None or (isinstance(low, int) and low <= port <= item.get("endPort", low))):
            return True
    return False


def _direction_allows(policies: Sequence[ConfigObject], subject: Pod, peer: Pod, port: int, protocol: str,
                      direction: str, default_ns: str) -> tuple[bool, list[str]]:
    """Whether `subject` lets traffic with `peer` through in one direction; the policies that decided."""
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    selecting = [p for p in policies if direction in _types(p) and _namespace(p, default_ns) == subject.namespace
                 and selects((p.body.get("spec") or {}).get("podSelector"), subject.labels)]
    if not selecting:
        return True, []
    for policy in selecting:
        ns = _namespace(policy, default_ns)
        for rule in (policy.body.get("spec") or {}).get(key) or []:
            peers = rule.get(peers_key)
            if (not peers or any(_peer_matches(x, peer, ns) for x in peers)) and _port_matches(
                    rule.get("ports"), port, protocol):
                return True, [policy.name]
    return False, [p.name for p in selecting]


def reachable(policies: Sequence[ConfigObject], src: Pod, dst: Pod, port: int, protocol: str = "TCP",
              default_ns: str = DEFAULT_NAMESPACE) -> tuple[bool, str]:
    """Whether src can open port/protocol on dst, and why (the deciding policies)."""
    out_ok, out_by = _direction_allows(policies, src, dst, port, protocol, "Egress", default_ns)
    in_ok, in_by = _direction_allows(policies, dst, src, port, protocol, "Ingress", default_ns)
    if not out_ok:
        return False, f"egress from {src.namespace} denied by {', '.join(out_by)}"
    if not in_ok:
        return False, f"ingress to {dst.namespace} denied by {', '.join(in_by)}"
    return True, "allowed" + (f" by {', '.join(out_by + in_by)}" if out_by or in_by else " (not isolated)")


def default_deny(policies: Sequence[ConfigObject], direction: str) -> list[str]:
    """Policies that select every pod of their namespace for a direction (default deny / allow-list base)."""
    return [p.name for p in policies if direction in _types(p)
            and not ((p.body.get("spec") or {}).get("podSelector") or {})]

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
a tenant-isolation claim says are isolated. What the workloads need against the same policies is netneeds.py.

Params read:
| param | meaning |
| --- | --- |
| `config_block` | `file:start-end` of the policies the claim is about (else the system's, own first) |
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.collect.documents import ConfigObject
from checks.evaluate.declared.common import DeclaredConfig, finding, linked, same_documents
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
        ok = {
            "In": labels.get(key) in values,
            "NotIn": labels.get(key) not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[op]
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
        if same_protocol and (
            low is None or (isinstance(low, int) and low <= port <= item.get("endPort", low))
        ):
            return True
    return False


def _direction_allows(
    policies: Sequence[ConfigObject],
    subject: Pod,
    peer: Pod,
    port: int,
    protocol: str,
    direction: str,
    default_ns: str,
) -> tuple[bool, list[str]]:
    """Whether `subject` lets traffic with `peer` through in one direction; the policies that decided."""
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    selecting = [
        p
        for p in policies
        if direction in _types(p)
        and _namespace(p, default_ns) == subject.namespace
        and selects((p.body.get("spec") or {}).get("podSelector"), subject.labels)
    ]
    if not selecting:
        return True, []
    for policy in selecting:
        ns = _namespace(policy, default_ns)
        for rule in (policy.body.get("spec") or {}).get(key) or []:
            peers = rule.get(peers_key)
            if (not peers or any(_peer_matches(x, peer, ns) for x in peers)) and _port_matches(
                rule.get("ports"), port, protocol
            ):
                return True, [policy.name]
    return False, [p.name for p in selecting]


def reachable(
    policies: Sequence[ConfigObject],
    src: Pod,
    dst: Pod,
    port: int,
    protocol: str = "TCP",
    default_ns: str = DEFAULT_NAMESPACE,
) -> tuple[bool, str]:
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
    return [
        p.name
        for p in policies
        if direction in _types(p) and not ((p.body.get("spec") or {}).get("podSelector") or {})
    ]


INGRESS_CONTROLLER = Pod("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"})
KUBE_DNS = Pod("kube-system", {"k8s-app": "kube-dns"})
CHECKS = ("isolation.network", "isolation.kubernetes")
KEYWORDS = ("network polic", "segmentation", "default-deny", "default deny", "zero-trust")


def declared_namespace(config: DeclaredConfig, system: str | None) -> str:
    """The namespace the system's manifests go to: an Argo CD Application's destination, if declared."""
    for app in config.objects("Application", system):
        ns = ((app.body.get("spec") or {}).get("destination") or {}).get("namespace")
        if ns:
            return str(ns)
    return DEFAULT_NAMESPACE


def workloads(
    config: DeclaredConfig, system: str | None, default_ns: str
) -> list[tuple[str, Pod, list[int]]]:
    """(name, pod, container ports) of every declared Deployment/StatefulSet/DaemonSet."""
    out = []
    for kind in ("Deployment", "StatefulSet", "DaemonSet"):
        for obj in config.objects(kind, system):
            template = (obj.body.get("spec") or {}).get("template") or {}
            labels = (template.get("metadata") or {}).get("labels") or {}
            ns = str((obj.body.get("metadata") or {}).get("namespace") or default_ns)
            ports = [
                int(p["containerPort"])
                for c in (template.get("spec") or {}).get("containers") or []
                for p in c.get("ports") or []
                if "containerPort" in p
            ]
            out.append((obj.name, Pod(ns, labels), ports))
    return out


def facts(
    policies: Sequence[ConfigObject],
    loads: Sequence[tuple[str, Pod, list[int]]],
    default_ns: str = DEFAULT_NAMESPACE,
) -> list[str]:
    """What the declared policies imply, sentence by sentence (`default_ns`: of objects that name none)."""
    said = [
        f"default deny: ingress {', '.join(default_deny(policies, 'Ingress')) or 'none'}, "
        f"egress {', '.join(default_deny(policies, 'Egress')) or 'none'}"
    ]
    for name, pod, ports in loads:
        isolated = [
            p.name
            for p in policies
            if _namespace(p, default_ns) == pod.namespace
            and selects((p.body.get("spec") or {}).get("podSelector"), pod.labels)
        ]
        if not isolated:
            said.append(f"{name} is selected by no policy: any pod can reach it on any port")
            continue
        for port in ports[:1]:
            ok, why = reachable(policies, INGRESS_CONTROLLER, pod, port, default_ns=default_ns)
            said.append(
                f"an ingress controller in namespace ingress-nginx {'can' if ok else 'cannot'} reach "
                f"{name}:{port} ({why})"
            )
            peer = Pod(pod.namespace, {"app": "other"})
            ok, why = reachable(policies, peer, pod, port, default_ns=default_ns)
            said.append(
                f"another pod of {pod.namespace} {'can' if ok else 'cannot'} reach {name}:{port} ({why})"
            )
        dns = [
            proto for proto in ("UDP", "TCP") if reachable(policies, pod, KUBE_DNS, 53, proto, default_ns)[0]
        ]
        said.append(
            f"{name} DNS egress to kube-dns: "
            + (f"{'/'.join(dns)} 53 allowed" if dns else "denied (no UDP/TCP 53): it cannot resolve names")
        )
    said += _label_caveats(policies)
    return said


def _label_caveats(policies: Sequence[ConfigObject]) -> list[str]:
    keys = {
        k
        for p in policies
        for direction in ("ingress", "egress")
        for rule in (p.body.get("spec") or {}).get(direction) or []
        for peer in (rule.get("from") or rule.get("to") or [])
        for k in ((peer.get("namespaceSelector") or {}).get("matchLabels") or {})
    }
    return [
        f"namespaceSelector on label '{k}': Kubernetes sets only kubernetes.io/metadata.name, so it matches "
        f"only namespaces someone labelled by hand"
        for k in sorted(keys - {"kubernetes.io/metadata.name"})
    ]


def _open_to_all(policies: Sequence[ConfigObject]) -> list[str]:
    return [
        p.name
        for p in policies
        for rule in (p.body.get("spec") or {}).get("ingress") or []
        if any(
            peer.get("namespaceSelector") == {} and not peer.get("podSelector")
            for peer in rule.get("from") or []
        )
    ]


def analyze(claims: Sequence[Claim], config: DeclaredConfig) -> list[Verdict]:
    """Isolation claims against the reachability the system's declared NetworkPolicies give."""
    out = []
    for claim in claims:
        words = " ".join([claim.statement, *(s.quote for s in claim.sources)]).lower()
        about = claim.check in CHECKS and (
            claim.metric in ISOLATION_METRICS or any(k in words for k in KEYWORDS)
        )
        if claim.is_waived or not about:
            continue
        policies = same_documents(claim, linked(claim, config.objects("NetworkPolicy", claim.system))[0])
        if policies:
            ns = declared_namespace(config, claim.system)
            out.append(judge(claim, policies, workloads(config, claim.system, ns), ns))
    return out


def judge(
    claim: Claim,
    policies: Sequence[ConfigObject],
    loads: Sequence[tuple[str, Pod, list[int]]],
    default_ns: str = DEFAULT_NAMESPACE,
) -> Verdict:
    """One isolation claim against declared policies and workloads."""
    said = facts(policies, loads, default_ns)
    cites = [p.cite for p in policies]
    tenant = claim.metric == "tenant_isolation" or claim.scope.per == "tenant"
    open_to_all = _open_to_all(policies)
    if tenant and open_to_all:
        why = (
            f"policy {', '.join(open_to_all)} admits ingress from every namespace (namespaceSelector {{}}), "
            f"so other tenants' pods reach the selected pods; policies only add allowances"
        )
        return finding(claim, Outcome.DISPROVEN, NAME, why, other=cites, facts=said)
    why = (
        "declared NetworkPolicies: " + "; ".join(said) + "; needs the policies in force (configured evidence)"
    )
    return finding(claim, Outcome.INCONCLUSIVE, NAME, why, other=cites, facts=said)

"""NetworkPolicies against what their workloads need: name resolution, their consumers, their namespaces.

A document that declares a workload and the NetworkPolicy it runs under proves its own configuration broken
when the policy denies what the workload needs. Needs are read from the same document (reachability as in
netpol.py: both the source's egress and the destination's ingress must allow a path):
- DNS: a pod isolated for egress that reaches its peers through label selectors (a database, a cache) finds
  them by Service name, so it needs UDP/TCP 53 to kube-dns; a host name in its environment says the same.
- Its consumers: a Prometheus scrape target `name:port` naming the workload (the scraper runs in the namespace
  of its configuration), and an ingress controller in a namespace of its own (ingress-nginx).
- Its namespaces: a namespaceSelector matches namespace labels. Kubernetes sets only
  kubernetes.io/metadata.name; other labels come from a Namespace object or an Argo CD Application's
  managedNamespaceMetadata. A rule whose selectors match no namespace the documents declare admits nobody.
Verdicts (only the claim's own document decides; another document's policies are a conflict):
- a claim describing the policy itself (metric network_policy, linked by params.config_block) is not
  contradicted by a denied need: "admits ingress on 3000 only from X" stays true of a policy that also
  starves its pods of DNS. The denied needs are kept as an INCONCLUSIVE finding beside the claim (the policy
  as declared breaks its workloads), never as its verdict;
- a claim stating a consumer's access (its sources cover the scrape job's lines) is DISPROVEN when that
  consumer's path is denied;
- isolation-only claims keep netpol.py's facts (INCONCLUSIVE): denying too much does not break isolation.

Params read:
| param | meaning |
| --- | --- |
| `config_block` | `file:start-end` of the policy a network_policy claim describes |
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from checks.collect.documents import ConfigObject
from checks.evaluate.declared.common import DeclaredConfig, finding, linked, own_documents
from checks.evaluate.declared.netpol import (
    INGRESS_CONTROLLER,
    KUBE_DNS,
    Pod,
    declared_namespace,
    reachable,
    selects,
    workloads,
)
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "network_needs"
HOST = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]+@)?([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*)(?::\d+)?(?:/|$)"
)


@dataclass(frozen=True)
class Need:
    """One path a workload needs, whether the declared policies allow it, and why."""

    workload: str
    what: str
    allowed: bool
    why: str
    lines: tuple[tuple[str, int, int], ...] = ()  # document ranges that declare this need (a scrape job)


def namespace_labels(
    config: DeclaredConfig, system: str | None, default_ns: str
) -> dict[str, dict[str, str]]:
    """Every namespace the documents declare, with the labels they give it (beyond the automatic one)."""
    out: dict[str, dict[str, str]] = {default_ns: {}}
    for kind in ("Deployment", "StatefulSet", "DaemonSet", "ConfigMap", "NetworkPolicy", "Service"):
        for obj in config.objects(kind, system):
            ns = (obj.body.get("metadata") or {}).get("namespace")
            if ns:
                out.setdefault(str(ns), {})
    for obj in config.objects("Namespace", system):
        meta = obj.body.get("metadata") or {}
        out.setdefault(str(meta.get("name")), {}).update(meta.get("labels") or {})
    for app in config.objects("Application", system):
        spec = app.body.get("spec") or {}
        ns = (spec.get("destination") or {}).get("namespace")
        labels = ((spec.get("syncPolicy") or {}).get("managedNamespaceMetadata") or {}).get("labels") or {}
        if ns:
            out.setdefault(str(ns), {}).update(labels)
    return out


def _egress_isolated(policies: Sequence[ConfigObject], pod: Pod, default_ns: str) -> list[ConfigObject]:
    return [
        p
        for p in policies
        if "Egress" in ((p.body.get("spec") or {}).get("policyTypes") or [])
        and str((p.body.get("metadata") or {}).get("namespace") or default_ns) == pod.namespace
        and selects((p.body.get("spec") or {}).get("podSelector"), pod.labels)
    ]


def _hosts(obj: ConfigObject) -> list[str]:
    """Host names in a workload's container environment values (URLs, host:port)."""
    template = ((obj.body.get("spec") or {}).get("template") or {}).get("spec") or {}
    values = [str(e.get("value")) for c in template.get("containers") or [] for e in c.get("env") or []]
    return [m.group(1) for v in values if (m := HOST.match(v.strip().lower())) and not m.group(1).isdigit()]


def _needs_names(
    policies: Sequence[ConfigObject], isolating: Sequence[ConfigObject], hosts: list[str]
) -> bool:
    by_selector = any(
        "podSelector" in peer or "namespaceSelector" in peer
        for p in isolating
        for rule in (p.body.get("spec") or {}).get("egress") or []
        for peer in rule.get("to") or []
    )
    return by_selector or bool(hosts)


def _scrapes(
    config: DeclaredConfig, system: str | None, default_ns: str
) -> list[tuple[str, int, Pod, str, int]]:
    """(job, first line, scraper pod, host, port) for every static scrape target of a declared Prometheus."""
    out = []
    for prom in config.objects("PrometheusConfig", system):
        ns = _namespace_of(config, system, prom, default_ns)
        for job in prom.body.get("scrape_configs") or []:
            name = str(job.get("job_name", ""))
            line = prom.find_line(f"job_name: '{name}'") or prom.find_line(name) or prom.start
            for static in job.get("static_configs") or []:
                for target in static.get("targets") or []:
                    host, _, port = str(target).partition(":")
                    if port.isdigit():
                        out.append((name, line, Pod(ns, {}), host, int(port)))
    return out


def _namespace_of(config: DeclaredConfig, system: str | None, obj: ConfigObject, default_ns: str) -> str:
    """An object's namespace; a file a ConfigMap carries (prometheus.yml) is in the ConfigMap's."""
    own = (obj.body.get("metadata") or {}).get("namespace")
    if own:
        return str(own)
    parents = [
        m
        for m in config.objects("ConfigMap", system)
        if m.overlaps(obj.file, obj.start, obj.end) and (m.body.get("metadata") or {}).get("namespace")
    ]
    return str(parents[0].body["metadata"]["namespace"]) if parents else default_ns


def needs(
    config: DeclaredConfig, system: str | None, files: set[str]
) -> tuple[list[Need], list[ConfigObject]]:
    """What each workload declared in `files` needs, against the policies declared in `files`."""
    default_ns = declared_namespace(config, system)
    policies = [p for p in config.objects("NetworkPolicy", system) if p.file in files]
    labels = namespace_labels(config, system, default_ns)
    objects = {
        o.name: o for kind in ("Deployment", "StatefulSet", "DaemonSet") for o in config.objects(kind, system)
    }
    scrapes = _scrapes(config, system, default_ns)
    out: list[Need] = []
    for name, pod, ports in workloads(config, system, default_ns):
        obj = objects.get(name)
        if obj is None or obj.file not in files:
            continue
        pod = Pod(pod.namespace, pod.labels, labels.get(pod.namespace, {}))
        isolating = _egress_isolated(policies, pod, default_ns)
        if isolating and _needs_names(policies, isolating, _hosts(obj)):
            dns = [p for p in ("UDP", "TCP") if reachable(policies, pod, KUBE_DNS, 53, p, default_ns)[0]]
            out.append(
                Need(
                    name,
                    "DNS (UDP/TCP 53 to kube-dns)",
                    bool(dns),
                    reachable(policies, pod, KUBE_DNS, 53, "UDP", default_ns)[1],
                )
            )
        for port in ports[:1]:
            out.append(_ingress(policies, pod, port, labels, default_ns, name))
        for job, line, scraper, host, port in scrapes:
            if host == name and port in ports:
                scraper = Pod(scraper.namespace, {}, labels.get(scraper.namespace, {}))
                ok, why = reachable(policies, scraper, pod, port, default_ns=default_ns)
                out.append(
                    Need(
                        name,
                        f"the Prometheus scrape job {job} ({scraper.namespace}) on {port}",
                        ok,
                        why,
                        ((obj.file, line, _job_end(config, system, job, line)),),
                    )
                )
    return out, policies


def _ingress(
    policies: Sequence[ConfigObject],
    pod: Pod,
    port: int,
    labels: Mapping[str, Mapping[str, str]],
    default_ns: str,
    name: str,
) -> Need:
    """Ingress from some declared namespace at all, else from an ingress controller in its own namespace."""
    reaching = [
        ns
        for ns, extra in labels.items()
        if reachable(policies, Pod(ns, {}, extra), pod, port, default_ns=default_ns)[0]
    ]
    if not reaching:
        what = f"ingress on {port} from some namespace the documents declare ({', '.join(sorted(labels))})"
        why = "no declared namespace carries the labels its ingress rules select, so its ingress controller "
        return Need(name, what, False, why + "and its scrapers are denied too")
    ok, why = reachable(policies, INGRESS_CONTROLLER, pod, port, default_ns=default_ns)
    return Need(
        name, f"ingress from an ingress controller in its own namespace (ingress-nginx) on {port}", ok, why
    )


def _job_end(config: DeclaredConfig, system: str | None, job: str, line: int) -> int:
    for prom in config.objects("PrometheusConfig", system):
        starts = sorted(n for n, text in prom.lines if "job_name:" in text)
        later = [n for n in starts if n > line]
        if line in starts:
            return (later[0] - 1) if later else prom.end
    return line


def analyze(claims: Sequence[Claim], config: DeclaredConfig) -> list[Verdict]:
    """Policy and consumer claims against the needs the same document's workloads have."""
    out: list[Verdict] = []
    cache: dict[tuple[str, frozenset[str]], tuple[list[Need], list[ConfigObject]]] = {}
    for claim in claims:
        if claim.is_waived:
            continue
        files = frozenset(own_documents(claim))
        key = (claim.system, files)
        if key not in cache:
            cache[key] = needs(config, claim.system, set(files))
        found, policies = cache[key]
        broken = [n for n in found if not n.allowed]
        verdict = _about_policy(claim, broken, policies) or _about_consumer(claim, broken, policies)
        if verdict is not None:
            out.append(verdict)
    return out


def _about_policy(claim: Claim, broken: Sequence[Need], policies: Sequence[ConfigObject]) -> Verdict | None:
    mine, explicit = linked(claim, policies)
    if not (explicit and mine and broken and claim.metric == "network_policy"):
        return None
    names = ", ".join(p.name for p in mine)
    shown = "; ".join(f"{n.workload} needs {n.what}: denied ({n.why})" for n in broken)
    why = (
        f"the declared {names} denies what its workloads need: {shown}; that breaks the workloads, not this "
        "description of the policy's allowances"
    )
    return finding(
        claim, Outcome.INCONCLUSIVE, NAME, why, other=[p.cite for p in mine], needs=[n.what for n in broken]
    )


def _about_consumer(claim: Claim, broken: Sequence[Need], policies: Sequence[ConfigObject]) -> Verdict | None:
    hit = [
        n
        for n in broken
        for file, start, end in n.lines
        if any(s.file == file and s.line <= end and start <= (s.end_line or s.line) for s in claim.sources)
    ]
    if not hit:
        return None
    shown = "; ".join(f"{n.what} cannot reach {n.workload}: {n.why}" for n in hit)
    why = f"the document's own NetworkPolicy denies it: {shown}"
    return finding(
        claim, Outcome.DISPROVEN, NAME, why, other=[p.cite for p in policies], needs=[n.what for n in hit]
    )

"""Network isolation probes from inside each tenant's network namespace (`ip netns exec`, root only).

From tenant A's namespace: A's own service (must answer, as A), the gateway (must accept a connection: the
path out of the namespace works), every other tenant's service and the target's data stores (must not).
Addresses are read from the namespaces themselves (`ip -n NS addr/route`), the port from the binding.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit

from checks.errors import CollectionError
from checks.evidence.isolation import NetworkReachability as NetworkReachability
from checks.evidence.isolation import Reach as Reach
from checks.evidence.origin import UNKNOWN, Origin
from checks.targets import Target, Tenant, VantagePoint

# Runs inside the namespace: TCP connect to each (host, port); GET / where asked, to learn who answers.
PROBE_SCRIPT = r"""
import json, socket, sys, urllib.request
timeout = float(sys.argv[2])
out = []
for host, port, http in json.loads(sys.argv[1]):
    r = {"host": host, "port": port, "connected": False, "answered_as": None, "error": None}
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        r["connected"] = True
        if http:
            with urllib.request.urlopen(f"http://{host}:{port}/", timeout=timeout) as resp:
                r["answered_as"] = json.loads(resp.read()).get("tenant")
    except Exception as exc:
        r["error"] = f"{type(exc).__name__}: {exc}"
    out.append(r)
print(json.dumps(out))
"""


def vantage_of(target: Target, tenant: Tenant) -> VantagePoint | None:
    """The network-namespace vantage point named by the tenant's `network`, if any."""
    found = next((v for v in target.vantage_points if v.name == tenant.network), None)
    return found if found is not None and found.kind == "netns" and found.netns else None


def why_no_namespaces(netns_names: Sequence[str]) -> str | None:
    """Why the probes cannot run here (not root, no `ip`, a namespace missing), or None."""
    if os.geteuid() != 0:
        return "not running as root: entering a network namespace needs CAP_SYS_ADMIN"
    if shutil.which("ip") is None:
        return "the `ip` command (iproute2) is not installed"
    existing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False).stdout
    present = {line.split()[0] for line in existing.splitlines() if line.strip()}
    missing = sorted(set(netns_names) - present)
    return f"network namespace(s) not present: {', '.join(missing)}" if missing else None


def _ip(netns: str, *args: str) -> str:
    proc = subprocess.run(["ip", "-n", netns, *args], capture_output=True, text=True, check=False, timeout=10)
    if proc.returncode != 0:
        raise CollectionError(f"netns {netns}", f"ip {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def namespace_address(netns: str) -> str:
    """The namespace's own non-loopback IPv4 address."""
    for line in _ip(netns, "-o", "-4", "addr", "show").splitlines():
        addr = line.split()[3].split("/")[0]
        if not ipaddress.ip_address(addr).is_loopback:
            return addr
    raise CollectionError(f"netns {netns}", "no IPv4 address besides loopback")


def namespace_gateway(netns: str) -> str:
    """The first `via` address of the namespace's routes: where it reaches the host."""
    words = _ip(netns, "-4", "route", "show").split()
    if "via" not in words:
        raise CollectionError(f"netns {netns}", "no route via a gateway")
    return words[words.index("via") + 1]


def _run_probe(netns: str, targets: list[tuple[str, int, bool]], timeout_s: float) -> list[dict[str, object]]:
    argv = [
        "ip",
        "netns",
        "exec",
        netns,
        sys.executable,
        "-c",
        PROBE_SCRIPT,
        json.dumps(targets),
        str(timeout_s),
    ]
    proc = subprocess.run(
        argv, capture_output=True, text=True, check=False, timeout=30 + timeout_s * len(targets)
    )
    if proc.returncode != 0:
        raise CollectionError(f"netns {netns}", f"probe failed: {proc.stderr.strip()[-300:]}")
    try:
        found = json.loads(proc.stdout)
    except ValueError as exc:
        raise CollectionError(f"netns {netns}", f"probe printed no result: {proc.stdout[-300:]!r}") from exc
    if not isinstance(found, list) or len(found) != len(targets):
        raise CollectionError(f"netns {netns}", f"probe answered {len(found)} of {len(targets)} attempts")
    return found


def internal_services(target: Target, gateway: str) -> list[tuple[str, str, int]]:
    """The target's data stores as seen from a namespace (a loopback address means the gateway's host)."""
    nodes = []
    if target.postgres is not None:
        nodes.append(("postgres primary", target.postgres.primary.host, target.postgres.primary.port))
    if target.redis is not None:
        nodes.append(("redis primary", target.redis.primary.host, target.redis.primary.port))
    return [
        (name, gateway if ipaddress.ip_address(host).is_loopback else host, port)
        for name, host, port in nodes
        if _is_ip(host)
    ]


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _gateway_port(target: Target) -> int | None:
    if target.http is None:
        return None
    parts = urlsplit(target.http.base_url)
    return parts.port or (443 if parts.scheme == "https" else 80)


Planned = tuple[str, str, str, int, bool]  # kind, to, host, port, ask over HTTP who answers


def _plan(
    target: Target,
    tenant: Tenant,
    tenants: Sequence[tuple[Tenant, str]],
    addresses: dict[str, str],
    port: int,
) -> list[Planned]:
    """From `tenant`'s namespace: its own service, every other tenant's, the gateway and the data stores."""
    gateway = namespace_gateway(next(ns for t, ns in tenants if t is tenant))
    plan: list[Planned] = [("own", tenant.slug, addresses[tenant.slug], port, True)]
    plan += [("foreign", t.slug, addresses[t.slug], port, True) for t, _ in tenants if t is not tenant]
    if (gw_port := _gateway_port(target)) is not None:
        plan.append(("gateway", "gateway", gateway, gw_port, False))
    return plan + [("internal", name, host, p, False) for name, host, p in internal_services(target, gateway)]


def collect_network_reachability(
    target: Target,
    tenants: Sequence[tuple[Tenant, str]],
    port: int,
    timeout_s: float,
    *,
    origin: Origin = UNKNOWN,
) -> NetworkReachability:
    """From each (tenant, netns): own service, gateway, other tenants' services and data stores."""
    addresses = {t.slug: namespace_address(ns) for t, ns in tenants}
    attempts: list[Reach] = []
    for tenant, netns in tenants:
        plan = _plan(target, tenant, tenants, addresses, port)
        results = _run_probe(netns, [(h, p, http) for _, _, h, p, http in plan], timeout_s)
        attempts += [
            Reach(tenant.slug, netns, kind, to, host, p, bool(r["connected"]), _text(r["answered_as"]),
                  _text(r["error"]))
            for (kind, to, host, p, _), r in zip(plan, results, strict=True)
        ]  # fmt: skip
    return NetworkReachability(tuple(t.slug for t, _ in tenants), tuple(attempts), origin)

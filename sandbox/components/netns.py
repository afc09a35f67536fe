"""Vantage points as network namespaces (root only): one per tenant network and one per city.

Each namespace gets a veth pair in 10.250.<n>.0/30 (host .1, namespace .2) and a route to the rest of
10.250.0.0/16 through the host. The host forwards between namespaces (ip_forward=1; the namespaces have no
other route, so nothing leaves the machine), except that the filter chain <prefix>-FWD rejects every
tenant-to-other-tenant path: a tenant reaches its own service and the gateway, never another tenant's.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sandbox import procs
from sandbox.components.base import Component, RunContext, Skipped, is_root, recorded_skip
from sandbox.config import SandboxConfig
from sandbox.errors import SandboxError

IP_FORWARD = Path("/proc/sys/net/ipv4/ip_forward")
FORWARD_SAVED = Path(tempfile.gettempdir()) / "claimcheck-sandbox-ip_forward.orig"


@dataclass(frozen=True)
class Vantage:
    """One namespace of the address plan."""

    netns: str
    kind: str  # "tenant" | "city"
    label: str  # tenant slug or city name
    subnet: int
    prefix: str
    delay_ms: float = 0.0
    queue: int = 0

    @property
    def host_if(self) -> str:
        """Host side of the veth pair (<= 15 characters)."""
        return ("v" + self.netns)[:15]

    @property
    def host_addr(self) -> str:
        """Host-side address: where the namespace reaches the gateway."""
        return f"{self.prefix}.{self.subnet}.1"

    @property
    def ns_addr(self) -> str:
        """The namespace's own address."""
        return f"{self.prefix}.{self.subnet}.2"


def vantages(cfg: SandboxConfig) -> list[Vantage]:
    """Tenants first, then cities, numbered from cfg.subnet_base."""
    out = [
        Vantage(t.netns, "tenant", t.slug, cfg.subnet_base + i, cfg.subnet_prefix)
        for i, t in enumerate(cfg.tenants)
    ]
    base = cfg.subnet_base + len(out)
    out += [
        Vantage(
            c.netns, "city", c.city, base + i, cfg.subnet_prefix, c.one_way_delay_ms, cfg.delay_queue_base + i
        )
        for i, c in enumerate(cfg.cities)
    ]
    return out


def skip_reason(cfg: SandboxConfig) -> str | None:
    """Why namespaces cannot be used here, or None."""
    if not cfg.namespaces:
        return "namespaces disabled in SandboxConfig"
    if not is_root():
        return "not running as root (ip netns needs CAP_SYS_ADMIN)"
    if shutil.which("ip") is None or shutil.which("iptables") is None:
        return "ip or iptables not installed"
    return recorded_skip(cfg, "netns")


def existing_namespaces() -> set[str]:
    """Names listed by `ip netns list`."""
    out = procs.run(["ip", "netns", "list"], check=False).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def host_addresses() -> set[str]:
    """Every IPv4 address configured on the host."""
    out = procs.run(["ip", "-o", "-4", "addr", "show"], check=False).stdout
    return {
        fields[3].split("/")[0] for fields in (line.split() for line in out.splitlines()) if len(fields) > 3
    }


def present_host_addresses(cfg: SandboxConfig) -> list[str]:
    """Host-side veth addresses of this config that exist now (nginx listens on them)."""
    if skip_reason(cfg) is not None:
        return []
    present = host_addresses()
    return [v.host_addr for v in vantages(cfg) if v.host_addr in present]


def isolation_rules(cfg: SandboxConfig) -> list[list[str]]:
    """iptables arguments (after `-A CHAIN`) rejecting every tenant -> other tenant path."""
    tenants = [v for v in vantages(cfg) if v.kind == "tenant"]
    return [
        [
            "-i",
            a.host_if,
            "-o",
            b.host_if,
            "-m",
            "comment",
            "--comment",
            f"{a.label} -/-> {b.label}",
            "-j",
            "REJECT",
            "--reject-with",
            "icmp-admin-prohibited",
        ]
        for a in tenants
        for b in tenants
        if a is not b
    ]


def chain_rules(table: str, chain: str) -> list[str]:
    """`iptables -S chain` lines (without the -N line); empty when the chain does not exist."""
    proc = procs.run(["iptables", "-t", table, "-S", chain], check=False)
    return (
        [line for line in proc.stdout.splitlines() if line.startswith("-A ")] if proc.returncode == 0 else []
    )


def remove_chain(table: str, chain: str, hooks: tuple[str, ...]) -> None:
    """Unhook, flush and delete one of our chains (missing pieces are fine)."""
    for hook in hooks:
        while procs.run(["iptables", "-t", table, "-D", hook, "-j", chain], check=False).returncode == 0:
            pass
    procs.run(["iptables", "-t", table, "-F", chain], check=False)
    procs.run(["iptables", "-t", table, "-X", chain], check=False)


def install_chain(table: str, chain: str, hooks: tuple[str, ...], rules: list[list[str]]) -> None:
    """Create the chain with `rules` and hook it first into each of `hooks`."""
    remove_chain(table, chain, hooks)
    procs.run(["iptables", "-t", table, "-N", chain])
    for rule in rules:
        procs.run(["iptables", "-t", table, "-A", chain, *rule])
    for hook in hooks:
        procs.run(["iptables", "-t", table, "-I", hook, "1", "-j", chain])


class NetNamespaces(Component):
    """The namespaces, their veth pairs and routes, ip_forward and the tenant isolation chain."""

    name = "netns"

    def chain(self, cfg: SandboxConfig) -> str:
        return f"{cfg.chain_prefix}-FWD"

    def address(self, ctx: RunContext) -> str:
        return f"{ctx.cfg.subnet_prefix}.0.0/16 ({len(vantages(ctx.cfg))} namespaces)"

    def skip_reason(self, ctx: RunContext) -> str | None:
        return skip_reason(ctx.cfg)

    def probe(self, ctx: RunContext) -> str:
        """Every namespace and host address exists, forwarding is on, the isolation chain is complete."""
        if not self.owner_file(ctx.cfg).exists():
            raise SandboxError(self.name, "not created by this run dir")
        wanted = vantages(ctx.cfg)
        missing = {v.netns for v in wanted} - existing_namespaces()
        missing |= {v.host_addr for v in wanted} - host_addresses()
        if missing:
            raise SandboxError(self.name, f"missing: {', '.join(sorted(missing))}")
        if IP_FORWARD.read_text().strip() != "1":
            raise SandboxError(self.name, "ip_forward is off")
        rules = chain_rules("filter", self.chain(ctx.cfg))
        if len(rules) != len(isolation_rules(ctx.cfg)):
            raise SandboxError(self.name, f"isolation chain has {len(rules)} rules")
        return f"{len(wanted)} namespaces, {len(rules)} tenant isolation rules"

    def start(self, ctx: RunContext) -> None:
        """Tear down leftovers, then build every namespace and the isolation chain."""
        self.stop(ctx)
        ctx.cfg.path("netns").mkdir(parents=True, exist_ok=True)
        try:
            procs.run(["ip", "netns", "add", f"{ctx.cfg.chain_prefix.lower()}-probe"])
            procs.run(["ip", "netns", "del", f"{ctx.cfg.chain_prefix.lower()}-probe"])
        except SandboxError as exc:
            raise Skipped(self.name, f"ip netns does not work here: {exc}") from exc
        self._enable_forwarding(ctx.cfg)
        for vantage in vantages(ctx.cfg):
            _build(vantage)
        install_chain("filter", self.chain(ctx.cfg), ("FORWARD",), isolation_rules(ctx.cfg))
        self.owner_file(ctx.cfg).write_text(" ".join(v.netns for v in vantages(ctx.cfg)) + "\n")

    def owner_file(self, cfg: SandboxConfig) -> Path:
        """Names the namespaces this run dir created (namespaces are host-wide, run dirs are not)."""
        return cfg.path("netns", "created")

    def _enable_forwarding(self, cfg: SandboxConfig) -> None:
        # shared by every sandbox on this host: the first one up saves the original value
        if not FORWARD_SAVED.exists():
            FORWARD_SAVED.write_text(IP_FORWARD.read_text())
        IP_FORWARD.write_text("1\n")

    def stop(self, ctx: RunContext) -> None:
        """Delete our namespaces, stray veths and the chain; the last sandbox down restores ip_forward."""
        if not is_root() or shutil.which("ip") is None:
            return
        present = existing_namespaces()
        for vantage in vantages(ctx.cfg):
            if vantage.netns in present:
                procs.run(["ip", "netns", "del", vantage.netns], check=False)
            procs.run(["ip", "link", "del", vantage.host_if], check=False)
        remove_chain("filter", self.chain(ctx.cfg), ("FORWARD",))
        self.owner_file(ctx.cfg).unlink(missing_ok=True)
        if FORWARD_SAVED.exists() and not other_sandbox_chains(self.chain(ctx.cfg)):
            IP_FORWARD.write_text(FORWARD_SAVED.read_text())
            FORWARD_SAVED.unlink()


def other_sandbox_chains(ours: str) -> list[str]:
    """Isolation chains of other sandboxes on this host (they still need forwarding)."""
    out = procs.run(["iptables", "-S"], check=False).stdout
    chains = [line.split()[1] for line in out.splitlines() if line.startswith("-N ")]
    return [c for c in chains if c.endswith("-SANDBOX-FWD") and c != ours]


def _build(v: Vantage) -> None:
    ns = ["ip", "-n", v.netns]
    procs.run(["ip", "netns", "add", v.netns])
    procs.run(["ip", "link", "add", v.host_if, "type", "veth", "peer", "name", "eth0", "netns", v.netns])
    procs.run(["ip", "addr", "add", f"{v.host_addr}/30", "dev", v.host_if])
    procs.run(["ip", "link", "set", v.host_if, "up"])
    procs.run([*ns, "addr", "add", f"{v.ns_addr}/30", "dev", "eth0"])
    procs.run([*ns, "link", "set", "eth0", "up"])
    procs.run([*ns, "link", "set", "lo", "up"])
    procs.run([*ns, "route", "add", f"{v.prefix}.0.0/16", "via", v.host_addr])

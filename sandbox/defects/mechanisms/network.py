"""Defects in the tenant networks: the host's isolation chain (iptables filter <prefix>-FWD) emptied, so
every tenant namespace reaches every other tenant's service."""

from __future__ import annotations

import subprocess
import sys
from typing import ClassVar

from sandbox import procs
from sandbox.components import netns
from sandbox.components.netns import NetNamespaces
from sandbox.defects.live import Live
from sandbox.defects.mechanism import Mechanism, Saved, mechanism


@mechanism("network.isolation_flushed")
class IsolationFlushed(Mechanism):
    """`iptables -F` of the tenant isolation chain (the chain stays hooked into FORWARD, empty)."""

    touches: ClassVar[tuple[str, ...]] = ("netns",)

    def chain(self, live: Live) -> str:
        return NetNamespaces().chain(live.cfg)

    def save(self, live: Live) -> Saved:
        return {"rules": netns.chain_rules("filter", self.chain(live))}

    def apply(self, live: Live, saved: Saved) -> None:
        procs.run(["iptables", "-t", "filter", "-F", self.chain(live)])

    def restore(self, live: Live, saved: Saved) -> None:
        netns.install_chain("filter", self.chain(live), ("FORWARD",), netns.isolation_rules(live.cfg))

    def present(self, live: Live) -> bool:
        fewer = len(netns.chain_rules("filter", self.chain(live))) < len(netns.isolation_rules(live.cfg))
        return fewer and tenant_reaches_tenant(live)


def tenant_reaches_tenant(live: Live) -> bool:
    """Whether the first tenant's namespace can open a TCP connection to the second tenant's service."""
    tenants = [v for v in netns.vantages(live.cfg) if v.kind == "tenant"]
    a, b = tenants[0], tenants[1]
    code = (
        "import socket,sys\ntry:\n"
        f" socket.create_connection(({b.ns_addr!r}, {live.cfg.tenant_service_port}), timeout=2).close()\n"
        " print('open')\nexcept OSError:\n print('closed')"
    )
    out = subprocess.run(
        ["ip", "netns", "exec", a.netns, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=15,
        check=True,
    )
    return out.stdout.strip() == "open"

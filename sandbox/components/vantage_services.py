"""Processes that live with the namespaces: the packet delay daemon (cities) and the tenant services.

The delay daemon (sandbox/netdelay.py) binds one NFQUEUE queue per city; the mangle chain <prefix>-DELAY
sends every packet entering the host from a city veth (PREROUTING, -i) to that city's queue, held for twice
the configured one-way delay: the round trip gains 2 x the value, all of it on the way in. (Holding packets
on their way out, POSTROUTING, made multi-packet answers wait one extra delay per burst: see netdelay.py.)
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

from sandbox import procs
from sandbox.components import netns
from sandbox.components.base import ProcessComponent, RunContext, Skipped
from sandbox.config import REPO_ROOT, TenantDef
from sandbox.errors import SandboxError, StartupFailed

QUEUE_STATUS = Path("/proc/net/netfilter/nfnetlink_queue")
DELAY_HOOKS = ("PREROUTING",)
OLD_HOOKS = ("PREROUTING", "POSTROUTING")  # removed on stop: a sandbox started before may still hook both


def _python_env() -> dict[str, str]:
    return {"PYTHONPATH": str(REPO_ROOT)}


def bound_queues() -> set[int]:
    """Queue numbers some process has bound (first column of nfnetlink_queue)."""
    if not QUEUE_STATUS.exists():
        return set()
    return {int(line.split()[0]) for line in QUEUE_STATUS.read_text().splitlines() if line.strip()}


class NetDelay(ProcessComponent):
    """The NFQUEUE delay daemon plus the mangle rules that feed it."""

    name = "netdelay"

    def cities(self, ctx: RunContext) -> list[netns.Vantage]:
        return [v for v in netns.vantages(ctx.cfg) if v.kind == "city"]

    def chain(self, ctx: RunContext) -> str:
        return f"{ctx.cfg.chain_prefix}-DELAY"

    def address(self, ctx: RunContext) -> str:
        return ", ".join(f"{v.netns}+{v.delay_ms:g}ms" for v in self.cities(ctx))

    def skip_reason(self, ctx: RunContext) -> str | None:
        return netns.skip_reason(ctx.cfg) or (None if self.cities(ctx) else "no cities configured")

    def spec(self, ctx: RunContext) -> procs.ProcSpec:
        queues = [f"--queue={v.queue}:{2 * v.delay_ms:g}" for v in self.cities(ctx)]
        tag = f"--tag={ctx.cfg.run_dir}"
        argv = [sys.executable, "-m", "sandbox.netdelay", tag, *queues]
        return procs.ProcSpec(
            self.name,
            argv,
            ("sandbox.netdelay", tag),
            ctx.cfg.path("logs", "netdelay.log"),
            cwd=REPO_ROOT,
            env=_python_env(),
        )

    def start(self, ctx: RunContext) -> None:
        """Start the daemon; NFQUEUE not working here is a recorded skip, not a failure."""
        try:
            super().start(ctx)
        except SandboxError as exc:
            self.stop(ctx)
            raise Skipped(self.name, f"NFQUEUE delay unavailable: {exc}") from exc

    def _queues_bound(self, ctx: RunContext) -> set[int]:
        wanted = {v.queue for v in self.cities(ctx)}
        if not wanted <= bound_queues():
            raise SandboxError(self.name, f"queues not bound: {sorted(wanted - bound_queues())}")
        return wanted

    def _ready(self, ctx: RunContext, spec: procs.ProcSpec) -> bool:
        """Start-up: the daemon has bound its queues (the rules that feed them come after, in after_start)."""
        if self.pid(ctx) is None:
            raise StartupFailed(self.name, "exited during start-up")
        return bool(self._queues_bound(ctx))

    def check(self, ctx: RunContext) -> str:
        """Every city queue is bound and the mangle chain feeds each of them the city's incoming packets."""
        wanted = self._queues_bound(ctx)
        rules = netns.chain_rules("mangle", self.chain(ctx))
        if len(rules) != len(wanted):
            raise SandboxError(self.name, f"{len(rules)} mangle rules for {len(wanted)} city queues")
        return f"{len(wanted)} queues bound, {len(rules)} mangle rules"

    def after_start(self, ctx: RunContext) -> None:
        """Only now that the daemon listens may packets be queued (no --queue-bypass: fail closed)."""
        rules = [["-i", v.host_if, "-j", "NFQUEUE", "--queue-num", str(v.queue)] for v in self.cities(ctx)]
        netns.remove_chain("mangle", self.chain(ctx), OLD_HOOKS)
        netns.install_chain("mangle", self.chain(ctx), DELAY_HOOKS, rules)
        if len(netns.chain_rules("mangle", self.chain(ctx))) != len(rules):
            raise SandboxError(self.name, "mangle rules were not installed")

    def stop(self, ctx: RunContext) -> None:
        """Rules first (so no packet waits for a dead queue), then the daemon."""
        if netns.skip_reason(ctx.cfg) is None:
            netns.remove_chain("mangle", self.chain(ctx), OLD_HOOKS)
        super().stop(ctx)


class TenantService(ProcessComponent):
    """A tiny HTTP service inside one tenant's namespace (sandbox/tenant_service.py)."""

    def __init__(self, tenant: TenantDef) -> None:
        self.tenant = tenant
        self.name = f"tenant-svc-{tenant.slug}"

    def vantage(self, ctx: RunContext) -> netns.Vantage:
        return next(v for v in netns.vantages(ctx.cfg) if v.netns == self.tenant.netns)

    def address(self, ctx: RunContext) -> str:
        return f"{self.tenant.netns} {self.vantage(ctx).ns_addr}:{ctx.cfg.tenant_service_port}"

    def skip_reason(self, ctx: RunContext) -> str | None:
        return netns.skip_reason(ctx.cfg)

    def spec(self, ctx: RunContext) -> procs.ProcSpec:
        t = self.tenant
        argv = [
            "ip",
            "netns",
            "exec",
            t.netns,
            sys.executable,
            "-m",
            "sandbox.tenant_service",
            "--tenant",
            t.slug,
            "--netns",
            t.netns,
            "--port",
            str(ctx.cfg.tenant_service_port),
        ]
        return procs.ProcSpec(
            self.name,
            argv,
            ("sandbox.tenant_service", f"--netns {t.netns}"),
            ctx.cfg.path("logs", f"{self.name}.log"),
            cwd=REPO_ROOT,
            env=_python_env(),
        )

    def check(self, ctx: RunContext) -> str:
        """Answers from inside the namespace with its own tenant slug."""
        url = f"http://{self.vantage(ctx).ns_addr}:{ctx.cfg.tenant_service_port}/"
        with urllib.request.urlopen(url, timeout=2) as resp:
            body = json.loads(resp.read())
        if body.get("tenant") != self.tenant.slug:
            raise SandboxError(self.name, f"answered as {body.get('tenant')!r}")
        return f"serves tenant {self.tenant.slug}"

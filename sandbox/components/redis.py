"""Redis primary, replica and a sentinel monitoring the primary (no persistence, loopback only)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sandbox import procs
from sandbox.components.base import ProcessComponent, RunContext
from sandbox.errors import SandboxError


def redis_bin(tool: str) -> str:
    """Absolute path of redis-server / redis-sentinel."""
    path = shutil.which(tool)
    if not path:
        raise SandboxError("redis", f"{tool} not found (install redis-server and redis-sentinel)")
    return path


def client(port: int) -> Any:
    """A redis-py client for 127.0.0.1:port with short timeouts."""
    import redis

    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=2, socket_connect_timeout=2)


class _RedisNode(ProcessComponent):
    role = "primary"

    def port(self, ctx: RunContext) -> int:
        return ctx.cfg.ports.redis_primary

    def address(self, ctx: RunContext) -> str:
        return f"127.0.0.1:{self.port(ctx)}"

    def listen_ports(self, ctx: RunContext) -> list[int]:
        return [self.port(ctx)]

    def workdir(self, ctx: RunContext) -> Path:
        return ctx.cfg.path("redis", self.role)

    def extra_args(self, ctx: RunContext) -> list[str]:
        return []

    def prepare(self, ctx: RunContext) -> None:
        self.workdir(ctx).mkdir(parents=True, exist_ok=True)

    def spec(self, ctx: RunContext) -> procs.ProcSpec:
        port = self.port(ctx)
        argv = [
            redis_bin("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.workdir(ctx)),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            *self.extra_args(ctx),
        ]
        # redis rewrites its process title to "redis-server 127.0.0.1:PORT"
        return procs.ProcSpec(
            self.name, argv, ("redis-server", str(port)), ctx.cfg.path("logs", f"{self.name}.log")
        )

    def check(self, ctx: RunContext) -> str:
        info = client(self.port(ctx)).info("replication")
        return f"role {info['role']}, {info.get('connected_slaves', 0)} connected replica(s)"


class RedisPrimary(_RedisNode):
    """The primary the app writes to."""

    name = "redis-primary"
    role = "primary"

    def extra_args(self, ctx: RunContext) -> list[str]:
        # the default 5 s wait before a diskless full sync would dominate the sandbox's start-up time
        return ["--repl-diskless-sync-delay", "0"]


class RedisReplica(_RedisNode):
    """A replica of the primary (`--replicaof`)."""

    name = "redis-replica"
    role = "replica"

    def port(self, ctx: RunContext) -> int:
        return ctx.cfg.ports.redis_replica

    def extra_args(self, ctx: RunContext) -> list[str]:
        return ["--replicaof", "127.0.0.1", str(ctx.cfg.ports.redis_primary)]

    def check(self, ctx: RunContext) -> str:
        info = client(self.port(ctx)).info("replication")
        if info.get("master_link_status") != "up":
            raise SandboxError(self.name, f"link to primary is {info.get('master_link_status')}")
        return f"role {info['role']} of 127.0.0.1:{info['master_port']}, link up"


class RedisSentinel(ProcessComponent):
    """One sentinel (quorum 1) monitoring the primary under the configured master name."""

    name = "redis-sentinel"

    def address(self, ctx: RunContext) -> str:
        return f"127.0.0.1:{ctx.cfg.ports.redis_sentinel}"

    def listen_ports(self, ctx: RunContext) -> list[int]:
        return [ctx.cfg.ports.redis_sentinel]

    def conf(self, ctx: RunContext) -> Path:
        return ctx.cfg.path("redis", "sentinel", "sentinel.conf")

    def prepare(self, ctx: RunContext) -> None:
        """A fresh config each start (sentinel rewrites it while it runs)."""
        conf = self.conf(ctx)
        conf.parent.mkdir(parents=True, exist_ok=True)
        master = ctx.cfg.sentinel_master
        conf.write_text(
            f"port {ctx.cfg.ports.redis_sentinel}\nbind 127.0.0.1\ndir {conf.parent}\n"
            f"sentinel monitor {master} 127.0.0.1 {ctx.cfg.ports.redis_primary} 1\n"
            f"sentinel down-after-milliseconds {master} 5000\n"
            f"sentinel failover-timeout {master} 30000\nsentinel parallel-syncs {master} 1\n"
        )

    def spec(self, ctx: RunContext) -> procs.ProcSpec:
        port = ctx.cfg.ports.redis_sentinel
        return procs.ProcSpec(
            self.name,
            [redis_bin("redis-sentinel"), str(self.conf(ctx)), "--port", str(port)],
            ("redis-sentinel", str(port)),
            ctx.cfg.path("logs", f"{self.name}.log"),
        )

    def check(self, ctx: RunContext) -> str:
        master = ctx.cfg.sentinel_master
        addr = client(ctx.cfg.ports.redis_sentinel).execute_command(
            "SENTINEL", "get-master-addr-by-name", master
        )
        if not addr:
            raise SandboxError(self.name, f"does not know master {master}")
        host, port = (a.decode() if isinstance(a, bytes) else str(a) for a in addr)
        return f"monitors {master} at {host}:{port}"

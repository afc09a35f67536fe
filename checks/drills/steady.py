"""The steady state a drill starts from and must leave behind.

PostgreSQL: the primary accepts writes, the replica streams from it and replays the primary's current WAL
position within the bound. Redis: sentinel names the original primary, which is a master, and the replica's
link to it is up. App: every instance and the gateway answer their health check.
"""

from __future__ import annotations

import ssl
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from checks import procs
from checks.drills import pg_ops, redis_ops
from checks.drills.nodes import DrillError
from checks.drills.topology import DrillEnv, PgTopology, RedisTopology, RolloutTopology
from checks.ledger import project_root


@dataclass(frozen=True)
class SteadyReport:
    """Per component: a one-line detail; `problems` lists what is not steady."""

    details: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "details": self.details, "problems": list(self.problems)}


def check_postgres(topo: PgTopology) -> str:
    """Raise unless the primary is writable and the replica streams within the lag bound."""
    rows = pg_ops.query(topo.primary, "select pg_is_in_recovery(), txid_current()")
    if rows[0][0]:
        raise DrillError(topo.primary.name, "is in recovery (not a primary)")
    if not pg_ops.streaming(topo.replica):
        raise DrillError(topo.replica.name, "is not a streaming standby")
    lsn = pg_ops.current_lsn(topo.primary)
    bound = topo.settings.max_replica_lag_s
    waited = procs.wait_for(
        f"{topo.replica.name} replay within {bound:.0f} s",
        lambda: pg_ops.replayed_to(topo.replica, lsn),
        bound,
    )
    return f"primary writable on {topo.primary.port}; replica streaming, caught up in {waited:.2f} s"


def check_redis(topo: RedisTopology) -> str:
    """Raise unless sentinel names the original primary, which is master, and the replica's link is up."""
    master = redis_ops.sentinel_master(topo)
    if master != topo.primary_port:
        raise DrillError("sentinel", f"names port {master} as master, expected {topo.primary_port}")
    if redis_ops.role(topo.primary_port) != "master":
        raise DrillError("redis-primary", "is not a master")
    if not redis_ops.replica_linked(topo.replica_port, topo.primary_port):
        raise DrillError("redis-replica", f"link to {topo.primary_port} is not up")
    return f"sentinel and roles agree: master {topo.primary_port}, replica {topo.replica_port} linked"


def check_app(topo: RolloutTopology) -> str:
    """Raise unless every instance and the gateway answer 200 on the health path."""
    for inst in topo.instances:
        status = http_status(inst.health_url, None, None)
        if status != 200:
            raise DrillError(inst.name, f"health answered {status}")
    url = topo.gateway_url.rstrip("/") + topo.settings.probe_path
    # a gateway with passive health checks takes a restarted upstream back only after its fail timeout
    waited = procs.wait_for(
        f"gateway {url} answering 200",
        lambda: http_status(url, topo.ca_file, topo.server_hostname) == 200,
        topo.settings.instance_timeout_s,
    )
    return f"{len(topo.instances)} instance(s) healthy; the gateway answered 200 after {waited:.1f} s"


def http_status(url: str, ca_file: str | None, server_hostname: str | None, timeout_s: float = 2.0) -> int:
    """Status code of a GET (0 when no response came back)."""
    context = None
    if url.startswith("https://"):
        cafile = str(project_root() / ca_file) if ca_file and not ca_file.startswith("/") else ca_file
        context = ssl.create_default_context(cafile=cafile)
        if server_hostname:
            context.check_hostname = False  # the certificate names `server_hostname`, we dial 127.0.0.1
    request = urllib.request.Request(url, headers={"Host": server_hostname} if server_hostname else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s, context=context) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


def steady_state(env: DrillEnv, parts: tuple[str, ...] = ("postgres", "redis", "rollout")) -> SteadyReport:
    """Check the named parts the target has; never raises."""
    checks = {
        "postgres": (env.postgres, check_postgres),
        "redis": (env.redis, check_redis),
        "rollout": (env.rollout, check_app),
    }
    details: dict[str, str] = {}
    problems: list[str] = []
    for name in parts:
        topo, check = checks[name]
        if topo is None:
            continue
        try:
            details[name] = check(topo)  # type: ignore[operator]
        except Exception as exc:
            details[name] = f"NOT STEADY: {exc}"
            problems.append(f"{name}: {exc}")
    return SteadyReport(details, tuple(problems))

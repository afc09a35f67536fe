"""Redis failover drill through sentinel: acknowledged canary writes, the primary paused (SIGSTOP), the time
until sentinel names a new master, the first acknowledged write after the fault, and acknowledged writes lost.

The undo resumes the old primary and has sentinel fail over back to it (redis_ops.restore_master), then
deletes the canary hash.
"""

from __future__ import annotations

from checks import procs
from checks.drills import nodes, redis_ops
from checks.drills.canary import Canary, RedisCanary
from checks.drills.failover import FailoverDrill, FailoverTiming
from checks.drills.harness import planned, run_drill
from checks.drills.nodes import DrillError
from checks.drills.recorder import Log, Recorder, stderr_log
from checks.drills.state import UndoAction
from checks.drills.steady import check_redis
from checks.drills.topology import DrillEnv, RedisTopology, require
from checks.drills.undo import DrillRun
from checks.evidence.drills import FailoverTimeline

DRILL = "redis_failover"


def canary_key(run_id: str) -> str:
    return f"claimcheck:canary:{run_id}"


class RedisFailover(FailoverDrill):
    """SIGSTOP the Redis primary; sentinel elects a new master."""

    name = DRILL
    part = "redis"
    system = "redis"
    writes_must_resume = True  # sentinel named a new master; writes that never reach it end the drill

    def __init__(self, env: DrillEnv, run_id: str) -> None:
        super().__init__(env, run_id)
        self.topo: RedisTopology = require(
            env.redis, env, "redis", "a Redis primary/replica/sentinel to drill"
        )
        self._pid: int | None = None

    def timing(self) -> FailoverTiming:
        s = self.topo.settings
        return FailoverTiming(s.warmup_s, s.observe_s, s.write_interval_s, s.failover_timeout_s, "sentinel")

    def plan(self) -> list[str]:
        topo, key = self.topo, canary_key(self.run_id)
        s = topo.settings
        return [
            f"HSET {key} on the master sentinel names ({topo.master_name}) every {s.write_interval_s:g} s",
            f"SIGSTOP the primary on port {topo.primary_port} (pid from {topo.primary.pidfile})",
            f"poll SENTINEL get-master-addr-by-name {topo.master_name} on port {topo.sentinel_port} "
            f"for up to {s.failover_timeout_s:g} s",
            f"restore: SIGCONT the primary, SENTINEL FAILOVER back to port {topo.primary_port}",
            f"DEL {key}",
        ]

    def steady(self) -> str:
        return check_redis(self.topo)

    def open_canary(self, run: DrillRun) -> Canary:
        canary = RedisCanary(self.topo, canary_key(self.run_id))
        run.register(UndoAction("redis.delete_key", {"key": canary.key}, f"DEL {canary.key}"))
        run.created("key", canary.key, f"redis master {self.topo.master_name}")
        return canary

    def arm(self, run: DrillRun) -> None:
        self._pid = nodes.pid(self.topo.primary)
        if self._pid is None:
            raise DrillError("redis-primary", f"no running process in {self.topo.primary.pidfile}")
        port = self.topo.primary_port
        what = f"resume redis {port} and fail back to it through sentinel"
        run.register(UndoAction("redis.restore_master", {"pid": self._pid}, what))

    def fault(self, run: DrillRun, rec: Recorder) -> float:
        if self._pid is None:
            raise RuntimeError("fault() before arm()")
        redis_ops.pause(self._pid)
        fault_t = rec.event("fault", f"SIGSTOP redis primary pid {self._pid} (port {self.topo.primary_port})")
        self._await_new_master(rec)
        return fault_t

    def _await_new_master(self, rec: Recorder) -> None:
        topo, timeout = self.topo, self.topo.settings.failover_timeout_s
        try:
            procs.wait_for(
                "sentinel electing a new master",
                lambda: redis_ops.sentinel_master(topo) != topo.primary_port,
                timeout,
                interval_s=0.05,
            )
        except procs.ProcError:
            rec.event("timeout", f"sentinel named no new master within {timeout:g} s")
            raise
        rec.event("new_master", f"sentinel names port {redis_ops.sentinel_master(topo)}")

    def obtained(self) -> str:
        return (
            f"drill: SIGSTOP of the Redis primary (port {self.topo.primary_port}), sentinel failover; "
            f"canary writes every {self.topo.settings.write_interval_s:g} s"
        )


def plan(env: DrillEnv, run_id: str) -> list[str]:
    """What the drill would touch (the dry run lists this and touches nothing)."""
    return planned(RedisFailover(env, run_id))


def run_redis_failover(env: DrillEnv, run_id: str, log: Log = stderr_log) -> FailoverTimeline:
    """Run the drill once; a drill that could not finish returns a timeline with `completed` False."""
    return run_drill(RedisFailover(env, run_id), log)

"""Redis failover drill through sentinel: acknowledged canary writes, the primary paused (SIGSTOP), the time
until sentinel names a new master, the first acknowledged write after the fault, and acknowledged writes lost.

The undo resumes the old primary and has sentinel fail over back to it (redis_ops.restore_master), then
deletes the canary hash.
"""

from __future__ import annotations

import time

from checks.drills import procs, redis_ops
from checks.drills.actions import executor
from checks.drills.canary import CanaryWriter, RedisCanary, integrity
from checks.drills.evidence import FailoverTimeline
from checks.drills.recorder import Log, Recorder, stderr_log
from checks.drills.state import UndoAction
from checks.drills.steady import check_redis, steady_state
from checks.drills.topology import DrillEnv, RedisTopology
from checks.drills.undo import DrillRun

DRILL = "redis_failover"


def _topology(env: DrillEnv) -> RedisTopology:
    if env.redis is None:
        raise procs.DrillError(
            "redis", f"target {env.target_name} has no Redis primary/replica/sentinel to drill"
        )
    return env.redis


def canary_key(run_id: str) -> str:
    return f"claimcheck:canary:{run_id}"


def plan(env: DrillEnv, run_id: str) -> list[str]:
    """What the drill would touch (the dry run lists this and touches nothing)."""
    topo = _topology(env)
    s = topo.settings
    return [
        f"HSET {canary_key(run_id)} on the master sentinel names ({topo.master_name}) "
        f"every {s.write_interval_s:g} s",
        f"SIGSTOP the primary on port {topo.primary_port} (pid from {topo.primary.pidfile})",
        f"poll SENTINEL get-master-addr-by-name {topo.master_name} on port {topo.sentinel_port} "
        f"for up to {s.failover_timeout_s:g} s",
        f"restore: SIGCONT the primary, SENTINEL FAILOVER back to port {topo.primary_port}",
        f"DEL {canary_key(run_id)}",
        f"state file {env.state_dir}/{run_id}.{DRILL}.json",
    ]


def run_redis_failover(env: DrillEnv, run_id: str, log: Log = stderr_log) -> FailoverTimeline:
    """Run the drill once; a drill that could not finish returns a timeline with `completed` False."""
    topo = _topology(env)
    rec = Recorder(run_id, log)
    run = DrillRun(
        env.state_dir,
        run_id,
        DRILL,
        env.target_name,
        executor(env, log),
        verify=lambda: steady_state(env, ("redis",)).to_dict(),
    )
    failure: BaseException | None = None
    try:
        with run:
            _drill(run, topo, rec)
    except KeyboardInterrupt:
        rec.finish(run.state, None)
        raise
    except Exception as exc:
        failure = exc
    rec.finish(run.state, failure)
    s = topo.settings
    return rec.failover("redis", "sentinel", s.failover_timeout_s, s.write_interval_s)


def _drill(run: DrillRun, topo: RedisTopology, rec: Recorder) -> None:
    s = topo.settings
    run.phase("steady_before")
    try:
        before = check_redis(topo)
    except Exception as exc:
        raise procs.DrillError("steady state before the drill", str(exc)) from exc
    run.phase("steady_before", steady_before=before)
    rec.event("steady", before)
    canary = RedisCanary(topo, canary_key(rec.run_id))
    run.register(UndoAction("redis.delete_key", {"key": canary.key}, f"DEL {canary.key}"))
    run.created("key", canary.key, f"redis master {topo.master_name}")
    writer = CanaryWriter(canary.write, canary.reset, s.write_interval_s, rec.origin)
    run.defer(writer.stop)
    writer.start()
    run.phase("warmup")
    time.sleep(s.warmup_s)
    pid = redis_ops.primary_pid(topo)
    if pid is None:
        raise procs.DrillError("redis-primary", f"no running process in {topo.primary.pidfile}")
    run.register(
        UndoAction(
            "redis.restore_master",
            {"pid": pid},
            f"resume redis {topo.primary_port} and fail back to it through sentinel",
        )
    )
    run.phase("fault")
    redis_ops.pause(pid)
    fault = rec.event("fault", f"SIGSTOP redis primary pid {pid} (port {topo.primary_port})")
    _await_new_master(topo, rec)
    run.phase("observe")
    _await_first_write(writer, fault, s.failover_timeout_s, rec)
    time.sleep(s.observe_s)
    writer.stop()
    rec.writes = writer.writes()
    rec.lost, rec.duplicates = integrity([w.seq for w in rec.writes if w.ok], canary.surviving())
    rec.event("integrity", f"{len(rec.lost)} acknowledged write(s) lost, {len(rec.duplicates)} duplicate(s)")
    rec.completed = True


def _await_new_master(topo: RedisTopology, rec: Recorder) -> None:
    timeout = topo.settings.failover_timeout_s
    try:
        procs.wait_for(
            "sentinel electing a new master",
            lambda: redis_ops.sentinel_master(topo) != topo.primary_port,
            timeout,
            interval_s=0.05,
        )
    except procs.DrillError:
        rec.event("timeout", f"sentinel named no new master within {timeout:g} s")
        raise
    rec.event("new_master", f"sentinel names port {redis_ops.sentinel_master(topo)}")


def _await_first_write(writer: CanaryWriter, fault: float, timeout_s: float, rec: Recorder) -> None:
    procs.wait_for(
        "first write after the fault",
        lambda: writer.first_ok_after(fault) is not None,
        timeout_s,
        interval_s=0.01,
    )
    rec.event("first_success", "first acknowledged write on the new master", at=writer.first_ok_after(fault))

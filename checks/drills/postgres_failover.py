"""PostgreSQL failover drill: canary writes, the primary killed, the replica promoted, RTO/RPO measured.

RTO = first acknowledged write after the fault - fault time. RPO = newest acknowledged write missing on the
new primary - the newest surviving write before it (0 when nothing acknowledged was lost). The undo brings
the original topology back (see pg_recover) and drops the canary table.
"""

from __future__ import annotations

import time

from checks.drills import pg_ops, procs
from checks.drills.actions import executor
from checks.drills.canary import CanaryWriter, PgCanary, canary_table, integrity
from checks.drills.evidence import FailoverTimeline
from checks.drills.recorder import Log, Recorder, stderr_log
from checks.drills.state import UndoAction
from checks.drills.steady import steady_state
from checks.drills.topology import DrillEnv, PgTopology
from checks.drills.undo import DrillRun

DRILL = "postgres_failover"


def _topology(env: DrillEnv) -> PgTopology:
    if env.postgres is None:
        raise procs.DrillError(
            "postgres", f"target {env.target_name} has no PostgreSQL primary/replica to drill"
        )
    return env.postgres


def plan(env: DrillEnv, run_id: str) -> list[str]:
    """What the drill would touch (the dry run lists this and touches nothing)."""
    topo = _topology(env)
    p, r, s = topo.primary, topo.replica, topo.settings
    promote = (
        f"promote {r.name} (port {r.port}) with pg_promote() {s.promote_after_s:g} s after the fault"
        if s.promotion == "drill"
        else "wait for the platform's automation to promote a replica"
    )
    return [
        f"create table {canary_table(run_id)} in database {topo.dbname} on {p.name} (port {p.port})",
        f"insert a canary row every {s.write_interval_s:g} s for {s.warmup_s:g} s before the fault",
        f"SIGKILL the postmaster of {p.name} (pid from {p.data_dir}/postmaster.pid) and its backends",
        promote,
        f"restore: rebuild {p.data_dir} as a standby of {r.name} (pg_basebackup), switch back, "
        f"rebuild {r.data_dir} as a standby of {p.name}",
        f"drop table {canary_table(run_id)}",
        f"state file {env.state_dir}/{run_id}.{DRILL}.json",
    ]


def run_postgres_failover(env: DrillEnv, run_id: str, log: Log = stderr_log) -> FailoverTimeline:
    """Run the drill once; a drill that could not finish returns a timeline with `completed` False."""
    topo = _topology(env)
    rec = Recorder(run_id, log)
    run = DrillRun(
        env.state_dir,
        run_id,
        DRILL,
        env.target_name,
        executor(env, log),
        verify=lambda: steady_state(env, ("postgres",)).to_dict(),
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
    return rec.failover("postgres", s.promotion, s.rto_timeout_s, s.write_interval_s)


def _drill(run: DrillRun, topo: PgTopology, rec: Recorder) -> None:
    s = topo.settings
    run.phase("steady_before")
    before = steady_state_pg(topo)
    run.phase("steady_before", steady_before=before)
    rec.event("steady", before)
    canary = PgCanary(topo, canary_table(rec.run_id))
    run.register(UndoAction("pg.drop_table", {"table": canary.table}, f"drop table {canary.table}"))
    canary.create()
    run.created("table", canary.table, f"{topo.dbname} on {topo.primary.name}")
    writer = CanaryWriter(canary.write, canary.reset, s.write_interval_s, rec.origin)
    run.defer(writer.stop)
    writer.start()
    run.phase("warmup")
    time.sleep(s.warmup_s)
    run.register(
        UndoAction(
            "pg.restore_topology",
            {},
            f"restore {topo.primary.name} as primary, {topo.replica.name} streaming",
        )
    )
    run.phase("fault")
    pid = pg_ops.kill(topo.primary)
    fault = rec.event("fault", f"SIGKILL postmaster {pid} of {topo.primary.name}")
    _promote(topo, rec)
    run.phase("observe")
    _await_first_write(writer, fault, s.rto_timeout_s, rec)
    time.sleep(s.observe_s)
    writer.stop()
    rec.writes = writer.writes()
    rec.lost, rec.duplicates = integrity([w.seq for w in rec.writes if w.ok], canary.surviving())
    rec.event("integrity", f"{len(rec.lost)} acknowledged write(s) lost, {len(rec.duplicates)} duplicate(s)")
    rec.completed = True


def steady_state_pg(topo: PgTopology) -> str:
    """The PostgreSQL steady-state check; raises DrillError naming what is not steady."""
    from checks.drills.steady import check_postgres

    try:
        return check_postgres(topo)
    except Exception as exc:
        raise procs.DrillError("steady state before the drill", str(exc)) from exc


def _promote(topo: PgTopology, rec: Recorder) -> None:
    s = topo.settings
    if s.promotion == "automatic":
        procs.wait_for(
            "a promoted replica", lambda: pg_ops.role(topo.replica) == pg_ops.PRIMARY, s.rto_timeout_s
        )
        rec.event("promotion", f"{topo.replica.name} promoted by the platform")
        return
    time.sleep(s.promote_after_s)
    pg_ops.promote(topo.replica)
    rec.event("promotion", f"pg_promote() on {topo.replica.name} returned")


def _await_first_write(writer: CanaryWriter, fault: float, timeout_s: float, rec: Recorder) -> None:
    try:
        procs.wait_for(
            "first write after the fault",
            lambda: writer.first_ok_after(fault) is not None,
            timeout_s,
            interval_s=0.01,
        )
    except procs.DrillError:
        rec.event("timeout", f"no acknowledged write within {timeout_s:g} s of the fault")
        return
    first = writer.first_ok_after(fault)
    rec.event("first_success", "first acknowledged write on the new primary", at=first)

"""PostgreSQL failover drill: canary writes, the primary killed, the replica promoted, RTO/RPO measured.

RTO = first acknowledged write after the fault - fault time. RPO = newest acknowledged write missing on the
new primary - the newest surviving write before it (0 when nothing acknowledged was lost). The undo brings
the original topology back (see pg_recover) and drops the canary table.
"""

from __future__ import annotations

import time

from checks import procs
from checks.drills import pg_ops
from checks.drills.canary import Canary, PgCanary, canary_table
from checks.drills.failover import FailoverDrill, FailoverTiming
from checks.drills.harness import planned, run_drill
from checks.drills.recorder import Log, Recorder, stderr_log
from checks.drills.state import UndoAction
from checks.drills.steady import check_postgres
from checks.drills.topology import DrillEnv, PgTopology, require
from checks.drills.undo import DrillRun
from checks.evidence.drills import FailoverTimeline

DRILL = "postgres_failover"


class PostgresFailover(FailoverDrill):
    """SIGKILL the primary's postmaster; the drill (or the platform) promotes the replica."""

    name = DRILL
    part = "postgres"
    system = "postgres"

    def __init__(self, env: DrillEnv, run_id: str) -> None:
        super().__init__(env, run_id)
        self.topo: PgTopology = require(
            env.postgres, env, "postgres", "a PostgreSQL primary/replica to drill"
        )

    def timing(self) -> FailoverTiming:
        s = self.topo.settings
        return FailoverTiming(s.warmup_s, s.observe_s, s.write_interval_s, s.rto_timeout_s, s.promotion)

    def plan(self) -> list[str]:
        topo, run_id = self.topo, self.run_id
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
        ]

    def steady(self) -> str:
        return check_postgres(self.topo)

    def open_canary(self, run: DrillRun) -> Canary:
        canary = PgCanary(self.topo, canary_table(self.run_id))
        run.register(UndoAction("pg.drop_table", {"table": canary.table}, f"drop table {canary.table}"))
        canary.create()
        run.created("table", canary.table, f"{self.topo.dbname} on {self.topo.primary.name}")
        return canary

    def arm(self, run: DrillRun) -> None:
        p, r = self.topo.primary.name, self.topo.replica.name
        run.register(UndoAction("pg.restore_topology", {}, f"restore {p} as primary, {r} streaming"))

    def fault(self, run: DrillRun, rec: Recorder) -> float:
        pid = pg_ops.kill(self.topo.primary)
        fault_t = rec.event("fault", f"SIGKILL postmaster {pid} of {self.topo.primary.name}")
        self._promote(rec)
        return fault_t

    def _promote(self, rec: Recorder) -> None:
        topo, s = self.topo, self.topo.settings
        if s.promotion == "automatic":
            procs.wait_for(
                "a promoted replica", lambda: pg_ops.role(topo.replica) == pg_ops.PRIMARY, s.rto_timeout_s
            )
            rec.event("promotion", f"{topo.replica.name} promoted by the platform")
            return
        time.sleep(s.promote_after_s)
        pg_ops.promote(topo.replica)
        rec.event("promotion", f"pg_promote() on {topo.replica.name} returned")

    def obtained(self) -> str:
        s = self.topo.settings
        return (
            f"drill: SIGKILL of {self.topo.primary.name}, {s.promotion} promotion "
            f"{s.promote_after_s:g} s later; canary writes every {s.write_interval_s:g} s"
        )


def plan(env: DrillEnv, run_id: str) -> list[str]:
    """What the drill would touch (the dry run lists this and touches nothing)."""
    return planned(PostgresFailover(env, run_id))


def run_postgres_failover(env: DrillEnv, run_id: str, log: Log = stderr_log) -> FailoverTimeline:
    """Run the drill once; a drill that could not finish returns a timeline with `completed` False."""
    return run_drill(PostgresFailover(env, run_id), log)

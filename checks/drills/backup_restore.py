"""Backup and restore drill: pg_dump of the live database restored into a scratch instance the drill creates.

Measured: backup time, restore time (pg_restore until the restored data answers a query) and the age of the
newest restored record (a marker row the drill writes just before the backup) when the restore finished.
The scratch instance listens on a socket only, in a directory labelled with the run id, and is removed by the
undo together with the marker table.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

from checks.drills import pg_ops, procs
from checks.drills.actions import SCRATCH_MARKER, executor
from checks.drills.canary import canary_table
from checks.drills.evidence import RestoreResult
from checks.drills.postgres_failover import steady_state_pg
from checks.drills.recorder import Log, Recorder, stderr_log
from checks.drills.state import UndoAction
from checks.drills.steady import steady_state
from checks.drills.topology import DrillEnv, PgNodeBinding, PgTopology
from checks.drills.undo import DrillRun

DRILL = "backup_restore"


def _topology(env: DrillEnv) -> PgTopology:
    if env.postgres is None:
        raise procs.DrillError("postgres", f"target {env.target_name} has no PostgreSQL to back up")
    return env.postgres


def plan(env: DrillEnv, run_id: str) -> list[str]:
    """What the drill would touch (the dry run lists this and touches nothing)."""
    topo = _topology(env)
    return [
        f"create table {_marker_table(run_id)} in {topo.dbname} on {topo.primary.name} with one marker row",
        f"pg_dumpall --roles-only and pg_dump -Fc of {topo.dbname} (read-only on the primary)",
        f"initdb a scratch instance in {_scratch_parent(env)}/claimcheck-scratch-{run_id}-* (socket only)",
        "pg_restore into it, count the marker rows, then stop and delete the scratch instance",
        f"drop table {_marker_table(run_id)}",
        f"state file {env.state_dir}/{run_id}.{DRILL}.json",
    ]


def _marker_table(run_id: str) -> str:
    return canary_table(run_id) + "_backup"


def _scratch_parent(env: DrillEnv) -> str:
    return env.backup.scratch_dir if env.backup and env.backup.scratch_dir else tempfile.gettempdir()


def run_backup_restore(env: DrillEnv, run_id: str, log: Log = stderr_log) -> RestoreResult:
    """Run the drill once; a drill that could not finish returns a result with `completed` False."""
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
    out = _Measured()
    failure: BaseException | None = None
    try:
        with run:
            _drill(run, env, topo, rec, out)
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        failure = exc
    rec.finish(run.state, failure)
    source = env.backup.source if env.backup else "drill"
    done = rec.completed and rec.error is None
    return RestoreResult(
        run_id,
        source,
        out.backup_s,
        out.restore_s,
        out.age_s,
        out.rows,
        out.archive_mode,
        done,
        rec.error,
        tuple(rec.events),
    )


@dataclass
class _Measured:
    backup_s: float | None = None
    restore_s: float | None = None
    age_s: float | None = None
    rows: int = 0
    archive_mode: str | None = None


def _drill(run: DrillRun, env: DrillEnv, topo: PgTopology, rec: Recorder, out: _Measured) -> None:
    run.phase("steady_before", steady_before=steady_state_pg(topo))
    table = _marker_table(rec.run_id)
    run.register(UndoAction("pg.drop_table", {"table": table}, f"drop table {table}"))
    ddl = f"create table {table} (seq bigint, written_at timestamptz default clock_timestamp())"
    pg_ops.query(topo.primary, ddl, dbname=topo.dbname)
    run.created("table", table, f"{topo.dbname} on {topo.primary.name}")
    pg_ops.query(topo.primary, f"insert into {table} (seq) values (1)", dbname=topo.dbname)
    out.archive_mode = str(pg_ops.query(topo.primary, "show archive_mode")[0][0])
    root = Path(tempfile.mkdtemp(prefix=f"claimcheck-scratch-{rec.run_id}-", dir=_scratch_parent(env)))
    run.register(UndoAction("scratch.remove", {"root": str(root)}, f"stop and delete scratch {root}"))
    (root / SCRATCH_MARKER).write_text(f"run {rec.run_id}\n")
    run.created("scratch-instance", str(root), "local filesystem")
    scratch = _scratch_node(topo, root)
    run.phase("backup")
    t0 = rec.event("backup_start")
    _dump(topo, root)
    out.backup_s = rec.event("backup_done") - t0
    _start_scratch(scratch, topo.primary.user)
    run.phase("restore")
    t1 = rec.event("restore_start")
    out.rows, out.age_s = _restore(topo, scratch, root, table)
    out.restore_s = rec.event("restore_done", f"{out.rows} marker row(s) restored") - t1
    rec.completed = True


def _scratch_node(topo: PgTopology, root: Path) -> PgNodeBinding:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    data = root / "data"
    argv = (
        str(Path(topo.primary.argv[0])),
        "-D",
        str(data),
        "-c",
        f"port={port}",
        "-c",
        "listen_addresses=",
        "-c",
        f"unix_socket_directories={root}",
    )
    return PgNodeBinding(
        name="pg-scratch",
        argv=argv,
        markers=("postgres", str(data)),
        log=str(root / "pg.log"),
        user=topo.primary.user,
        port=port,
        data_dir=str(data),
        socket_dir=str(root),
    )


def _tool(topo: PgTopology, name: str) -> str:
    return str(Path(topo.primary.argv[0]).with_name(name))


def _dump(topo: PgTopology, root: Path) -> None:
    user = topo.primary.user
    if user:
        shutil.chown(root, user, user)
    conn = f"host={topo.primary.socket_dir} port={topo.primary.port} user=postgres"
    procs.run(
        [_tool(topo, "pg_dumpall"), "--roles-only", "-d", conn, "-f", str(root / "roles.sql")], user=user
    )
    procs.run(
        [_tool(topo, "pg_dump"), "-Fc", "-d", f"{conn} dbname={topo.dbname}", "-f", str(root / "db.dump")],
        user=user,
    )


def _start_scratch(node: PgNodeBinding, user: str | None) -> None:
    procs.run(
        [
            str(Path(node.argv[0]).with_name("initdb")),
            "-D",
            node.data_dir,
            "-A",
            "trust",
            "-U",
            "postgres",
            "--locale=C",
            "-E",
            "UTF8",
        ],
        user=user,
    )
    pg_ops.start(node)


def _restore(topo: PgTopology, node: PgNodeBinding, root: Path, table: str) -> tuple[int, float]:
    conn = f"host={node.socket_dir} port={node.port} user=postgres"
    procs.run(
        [_tool(topo, "psql"), "-q", "-d", f"{conn} dbname=postgres", "-f", str(root / "roles.sql")],
        user=node.user,
    )
    pg_ops.query(node, f'create database "{topo.dbname}"')
    procs.run(
        [
            _tool(topo, "pg_restore"),
            "--exit-on-error",
            "-d",
            f"{conn} dbname={topo.dbname}",
            str(root / "db.dump"),
        ],
        user=node.user,
    )
    rows = pg_ops.query(
        node,
        f"select count(*), extract(epoch from clock_timestamp() - max(written_at)) from {table}",
        dbname=topo.dbname,
    )
    count, age = rows[0]
    return int(count), float(age) if age is not None else float("nan")

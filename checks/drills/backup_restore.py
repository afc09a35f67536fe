"""Backup and restore drill: pg_dump of the live database restored into a scratch instance the drill creates.

Measured: backup time, restore time (pg_restore until the restored data answers a query) and the age of the
newest restored record (a marker row the drill writes just before the backup) when the restore finished.
The scratch instance listens on a socket only, in a directory labelled with the run id, and is removed by the
undo together with the marker table. The "fault" is the loss of the database: its data comes back from the
backup alone.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

from checks import procs
from checks.drills import pg_ops
from checks.drills.actions import SCRATCH_MARKER
from checks.drills.canary import canary_table
from checks.drills.harness import Drill, planned, run_drill
from checks.drills.recorder import Log, Recorder, stderr_log
from checks.drills.state import UndoAction
from checks.drills.steady import check_postgres
from checks.drills.topology import DrillEnv, PgNodeBinding, PgTopology, require
from checks.drills.undo import DrillRun
from checks.evidence.drills import RestoreResult

DRILL = "backup_restore"


@dataclass
class _Measured:
    backup_s: float | None = None
    restore_s: float | None = None
    age_s: float | None = None
    rows: int = 0
    archive_mode: str | None = None
    root: Path | None = None


def _marker_table(run_id: str) -> str:
    return canary_table(run_id) + "_backup"


class BackupRestore(Drill[RestoreResult]):
    """Dump the live database, restore it into a scratch instance, read the newest restored record."""

    name = DRILL
    part = "postgres"

    def __init__(self, env: DrillEnv, run_id: str) -> None:
        super().__init__(env, run_id)
        self.topo: PgTopology = require(env.postgres, env, "postgres", "a PostgreSQL to back up")
        self.table = _marker_table(run_id)
        self.out = _Measured()

    def _scratch_parent(self) -> str:
        backup = self.env.backup
        return backup.scratch_dir if backup and backup.scratch_dir else tempfile.gettempdir()

    def plan(self) -> list[str]:
        topo, run_id = self.topo, self.run_id
        return [
            f"create table {self.table} in {topo.dbname} on {topo.primary.name} with one marker row",
            f"pg_dumpall --roles-only and pg_dump -Fc of {topo.dbname} (read-only on the primary)",
            f"initdb a scratch instance in {self._scratch_parent()}/claimcheck-scratch-{run_id}-* "
            "(socket only)",
            "pg_restore into it, count the marker rows, then stop and delete the scratch instance",
            f"drop table {self.table}",
        ]

    def steady(self) -> str:
        return check_postgres(self.topo)

    def probe(self, run: DrillRun, rec: Recorder) -> None:
        """The marker row: the newest record the restore must bring back."""
        topo, table = self.topo, self.table
        run.register(UndoAction("pg.drop_table", {"table": table}, f"drop table {table}"))
        ddl = f"create table {table} (seq bigint, written_at timestamptz default clock_timestamp())"
        pg_ops.query(topo.primary, ddl, dbname=topo.dbname)
        run.created("table", table, f"{topo.dbname} on {topo.primary.name}")
        pg_ops.query(topo.primary, f"insert into {table} (seq) values (1)", dbname=topo.dbname)
        self.out.archive_mode = str(pg_ops.query(topo.primary, "show archive_mode")[0][0])

    def arm(self, run: DrillRun) -> None:
        prefix = f"claimcheck-scratch-{self.run_id}-"
        root = self.out.root = Path(tempfile.mkdtemp(prefix=prefix, dir=self._scratch_parent()))
        run.register(UndoAction("scratch.remove", {"root": str(root)}, f"stop and delete scratch {root}"))
        (root / SCRATCH_MARKER).write_text(f"run {self.run_id}\n")
        run.created("scratch-instance", str(root), "local filesystem")

    def fault(self, run: DrillRun, rec: Recorder) -> float:
        """Take the backup; from here on the database counts as lost."""
        t0 = rec.event("backup_start")
        _dump(self.topo, self._root())
        self.out.backup_s = rec.event("backup_done") - t0
        return t0

    def recover(self, run: DrillRun, rec: Recorder, fault_t: float) -> None:
        root = self._root()
        scratch = _scratch_node(self.topo, root)
        _start_scratch(scratch, self.topo.primary.user)
        t1 = rec.event("restore_start")
        self.out.rows, self.out.age_s = _restore(self.topo, scratch, root, self.table)
        self.out.restore_s = rec.event("restore_done", f"{self.out.rows} marker row(s) restored") - t1

    def _root(self) -> Path:
        if self.out.root is None:
            raise RuntimeError("the scratch directory is made in arm()")
        return self.out.root

    def evidence(self, rec: Recorder) -> RestoreResult:
        out = self.out
        return RestoreResult(
            self.run_id,
            self.env.backup.source if self.env.backup else "drill",
            out.backup_s,
            out.restore_s,
            out.age_s,
            out.rows,
            out.archive_mode,
            rec.completed and rec.error is None,
            rec.error,
            tuple(rec.events),
            target=self.env.target_name,
            obtained="drill: pg_dump of the live database restored into a scratch instance",
        )


def plan(env: DrillEnv, run_id: str) -> list[str]:
    """What the drill would touch (the dry run lists this and touches nothing)."""
    return planned(BackupRestore(env, run_id))


def run_backup_restore(env: DrillEnv, run_id: str, log: Log = stderr_log) -> RestoreResult:
    """Run the drill once; a drill that could not finish returns a result with `completed` False."""
    return run_drill(BackupRestore(env, run_id), log)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _scratch_node(topo: PgTopology, root: Path) -> PgNodeBinding:
    port, data = _free_port(), root / "data"
    settings = (f"port={port}", "listen_addresses=", f"unix_socket_directories={root}")
    argv = (str(Path(topo.primary.argv[0])), "-D", str(data), *(a for s in settings for a in ("-c", s)))
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
    roles = [_tool(topo, "pg_dumpall"), "--roles-only", "-d", conn, "-f", str(root / "roles.sql")]
    procs.run(roles, user=user)
    dump = [_tool(topo, "pg_dump"), "-Fc", "-d", f"{conn} dbname={topo.dbname}", "-f", str(root / "db.dump")]
    procs.run(dump, user=user)


def _start_scratch(node: PgNodeBinding, user: str | None) -> None:
    initdb = str(Path(node.argv[0]).with_name("initdb"))
    procs.run(
        [initdb, "-D", node.data_dir, "-A", "trust", "-U", "postgres", "--locale=C", "-E", "UTF8"], user=user
    )
    pg_ops.start(node)


def _restore(topo: PgTopology, node: PgNodeBinding, root: Path, table: str) -> tuple[int, float]:
    conn = f"host={node.socket_dir} port={node.port} user=postgres"
    roles = [_tool(topo, "psql"), "-q", "-d", f"{conn} dbname=postgres", "-f", str(root / "roles.sql")]
    procs.run(roles, user=node.user)
    pg_ops.query(node, f'create database "{topo.dbname}"')
    db = f"{conn} dbname={topo.dbname}"
    procs.run([_tool(topo, "pg_restore"), "--exit-on-error", "-d", db, str(root / "db.dump")], user=node.user)
    rows = pg_ops.query(
        node,
        f"select count(*), extract(epoch from clock_timestamp() - max(written_at)) from {table}",
        dbname=topo.dbname,
    )
    count, age = rows[0]
    return int(count), float(age) if age is not None else float("nan")

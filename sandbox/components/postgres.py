"""PostgreSQL primary and streaming replica, run as the `postgres` user on loopback.

Local-socket connections of `postgres` are trusted (provisioning only); every TCP connection on 127.0.0.1
authenticates with a SCRAM password. The replica is a pg_basebackup -R copy streaming from the primary, so
replication lag is visible in pg_stat_replication (primary) and pg_last_xact_replay_timestamp() (replica).
"""

from __future__ import annotations

import glob
import shutil
from pathlib import Path
from typing import Any

from psycopg import sql

from sandbox import procs
from sandbox.components.base import ProcessComponent, RunContext, is_root
from sandbox.errors import SandboxError, StartupFailed
from sandbox.secrets_env import APP_DB_PASSWORD, REPLICATION_PASSWORD

REPLICATION_ROLE = "replicator"
HBA = """# Written by sandbox.components.postgres. Socket: postgres only (trust) + scram; TCP: scram only.
local   all             postgres                    trust
local   replication     postgres                    trust
local   all             all                         scram-sha-256
host    replication     {repl}    127.0.0.1/32      scram-sha-256
host    all             all       127.0.0.1/32      scram-sha-256
"""


def pg_bin(tool: str) -> str:
    """Absolute path of a PostgreSQL server tool (highest installed major version)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), key=lambda p: int(p.split("/")[4]))
    path = found[-1] if found else shutil.which(tool)
    if not path:
        raise SandboxError("postgres", f"{tool} not found (install the postgresql package)")
    return path


def db_user() -> str | None:
    """PostgreSQL refuses to run as root: as root, run it as `postgres`."""
    return "postgres" if is_root() else None


def admin_dsn(sock_dir: Path, port: int, dbname: str = "postgres") -> str:
    """libpq DSN of the trusted local superuser over the node's socket directory."""
    return f"host={sock_dir} port={port} user=postgres dbname={dbname} connect_timeout=3"


def query(
    dsn: str, statement: str | sql.Composable, params: tuple[Any, ...] = (), *, autocommit: bool = True
) -> list[tuple[Any, ...]]:
    """Run one statement and return its rows (empty for statements without a result)."""
    import psycopg

    with psycopg.connect(dsn, autocommit=autocommit) as conn, conn.cursor() as cur:
        cur.execute(statement, params)  # type: ignore[arg-type]
        return list(cur.fetchall()) if cur.description else []


def _owned_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    if is_root():
        shutil.chown(path, "postgres", "postgres")
        if procs.run(["test", "-w", str(path)], user="postgres", check=False).returncode != 0:
            raise SandboxError(
                "postgres",
                f"user postgres cannot write {path}: its parents must be "
                "world-executable (chmod o+x) or choose another run dir",
            )


class _PgNode(ProcessComponent):
    stop_signal = 2  # SIGINT = fast shutdown
    stop_timeout_s = 30.0
    node = "pg-primary"

    def port(self, ctx: RunContext) -> int:
        return ctx.cfg.ports.pg_primary

    def home(self, ctx: RunContext) -> Path:
        return ctx.cfg.path(self.node)

    def data(self, ctx: RunContext) -> Path:
        return self.home(ctx) / "data"

    def address(self, ctx: RunContext) -> str:
        return f"127.0.0.1:{self.port(ctx)}"

    def listen_ports(self, ctx: RunContext) -> list[int]:
        return [self.port(ctx)]

    def dsn(self, ctx: RunContext, dbname: str = "postgres") -> str:
        return admin_dsn(self.home(ctx), self.port(ctx), dbname)

    def spec(self, ctx: RunContext) -> procs.ProcSpec:
        data = self.data(ctx)
        settings = {
            "port": self.port(ctx),
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": self.home(ctx),
            "wal_level": "replica",
            "max_wal_senders": 10,
            "wal_keep_size": "128MB",
            "hot_standby": "on",
            "shared_buffers": "64MB",
            "password_encryption": "scram-sha-256",
            "track_commit_timestamp": "on",
        }
        argv = [pg_bin("postgres"), "-D", str(data)]
        for key, value in settings.items():
            argv += ["-c", f"{key}={value}"]
        log = ctx.cfg.path("logs", f"{self.name}.log")
        return procs.ProcSpec(self.name, argv, ("postgres", f"-D {data}"), log, user=db_user())


class PgPrimary(_PgNode):
    """The primary: initdb on first start, SCRAM-only TCP, then the app's provisioning."""

    name = "pg-primary"
    node = "pg-primary"

    def prepare(self, ctx: RunContext) -> None:
        """initdb once (trust on the socket only), then (re)write pg_hba.conf."""
        _owned_dir(self.home(ctx))
        data = self.data(ctx)
        if not (data / "PG_VERSION").exists():
            shutil.rmtree(data, ignore_errors=True)
            shutil.rmtree(ctx.cfg.path("pg-replica", "data"), ignore_errors=True)  # a clone of the old one
            procs.run(
                [
                    pg_bin("initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--locale=C",
                ],
                user=db_user(),
                timeout_s=120,
            )
        (data / "pg_hba.conf").write_text(HBA.format(repl=REPLICATION_ROLE))
        self.marker(ctx).unlink(missing_ok=True)

    def marker(self, ctx: RunContext) -> Path:
        """Written after provisioning succeeded; the primary is healthy only with it."""
        return self.home(ctx) / "provisioned.ok"

    def check(self, ctx: RunContext) -> str:
        """Accepts SQL, is not in recovery, and was provisioned."""
        rows = query(self.dsn(ctx), "select pg_is_in_recovery(), (select count(*) from pg_stat_replication)")
        if rows[0][0]:
            raise SandboxError(self.name, "is in recovery (not a primary)")
        if not self.marker(ctx).exists():
            raise SandboxError(self.name, "not provisioned")
        return f"primary, {rows[0][1]} streaming replica(s), db {ctx.cfg.database}"

    def _ready(self, ctx: RunContext, spec: procs.ProcSpec) -> bool:
        if self.pid(ctx) is None:
            raise StartupFailed(self.name, f"exited during start-up; see {spec.log}")
        query(self.dsn(ctx), "select 1")
        return True

    def after_start(self, ctx: RunContext) -> None:
        """Replication role, then sandbox.app.provision.provision_database (database, roles, RLS, seed)."""
        password = ctx.secrets[REPLICATION_PASSWORD]
        exists = query(self.dsn(ctx), "select 1 from pg_roles where rolname = %s", (REPLICATION_ROLE,))
        verb = "alter" if exists else "create"
        statement = sql.SQL(verb + " role {} with replication login password {}")
        query(self.dsn(ctx), statement.format(sql.Identifier(REPLICATION_ROLE), sql.Literal(password)))
        provision(ctx, self.dsn(ctx, ctx.cfg.database))
        self.marker(ctx).write_text("ok\n")


def tenant_specs(ctx: RunContext) -> list[Any]:
    """The app's TenantSpec objects with this run's generated passwords and API keys."""
    from sandbox.app.config import TenantSpec

    return [
        TenantSpec(
            slug=t.slug,
            name=t.name,
            tier=t.tier,
            vertical=t.vertical,
            db_role=t.db_role,
            db_password=ctx.secrets[f"{t.env_prefix}_DB_PASSWORD"],
            api_key=ctx.secrets[f"{t.env_prefix}_API_KEY"],
        )
        for t in ctx.cfg.tenants
    ]


def provision(ctx: RunContext, dsn: str) -> None:
    """Roles, schema, RLS and seed data, owned by the app helper's module."""
    from sandbox.app.provision import provision_database

    provision_database(dsn, ctx.cfg.app_role, ctx.secrets[APP_DB_PASSWORD], tenant_specs(ctx))


class PgReplica(_PgNode):
    """A hot standby cloned with pg_basebackup -R over TCP (SCRAM) from the primary."""

    name = "pg-replica"
    node = "pg-replica"

    def port(self, ctx: RunContext) -> int:
        return ctx.cfg.ports.pg_replica

    def prepare(self, ctx: RunContext) -> None:
        """Clone the primary once; later starts reuse the standby's data directory."""
        _owned_dir(self.home(ctx))
        data = self.data(ctx)
        if (data / "standby.signal").exists():
            return
        shutil.rmtree(data, ignore_errors=True)
        conninfo = (
            f"host=127.0.0.1 port={ctx.cfg.ports.pg_primary} user={REPLICATION_ROLE} "
            f"password={ctx.secrets[REPLICATION_PASSWORD]} application_name={self.name}"
        )
        procs.run(
            [pg_bin("pg_basebackup"), "-D", str(data), "-R", "-X", "stream", "-c", "fast", "-d", conninfo],
            user=db_user(),
            timeout_s=300,
        )

    def check(self, ctx: RunContext) -> str:
        """In recovery, WAL receiver streaming; reports the replay delay."""
        rows = query(
            self.dsn(ctx),
            "select pg_is_in_recovery(), (select status from pg_stat_wal_receiver), "
            "extract(epoch from now() - pg_last_xact_replay_timestamp())",
        )
        recovering, receiver, lag = rows[0]
        if not recovering or receiver != "streaming":
            raise SandboxError(
                self.name, f"not a streaming standby (recovery={recovering}, receiver={receiver})"
            )
        lag_text = "n/a" if lag is None else f"{float(lag):.1f} s since last replayed commit"
        return f"standby streaming from primary; {lag_text}"

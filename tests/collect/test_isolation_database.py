"""The database isolation collector against a throwaway PostgreSQL provisioned like the sandbox (per-tenant
roles, forced RLS, an enterprise schema), then deliberately broken: the same probes must see the leak.

Skipped (with the reason) when the PostgreSQL binaries are missing.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from checks.collect.isolation.database import collect_database_isolation
from checks.errors import AccessDenied
from checks.evaluate.isolation import tenants_isolated_in_database
from checks.ledger import Claim, Source
from checks.targets import PgNode, Tenant
from checks.verdicts import Outcome
from sandbox.app.config import TenantSpec
from sandbox.app.provision import provision_database

pytestmark = pytest.mark.integration

SPECS = [
    TenantSpec(slug, slug, tier, "barbershop", "tenant_" + slug.replace("-", "_"), uuid.uuid4().hex, "k")
    for slug, tier in (("t-norte", "standard"), ("t-sur", "standard"), ("t-acme", "enterprise"))
]
APP_PASSWORD = uuid.uuid4().hex
CLAIM = Claim(
    id="BP-T-06",
    system="BarberPro",
    category="isolation",
    statement="Tenant rows are isolated.",
    sources=(Source(file="d.txt", line=1, quote="row-level security"),),
    metric="rls_enabled",
    comparator="==",
    bound=True,
    check="isolation.database",
    method="probe",
)


def _binary(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return shutil.which(name) or (found[-1] if found else None)


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def admin_dsn() -> Iterator[str]:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    work = Path(
        tempfile.mkdtemp(prefix="claimcheck-isolation-pg-")
    )  # pytest's tmp dirs are 0700: not for postgres
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
    data, port = work / "data", _free_port()
    subprocess.run(
        _as_postgres(
            [initdb, "-D", str(data), "-A", "scram-sha-256", "-U", "postgres", "--pwfile", _pwfile(work)]
        ),
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -k {work} -c listen_addresses=127.0.0.1"
    subprocess.run(
        _as_postgres([pg_ctl, "-D", str(data), "-o", opts, "-l", str(work / "pg.log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )
    dsn = f"host=127.0.0.1 port={port} dbname=barberpro user=postgres password=admin"
    try:
        provision_database(dsn, "claimcheck_app", APP_PASSWORD, SPECS)
        yield dsn
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(work, ignore_errors=True)


def _pwfile(work: Path) -> str:
    path = work / "pw"
    path.write_text("admin\n")
    if os.geteuid() == 0:
        shutil.chown(path, "postgres")
    return str(path)


@pytest.fixture
def node(admin_dsn: str, monkeypatch: pytest.MonkeyPatch) -> PgNode:
    monkeypatch.setenv("CC_T_APP_PW", APP_PASSWORD)
    for spec in SPECS:
        monkeypatch.setenv(f"CC_T_PW_{spec.db_role}", spec.db_password)
    port = int(admin_dsn.split("port=")[1].split()[0])
    return PgNode(
        host="127.0.0.1",
        port=port,
        dbname="barberpro",
        user="claimcheck_app",
        password_env="CC_T_APP_PW",
        sslmode="prefer",  # a local server without TLS
    )


TENANTS = [Tenant(slug=s.slug, db_role=s.db_role, db_password_env=f"CC_T_PW_{s.db_role}") for s in SPECS]


def test_isolated_database_proven(node: PgNode) -> None:
    ev = collect_database_isolation(node, TENANTS, context_setting="app.tenant_id")
    assert len(ev.tables) == 12 and all(t.rls_enabled and t.rls_forced for t in ev.tables)
    reads = [p for p in ev.probes if p.kind == "read" and p.own_rows > 0]
    assert {p.tenant for p in reads} == {"t-norte", "t-sur", "t-acme"}
    assert all(p.refused for p in ev.probes if p.kind == "update" and p.tenant != "t-acme")
    assert not [p for p in ev.probes if p.foreign_rows]
    assert tenants_isolated_in_database(ev, CLAIM).outcome == Outcome.PROVEN


def test_rls_disabled_is_seen(node: PgNode, admin_dsn: str) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute("ALTER TABLE public.providers NO FORCE ROW LEVEL SECURITY")
        conn.execute("ALTER TABLE public.providers DISABLE ROW LEVEL SECURITY")
    try:
        ev = collect_database_isolation(node, TENANTS, context_setting="app.tenant_id")
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute("ALTER TABLE public.providers ENABLE ROW LEVEL SECURITY")
            conn.execute("ALTER TABLE public.providers FORCE ROW LEVEL SECURITY")
    leaks = [p for p in ev.probes if p.foreign_rows and p.table == "public.providers"]
    assert {"read", "spoofed-read", "no-context"} <= {p.kind for p in leaks}
    verdict = tenants_isolated_in_database(ev, CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "public.providers" in verdict.reason


def test_wrong_tenant_password_is_access_denied(node: PgNode, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"CC_T_PW_{SPECS[0].db_role}", "wrong")
    started = time.monotonic()
    with pytest.raises(AccessDenied):
        collect_database_isolation(node, TENANTS)
    assert time.monotonic() - started < 15

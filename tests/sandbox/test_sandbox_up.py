"""Integration: bring the whole sandbox up in a temporary run dir on alternative ports, probe every
component the way the suites will, check that a second `up` is a no-op, and that `down` leaves nothing.

Skipped (with the reason) when a server binary is missing; namespace checks need root.
"""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox import manager, procs
from sandbox.components import netns
from sandbox.config import DEFAULT_CITIES, DEFAULT_TENANTS, SandboxConfig, alternative_ports
from sandbox.secrets_env import parse_env_file

pytestmark = pytest.mark.integration

PORT_OFFSET = 400
BINARIES = ("redis-server", "redis-sentinel", "nginx", "prometheus", "moto_server")
ROOT = os.geteuid() == 0


def _missing_binaries() -> list[str]:
    missing = [b for b in BINARIES if shutil.which(b) is None]
    if not glob.glob("/usr/lib/postgresql/*/bin/postgres") and shutil.which("postgres") is None:
        missing.append("postgres")
    return missing


def _test_config(run_dir: Path) -> SandboxConfig:
    """Alternative ports, namespace names, subnets, chains and queues: no clash with a running sandbox."""
    tenants = tuple(dataclasses.replace(t, netns=t.netns.replace("cc-", "ct-")) for t in DEFAULT_TENANTS)
    cities = tuple(dataclasses.replace(c, netns=c.netns.replace("cc-", "ct-")) for c in DEFAULT_CITIES)
    return SandboxConfig(
        run_dir=run_dir,
        ports=alternative_ports(PORT_OFFSET),
        tenants=tenants,
        cities=cities,
        subnet_base=201,
        chain_prefix="CT-SANDBOX",
        delay_queue_base=1400,
    )


@dataclasses.dataclass(frozen=True)
class Sandbox:
    cfg: SandboxConfig
    cold: manager.UpReport
    secrets: dict[str, str]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """The whole sandbox, up for this module, down (and its run dir removed) afterwards."""
    missing = _missing_binaries()
    if missing:
        pytest.skip(f"server binaries not installed: {', '.join(missing)} (run sandbox/install.sh)")
    run_dir = Path(tempfile.mkdtemp(prefix="ccsbx-", dir="/tmp"))
    cfg = _test_config(run_dir)
    busy = [p for p in dataclasses.asdict(cfg.ports).values() if procs.port_open("127.0.0.1", p, 0.2)]
    if busy:
        shutil.rmtree(run_dir)
        pytest.skip(f"ports already in use on 127.0.0.1: {busy}")
    try:
        report = manager.up(cfg)
        yield Sandbox(cfg, report, parse_env_file(cfg.path("secrets.env")))
    finally:
        manager.down(cfg)
        shutil.rmtree(run_dir, ignore_errors=True)


def _pg(sbx: Sandbox, port: int, user: str = "claimcheck_app", password: str | None = None) -> Any:
    import psycopg

    password = password if password is not None else sbx.secrets["CLAIMCHECK_LOCAL_APP_DB_PASSWORD"]
    return psycopg.connect(
        host="127.0.0.1",
        port=port,
        user=user,
        password=password,
        dbname=sbx.cfg.database,
        connect_timeout=5,
        autocommit=True,
    )


def _admin(sbx: Sandbox, node: str, port: int) -> Any:
    import psycopg

    return psycopg.connect(
        host=str(sbx.cfg.path(node)), port=port, user="postgres", dbname=sbx.cfg.database, autocommit=True
    )


def _https_context(sbx: Sandbox, **kwargs: Any) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(sbx.cfg.path("tls", "ca.crt")))
    for key, value in kwargs.items():
        setattr(context, key, value)
    return context


def _get(sbx: Sandbox, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    url = f"https://localhost:{sbx.cfg.ports.https}{path}"
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, context=_https_context(sbx), timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _poll(check: Any, timeout_s: float) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def test_cold_up_brings_every_component_to_healthy(sandbox: Sandbox) -> None:
    bad = [(s.name, s.detail) for s in sandbox.cold.statuses if not (s.healthy or s.skipped)]
    assert bad == []
    assert "pg-primary" in sandbox.cold.started and "nginx" in sandbox.cold.started
    print(f"cold up: {sandbox.cold.seconds:.1f} s")


def test_secrets_file_is_private(sandbox: Sandbox) -> None:
    assert sandbox.cfg.path("secrets.env").stat().st_mode & 0o777 == 0o600
    assert "CLAIMCHECK_LOCAL_BARBERIA_NORTE_API_KEY" in sandbox.secrets


def test_sql_on_both_nodes_and_a_primary_row_reaches_the_replica(sandbox: Sandbox) -> None:
    ports, marker = sandbox.cfg.ports, uuid.uuid4().hex
    with _admin(sandbox, "pg-primary", ports.pg_primary) as conn:
        conn.execute("create table if not exists sandbox_probe (marker text primary key)")
        conn.execute("grant select on sandbox_probe to claimcheck_app")
        conn.execute("insert into sandbox_probe values (%s)", (marker,))
    with _pg(sandbox, ports.pg_replica) as replica:
        assert replica.execute("select pg_is_in_recovery()").fetchone() == (True,)

        def replicated() -> Any:
            # The table itself arrives by replication too: until it does, the replica has no such relation.
            if replica.execute("select to_regclass('sandbox_probe')").fetchone() == (None,):
                return None
            return replica.execute("select 1 from sandbox_probe where marker = %s", (marker,)).fetchone()

        seen = _poll(replicated, 10)
    assert seen == (1,)


def test_tcp_login_requires_the_scram_password(sandbox: Sandbox) -> None:
    import psycopg

    with _pg(sandbox, sandbox.cfg.ports.pg_primary) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        _pg(sandbox, sandbox.cfg.ports.pg_primary, password="wrong-password")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        _pg(sandbox, sandbox.cfg.ports.pg_primary, user="postgres", password="guess")


def test_replication_lag_is_observable(sandbox: Sandbox) -> None:
    with _admin(sandbox, "pg-primary", sandbox.cfg.ports.pg_primary) as conn:
        rows = conn.execute("select state, replay_lsn is not null from pg_stat_replication").fetchall()
        conn.execute("create table if not exists sandbox_probe (marker text primary key)")
        conn.execute("insert into sandbox_probe values (%s)", (uuid.uuid4().hex,))
    assert rows == [("streaming", True)]
    with _admin(sandbox, "pg-replica", sandbox.cfg.ports.pg_replica) as conn:
        replayed = _poll(lambda: conn.execute("select pg_last_xact_replay_timestamp()").fetchone()[0], 10)
    assert replayed is not None


def test_redis_roles_answer_ping_and_sentinel_names_the_master(sandbox: Sandbox) -> None:
    import redis

    ports = sandbox.cfg.ports
    for port in (ports.redis_primary, ports.redis_replica, ports.redis_sentinel):
        assert redis.Redis(host="127.0.0.1", port=port, socket_timeout=3).ping() is True
    sentinel = redis.Redis(host="127.0.0.1", port=ports.redis_sentinel, decode_responses=True)
    master = sentinel.execute_command("SENTINEL", "get-master-addr-by-name", sandbox.cfg.sentinel_master)
    assert [str(x) for x in master] == ["127.0.0.1", str(ports.redis_primary)]
    role = redis.Redis(host="127.0.0.1", port=ports.redis_replica, decode_responses=True).info("replication")
    assert role["role"] == "slave" and role["master_link_status"] == "up"


def _prom(sbx: Sandbox, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{sbx.cfg.ports.prometheus}{path}", timeout=5) as resp:
        return json.loads(resp.read())


def test_prometheus_has_scraped_both_app_instances_when_up_returns(sandbox: Sandbox) -> None:
    """Readiness includes the first successful scrape: no waiting for the `up` series after `up`."""
    result = _prom(sandbox, "/api/v1/query?query=up%7Bjob%3D%22claimcheck-app%22%7D")["data"]["result"]
    assert len(result) == 2


def test_prometheus_scrapes_both_app_instances(sandbox: Sandbox) -> None:
    def both_up() -> list[Any] | None:
        result = _prom(sandbox, "/api/v1/query?query=up%7Bjob%3D%22claimcheck-app%22%7D")["data"]["result"]
        return result if len(result) == 2 and all(r["value"][1] == "1" for r in result) else None

    assert _poll(both_up, 40) is not None


def test_prometheus_loaded_recording_and_alert_rules(sandbox: Sandbox) -> None:
    groups = _prom(sandbox, "/api/v1/rules")["data"]["groups"]
    names = {rule["name"] for group in groups for rule in group["rules"]}
    assert {"HighErrorRate", "AppDown", "route:http_request_duration_seconds:p95_1m"} <= names
    flags = _prom(sandbox, "/api/v1/status/flags")["data"]
    assert flags["storage.tsdb.retention.time"] == "30d"


def test_gateway_serves_tls13(sandbox: Sandbox) -> None:
    with (
        socket.create_connection(("127.0.0.1", sandbox.cfg.ports.https), timeout=5) as raw,
        _https_context(sandbox).wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        assert tls.version() == "TLSv1.3"


def test_gateway_refuses_tls12(sandbox: Sandbox) -> None:
    context = _https_context(sandbox, maximum_version=ssl.TLSVersion.TLSv1_2)
    with (
        socket.create_connection(("127.0.0.1", sandbox.cfg.ports.https), timeout=5) as raw,
        pytest.raises(ssl.SSLError),
    ):
        context.wrap_socket(raw, server_hostname="localhost")


def test_http_redirects_to_https(sandbox: Sandbox) -> None:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as info:
        opener.open(f"http://127.0.0.1:{sandbox.cfg.ports.http}/api/v1/providers", timeout=5)
    assert info.value.code == 301
    assert info.value.headers["Location"] == f"https://127.0.0.1:{sandbox.cfg.ports.https}/api/v1/providers"


def test_health_through_gateway_with_security_headers(sandbox: Sandbox) -> None:
    status, headers, body = _get(sandbox, "/health")
    assert status == 200 and json.loads(body)["status"] == "ok"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer" and "default-src" in headers["Content-Security-Policy"]


def test_cache_control_per_route_class(sandbox: Sandbox) -> None:
    key = {"X-API-Key": sandbox.secrets["CLAIMCHECK_LOCAL_ACME_ENTERPRISE_API_KEY"]}
    assert _get(sandbox, "/static/app.js")[1]["Cache-Control"] == "public, max-age=2592000, immutable"
    assert _get(sandbox, "/api/v1/providers", key)[1]["Cache-Control"] == "private, max-age=600"
    assert _get(sandbox, "/api/v1/psychology/sessions", key)[1]["Cache-Control"] == "no-store"
    assert _get(sandbox, "/metrics")[0] == 403


def test_auth_rejects_unknown_and_foreign_tenant_keys(sandbox: Sandbox) -> None:
    norte = sandbox.secrets["CLAIMCHECK_LOCAL_BARBERIA_NORTE_API_KEY"]
    assert _get(sandbox, "/api/v1/providers", {"X-API-Key": norte})[0] == 200
    assert _get(sandbox, "/api/v1/providers", {"X-API-Key": "not-a-key"})[0] == 401
    foreign = {"X-API-Key": norte, "X-Tenant-ID": "barberia-sur"}
    assert _get(sandbox, "/api/v1/providers", foreign)[0] == 403


def test_app_metrics_expose_the_latency_histogram(sandbox: Sandbox) -> None:
    _get(sandbox, "/health")
    with urllib.request.urlopen(f"http://127.0.0.1:{sandbox.cfg.ports.app_a}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    assert "http_request_duration_seconds_bucket{" in text


def test_moto_holds_the_declared_bucket_configuration(sandbox: Sandbox) -> None:
    import boto3

    s3 = boto3.client(
        "s3",
        region_name="sa-east-1",
        endpoint_url=f"http://127.0.0.1:{sandbox.cfg.ports.moto}",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    lock = s3.get_object_lock_configuration(Bucket="barberpro-audit-logs")["ObjectLockConfiguration"]
    retention = lock["Rule"]["DefaultRetention"]
    assert (retention["Mode"], retention["Years"]) == ("COMPLIANCE", 7)
    assert s3.get_bucket_versioning(Bucket="barberpro-audit-logs")["Status"] == "Enabled"
    sse = s3.get_bucket_encryption(Bucket="barberpro-audit-logs")["ServerSideEncryptionConfiguration"]
    assert sse["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    rules = s3.get_bucket_replication(Bucket="barberpro-backups-primary")["ReplicationConfiguration"]["Rules"]
    assert rules[0]["Destination"]["Bucket"] == "arn:aws:s3:::barberpro-backups-secondary"
    recorded = json.loads(sandbox.cfg.path("moto", "provisioned.json").read_text())
    assert len(recorded["bookedbarber"]["buckets"]) == 4


def _ns_connect_ms(ns: str, host: str, port: int) -> str:
    code = (
        "import socket,time,sys\nt=time.perf_counter()\n"
        f"try:\n socket.create_connection(({host!r},{port}),timeout=3).close()\n"
        " print((time.perf_counter()-t)*1000)\nexcept OSError as e:\n print('ERR', e.errno)"
    )
    out = subprocess.run(
        ["ip", "netns", "exec", ns, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    return out.stdout.strip()


@pytest.mark.skipif(not ROOT, reason="network namespaces need root")
def test_tenant_reaches_own_service_and_gateway_but_not_another_tenant(sandbox: Sandbox) -> None:
    plan = {v.netns: v for v in netns.vantages(sandbox.cfg)}
    norte, sur = plan["ct-t-norte"], plan["ct-t-sur"]
    port = sandbox.cfg.tenant_service_port
    assert not _ns_connect_ms(norte.netns, norte.ns_addr, port).startswith("ERR")
    assert not _ns_connect_ms(norte.netns, norte.host_addr, sandbox.cfg.ports.https).startswith("ERR")
    assert _ns_connect_ms(norte.netns, sur.ns_addr, port).startswith("ERR")


@pytest.mark.skipif(not ROOT, reason="network namespaces need root")
def test_city_namespace_sees_the_added_round_trip(sandbox: Sandbox) -> None:
    status = {s.name: s for s in sandbox.cold.statuses}["netdelay"]
    if status.skipped:
        pytest.skip(f"delay daemon skipped: {status.detail}")
    city = next(v for v in netns.vantages(sandbox.cfg) if v.netns == "ct-city-mdz")
    tenant = next(v for v in netns.vantages(sandbox.cfg) if v.kind == "tenant")
    delayed = float(_ns_connect_ms(city.netns, city.host_addr, sandbox.cfg.ports.https))
    direct = float(_ns_connect_ms(tenant.netns, tenant.host_addr, sandbox.cfg.ports.https))
    # a TCP connect is one round trip: it gains twice the configured one-way delay
    assert 2 * city.delay_ms <= delayed < 2 * city.delay_ms + 40
    assert direct < city.delay_ms


BURST_SERVER = """
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 0)); s.listen(); print(s.getsockname()[1], flush=True)
c, _ = s.accept(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
while c.recv(1):
    for i in range(8):
        c.sendall(bytes([65 + i]) * 200)
"""
BURST_CLIENT = """
import json, socket, sys, time
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
out = []
for _ in range(3):
    t0, got, marks = time.perf_counter(), 0, []
    c.sendall(b"x")
    while got < 1600:
        got += len(c.recv(65536)); marks.append((time.perf_counter() - t0) * 1000)
    out.append([marks[0], marks[-1]])
    time.sleep(0.2)
print(json.dumps(out))
"""


@pytest.mark.skipif(not ROOT, reason="network namespaces need root")
def test_a_multi_packet_answer_arrives_one_round_trip_after_the_request(sandbox: Sandbox) -> None:
    """Issue 10: eight separate writes must not wait one delay each (or one per burst) behind each other."""
    status = {s.name: s for s in sandbox.cold.statuses}["netdelay"]
    if status.skipped:
        pytest.skip(f"delay daemon skipped: {status.detail}")
    city = next(v for v in netns.vantages(sandbox.cfg) if v.netns == "ct-city-mdz")
    server = subprocess.Popen(
        [sys.executable, "-c", BURST_SERVER, city.host_addr], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = server.stdout.readline().strip()
        client = subprocess.run(
            ["ip", "netns", "exec", city.netns, sys.executable, "-c", BURST_CLIENT, city.host_addr, port],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    finally:
        server.kill()
        server.wait()
    rounds = json.loads(client.stdout)
    for first, last in rounds:
        assert first >= 2 * city.delay_ms  # the round trip is emulated...
        assert last - first < city.delay_ms / 2  # ...once for the whole answer, not per packet or burst


def test_second_up_is_a_no_op(sandbox: Sandbox) -> None:
    warm = manager.up(sandbox.cfg)
    assert warm.started == ()
    assert warm.all_healthy
    assert warm.seconds < sandbox.cold.seconds
    print(f"warm up: {warm.seconds:.2f} s (cold {sandbox.cold.seconds:.1f} s)")


def test_down_leaves_no_process_and_no_namespace(sandbox: Sandbox) -> None:
    pids = [s.pid for s in manager.status(sandbox.cfg) if s.pid is not None]
    assert len(pids) >= 11
    manager.down(sandbox.cfg)
    assert [pid for pid in pids if procs.cmdline(pid) is not None] == []
    assert list(sandbox.cfg.path("pids").glob("*.pid")) == []
    if ROOT:
        ours = {v.netns for v in netns.vantages(sandbox.cfg)}
        assert ours & netns.existing_namespaces() == set()
        assert netns.chain_rules("filter", "CT-SANDBOX-FWD") == []
        assert netns.chain_rules("mangle", "CT-SANDBOX-DELAY") == []
    assert not any(s.healthy for s in manager.status(sandbox.cfg))

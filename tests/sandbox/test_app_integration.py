"""The sandbox app against real servers: a throwaway PostgreSQL and Redis, the app in a uvicorn subprocess.

Skipped (with the reason) when the PostgreSQL or Redis binaries are missing.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jwt
import psycopg
import pytest
import redis
import requests

from sandbox.app.auth import session_key
from sandbox.app.config import TenantSpec
from sandbox.app.provision import provision_database
from sandbox.app.schema import TENANT_TABLES
from sandbox.app.webhooks import sign

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
APP_ROLE, APP_PASSWORD = "claimcheck_app", "app-" + uuid.uuid4().hex
JWT_SECRET, WEBHOOK_SECRET = uuid.uuid4().hex * 2, uuid.uuid4().hex
ENTERPRISE_LIMIT = 30
CANARY = re.compile(r"CANARY-([a-z-]+)-[0-9a-f]{16}")


def _tenant(slug: str, tier: str, vertical: str) -> TenantSpec:
    role = "tenant_" + slug.replace("-", "_")
    return TenantSpec(slug, slug.title(), tier, vertical, role, uuid.uuid4().hex, "key-" + uuid.uuid4().hex)


TENANTS = [
    _tenant("barberia-norte", "standard", "barbershop"),
    _tenant("barberia-sur", "standard", "barbershop"),
    _tenant("psico-palermo", "standard", "psychology"),
    _tenant("acme-enterprise", "enterprise", "barbershop"),
]
NORTE, SUR, PSICO, ACME = TENANTS


def _binary(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(argv: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _wait(predicate: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:  # not up yet
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} not up within {timeout} s")


@dataclass(frozen=True)
class Stack:
    """Addresses of the throwaway servers and the running app."""

    admin_dsn: str
    pg_port: int
    redis: redis.Redis
    base_url: str
    access_log: Path

    def dsn(self, user: str, password: str) -> str:
        return f"host=127.0.0.1 port={self.pg_port} dbname=barberpro user={user} password={password}"


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="claimcheck-app-"))
    if os.geteuid() == 0:
        shutil.chown(path, "postgres")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def pg_port(workdir: Path) -> Iterator[int]:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    port, data = _free_port(), workdir / "pg"
    subprocess.run(
        _as_postgres([initdb, "-D", str(data), "-A", "trust", "-U", "postgres"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    start = [pg_ctl, "-D", str(data), "-o", options, "-l", str(workdir / "pg.log"), "-w", "start"]
    subprocess.run(_as_postgres(start), check=True, capture_output=True)
    yield port
    subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"]), capture_output=True)


@pytest.fixture(scope="module")
def redis_port(workdir: Path) -> Iterator[int]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not found: apt-get install redis-server")
    port = _free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait(lambda: redis.Redis(port=port).ping(), 10, "redis-server")
    yield port
    server.terminate()
    server.wait(10)


@pytest.fixture(scope="module")
def stack(workdir: Path, pg_port: int, redis_port: int) -> Iterator[Stack]:
    admin_dsn = f"host=127.0.0.1 port={pg_port} dbname=barberpro user=postgres"
    provision_database(admin_dsn, APP_ROLE, APP_PASSWORD, TENANTS)
    app_port, access_log = _free_port(), workdir / "logs" / "app.log"
    config = {
        "instance": "it",
        "pg_dsn": f"postgresql://{APP_ROLE}:{APP_PASSWORD}@127.0.0.1:{pg_port}/barberpro",
        "redis_url": f"redis://127.0.0.1:{redis_port}/0",
        "jwt_secret": JWT_SECRET,
        "webhook_secret": WEBHOOK_SECRET,
        "tenants": [t.__dict__ for t in TENANTS],
        "webhook_target_url": f"http://127.0.0.1:{app_port}/api/v1/webhooks/incoming",
        "rate_limits_per_hour": {"standard": 1000, "enterprise": ENTERPRISE_LIMIT},
        "access_log": str(access_log),
        "fault_injection": True,
    }
    (workdir / "config.json").write_text(json.dumps(config))
    argv = [
        sys.executable,
        "-m",
        "sandbox.app",
        "--config",
        str(workdir / "config.json"),
        "--port",
        str(app_port),
    ]
    app = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{app_port}"
    _wait(lambda: requests.get(base_url + "/ready", timeout=2).status_code == 200, 30, "app /ready")
    yield Stack(admin_dsn, pg_port, redis.Redis(port=redis_port), base_url, access_log)
    app.terminate()
    app.wait(10)


def get(stack: Stack, path: str, tenant: TenantSpec, **headers: str) -> requests.Response:
    return requests.get(stack.base_url + path, headers={"X-API-Key": tenant.api_key, **headers}, timeout=10)


def post(stack: Stack, path: str, headers: dict[str, str], body: object) -> requests.Response:
    return requests.post(stack.base_url + path, headers=headers, json=body, timeout=10)


def first_id(stack: Stack, path: str, key: str, tenant: TenantSpec) -> str:
    response = get(stack, path, tenant)
    assert response.status_code == 200, response.text
    return str(response.json()[key][0]["id"])


# --- isolation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", [NORTE, ACME], ids=lambda t: t.slug)
def test_tenant_cannot_read_another_tenants_booking_by_id(stack: Stack, reader: TenantSpec) -> None:
    booking = first_id(stack, "/api/v1/bookings", "bookings", SUR)
    assert get(stack, f"/api/v1/bookings/{booking}", SUR).status_code == 200
    foreign = get(stack, f"/api/v1/bookings/{booking}", reader)
    assert foreign.status_code == 404
    assert "CANARY-barberia-sur" not in foreign.text


@pytest.mark.parametrize("tenant", TENANTS, ids=lambda t: t.slug)
def test_listings_carry_only_the_tenants_own_canaries(stack: Stack, tenant: TenantSpec) -> None:
    seen: set[str] = set()
    for path in ("/api/v1/providers", "/api/v1/bookings", "/api/v1/payments"):
        seen |= set(CANARY.findall(get(stack, path, tenant).text))
    assert seen == {tenant.slug}


def test_spoofed_tenant_header_is_refused(stack: Stack) -> None:
    assert get(stack, "/api/v1/bookings", NORTE, **{"X-Tenant-ID": SUR.slug}).status_code == 403
    assert get(stack, "/api/v1/bookings", NORTE, **{"X-Tenant-ID": NORTE.slug}).status_code == 200


def test_jwt_tenant_comes_from_the_token(stack: Stack) -> None:
    token = jwt.encode({"sub": "u", "tenant": SUR.slug, "exp": int(time.time()) + 60}, JWT_SECRET, "HS256")
    response = requests.get(
        stack.base_url + "/api/v1/bookings", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert set(CANARY.findall(response.text)) == {SUR.slug}
    forged = jwt.encode({"sub": "u", "tenant": SUR.slug, "exp": int(time.time()) + 60}, "x" * 64, "HS256")
    refused = requests.get(
        stack.base_url + "/api/v1/bookings", headers={"Authorization": f"Bearer {forged}"}, timeout=10
    )
    assert refused.status_code == 401


def test_rls_is_enabled_and_forced_on_every_tenant_table(stack: Stack) -> None:
    query = """
        SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"""
    with psycopg.connect(stack.admin_dsn) as conn:
        rows = conn.execute(query).fetchall()
    expected = {(schema, t) for schema in ("public", ACME.schema) for t in TENANT_TABLES}
    assert {(schema, table) for schema, table, _, _ in rows} == expected
    assert [(s, t) for s, t, enabled, forced in rows if not (enabled and forced)] == []


def test_tenant_role_sees_only_its_own_rows_whatever_it_sets(stack: Stack) -> None:
    with psycopg.connect(stack.dsn(NORTE.db_role, NORTE.db_password), autocommit=True) as conn:
        for setting in (None, SUR.slug):
            if setting:
                conn.execute("SELECT set_config('app.tenant_id', %s, false)", (setting,))
            for table in TENANT_TABLES:
                seen = {r[0] for r in conn.execute(f"SELECT DISTINCT tenant_id FROM {table}").fetchall()}
                assert seen <= {NORTE.slug}, (table, setting, seen)
        assert conn.execute("SELECT count(*) FROM bookings").fetchone() == (8,)


def test_app_role_without_tenant_context_sees_nothing(stack: Stack) -> None:
    with psycopg.connect(stack.dsn(APP_ROLE, APP_PASSWORD)) as conn:
        for table in TENANT_TABLES:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (SUR.slug,))
        assert {r[0] for r in conn.execute("SELECT tenant_id FROM bookings").fetchall()} == {SUR.slug}


@pytest.mark.parametrize(
    ("role", "password"),
    [(APP_ROLE, APP_PASSWORD), (NORTE.db_role, NORTE.db_password)],
    ids=["app", "tenant"],  # ids without the generated passwords: the same on every xdist worker
)
def test_enterprise_schema_is_closed_to_other_roles(stack: Stack, role: str, password: str) -> None:
    with (
        psycopg.connect(stack.dsn(role, password)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(f"SELECT count(*) FROM {ACME.schema}.bookings")


def test_provisioning_twice_changes_nothing(stack: Stack) -> None:
    count = f"SELECT (SELECT count(*) FROM public.bookings) + (SELECT count(*) FROM {ACME.schema}.bookings)"
    with psycopg.connect(stack.admin_dsn) as conn:
        before = conn.execute(count).fetchone()
    provision_database(stack.admin_dsn, APP_ROLE, APP_PASSWORD, TENANTS)
    with psycopg.connect(stack.admin_dsn) as conn:
        assert conn.execute(count).fetchone() == before
    assert get(stack, "/api/v1/bookings", NORTE).status_code == 200


# --- special-category data and caching ---------------------------------------------------------------------


def _redis_dump(client: redis.Redis) -> str:
    parts = []
    for key in client.scan_iter(count=1000):
        value = client.get(key) if client.type(key) == b"string" else b""
        parts.append(key.decode() + "=" + (value or b"").decode())
    return "\n".join(parts)


def test_psychology_is_no_store_and_never_reaches_redis_or_the_log(stack: Stack) -> None:
    headers = {"X-API-Key": PSICO.api_key}
    provider = first_id(stack, "/api/v1/providers", "providers", PSICO)
    profile = get(stack, "/api/v1/bookings", PSICO).json()["bookings"][0]["profile_id"]
    marker = "nota-" + uuid.uuid4().hex
    body = {
        "provider_id": provider,
        "profile_id": profile,
        "starts_at": "2025-10-01T10:00:00-03:00",
        "duration_min": 50,
        "clinical_notes": marker,
        "diagnosis_code": "F41.1",
    }
    created = post(stack, "/api/v1/psychology/sessions", headers, body)
    responses = [
        created,
        get(stack, "/api/v1/psychology/sessions", PSICO),
        get(stack, f"/api/v1/psychology/sessions/{created.json()['id']}", PSICO),
        get(stack, f"/api/v1/psychology/sessions/{created.json()['id']}", NORTE),
        requests.get(stack.base_url + "/api/v1/psychology/sessions", timeout=10),
    ]
    assert [r.status_code for r in responses] == [201, 200, 200, 404, 401]
    assert all(r.headers.get("Cache-Control") == "no-store" for r in responses)
    assert marker in responses[2].text
    dump = _redis_dump(stack.redis)
    assert "cache:psico-palermo:providers" in dump  # the scan does see what the app caches
    assert marker not in dump and created.json()["id"] not in dump and "psychology" not in dump
    assert "CANARY-psico-palermo" in dump and not re.search(r"CANARY-psico-palermo-\w+ sesi", dump)
    assert marker not in stack.access_log.read_text()


def test_cache_and_session_ttls(stack: Stack) -> None:
    profile = get(stack, "/api/v1/bookings", NORTE).json()["bookings"][0]["profile_id"]
    assert get(stack, f"/api/v1/profiles/{profile}", NORTE).status_code == 200
    assert get(stack, "/api/v1/providers", NORTE).headers["X-Cache"] in ("HIT", "MISS")
    assert get(stack, "/api/v1/providers", NORTE).headers["X-Cache"] == "HIT"
    assert 590 <= stack.redis.ttl("cache:barberia-norte:providers") <= 600
    assert 7190 <= stack.redis.ttl(f"cache:barberia-norte:profile:{profile}") <= 7200
    login = post(stack, "/api/v1/sessions", {"X-API-Key": NORTE.api_key}, {})
    token = login.json()["session_token"]
    assert 86390 <= stack.redis.ttl(session_key(token)) <= 86400
    assert token not in _redis_dump(stack.redis)
    with_session = requests.get(
        stack.base_url + "/api/v1/bookings", headers={"X-Session-Token": token}, timeout=10
    )
    assert set(CANARY.findall(with_session.text)) == {NORTE.slug}


# --- rate limit, webhooks, metrics --------------------------------------------------------------------------


def test_hourly_limit_allows_the_limit_then_refuses(stack: Stack) -> None:
    claims = {"sub": "limit-" + uuid.uuid4().hex, "tenant": ACME.slug, "exp": int(time.time()) + 600}
    headers = {"Authorization": "Bearer " + jwt.encode(claims, JWT_SECRET, "HS256")}
    answers = [
        requests.get(stack.base_url + "/api/v1/payments", headers=headers, timeout=10) for _ in range(31)
    ]
    last_allowed, refused = answers[ENTERPRISE_LIMIT - 1], answers[ENTERPRISE_LIMIT]
    assert last_allowed.status_code == 200 and last_allowed.headers["RateLimit-Remaining"] == "0"
    assert last_allowed.headers["RateLimit-Policy"] == f"{ENTERPRISE_LIMIT};w=3600"
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600


def test_incoming_webhook_requires_a_valid_signature(stack: Stack) -> None:
    body, ts = b'{"type":"ping"}', str(int(time.time()))
    url = stack.base_url + "/api/v1/webhooks/incoming"
    good = {"X-Webhook-Timestamp": ts, "X-Webhook-Signature": sign(WEBHOOK_SECRET, ts, body)}
    assert requests.post(url, data=body, headers=good, timeout=10).status_code == 200
    stale_ts = str(int(time.time()) - 301)
    stale = {"X-Webhook-Timestamp": stale_ts, "X-Webhook-Signature": sign(WEBHOOK_SECRET, stale_ts, body)}
    for headers in ({}, {**good, "X-Webhook-Signature": "sha256=" + "0" * 64}, stale):
        assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 401


def _metric(stack: Stack, line_start: str) -> float:
    text = requests.get(stack.base_url + "/metrics", timeout=10).text
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(line_start)]
    return sum(values)


def test_created_booking_is_delivered_as_a_signed_webhook(stack: Stack) -> None:
    delivered = 'webhook_delivery_attempts_total{outcome="delivered"}'
    before = _metric(stack, delivered)
    booking = get(stack, "/api/v1/bookings", NORTE).json()["bookings"][0]
    body = {k: booking[k] for k in ("provider_id", "profile_id", "service", "starts_at", "price_ars")}
    assert post(stack, "/api/v1/bookings", {"X-API-Key": NORTE.api_key}, body).status_code == 201
    _wait(lambda: _metric(stack, delivered) == before + 1, 10, "webhook delivery")
    foreign = {**body, "provider_id": first_id(stack, "/api/v1/providers", "providers", SUR)}
    assert post(stack, "/api/v1/bookings", {"X-API-Key": NORTE.api_key}, foreign).status_code == 422


def test_metrics_label_routes_by_template(stack: Stack) -> None:
    get(stack, f"/api/v1/bookings/{uuid.uuid4()}", NORTE)
    template = 'http_requests_total{method="GET",route="/api/v1/bookings/{id:uuid}",status="404"}'
    assert _metric(stack, template) >= 1
    histogram = 'http_request_duration_seconds_count{method="GET",route="/api/v1/bookings/{id:uuid}"'
    assert _metric(stack, histogram) >= 1

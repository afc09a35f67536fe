"""Request metrics of the sandbox app: labelled by route template, method and status (in-process ASGI)."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from sandbox.app.app import create_app
from sandbox.app.config import AppConfig, TenantSpec
from sandbox.app.metrics import LATENCY_BUCKETS, UNMATCHED, route_template


def config(fault_injection: bool = False) -> AppConfig:
    tenant = TenantSpec(
        "barberia-norte", "Norte", "standard", "barbershop", "tenant_barberia_norte", "pw", "k1"
    )
    return AppConfig(
        instance="t",
        pg_dsn="postgresql://app:pw@127.0.0.1:1/none",
        redis_url="redis://127.0.0.1:1/0",
        jwt_secret="j" * 64,
        webhook_secret="w",
        tenants=(tenant,),
        rate_limits_per_hour={"standard": 10},
        access_log="/dev/null",
        fault_injection=fault_injection,
    )


async def call(app: Any, method: str, target: str) -> tuple[int, dict[str, str], bytes]:
    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    headers = {k.decode().lower(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


def request_counts(app: Any) -> dict[tuple[str, str, str], float]:
    _, _, body = asyncio.run(call(app, "GET", "/metrics"))
    counts = {}
    for family in text_string_to_metric_families(body.decode()):
        if family.name == "http_requests":
            for sample in family.samples:
                if sample.name == "http_requests_total":
                    labels = sample.labels
                    counts[(labels["route"], labels["method"], labels["status"])] = sample.value
    return counts


def test_requests_are_labelled_by_route_template_not_raw_path() -> None:
    app = create_app(config())
    booking = uuid.uuid4()
    asyncio.run(call(app, "GET", f"/api/v1/bookings/{booking}"))
    asyncio.run(call(app, "GET", f"/api/v1/bookings/{uuid.uuid4()}"))
    counts = request_counts(app)
    assert counts[("/api/v1/bookings/{id:uuid}", "GET", "401")] == 2
    assert not any(str(booking) in route for route, _, _ in counts)


def test_unknown_paths_share_one_label() -> None:
    app = create_app(config())
    for path in ("/nope", "/api/v1/bookings/not-a-uuid", "/wp-admin"):
        status, _, _ = asyncio.run(call(app, "GET", path))
        assert status == 404
    assert request_counts(app)[(UNMATCHED, "GET", "404")] == 3


def test_status_and_method_are_labels() -> None:
    app = create_app(config())
    asyncio.run(call(app, "GET", "/health"))
    asyncio.run(call(app, "DELETE", "/health"))
    counts = request_counts(app)
    assert counts[("/health", "GET", "200")] == 1
    assert counts[("/health", "DELETE", "405")] == 1


def test_histogram_is_fine_grained_between_5_ms_and_1_s() -> None:
    inside = [b for b in LATENCY_BUCKETS if 0.005 <= b <= 1.0]
    assert 0.005 in inside and 0.1 in inside and 1.0 in inside
    assert len(inside) >= 20
    assert all(later / earlier <= 1.5 for earlier, later in itertools.pairwise(inside))


def test_route_template_of_a_scope_without_route() -> None:
    assert route_template({}) == UNMATCHED
    assert route_template({"route": object()}) == UNMATCHED


def test_fault_hooks_exist_only_when_enabled() -> None:
    assert asyncio.run(call(create_app(config()), "GET", "/__sandbox/delay?ms=1"))[0] == 404
    assert (
        asyncio.run(call(create_app(config(fault_injection=True)), "GET", "/__sandbox/delay?ms=1"))[0] == 200
    )


def test_injected_delay_is_at_least_the_requested_time() -> None:
    app = create_app(config(fault_injection=True))
    started = time.perf_counter()
    status, _, body = asyncio.run(call(app, "GET", "/__sandbox/delay?ms=30"))
    elapsed = time.perf_counter() - started
    assert status == 200
    assert 0.030 <= elapsed < 0.080
    assert json.loads(body) == {"delayed_ms": 30.0}


def test_stall_holds_requests_until_it_ends() -> None:
    app = create_app(config(fault_injection=True))

    async def scenario() -> float:
        await call(app, "POST", "/__sandbox/stall?seconds=0.2")
        started = time.perf_counter()
        await call(app, "GET", "/health")
        return time.perf_counter() - started

    assert 0.15 <= asyncio.run(scenario()) < 0.5
    started = time.perf_counter()
    asyncio.run(call(app, "GET", "/health"))
    assert time.perf_counter() - started < 0.1

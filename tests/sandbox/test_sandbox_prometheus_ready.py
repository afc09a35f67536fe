"""Sandbox readiness waits for Prometheus's first scrape of the app (8 availability ERRORs on a cold
`make run` came from judging before it). The component's logic against a local server replaying Prometheus's
API; the real server is covered by tests/sandbox/test_sandbox_up.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sandbox.components.base import RunContext
from sandbox.components.prometheus import APP_JOB, NEVER_SCRAPED, Prometheus
from sandbox.config import SandboxConfig
from sandbox.errors import SandboxError


def target(instance: str, last: str, health: str) -> dict[str, Any]:
    return {
        "labels": {"job": APP_JOB, "instance": instance},
        "scrapeUrl": f"http://{instance}/metrics",
        "lastScrape": last,
        "health": health,
    }


@pytest.fixture
def prometheus_api() -> Iterator[tuple[int, list[dict[str, Any]]]]:
    targets: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"Prometheus Server is Ready.\n"
            if self.path.startswith("/api/v1/targets"):
                body = json.dumps({"status": "success", "data": {"activeTargets": targets}}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], targets
    finally:
        server.shutdown()


def ctx(port: int, tmp_path: Path) -> RunContext:
    return RunContext(SandboxConfig(run_dir=tmp_path).with_ports(prometheus=port), {})


def test_not_healthy_before_the_first_scrape_of_every_app_instance(
    prometheus_api: tuple[int, list[dict[str, Any]]], tmp_path: Path
) -> None:
    port, targets = prometheus_api
    targets += [target("a", "2026-12-01T21:00:00Z", "up"), target("b", NEVER_SCRAPED, "unknown")]
    with pytest.raises(SandboxError, match="app not scraped yet"):
        Prometheus().check(ctx(port, tmp_path))


def test_healthy_once_every_app_instance_was_scraped(
    prometheus_api: tuple[int, list[dict[str, Any]]], tmp_path: Path
) -> None:
    port, targets = prometheus_api
    targets += [target("a", "2026-12-01T21:00:00Z", "up"), target("b", "2026-12-01T21:00:01Z", "down")]
    assert "1/2 app targets up" in Prometheus().check(ctx(port, tmp_path))


def test_no_app_target_at_all_is_not_healthy(
    prometheus_api: tuple[int, list[dict[str, Any]]], tmp_path: Path
) -> None:
    with pytest.raises(SandboxError, match="no app targets"):
        Prometheus().check(ctx(prometheus_api[0], tmp_path))

"""The preflight against a hostile local server: garbage, HTML error pages, empty JSON and 500s are recorded
for what they are, and a load claim on such a route is ERROR, never a data point."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from checks.collect.preflight import PROBE_WORKERS, body_shape, expects_json, probe_answers
from checks.errors import TargetUnreachable
from checks.evaluate.latency import latency_within
from checks.evaluate.throughput import throughput_offer, throughput_within
from checks.evidence import http as shapes
from checks.evidence.origin import Origin
from checks.targets import HttpEndpoint, LoadProfile, Target, Tenant
from checks.verdicts import Outcome
from fixtures.load import LoadRunner
from tests.evaluate.factories import claim

pytestmark = pytest.mark.integration


class Hostile(BaseHTTPRequestHandler):
    """Each path answers one way a broken or hostile server does."""

    disable_nagle_algorithm = True
    answers: ClassVar[dict[str, tuple[int, str, bytes]]] = {
        "/ok": (200, "application/json", b'{"providers": [1, 2]}'),
        "/html": (200, "text/html", b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"),
        "/empty-json": (200, "application/json", b"{}"),
        "/not-json": (200, "application/json", b"<<garbage>>"),
        "/empty": (200, "application/json", b""),
        "/error": (500, "application/json", b'{"error": "boom"}'),
        "/refused": (401, "application/json", b'{"error": "who are you"}'),
        "/static/app.js": (200, "application/javascript", b"console.log(1)"),
    }

    in_flight: ClassVar[list[int]] = [0, 0]  # now, most at once (for /slow)
    starts: ClassVar[list[float]] = []
    lock: ClassVar[threading.Lock] = threading.Lock()

    def do_GET(self) -> None:
        if self.path == "/slow":
            self._slow()
            return
        if self.path == "/garbage":
            self.wfile.write(b"\x00\xffNOT HTTP AT ALL\r\n\r\n")
            return
        status, kind, body = self.answers[self.path]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _slow(self) -> None:
        with self.lock:
            self.in_flight[0] += 1
            self.in_flight[1] = max(self.in_flight)
            self.starts.append(time.monotonic())
        time.sleep(0.2)
        with self.lock:
            self.in_flight[0] -= 1
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile() -> Iterator[HttpEndpoint]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield HttpEndpoint(base_url=f"http://127.0.0.1:{server.server_address[1]}", timeout_s=2)
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("path", "status", "shape"),
    [
        ("/ok", 200, shapes.JSON),
        ("/html", 200, shapes.HTML),
        ("/empty-json", 200, shapes.EMPTY_JSON),
        ("/not-json", 200, shapes.NOT_JSON),
        ("/empty", 200, shapes.EMPTY),
        ("/error", 500, shapes.JSON),
        ("/refused", 401, shapes.JSON),
    ],
)
def test_each_answer_is_recorded_for_what_it_is(
    hostile: HttpEndpoint, path: str, status: int, shape: str
) -> None:
    series = probe_answers(hostile, path, 3, origin=Origin("hostile", identity="tester"))
    assert series.statuses == (status,) * 3 and series.shapes == (shape,) * 3
    assert series.expects_json and series.origin.identity == "tester"


def test_a_slow_route_is_read_by_a_few_requests_at_once_never_faster_than_the_interval(
    hostile: HttpEndpoint,
) -> None:
    Hostile.starts.clear()
    series = probe_answers(hostile, "/slow", 20, interval_s=0.05)
    assert series.statuses == (200,) * 20 and series.shapes == (shapes.JSON,) * 20
    assert 1 < Hostile.in_flight[1] <= PROBE_WORKERS
    # each worker spaces its own requests interval * workers apart: 4 per worker, so 3 gaps of 0.25 s
    starts = sorted(Hostile.starts)
    assert len(starts) == 20 and starts[-1] - starts[0] >= 3 * 0.05 * PROBE_WORKERS * 0.9


def test_a_server_answering_garbage_is_unreachable(hostile: HttpEndpoint) -> None:
    with pytest.raises(TargetUnreachable, match="none of 3 requests got an answer"):
        probe_answers(hostile, "/garbage", 3)


def test_a_file_route_expects_no_json() -> None:
    assert (
        not expects_json("/static/app.js") and expects_json("/api/v1/providers") and expects_json("/health")
    )


def test_an_html_body_is_recognised_without_its_content_type() -> None:
    assert body_shape(200, "", b"  <!doctype html><p>oops") == shapes.HTML


def runner(endpoint: HttpEndpoint) -> LoadRunner:
    profile = LoadProfile(latency_seconds=5, latency_rps=50, probe_count=10)
    return LoadRunner(
        Target(kind="staging", http=endpoint, max_rps=100, allow_plaintext=True), "hostile", profile
    )


@pytest.mark.parametrize("path", ["/html", "/empty-json", "/not-json", "/error"])
def test_a_latency_claim_on_a_route_that_does_not_answer_as_expected_is_an_error(
    hostile: HttpEndpoint, path: str
) -> None:
    run = runner(hostile)("api", path, 50, 5)
    assert run.samples is None  # no load was sent to a route that answers like this
    verdict = latency_within(run, claim("http.latency", "latency", scope={"statistic": "p95"}))
    assert verdict.outcome is Outcome.ERROR and "does not answer as this check expects" in verdict.reason


def test_a_throughput_claim_on_a_failing_route_is_an_error(hostile: HttpEndpoint) -> None:
    # BP-D10-ML-12: 1000 requests/hour was PROVEN or DISPROVEN from a handful of requests to such a server
    ml12 = claim("http.throughput", "throughput", comparator=">=", bound=1000, unit="requests/hour")
    offer = throughput_offer(ml12, 5.0)
    assert offer is not None
    verdict = throughput_within(runner(hostile)("ml", "/error", offer, 5), ml12)
    assert verdict.outcome is Outcome.ERROR and "status 500 x30" in verdict.reason


def test_a_refused_identity_is_an_error_naming_it_and_the_endpoint(
    hostile: HttpEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CC_T_ACME_KEY", "acme-key")
    acme = Tenant(slug="acme", api_key_env="CC_T_ACME_KEY")  # load_tenant must name a tenant
    target = Target(
        kind="staging", http=hostile, max_rps=100, tenants=(acme,), load_tenant="acme", allow_plaintext=True
    )
    run = LoadRunner(target, "hostile", None)("api", "/refused", 50, 5)
    verdict = latency_within(run, claim("http.latency", "latency"))
    assert verdict.outcome is Outcome.ERROR
    assert "acme" in verdict.reason and f"{hostile.base_url}/refused" in verdict.reason

"""The rate-limit probe against a real local server: a per-key token bucket (limited, served, refused) and
a server that answers errors instead of limiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checks.collect.ratelimit import collect_limit_policy, collect_rate_limit
from checks.errors import AccessDenied
from checks.evaluate.ratelimit import burst_as_claimed
from checks.ledger import Claim
from checks.targets import HttpEndpoint
from checks.verdicts import Outcome
from tests.evaluate.evidence_factories import make_claim

BURST = 10
KEYS = {"key-a": "a", "key-b": "b"}
PRESENT = make_claim("http.rate_limit", metric="rate_limit")


def handler(mode: str) -> type[BaseHTTPRequestHandler]:
    buckets: dict[str, int] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            who = KEYS.get(self.headers.get("X-API-Key", ""))
            status = 401 if who is None else 200
            if who is not None and mode == "errors":
                status = 502
            elif who is not None:
                with lock:
                    buckets[who] = buckets.get(who, 0) + 1
                    status = 429 if buckets[who] > BURST else 200
            body = b'{"ok": true}'
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("RateLimit-Policy", f"{BURST};w=60")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(params=["bucket"])
def limited(request: pytest.FixtureRequest) -> Iterator[HttpEndpoint]:
    yield from _serve(str(request.param))


def _serve(mode: str) -> Iterator[HttpEndpoint]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(mode))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HttpEndpoint(base_url=f"http://127.0.0.1:{server.server_address[1]}", timeout_s=5)
    finally:
        server.shutdown()
        server.server_close()


def ident(key: str) -> tuple[str, dict[str, str]]:
    return (KEYS.get(key, key), {"X-API-Key": key})


def test_the_burst_stops_at_the_first_429_and_the_other_client_is_still_served(limited: HttpEndpoint) -> None:
    probe = collect_rate_limit(limited, "/api", ident("key-a"), 50, ident("key-b"), max_rps=500)
    assert probe.first_refusal == BURST + 1 and probe.accepted == BURST
    assert probe.other_status_before == 200 and probe.other_status == 200
    assert probe.limit_headers["ratelimit-policy"] == f"{BURST};w=60"
    assert burst_as_claimed(probe, PRESENT).outcome == Outcome.PROVEN


def test_the_steady_phase_counts_what_the_limiter_lets_through(limited: HttpEndpoint) -> None:
    started = time.monotonic()
    probe = collect_rate_limit(limited, "/api", ident("key-a"), 50, None, max_rps=500, paced=(20.0, 0.5))
    assert probe.paced_sent >= 5 and probe.paced_accepted == 0 and time.monotonic() - started < 5


def test_an_identity_the_target_refuses_is_access_denied_naming_it(limited: HttpEndpoint) -> None:
    """Issue 10: a 401/403 is ERROR naming identity and endpoint, never a refusal by the limiter."""
    with pytest.raises(AccessDenied, match="identity 'key-x' refused with 401"):
        collect_rate_limit(limited, "/api", ident("key-x"), 5, None, max_rps=500)


def test_the_advertised_policy_is_read_without_spending_the_budget(limited: HttpEndpoint) -> None:
    policy = collect_limit_policy(limited, "/api", ident("key-b"))
    assert policy.status == 200 and policy.headers["ratelimit-policy"] == f"{BURST};w=60"


def test_a_server_answering_errors_is_an_error_not_a_limit() -> None:
    ceiling: Claim = make_claim(
        "http.rate_limit", metric="rate_limit", comparator="<=", bound=5, unit="requests/min"
    )
    for http in _serve("errors"):
        probe = collect_rate_limit(http, "/api", ident("key-a"), 12, None, max_rps=500)
        verdict = burst_as_claimed(probe, ceiling)
        assert probe.first_refusal is None and verdict.outcome == Outcome.ERROR and "[502]" in verdict.reason

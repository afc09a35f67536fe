"""HTTP collectors against a throwaway HTTPS server (python ssl, a CA and certificate made by openssl)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from checks.collect.http import get, post, probe, verify_option
from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from checks.ledger import project_root
from checks.targets import HttpEndpoint
from tests.drills.servers import free_port

pytestmark = pytest.mark.integration
NAME = "gateway.test"
SLOW_S = 0.3
DELAY_S = 0.05
TOKEN_HEADER, TOKEN = "X-Probe-Token", "t0ken-for-tests"


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(d: Path) -> None:
    """ca.crt signs srv.crt (for NAME and 127.0.0.1); other-ca.crt signs nothing we serve."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"]
    for ca in ("ca", "other-ca"):
        openssl(
            "req", "-x509", *ec, "-keyout", f"{ca}.key", "-out", f"{ca}.crt", "-subj", f"/CN=cc {ca}", cwd=d
        )
    openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "srv.key",
        "-out",
        "srv.csr",
        "-subj",
        f"/CN={NAME}",
        cwd=d,
    )
    (d / "ext.cnf").write_text(f"subjectAltName=DNS:{NAME},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl(
        "x509",
        "-req",
        "-in",
        "srv.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "srv.crt",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        cwd=d,
    )


class Handler(BaseHTTPRequestHandler):
    """/ok 200 cacheable, /flaky 200 then 503 in turn, /sometimes-slow slow every other time, /secret 403,
    /delay DELAY_S then 200, /needs-token 401 without the token header."""

    disable_nagle_algorithm = True
    counts: ClassVar[dict[str, int]] = {}

    def do_GET(self) -> None:
        n = self.counts[self.path] = self.counts.get(self.path, 0) + 1
        status = {"/flaky": 200 if n % 2 else 503, "/secret": 403}.get(self.path, 200)
        if self.path == "/needs-token" and self.headers.get(TOKEN_HEADER) != TOKEN:
            status = 401
        if self.path == "/delay":
            time.sleep(DELAY_S)
        elif self.path == "/sometimes-slow" and n % 2 == 0:
            time.sleep(SLOW_S)
        body = b"ok\n"
        self.send_response(status)
        self.send_header("Cache-Control", "public, max-age=600")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b"{}"
        status = 403 if self.path == "/secret" else 201
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@dataclass(frozen=True)
class TlsServer:
    port: int
    ca_file: str
    other_ca_file: str

    def endpoint(self, **kw: Any) -> HttpEndpoint:
        return HttpEndpoint(base_url=f"https://127.0.0.1:{self.port}", ca_file=self.ca_file, **kw)


def serve_tls(d: Path) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """The HTTPS server on a free loopback port, serving in a daemon thread."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(d / "srv.crt", d / "srv.key")
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), type("H", (Handler,), {"counts": {}}))
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(scope="module")
def tls_server() -> Iterator[TlsServer]:
    """A throwaway HTTPS server signed by a CA made for this module."""
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed (apt-get install openssl)")
    d = Path(tempfile.mkdtemp(prefix="cc-http-"))
    make_pki(d)
    server, thread = serve_tls(d)
    yield TlsServer(server.server_address[1], str(d / "ca.crt"), str(d / "other-ca.crt"))
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    shutil.rmtree(d, ignore_errors=True)


def test_get_verifies_with_the_ca_file_and_lower_cases_headers(tls_server: TlsServer) -> None:
    found = get(tls_server.endpoint(), "/ok")
    assert found.status == 200 and found.url == f"https://127.0.0.1:{tls_server.port}/ok"
    assert found.headers["cache-control"] == "public, max-age=600" and found.elapsed_ms > 0


def test_get_with_the_wrong_ca_fails_as_a_collection_error(tls_server: TlsServer) -> None:
    wrong = HttpEndpoint(base_url=f"https://127.0.0.1:{tls_server.port}", ca_file=tls_server.other_ca_file)
    with pytest.raises(CollectionError, match="/ok"):
        get(wrong, "/ok")


def test_refused_credentials_are_access_denied(tls_server: TlsServer) -> None:
    with pytest.raises(AccessDenied, match="/secret"):
        get(tls_server.endpoint(), "/secret", {"Authorization": "Bearer test"})


def test_a_403_without_credentials_is_returned_not_raised(tls_server: TlsServer) -> None:
    assert get(tls_server.endpoint(), "/secret").status == 403


def test_post_sends_json_and_returns_the_answer(tls_server: TlsServer) -> None:
    answer = post(tls_server.endpoint(), "/login", {"X-Tenant": "a"}, {"user": "tester"})
    assert answer.status == 201 and answer.headers["content-type"] == "application/json"


def test_post_refused_credentials_are_access_denied_naming_the_url(tls_server: TlsServer) -> None:
    with pytest.raises(AccessDenied, match="/secret: credentials refused"):
        post(tls_server.endpoint(), "/secret", {"Authorization": "Bearer test"})


def test_post_to_a_closed_port_is_unreachable() -> None:
    with pytest.raises(TargetUnreachable):
        post(HttpEndpoint(base_url=f"https://127.0.0.1:{free_port()}", timeout_s=2), "/login", {})


def test_relative_ca_paths_are_from_the_project_root() -> None:
    relative = HttpEndpoint(base_url="https://127.0.0.1:1", ca_file="sandbox/ca.crt")
    assert verify_option(relative) == str(project_root() / "sandbox/ca.crt")
    assert verify_option(HttpEndpoint(base_url="https://127.0.0.1:1")) is True


def test_probe_counts_error_statuses(tls_server: TlsServer) -> None:
    series = probe(tls_server.endpoint(), "/flaky", count=6, interval_s=0, timeout_s=2)
    assert series.statuses == (200, 503) * 3 and series.successes == 3 and series.errors == ()
    assert len(series.latencies_ms) == 6 and all(x > 0 for x in series.latencies_ms)


def test_probe_records_timeouts_as_status_zero(tls_server: TlsServer) -> None:
    series = probe(tls_server.endpoint(), "/sometimes-slow", count=4, interval_s=0, timeout_s=SLOW_S / 3)
    assert series.statuses == (200, 0, 200, 0) and series.successes == 2
    assert series.errors == ("DeadlineExceeded", "DeadlineExceeded")


def test_probe_spaces_requests_by_the_interval(tls_server: TlsServer) -> None:
    started = time.monotonic()
    probe(tls_server.endpoint(), "/ok", count=3, interval_s=0.1, timeout_s=2)
    assert time.monotonic() - started >= 0.3


def test_get_on_a_closed_port_is_unreachable() -> None:
    port = free_port()
    with pytest.raises(TargetUnreachable) as caught:
        get(HttpEndpoint(base_url=f"https://127.0.0.1:{port}", timeout_s=2), "/ok")
    assert caught.value.endpoint == f"https://127.0.0.1:{port}/ok"


def test_probe_with_no_answer_at_all_is_unreachable() -> None:
    closed = HttpEndpoint(base_url=f"https://127.0.0.1:{free_port()}")
    with pytest.raises(TargetUnreachable, match="none of 2 probes"):
        probe(closed, "/ok", count=2, interval_s=0, timeout_s=1)

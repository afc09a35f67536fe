"""The open-loop engine for real: Locust subprocesses against nginx started here on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from checks.collect.load import GovernorExceeded, LoadPlan, run_open_loop
from checks.collect.load.samples import LatencySamples, histogram_of, read_log
from checks.errors import AccessDenied, TargetUnreachable

pytestmark = pytest.mark.integration

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
OPENSSL = shutil.which("openssl")
API_KEY = "test-key-not-a-secret"
CONF = """
daemon off; master_process off; worker_processes 1;
pid {d}/nginx.pid; error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off; keepalive_requests 1000000;
    client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;
    uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;
    server {{
        listen 127.0.0.1:{port}; root {d}/www;
        location /private {{ if ($http_x_api_key != "{key}") {{ return 401; }} return 200 "ok\\n"; }}
    }}
    server {{
        listen 127.0.0.1:{tls_port} ssl; root {d}/www;
        ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key;
        location /private {{ if ($http_x_api_key != "{key}") {{ return 401; }} return 200 "ok\\n"; }}
    }}
}}
"""


@dataclass(frozen=True)
class Nginx:
    http: str
    https: str
    port: int
    pid: int
    ca_file: str
    other_ca_file: str


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _openssl(d: Path, *args: str) -> None:
    subprocess.run([OPENSSL or "openssl", *args], cwd=d, check=True, capture_output=True)


def _make_certs(d: Path) -> None:
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "other-ca"):
        _openssl(
            d,
            "req",
            "-x509",
            *ec,
            "-keyout",
            f"{ca}.key",
            "-out",
            f"{ca}.pem",
            "-days",
            "2",
            "-subj",
            f"/CN={ca}",
        )
    _openssl(d, "req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _openssl(
        d,
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    )


def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on {port}")


@pytest.fixture(scope="module")
def nginx() -> Iterator[Nginx]:
    """nginx (single process, so SIGSTOP pauses it) with a static file, /private (API key) and TLS."""
    if not NGINX or not OPENSSL:
        pytest.skip("nginx and openssl are needed (apt-get install nginx openssl)")
    with tempfile.TemporaryDirectory(prefix="test-load-nginx-") as tmp:
        d = Path(tmp)
        (d / "www").mkdir()
        (d / "tmp").mkdir()
        (d / "www" / "index.html").write_text("hello\n")
        _make_certs(d)
        port, tls_port = _port(), _port()
        (d / "nginx.conf").write_text(CONF.format(d=d, port=port, tls_port=tls_port, key=API_KEY))
        proc = subprocess.Popen([NGINX, "-c", str(d / "nginx.conf"), "-e", str(d / "error.log")])
        try:
            _wait_listening(port)
            _wait_listening(tls_port)
            yield Nginx(
                f"http://127.0.0.1:{port}",
                f"https://127.0.0.1:{tls_port}",
                port,
                proc.pid,
                str(d / "ca.pem"),
                str(d / "other-ca.pem"),
            )
        finally:
            os.kill(proc.pid, signal.SIGCONT)
            proc.terminate()
            proc.wait(timeout=10)


def test_open_loop_keeps_the_requested_rate_and_counts_every_request(nginx: Nginx, tmp_path: Path) -> None:
    plan = LoadPlan(nginx.http, "/index.html", rate=200, duration_s=3)
    samples = run_open_loop(plan, max_rps=1000, out_dir=tmp_path)
    assert samples.scheduled == samples.sent == samples.completed == 600
    assert samples.errors == 0 and samples.status_counts == {200: 600}
    assert abs(samples.achieved_rate - 200) / 200 < 0.05
    assert len(samples.latencies_us) == 600 == len(read_log(Path(samples.log_path)))
    assert samples.lateness_us["p50"] < 5_000
    # no stall here: far below the stall test's ~1 s, with room for a loaded machine
    assert np.percentile(samples.latencies_us, 99) < 250_000


def _established(port: int) -> bool:
    """True when a client holds an ESTABLISHED connection to 127.0.0.1:port (from /proc/net/tcp)."""
    rows = [row.split() for row in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return any(f[1].endswith(f":{port:04X}") and f[3] == "01" for f in rows)


def _stall_once_traffic_flows(port: int, pid: int, after_s: float, stall_s: float) -> None:
    deadline = time.monotonic() + 30
    while not _established(port) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(after_s)
    os.kill(pid, signal.SIGSTOP)
    time.sleep(stall_s)
    os.kill(pid, signal.SIGCONT)


def test_a_server_stall_shows_in_the_p99(nginx: Nginx, tmp_path: Path) -> None:
    stall_s, duration_s = 1.0, 4.0
    staller = threading.Thread(target=_stall_once_traffic_flows, args=(nginx.port, nginx.pid, 1.0, stall_s))
    staller.start()
    samples = run_open_loop(
        LoadPlan(nginx.http, "/index.html", rate=200, duration_s=duration_s), max_rps=1000, out_dir=tmp_path
    )
    staller.join()
    p99_s = float(np.percentile(samples.latencies_us, 99)) / 1e6
    # requests scheduled in a stall of S s wait S, S - 1/rate, ...: the top 1% is within 0.01 * duration of S
    assert p99_s >= stall_s - 0.01 * duration_s - 0.02
    assert max(samples.latencies_us) / 1e6 >= stall_s - 0.01
    # The generator itself was not stalled: it kept sending on schedule while the server was stopped. This
    # is read from the engine's own record of each send (scheduled vs actual), not from a wall-clock bound
    # that load on the machine could break: the requests caught by the stall were sent across it, not
    # bunched at its end as a generator blocked by the server would send them.
    # Those waiting >= S/2 were scheduled over the stall's first half: ~S/2 of sends (a blocked one: ~0).
    stalled = [x for x in read_log(Path(samples.log_path)) if (x.latency_ns or 0) / 1e9 >= stall_s / 2]
    sends = [x.actual_send_ts for x in stalled]
    assert len(stalled) >= 200 * stall_s / 4 and max(sends) - min(sends) >= stall_s / 4


def test_the_governor_refuses_before_sending_anything(nginx: Nginx, tmp_path: Path) -> None:
    out = tmp_path / "never-created"
    with pytest.raises(GovernorExceeded, match="500 req/s exceeds the governor limit of 100"):
        run_open_loop(LoadPlan(nginx.http, "/index.html", rate=500, duration_s=1), max_rps=100, out_dir=out)
    assert not out.exists()


def test_two_workers_merge_exactly_into_the_histogram_of_their_raw_logs(nginx: Nginx, tmp_path: Path) -> None:
    plan = LoadPlan(nginx.http, "/index.html", rate=200, duration_s=2, workers=2)
    samples = run_open_loop(plan, max_rps=1000, out_dir=tmp_path)
    run_dir = Path(samples.log_path).parent
    logs = [read_log(run_dir / f"worker-{k}.log") for k in range(2)]
    assert [len(x) for x in logs] == [200, 200]
    merged, from_logs = samples.hdr(), histogram_of(logs[0] + logs[1])
    assert merged.get_total_count() == from_logs.get_total_count() == 400
    for pct in np.arange(0.0, 100.01, 0.1):
        assert merged.get_value_at_percentile(pct) == from_logs.get_value_at_percentile(pct)
    phase = logs[1][0].scheduled_ts - logs[0][0].scheduled_ts
    assert abs(phase - 1 / 200) < 0.001  # staggered: worker 1 sends half a worker-period after worker 0


def test_a_second_run_into_the_same_directory_never_reuses_the_first_runs_evidence(
    nginx: Nginx, tmp_path: Path
) -> None:
    def run(rate: float) -> LatencySamples:
        return run_open_loop(LoadPlan(nginx.http, "/index.html", rate, 1.0), max_rps=1000, out_dir=tmp_path)

    first, second = run(100), run(50)
    assert (first.scheduled, second.scheduled) == (100, 50)
    assert Path(first.log_path).parent != Path(second.log_path).parent


def test_tls_verified_against_the_given_ca_with_an_api_key_header(nginx: Nginx, tmp_path: Path) -> None:
    plan = LoadPlan(
        nginx.https,
        "/private",
        rate=50,
        duration_s=1,
        ca_file=nginx.ca_file,
        server_hostname="localhost",
        headers={"X-Api-Key": API_KEY},
    )
    samples = run_open_loop(plan, max_rps=1000, out_dir=tmp_path)
    assert samples.status_counts == {200: 50}
    assert API_KEY not in repr(plan) and API_KEY not in Path(samples.log_path).read_text()


def test_a_refused_identity_is_a_permission_error_naming_it_not_a_latency_sample(
    nginx: Nginx, tmp_path: Path
) -> None:
    plan = LoadPlan(nginx.http, "/private", rate=50, duration_s=1, identity="acme-load")
    with pytest.raises(AccessDenied) as caught:
        run_open_loop(plan, max_rps=1000, out_dir=tmp_path)
    assert "'acme-load' refused with 401 on 50 of 50 requests" in str(caught.value)
    assert f"{nginx.http}/private" in str(caught.value)


def test_a_certificate_from_another_ca_is_refused(nginx: Nginx, tmp_path: Path) -> None:
    plan = LoadPlan(nginx.https, "/index.html", rate=20, duration_s=1, ca_file=nginx.other_ca_file)
    with pytest.raises(TargetUnreachable, match=r"none of 20 requests.*SSL"):
        run_open_loop(plan, max_rps=1000, out_dir=tmp_path)


def test_the_certificate_must_carry_the_given_server_hostname(nginx: Nginx, tmp_path: Path) -> None:
    plan = LoadPlan(
        nginx.https,
        "/index.html",
        rate=20,
        duration_s=1,
        ca_file=nginx.ca_file,
        server_hostname="not-in-the-certificate.example",
    )
    with pytest.raises(TargetUnreachable, match=r"none of 20 requests.*SSL"):
        run_open_loop(plan, max_rps=1000, out_dir=tmp_path)


def test_https_is_verified_by_default_and_unverified_only_on_request(nginx: Nginx, tmp_path: Path) -> None:
    with pytest.raises(TargetUnreachable, match=r"none of 10 requests.*SSL"):
        run_open_loop(
            LoadPlan(nginx.https, "/index.html", rate=20, duration_s=0.5), max_rps=1000, out_dir=tmp_path
        )
    plan = LoadPlan(nginx.https, "/index.html", rate=20, duration_s=0.5, verify_tls=False)
    assert run_open_loop(plan, max_rps=1000, out_dir=tmp_path / "unverified").status_counts == {200: 10}


def test_nothing_listening_is_target_unreachable(tmp_path: Path) -> None:
    plan = LoadPlan(f"http://127.0.0.1:{_port()}", "/", rate=20, duration_s=0.5)
    with pytest.raises(TargetUnreachable):
        run_open_loop(plan, max_rps=1000, out_dir=tmp_path)

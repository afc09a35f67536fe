"""Vantage points of kind `pod`: the probe through the Kubernetes exec API, with the real `kubernetes`
client's `stream`, against tests/kube_replay/exec_server.py (no cluster is reachable here).

- Recorded exchanges (tests/kube_replay/exec/*.json) are replayed frame by frame: the request the client
  makes, the stdin it sends, and how each answer (success, a failing probe, no python3 in the pod, 403,
  404) becomes evidence or a CollectionError.
- The same server can run the requested command on this machine over the v4 and v5 channel protocols:
  the probe then really measures a local HTTPS gateway through the exec path.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from checks.collect.geo import VantageLatency, collect_vantage_latency
from checks.collect.geo_pod import BOOTSTRAP, PROBE, run_probe_in_pod
from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from checks.targets import HttpEndpoint, Kubernetes, VantagePoint
from tests.collect.test_http import NAME, TOKEN, TOKEN_HEADER, TlsServer
from tests.drills.servers import free_port
from tests.kube_replay.exec_server import ExecRequest, Replay, RunLocally, exec_server, recording

POD = VantagePoint(
    name="cluster", kind="pod", pod="claimcheck-vantage-0", namespace="claimcheck", container="probe"
)
STAGING = "https://api.staging.example.com"
CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBrecorded\n-----END CERTIFICATE-----\n"


@pytest.fixture
def staging_ca(tmp_path: Path) -> str:
    path = tmp_path / "staging-ca.crt"
    path.write_text(CA_PEM, encoding="utf-8")
    return str(path)


def _staging(ca_file: str) -> HttpEndpoint:
    return HttpEndpoint(base_url=STAGING, ca_file=ca_file, server_hostname="api.staging.example.com")


@dataclass
class Replayed:
    """One recorded exchange replayed: where the client departed from it, what it sent, what came out."""

    problems: list[str]
    requests: list[ExecRequest]
    seen: VantageLatency | None = None
    error: CollectionError | None = None


def _replayed(name: str, ca_file: str) -> Replayed:
    replay = Replay(recording(name))
    with exec_server(replay) as server:
        done = Replayed(replay.problems, server.requests)
        try:
            done.seen = collect_vantage_latency(
                POD, _staging(ca_file), "/health", 5, kube=Kubernetes(host=server.url)
            )
        except CollectionError as exc:
            done.error = exc
    return done


def test_a_recorded_exec_exchange_becomes_vantage_latency(staging_ca: str) -> None:
    done = _replayed("probe_success_v4", staging_ca)
    assert done.problems == [] and done.seen is not None
    samples = json.loads("".join(f["data"] for f in recording("probe_success_v4")["frames"][2:4]))["samples"]
    assert done.seen.connect_ms == tuple(s["connect_ms"] for s in samples)
    assert done.seen.statuses == (200, 200, 200, 200, 503)
    assert (done.seen.vantage, done.seen.url) == ("cluster", f"{STAGING}/health")


def test_the_exec_request_carries_no_secret_and_stdin_carries_the_probe(staging_ca: str) -> None:
    (request,) = _replayed("probe_success_v4", staging_ca).requests
    assert request.query["command"] == ["python3", "-c", BOOTSTRAP]
    assert CA_PEM.splitlines()[1] not in json.dumps(request.query)
    (stdin,) = request.stdin
    assert stdin[0] == 0 and stdin.endswith(b"\n")  # channel 0, one line
    sent = json.loads(stdin[1:])
    assert sent["env"] == {"CLAIMCHECK_PROBE_CA_PEM": CA_PEM}
    assert sent["script"] == PROBE.read_text(encoding="utf-8")


def test_a_probe_that_exits_non_zero_is_an_error_with_its_stderr(staging_ca: str) -> None:
    seen = _replayed("probe_exits_1_v4", staging_ca).error
    assert isinstance(seen, CollectionError) and not isinstance(seen, TargetUnreachable)
    assert "the probe exited 1" in str(seen) and "NO_CERTIFICATE_OR_CRL_FOUND" in str(seen)
    assert "pod claimcheck/claimcheck-vantage-0" in str(seen)


def test_a_pod_without_python_is_an_error_saying_so(staging_ca: str) -> None:
    seen = _replayed("no_python_in_pod_v4", staging_ca).error
    assert isinstance(seen, CollectionError)
    assert "executable file not found in $PATH" in str(seen)


def test_a_refused_exec_is_access_denied_naming_the_missing_permission(staging_ca: str) -> None:
    seen = _replayed("exec_forbidden", staging_ca).error
    assert isinstance(seen, AccessDenied)
    assert 'cannot create resource "pods/exec"' in str(seen) and "HTTP 403" in str(seen)


def test_a_missing_pod_is_an_error_not_access_denied(staging_ca: str) -> None:
    seen = _replayed("pod_not_found", staging_ca).error
    assert isinstance(seen, CollectionError) and not isinstance(seen, AccessDenied)
    assert 'HTTP 404: pods "claimcheck-vantage-0" not found' in str(seen)


def test_a_closed_api_server_is_unreachable() -> None:
    kube = Kubernetes(host=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(TargetUnreachable, match="no answer from the API server"):
        run_probe_in_pod(POD, kube, [f"{STAGING}/", "1", NAME, "", "", ""], timeout_s=10)


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for sock in [*held, listener]:
        sock.close()


def test_an_api_server_that_never_answers_is_unreachable_after_the_deadline(black_hole: int) -> None:
    kube = Kubernetes(host=f"http://127.0.0.1:{black_hole}")
    with pytest.raises(TargetUnreachable, match="no answer to the exec request in 1 s"):
        run_probe_in_pod(POD, kube, [f"{STAGING}/", "1", NAME, "", "", ""], timeout_s=1)


def test_a_vantage_point_may_name_its_own_cluster(staging_ca: str) -> None:
    replay = Replay(recording("probe_success_v4"))
    with exec_server(replay) as server:
        own = POD.model_copy(update={"kubernetes": Kubernetes(host=server.url)})
        seen = collect_vantage_latency(
            own, _staging(staging_ca), "/health", 5, kube=Kubernetes(host="http://x")
        )
    assert len(seen.total_ms) == 5 and replay.problems == []


@pytest.mark.integration
@pytest.mark.parametrize("protocol", ["v4.channel.k8s.io", "v5.channel.k8s.io"])
def test_through_the_exec_path_the_probe_measures_a_real_gateway(gateway: TlsServer, protocol: str) -> None:
    http = HttpEndpoint(
        base_url=f"https://127.0.0.1:{gateway.port}", ca_file=gateway.ca_file, server_hostname=NAME
    )
    with exec_server(RunLocally((protocol,))) as server:
        seen = collect_vantage_latency(POD, http, "/ok", 4, kube=Kubernetes(host=server.url))
        assert server.errors == []
    assert seen.statuses == (200,) * 4 and seen.errors == ()
    for connect, tls, ttfb, total in zip(
        seen.connect_ms, seen.tls_ms, seen.ttfb_ms, seen.total_ms, strict=True
    ):
        assert connect > 0 and tls > 0 and ttfb > 0
        assert total == pytest.approx(connect + tls + ttfb, rel=1e-6)


@pytest.mark.integration
def test_a_header_secret_reaches_the_probe_through_stdin_only(
    gateway: TlsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CC_TEST_POD_TOKEN", TOKEN)
    http = HttpEndpoint(
        base_url=f"https://127.0.0.1:{gateway.port}", ca_file=gateway.ca_file, server_hostname=NAME
    )
    with exec_server(RunLocally()) as server:
        header = (TOKEN_HEADER, "CC_TEST_POD_TOKEN")
        seen = collect_vantage_latency(POD, http, "/needs-token", 1, header, kube=Kubernetes(host=server.url))
        (request,) = server.requests
    assert seen.statuses == (200,)
    assert TOKEN not in json.dumps(request.query) and TOKEN.encode() in request.stdin[0]


@pytest.mark.integration
def test_a_failing_probe_run_locally_reports_its_exit_code(gateway: TlsServer, tmp_path: Path) -> None:
    bad_ca = tmp_path / "not-a-ca.crt"
    bad_ca.write_text("not a certificate\n", encoding="utf-8")
    http = HttpEndpoint(
        base_url=f"https://127.0.0.1:{gateway.port}", ca_file=str(bad_ca), server_hostname=NAME
    )
    with (
        exec_server(RunLocally()) as server,
        pytest.raises(CollectionError, match=r"the probe exited 1: ssl\.SSLError: no start line"),
    ):
        collect_vantage_latency(POD, http, "/ok", 1, kube=Kubernetes(host=server.url))

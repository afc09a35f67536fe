"""Every collector call is bounded: connect, read AND a total deadline from the target's timeout_s; bodies
are capped; an endpoint that never answers is asked once per run. Against hostile local servers."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.collect import cache, postgres, prometheus
from checks.collect.clients import boto_config, fetch, pg_options, redis_client, ssh_options
from checks.collect.cloud import AwsClients
from checks.collect.deadline import BREAKER, within
from checks.collect.http import get, probe
from checks.collect.kube.client import kube_apis
from checks.collect.kube.tenancy import collect_namespaces
from checks.errors import (
    CollectionError,
    DeadlineExceeded,
    EndpointGivenUp,
    ResponseTooLarge,
    TargetUnreachable,
)
from checks.targets import Aws, HttpEndpoint, Kubernetes, PgNode, Prometheus, RedisNode, VantagePoint
from tests import hostile

SHORT = 0.5


def endpoint(url: str, **kw: object) -> HttpEndpoint:
    return HttpEndpoint.model_validate({"base_url": url, "timeout_s": SHORT, **kw})


def test_a_black_hole_gives_deadline_exceeded_not_a_hang() -> None:
    with hostile.black_hole() as hole, pytest.raises(DeadlineExceeded, match=r"within 0\.5 s"):
        get(endpoint(hole.url), "/health")


def test_a_server_dripping_a_byte_per_read_is_cut_at_the_total_deadline() -> None:
    # one byte every 0.1 s never trips a 0.5 s read timeout; 1000 bytes would take 100 s
    with hostile.http_server(hostile.drip(0.1)) as drip, pytest.raises(DeadlineExceeded):
        get(endpoint(drip.url), "/")


def test_dripped_headers_are_cut_at_the_total_deadline_too() -> None:
    with hostile.http_server(hostile.drip(0.05, in_headers=True)) as drip, pytest.raises(DeadlineExceeded):
        get(endpoint(drip.url), "/")


def test_an_endpoint_that_never_answered_is_not_asked_again_in_the_run() -> None:
    with hostile.black_hole() as hole:
        with pytest.raises(DeadlineExceeded):
            get(endpoint(hole.url), "/a")
        with pytest.raises(EndpointGivenUp, match="not asked again"):
            get(endpoint(hole.url), "/b")
        assert len(hole.conns) == 1  # the second call never connected
    assert f"127.0.0.1:{hole.port}" in BREAKER.given_up()


def test_a_probe_series_against_a_black_hole_stops_once_given_up() -> None:
    with hostile.black_hole() as hole, pytest.raises(EndpointGivenUp):
        probe(endpoint(hole.url), "/", count=300, interval_s=0, timeout_s=SHORT)
    assert len(hole.conns) == 1


def test_within_returns_normally_inside_the_deadline() -> None:
    with within(5, "nowhere"):
        value = 1 + 1
    assert value == 2


def test_a_body_over_the_cap_is_response_too_large() -> None:
    with (
        hostile.http_server(hostile.big_body(200 * 2**20)) as big,
        pytest.raises(ResponseTooLarge, match="too large"),
    ):
        fetch(None, "GET", big.url, timeout_s=5, max_bytes=2**20)


def test_an_undeclared_body_over_the_cap_is_stopped_while_streaming() -> None:
    with (
        hostile.http_server(hostile.big_body(200 * 2**20, declared=False)) as big,
        pytest.raises(ResponseTooLarge, match="more than 1048576 bytes"),
    ):
        fetch(None, "GET", big.url, timeout_s=5, max_bytes=2**20)


def test_an_html_error_page_where_json_was_expected_is_a_collection_error() -> None:
    page = hostile.status("502 Bad Gateway", "<html><body>Bad gateway</body></html>", "application/json")
    with hostile.http_server(page) as html:
        prom = Prometheus(url=html.url, timeout_s=SHORT)
        with pytest.raises(CollectionError, match="not JSON"):
            prometheus.query(prom, "up")


def test_prometheus_uses_the_sections_timeout_not_a_fixed_one() -> None:
    with hostile.black_hole() as hole, pytest.raises(DeadlineExceeded, match=r"within 0\.5 s"):
        prometheus.query(Prometheus(url=hole.url, timeout_s=SHORT), "up")


def test_prometheus_sends_the_bearer_token_on_every_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CC_T_PROM_BEARER", "prom-bearer-0123456789")
    answer = hostile.status("200 OK", '{"status": "error", "error": "nope"}', "application/json")
    with hostile.http_server(answer) as server:
        prom = Prometheus(url=server.url, bearer_token_env="CC_T_PROM_BEARER", timeout_s=SHORT)
        for call in (
            lambda: prometheus.query(prom, "up"),
            lambda: prometheus.collect_prometheus_settings(prom),
            lambda: prometheus.api_data(prom, "/api/v1/status/config"),
            lambda: prometheus.api_data(prom, "/api/v1/rules"),
        ):
            with pytest.raises(CollectionError):
                call()
    assert {r.path.split("?")[0] for r in server.requests} >= {"/api/v1/query", "/api/v1/status/flags"}
    assert all(r.headers.get("authorization") == "Bearer prom-bearer-0123456789" for r in server.requests)


def test_a_token_echoed_in_an_error_body_is_redacted_before_it_is_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = "prom-token-ABCDEFGHIJKLMNOPQRSTUV"
    monkeypatch.setenv("CC_T_PROM_ECHO", token)
    with hostile.http_server(hostile.echo_auth) as server:
        prom = Prometheus(url=server.url, bearer_token_env="CC_T_PROM_ECHO", timeout_s=SHORT)
        with pytest.raises(CollectionError) as caught:
            prometheus.query(prom, "up")
    message = str(caught.value)
    assert "Authorization" in message  # the excerpt reached the header...
    assert not any(token[i : i + 8] in message for i in range(len(token) - 7))  # ...no 8 chars of it


def test_a_403_names_the_identity_and_the_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    from checks.collect.ratelimit import collect_rate_limit

    with (
        hostile.http_server(hostile.status("403 Forbidden", "forbidden")) as server,
        pytest.raises(CollectionError) as caught,
    ):
        collect_rate_limit(
            endpoint(server.url), "/api", ("tenant-a", {"X-API-Key": "k"}), 5, None, max_rps=50
        )
    assert "tenant-a" in str(caught.value) and f"{server.url}/api" in str(caught.value)
    assert "403" in str(caught.value)


def test_boto_clients_carry_the_targets_timeouts_and_bounded_retries() -> None:
    config = boto_config(3.0)
    assert (config.connect_timeout, config.read_timeout) == (3.0, 3.0)
    assert config.retries == {"total_max_attempts": 2, "mode": "standard"}


def test_a_boto_call_against_a_black_hole_ends_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with hostile.black_hole() as hole:
        client = AwsClients(Aws(endpoint_url=hole.url, regions=("us-east-1",), timeout_s=SHORT))
        with pytest.raises(DeadlineExceeded):
            client.client("s3", "us-east-1").list_buckets()
        with pytest.raises(EndpointGivenUp):
            client.client("rds", "us-east-1").describe_db_instances()


def test_redis_against_a_black_hole_ends_at_the_deadline() -> None:
    with hostile.black_hole() as hole, pytest.raises(DeadlineExceeded):
        cache.collect_hit_counters(RedisNode(host="127.0.0.1", port=hole.port, timeout_s=SHORT))


def test_redis_clients_get_the_password_and_tls_from_the_node(monkeypatch: pytest.MonkeyPatch) -> None:
    import redis

    node = RedisNode(host="cache.example", port=6380, tls=True, timeout_s=2)
    client = redis_client(node, "pw")
    kwargs = client.connection_pool.connection_kwargs
    assert client.connection_pool.connection_class is redis.SSLConnection
    assert (
        kwargs["password"] == "pw" and kwargs["socket_timeout"] == 2 and kwargs["ssl_cert_reqs"] == "required"
    )


def test_postgres_gets_connect_and_statement_timeouts() -> None:
    options = pg_options(PgNode(host="db", port=5432, dbname="d", user="u", timeout_s=3))
    assert options["connect_timeout"] == 3 and options["options"] == "-c statement_timeout=3000"
    assert options["sslmode"] == "verify-full"


def test_postgres_against_a_black_hole_ends_at_connect_timeout() -> None:
    with hostile.black_hole() as hole, pytest.raises(DeadlineExceeded):
        node = PgNode(host="127.0.0.1", port=hole.port, dbname="d", user="u", sslmode="disable", timeout_s=1)
        postgres.collect_setting(node, "TimeZone")


def test_kubernetes_calls_end_at_the_sections_deadline() -> None:
    with hostile.black_hole() as hole, pytest.raises(TargetUnreachable, match=r"within 0\.5 s"):
        collect_namespaces(kube_apis(Kubernetes(host=hole.url, timeout_s=SHORT)).core, "claimcheck.io/tenant")


def test_ssh_pins_the_known_hosts_when_given_and_bounds_the_connection(tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    pinned = ssh_options(
        VantagePoint(name="ba", kind="ssh", ssh_host="p@h", ssh_known_hosts=str(known), timeout_s=4)
    )
    assert "StrictHostKeyChecking=yes" in pinned and f"UserKnownHostsFile={known}" in pinned
    assert "ConnectTimeout=4" in pinned and "accept-new" not in pinned


def test_a_tls_handshake_without_answer_is_no_answer_not_a_refused_version() -> None:
    from checks.collect.tls import collect_tls_posture, probe_version

    with hostile.black_hole() as hole:
        with pytest.raises(DeadlineExceeded):
            probe_version("127.0.0.1", hole.port, "gw", "TLSv1", timeout_s=SHORT)
        with pytest.raises(TargetUnreachable):
            collect_tls_posture("127.0.0.1", hole.port, "gw", None, timeout_s=SHORT)

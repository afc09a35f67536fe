"""The geo probe from the `local` vantage kind against a throwaway HTTPS server; other kinds refused."""

from __future__ import annotations

import pytest

from checks.collect.geo import collect_vantage_latency, vantage_origin
from checks.errors import CollectionError, TargetUnreachable
from checks.targets import HttpEndpoint, VantagePoint
from checks.verdicts import Provenance
from tests.collect.test_http import DELAY_S, NAME, TOKEN, TOKEN_HEADER, TlsServer
from tests.drills.servers import free_port

pytestmark = pytest.mark.integration
LOCAL = VantagePoint(name="local-ba", kind="local", city="Buenos Aires")


def endpoint(gateway: TlsServer, ca_file: str | None = None) -> HttpEndpoint:
    return HttpEndpoint(
        base_url=f"https://127.0.0.1:{gateway.port}", ca_file=ca_file or gateway.ca_file, server_hostname=NAME
    )


def test_local_probe_measures_each_phase(gateway: TlsServer) -> None:
    seen = collect_vantage_latency(LOCAL, endpoint(gateway), "/ok", 5)
    assert (seen.vantage, seen.city, seen.url) == (
        "local-ba",
        "Buenos Aires",
        f"https://127.0.0.1:{gateway.port}/ok",
    )
    assert seen.statuses == (200,) * 5 and seen.errors == ()
    for connect, tls, ttfb, total in zip(
        seen.connect_ms, seen.tls_ms, seen.ttfb_ms, seen.total_ms, strict=True
    ):
        assert 0 < connect < 100 and 0 < tls < 1000 and 0 < ttfb < 1000
        assert total == pytest.approx(connect + tls + ttfb, rel=1e-6)


def test_samples_record_their_target_and_vantage_kind(gateway: TlsServer) -> None:
    seen = collect_vantage_latency(LOCAL, endpoint(gateway), "/ok", 2, target="t")
    assert (seen.origin.target, seen.origin.vantage, seen.origin.vantage_kind) == ("t", "local-ba", "local")
    assert seen.origin.provenance is Provenance.INDEPENDENT


def test_an_emulated_vantage_point_gives_emulated_evidence() -> None:
    city = VantagePoint(name="cordoba", kind="netns", netns="cc-city-cor", city="Córdoba", emulated=True)
    assert vantage_origin(city, "local").provenance is Provenance.EMULATED


def test_server_time_shows_in_time_to_first_byte_not_in_connect(gateway: TlsServer) -> None:
    seen = collect_vantage_latency(LOCAL, endpoint(gateway), "/delay", 3)
    assert min(seen.ttfb_ms) >= DELAY_S * 1000
    assert max(seen.connect_ms) < DELAY_S * 1000


def test_error_statuses_are_recorded(gateway: TlsServer) -> None:
    assert collect_vantage_latency(LOCAL, endpoint(gateway), "/secret", 2).statuses == (403, 403)


def test_a_header_is_sent_from_the_named_environment_variable(
    gateway: TlsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CC_TEST_PROBE_TOKEN", TOKEN)
    header = (TOKEN_HEADER, "CC_TEST_PROBE_TOKEN")
    assert collect_vantage_latency(LOCAL, endpoint(gateway), "/needs-token", 1, header).statuses == (200,)
    monkeypatch.delenv("CC_TEST_PROBE_TOKEN")
    assert collect_vantage_latency(LOCAL, endpoint(gateway), "/needs-token", 1, header).statuses == (401,)


def test_the_vantage_gateway_url_wins_over_the_base_url(gateway: TlsServer) -> None:
    elsewhere = HttpEndpoint(
        base_url=f"https://127.0.0.1:{free_port()}", ca_file=gateway.ca_file, server_hostname=NAME
    )
    vantage = LOCAL.model_copy(update={"gateway_url": f"https://127.0.0.1:{gateway.port}"})
    assert collect_vantage_latency(vantage, elsewhere, "/ok", 1).statuses == (200,)


def test_an_untrusted_certificate_fails_every_request(gateway: TlsServer) -> None:
    with pytest.raises(TargetUnreachable, match="no request from local-ba succeeded"):
        collect_vantage_latency(LOCAL, endpoint(gateway, gateway.other_ca_file), "/ok", 2)


def test_a_closed_port_is_unreachable() -> None:
    closed = HttpEndpoint(base_url=f"https://127.0.0.1:{free_port()}", server_hostname=NAME)
    with pytest.raises(TargetUnreachable, match="ConnectionRefusedError"):
        collect_vantage_latency(LOCAL, closed, "/ok", 1)


def test_a_pod_vantage_point_without_a_cluster_is_a_collection_error() -> None:
    vantage = VantagePoint(name="remote", kind="pod", pod="probe-0")
    with pytest.raises(CollectionError, match="needs pod, namespace and a `kubernetes` section"):
        collect_vantage_latency(vantage, HttpEndpoint(base_url="https://127.0.0.1:1"), "/ok", 1)


def test_a_netns_vantage_without_a_namespace_is_a_collection_error() -> None:
    vantage = VantagePoint(name="cordoba", kind="netns")
    with pytest.raises(CollectionError, match="namespace name"):
        collect_vantage_latency(vantage, HttpEndpoint(base_url="https://127.0.0.1:1"), "/ok", 1)

"""PeerAuthentication collector through the real kubernetes client against the local replay server."""

from __future__ import annotations

from collections.abc import Iterator

import kubernetes.client as k8s
import pytest

from checks.collect.mesh import collect_peer_authentications
from checks.errors import AccessDenied, TargetUnreachable
from tests.drills.servers import free_port
from tests.kube_replay import ReplayServer, Route, load, serve

PATH = "/apis/security.istio.io/v1beta1/peerauthentications"


def route(payload: str, status: int = 200) -> Route:
    return Route("GET", PATH, [load(payload)], status=status)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve([]) as srv:
        yield srv


@pytest.fixture
def custom(server: ReplayServer) -> Iterator[k8s.CustomObjectsApi]:
    with k8s.ApiClient(k8s.Configuration(host=server.url)) as api_client:
        yield k8s.CustomObjectsApi(api_client)


def test_policies_are_read_with_mode_selector_and_port_modes(
    server: ReplayServer, custom: k8s.CustomObjectsApi
) -> None:
    server.add(route("mesh_peerauthentications.json"))
    mesh = collect_peer_authentications(custom)
    by_name = {p.name: p for p in mesh.policies}
    assert mesh.installed and mesh.root_namespace == "istio-system"
    assert (by_name["default"].namespace, by_name["default"].mode, by_name["default"].has_selector) == (
        "istio-system",
        "STRICT",
        False,
    )
    assert by_name["legacy-permissive"].mode == "PERMISSIVE"
    assert by_name["web-metrics-port"].mode == "UNSET" and by_name["web-metrics-port"].has_selector
    assert by_name["web-metrics-port"].port_modes == {"9090": "DISABLE"}
    assert len(server.requests_to(PATH)) == 1


def test_a_strict_only_mesh_has_one_policy(server: ReplayServer, custom: k8s.CustomObjectsApi) -> None:
    server.add(route("mesh_peerauthentications_strict.json"))
    mesh = collect_peer_authentications(custom, root_namespace="istio-system")
    assert [(p.namespace, p.mode) for p in mesh.policies] == [("istio-system", "STRICT")]


def test_no_crd_means_not_installed(server: ReplayServer, custom: k8s.CustomObjectsApi) -> None:
    mesh = collect_peer_authentications(custom, root_namespace="mesh-root")
    assert not mesh.installed and mesh.policies == () and mesh.root_namespace == "mesh-root"
    assert len(server.requests_to(PATH)) == 1


def test_forbidden_list_is_access_denied_naming_the_endpoint(
    server: ReplayServer, custom: k8s.CustomObjectsApi
) -> None:
    server.add(route("mesh_forbidden_peerauthentications.json", status=403))
    with pytest.raises(AccessDenied) as caught:
        collect_peer_authentications(custom)
    assert caught.value.endpoint == PATH and "cannot list resource" in str(caught.value)


def test_an_unreachable_api_server_is_target_unreachable() -> None:
    closed = k8s.Configuration(host=f"http://127.0.0.1:{free_port()}")
    with k8s.ApiClient(closed) as api_client, pytest.raises(TargetUnreachable):
        collect_peer_authentications(k8s.CustomObjectsApi(api_client))

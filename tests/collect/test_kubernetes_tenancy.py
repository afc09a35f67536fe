"""Tenancy collectors through the real kubernetes client against the local replay server."""

from __future__ import annotations

from collections.abc import Iterator

import kubernetes.client as k8s
import pytest

from checks.collect.kube import (
    ResourceAction,
    ServiceAccountRef,
    access_reviews,
    check_quota_enforced,
    collect_namespaces,
    collect_network_policies,
    collect_quota_snapshot,
    requests_beyond,
)
from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from tests.kube_replay import (
    TENANTS,
    ReplayServer,
    Route,
    default_routes,
    forbidden_network_policies_route,
    serve,
)

SELECTOR = "claimcheck.io/tenant"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(default_routes()) as srv:
        yield srv


@pytest.fixture
def client(server: ReplayServer) -> Iterator[k8s.ApiClient]:
    with k8s.ApiClient(k8s.Configuration(host=server.url)) as api_client:
        yield api_client


def test_namespaces_follow_the_continue_token_across_two_pages(
    server: ReplayServer, client: k8s.ApiClient
) -> None:
    inventory = collect_namespaces(k8s.CoreV1Api(client), SELECTOR)
    assert inventory.names == TENANTS
    first, second = server.requests_to("/api/v1/namespaces")
    assert (
        first.query["labelSelector"] == SELECTOR and "continue" not in first.query and "limit" in first.query
    )
    assert second.query["continue"].startswith("eyJ2Ijoi")


def test_namespace_pod_security_labels_are_kept(client: k8s.ApiClient) -> None:
    by_name = {n.name: n for n in collect_namespaces(k8s.CoreV1Api(client), SELECTOR).namespaces}
    assert by_name["tenant-a"].pod_security["enforce"] == "restricted"
    assert by_name["tenant-b"].pod_security == {"enforce": "baseline", "audit": "restricted"}
    assert "enforce" not in by_name["tenant-c"].pod_security


def test_network_policies_keep_the_spec_as_plain_dicts(client: k8s.ApiClient) -> None:
    snapshot = collect_network_policies(k8s.NetworkingV1Api(client), TENANTS)
    deny = next(p for p in snapshot.in_namespace("tenant-a") if p.name == "default-deny-all")
    assert deny.spec == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    dns = next(p for p in snapshot.policies if p.name == "allow-dns")
    assert dns.spec["egress"][0]["ports"][0] == {"protocol": "UDP", "port": 53}
    assert [p.name for p in snapshot.in_namespace("tenant-b")] == ["default-deny-ingress"]


def test_forbidden_list_raises_access_denied_naming_the_endpoint(
    server: ReplayServer, client: k8s.ApiClient
) -> None:
    server.add(forbidden_network_policies_route())
    with pytest.raises(AccessDenied) as caught:
        collect_network_policies(k8s.NetworkingV1Api(client), TENANTS)
    assert "/namespaces/tenant-c/networkpolicies" in caught.value.endpoint
    assert 'cannot list resource "networkpolicies"' in str(caught.value)


def test_server_error_is_a_collection_error_not_access_denied(
    server: ReplayServer, client: k8s.ApiClient
) -> None:
    status = {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "message": "etcdserver: request timed out",
        "reason": "InternalError",
        "code": 500,
    }
    server.add(Route("GET", "/api/v1/namespaces/tenant-b/resourcequotas", [status], status=500))
    with pytest.raises(CollectionError) as caught:
        collect_quota_snapshot(k8s.CoreV1Api(client), TENANTS)
    assert not isinstance(caught.value, AccessDenied) and "etcdserver" in str(caught.value)


def test_unreachable_api_server_raises_target_unreachable() -> None:
    with serve([]) as srv:
        url = srv.url  # the port is closed once the server stops
    config = k8s.Configuration(host=url)
    config.retries = 0
    with k8s.ApiClient(config) as api_client, pytest.raises(TargetUnreachable):
        collect_namespaces(k8s.CoreV1Api(api_client), SELECTOR)


def test_quota_snapshot_reads_status_hard_and_used(client: k8s.ApiClient) -> None:
    snapshot = collect_quota_snapshot(k8s.CoreV1Api(client), TENANTS)
    quota_a = next(q for q in snapshot.quotas if q.namespace == "tenant-a")
    assert quota_a.hard["requests.cpu"] == "4" and quota_a.used["requests.memory"] == "2560Mi"
    assert [lr.namespace for lr in snapshot.limit_ranges] == ["tenant-a"]
    assert snapshot.limit_ranges[0].limits[0]["max"] == {"cpu": "2", "memory": "4Gi"}


def test_requests_beyond_doubles_every_cpu_and_memory_bound(client: k8s.ApiClient) -> None:
    quota_a = next(
        q for q in collect_quota_snapshot(k8s.CoreV1Api(client), TENANTS).quotas if q.namespace == "tenant-a"
    )
    assert requests_beyond(quota_a) == {
        "requests.cpu": "8",
        "requests.memory": str(16 * 2**30),
        "limits.cpu": "16",
        "limits.memory": str(32 * 2**30),
    }


def test_dry_run_beyond_quota_refused_by_resource_quota(server: ReplayServer, client: k8s.ApiClient) -> None:
    result = check_quota_enforced(
        k8s.CoreV1Api(client), "tenant-a", requested={"requests.cpu": "8"}, run_id="r1"
    )
    assert result.refused and result.refused_by == "ResourceQuota" and "exceeded quota" in result.message
    sent = server.requests_to("/api/v1/namespaces/tenant-a/pods", "POST")[0]
    assert sent.query["dryRun"] == "All"
    assert sent.body["spec"]["containers"][0]["resources"] == {
        "requests": {"cpu": "8"},
        "limits": {"cpu": "8"},
    }


def test_dry_run_admitted_where_no_cpu_quota_exists(client: k8s.ApiClient) -> None:
    result = check_quota_enforced(
        k8s.CoreV1Api(client), "tenant-b", requested={"requests.cpu": "8"}, run_id="r1"
    )
    assert not result.refused and result.http_status == 201


def test_dry_run_forbidden_by_rbac_is_access_denied_not_a_refusal(client: k8s.ApiClient) -> None:
    with pytest.raises(AccessDenied, match="cannot create resource"):
        check_quota_enforced(k8s.CoreV1Api(client), "tenant-c", requested={"requests.cpu": "8"}, run_id="r1")


def test_access_reviews_cover_every_account_namespace_and_action(
    server: ReplayServer, client: k8s.ApiClient
) -> None:
    accounts = [ServiceAccountRef(ns, "app") for ns in TENANTS]
    actions = [ResourceAction("get", "secrets"), ResourceAction("create", "deployments", "apps")]
    matrix = access_reviews(k8s.AuthorizationV1Api(client), accounts, TENANTS, actions)
    assert len(matrix.entries) == 3 * 3 * 2
    assert all(e.allowed == e.own_namespace for e in matrix.entries)
    body = server.requests_to("/apis/authorization.k8s.io/v1/subjectaccessreviews", "POST")[0].body
    assert body["spec"]["user"] == "system:serviceaccount:tenant-a:app"
    assert "system:serviceaccounts:tenant-a" in body["spec"]["groups"]

"""Encryption in transit: TLS versions and certificate posture at the gateway, service-mesh mTLS."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from urllib.parse import urlparse

import pytest

from checks.collect import cache as redis_collect
from checks.collect import postgres as pg_collect
from checks.collect.http import verify_option
from checks.collect.kube.client import kube_apis
from checks.collect.mesh import collect_peer_authentications
from checks.collect.tls import collect_tls_posture
from checks.errors import CollectionError
from checks.evaluate.mesh import mtls_strict
from checks.evaluate.tls import in_transit_as_claimed, tls_as_claimed
from checks.evidence.origin import Origin
from checks.evidence.transport import HopTransport, TlsPosture
from checks.ledger import Claim
from checks.params import TlsParams
from checks.targets import HttpEndpoint, Kubernetes, Target
from fixtures.claims import claim_params
from fixtures.judging import Judge
from fixtures.once import CollectOnce


@pytest.fixture(scope="session")
def tls_postures() -> CollectOnce[str, TlsPosture]:
    """The gateway's TLS posture, probed once per session."""
    return CollectOnce("TLS posture")


def _posture(http: HttpEndpoint, origin: Origin) -> TlsPosture:
    url, plain = urlparse(http.base_url), urlparse(http.plain_url) if http.plain_url else None
    ca = verify_option(http)
    return collect_tls_posture(
        url.hostname or "",
        url.port or 443,
        http.server_hostname or url.hostname or "",
        ca if isinstance(ca, str) else None,
        http_port=plain.port if plain else None,
        origin=origin,
    )


@pytest.mark.parametrize("claim", claim_params("tls.policy"))
def test_tls_as_claimed(
    claim: Claim,
    judge: Judge,
    target: Target,
    evidence_origin: Callable[[str], Origin],
    tls_postures: CollectOnce[str, TlsPosture],
) -> None:
    http = judge.need(target.http, "an HTTPS endpoint")
    if urlparse(http.base_url).scheme != "https":
        judge.not_applicable(f"{http.base_url} is not HTTPS")
    posture = tls_postures.get(http.base_url, lambda: _posture(http, evidence_origin("http.tls")))
    if claim.params_as(TlsParams).hops == "edge":
        judge(tls_as_claimed(posture, claim))
        return
    hops, failures = _hops(target, evidence_origin)
    judge(in_transit_as_claimed(posture, hops, failures, claim))


def _hops(target: Target, evidence_origin: Callable[[str], Origin]) -> tuple[list[HopTransport], list[str]]:
    """claimcheck's own connection to each database and cache node the target describes, and the nodes
    that could not be reached (named, with why)."""
    pg, rd = target.postgres, target.redis
    nodes: list[tuple[str, Callable[..., HopTransport], str]] = []
    if pg:
        for name, node in (("primary", pg.primary), ("replica", pg.replica)):
            if node is not None:
                nodes.append((f"PostgreSQL {name}", partial(pg_collect.collect_transport, node), "postgres"))
    if rd:
        for name, rnode in (("primary", rd.primary), ("replica", rd.replica)):
            if rnode is not None:
                nodes.append((f"Redis {name}", partial(redis_collect.collect_transport, rnode), "redis"))
    hops, failures = [], []
    for hop, collect, source in nodes:
        try:
            hops.append(collect(hop, origin=evidence_origin(source)))
        except CollectionError as exc:
            failures.append(f"{hop}: {exc}")
    return hops, failures


@pytest.mark.parametrize("claim", claim_params("mesh.mtls"))
def test_mesh_mtls_strict(
    claim: Claim, judge: Judge, target_kubernetes: Kubernetes | None, evidence_origin: Callable[[str], Origin]
) -> None:
    k8s = judge.need(target_kubernetes, "a Kubernetes cluster with a service mesh")
    policies = collect_peer_authentications(kube_apis(k8s).custom, origin=evidence_origin("kubernetes"))
    judge(mtls_strict(policies, claim))

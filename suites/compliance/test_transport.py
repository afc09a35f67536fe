"""Encryption in transit: TLS versions and certificate posture at the gateway, service-mesh mTLS."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from checks.collect.http import verify_option
from checks.collect.kube.client import kube_apis
from checks.collect.mesh import collect_peer_authentications
from checks.collect.tls import collect_tls_posture
from checks.evaluate.mesh import mtls_strict
from checks.evaluate.tls import https_enforced, tls_versions_only
from checks.ledger import Claim
from checks.targets import Kubernetes, Target
from fixtures.claims import claim_params
from fixtures.judging import Judge


@pytest.mark.parametrize("claim", claim_params("tls.policy"))
def test_tls_as_claimed(claim: Claim, judge: Judge, target: Target) -> None:
    http = judge.need(target.http, "an HTTPS endpoint")
    url, plain = urlparse(http.base_url), urlparse(http.plain_url) if http.plain_url else None
    if url.scheme != "https":
        judge.not_applicable(f"{http.base_url} is not HTTPS")
    ca = verify_option(http)
    posture = collect_tls_posture(
        url.hostname or "",
        url.port or 443,
        http.server_hostname or url.hostname or "",
        ca if isinstance(ca, str) else None,
        http_port=plain.port if plain else None,
    )
    judge(
        https_enforced(posture, claim) if claim.comparator == "present" else tls_versions_only(posture, claim)
    )


@pytest.mark.parametrize("claim", claim_params("mesh.mtls"))
def test_mesh_mtls_strict(claim: Claim, judge: Judge, target_kubernetes: Kubernetes | None) -> None:
    k8s = judge.need(target_kubernetes, "a Kubernetes cluster with a service mesh")
    judge(mtls_strict(collect_peer_authentications(kube_apis(k8s).custom), claim))

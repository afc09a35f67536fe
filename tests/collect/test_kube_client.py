"""How the collectors reach a cluster: a direct URL, a kubeconfig context, or (run inside the cluster,
deploy/kubernetes/) the pod's own service account."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.collect.kube.client import api_client, in_cluster_client, kube_apis
from checks.errors import CollectionError
from checks.targets import Kubernetes

POD_ENV = {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}


def _service_account(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "token").write_text("sa-token-123", encoding="utf-8")
    (tmp_path / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    return str(tmp_path / "token"), str(tmp_path / "ca.crt")


def test_in_a_pod_the_client_uses_the_service_accounts_token_and_ca(tmp_path: Path) -> None:
    token, ca = _service_account(tmp_path)
    configuration = in_cluster_client(token, ca, POD_ENV).configuration
    assert configuration.host == "https://10.96.0.1:443"
    assert configuration.ssl_ca_cert == ca
    assert configuration.api_key["BearerToken"] == "bearer sa-token-123"
    assert configuration.refresh_api_key_hook is not None  # the kubelet rotates the token


def test_outside_a_pod_in_cluster_is_a_collection_error_naming_the_service_account(tmp_path: Path) -> None:
    token, ca = _service_account(tmp_path)
    with pytest.raises(CollectionError, match="in-cluster service account"):
        in_cluster_client(token, ca, {})


def test_a_missing_token_is_a_collection_error(tmp_path: Path) -> None:
    with pytest.raises(CollectionError, match="in-cluster service account"):
        in_cluster_client(str(tmp_path / "none"), str(tmp_path / "none.crt"), POD_ENV)


def test_a_target_that_says_in_cluster_reads_the_pods_service_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in POD_ENV:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(CollectionError, match="in-cluster service account"):
        kube_apis(Kubernetes(in_cluster=True))


def test_a_direct_url_wins_over_kubeconfig() -> None:
    assert api_client(Kubernetes(host="http://127.0.0.1:1")).configuration.host == "http://127.0.0.1:1"

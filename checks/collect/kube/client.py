"""The official client for a target: a direct API URL (e.g. a replay server), a kubeconfig context, or the
service account of the pod claimcheck runs in (`kubernetes.in_cluster`, deploy/kubernetes/)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from checks.collect.kube._call import register_timeout
from checks.errors import CollectionError
from checks.targets import Kubernetes

if TYPE_CHECKING:
    from kubernetes import client


@dataclass(frozen=True)
class KubeApis:
    """The API groups claimcheck reads, sharing one ApiClient."""

    core: client.CoreV1Api
    networking: client.NetworkingV1Api
    autoscaling: client.AutoscalingV2Api
    apps: client.AppsV1Api
    authorization: client.AuthorizationV1Api
    custom: client.CustomObjectsApi


def kube_apis(k8s: Kubernetes) -> KubeApis:
    """Clients for the target's cluster; a broken kubeconfig is a CollectionError naming it."""
    from kubernetes import client

    api = api_client(k8s)
    return KubeApis(
        client.CoreV1Api(api),
        client.NetworkingV1Api(api),
        client.AutoscalingV2Api(api),
        client.AppsV1Api(api),
        client.AuthorizationV1Api(api),
        client.CustomObjectsApi(api),
    )


def api_client(k8s: Kubernetes) -> client.ApiClient:
    """One ApiClient for the cluster (in-cluster service account, a direct URL, or a kubeconfig context),
    whose calls get the section's timeout_s for connect, read and in total (checks/collect/kube/_call.py)."""
    made = _new_api_client(k8s)
    register_timeout(made, k8s.timeout_s)
    return made


def _new_api_client(k8s: Kubernetes) -> client.ApiClient:
    from kubernetes import client, config

    if k8s.in_cluster:
        return in_cluster_client()
    if k8s.host:
        return client.ApiClient(client.Configuration(host=k8s.host))
    path = os.environ.get(k8s.kubeconfig_env) if k8s.kubeconfig_env else None
    try:
        return config.new_client_from_config(config_file=path, context=k8s.context)
    except (config.ConfigException, OSError) as exc:
        raise CollectionError(
            f"kubeconfig {path or '~/.kube/config'} context {k8s.context}", str(exc)
        ) from exc


def in_cluster_client(
    token_file: str | None = None,
    ca_file: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> client.ApiClient:
    """The pod's own service account (KUBERNETES_SERVICE_HOST/PORT, its token and CA), as `kubectl` in a
    pod uses it; the token is re-read as the kubelet rotates it. `token_file` and `ca_file` default to the
    service account's mounted token and CA (the client's SERVICE_TOKEN_FILENAME, SERVICE_CERT_FILENAME)."""
    from kubernetes import client, config
    from kubernetes.config.incluster_config import (
        SERVICE_CERT_FILENAME,
        SERVICE_TOKEN_FILENAME,
        InClusterConfigLoader,
    )

    token_file = SERVICE_TOKEN_FILENAME if token_file is None else token_file
    ca_file = SERVICE_CERT_FILENAME if ca_file is None else ca_file
    configuration = client.Configuration()
    loader = InClusterConfigLoader(token_filename=token_file, cert_filename=ca_file, environ=environ)
    try:
        loader.load_and_set(configuration)
    except config.ConfigException as exc:
        raise CollectionError("in-cluster service account", str(exc)) from exc
    return client.ApiClient(configuration)

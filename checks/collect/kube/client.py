"""The official client for a target: a direct API URL (e.g. a replay server) or a kubeconfig context."""

from __future__ import annotations

import os
from dataclasses import dataclass

from kubernetes import client, config

from checks.collect.kube._call import register_timeout
from checks.errors import CollectionError
from checks.targets import Kubernetes


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
    if k8s.host:
        configuration = client.Configuration(host=k8s.host)
        api = client.ApiClient(configuration)
    else:
        path = os.environ.get(k8s.kubeconfig_env) if k8s.kubeconfig_env else None
        try:
            api = config.new_client_from_config(config_file=path, context=k8s.context)
        except (config.ConfigException, OSError) as exc:
            raise CollectionError(
                f"kubeconfig {path or '~/.kube/config'} context {k8s.context}", str(exc)
            ) from exc
    register_timeout(api, k8s.timeout_s)
    return KubeApis(
        client.CoreV1Api(api),
        client.NetworkingV1Api(api),
        client.AutoscalingV2Api(api),
        client.AppsV1Api(api),
        client.AuthorizationV1Api(api),
        client.CustomObjectsApi(api),
    )

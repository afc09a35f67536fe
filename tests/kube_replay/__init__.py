"""A local stand-in for a Kubernetes API server: recorded payloads replayed over HTTP on 127.0.0.1."""

from __future__ import annotations

from tests.kube_replay.scenario import TENANTS, default_routes, forbidden_network_policies_route, load
from tests.kube_replay.server import RecordedRequest, ReplayServer, Route, serve

__all__ = [
    "TENANTS",
    "RecordedRequest",
    "ReplayServer",
    "Route",
    "default_routes",
    "forbidden_network_policies_route",
    "load",
    "serve",
]

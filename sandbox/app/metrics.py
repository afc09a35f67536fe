"""Prometheus metrics of one app instance, and the ASGI middleware that times every request.

Requests are labelled by route *template* (`/api/v1/bookings/{booking_id}`), never by raw path, so the
label set stays bounded; a path that matches no route is `<unmatched>`.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED = "<unmatched>"
# Fine-grained from 5 ms to 1 s, where the documents' latency bounds (50, 100, 120, 150 ms...) sit.
LATENCY_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.0075,
    0.01,
    0.0125,
    0.015,
    0.02,
    0.025,
    0.03,
    0.035,
    0.04,
    0.045,
    0.05,
    0.06,
    0.07,
    0.08,
    0.09,
    0.1,
    0.11,
    0.125,
    0.15,
    0.175,
    0.2,
    0.25,
    0.3,
    0.4,
    0.5,
    0.75,
    1.0,
    2.5,
    5.0,
    10.0,
)


class AppMetrics:
    """The instance's own registry (no process-global collectors) and the metrics registered in it."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        labels = ("route", "method", "status")
        self.duration = Histogram(
            "http_request_duration_seconds",
            "HTTP request duration by route template",
            labels,
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.requests = Counter(
            "http_requests_total", "HTTP requests by route template", labels, registry=self.registry
        )
        self.webhook_deliveries = Counter(
            "webhook_delivery_attempts_total",
            "Outgoing webhook delivery attempts",
            ("outcome",),
            registry=self.registry,
        )
        self.cache = Counter(
            "cache_requests_total", "Redis cache lookups", ("cache", "result"), registry=self.registry
        )
        self.rate_limited = Counter(
            "rate_limited_requests_total",
            "Requests refused by the hourly limiter",
            ("tier",),
            registry=self.registry,
        )
        self.redis_errors = Counter(
            "redis_errors_total", "Redis operations that failed", ("operation",), registry=self.registry
        )


def route_template(scope: MutableMapping[str, Any]) -> str:
    """The template of the route Starlette matched for this scope, or `<unmatched>`."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class MetricsMiddleware:
    """Observe duration and count of every HTTP request, labelled by route template, method and status."""

    def __init__(self, app: ASGIApp, metrics: AppMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            labels = (route_template(scope), scope["method"], str(status))
            self.metrics.duration.labels(*labels).observe(time.perf_counter() - started)
            self.metrics.requests.labels(*labels).inc()

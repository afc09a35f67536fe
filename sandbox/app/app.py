"""The Starlette application: routes, middleware and the lifespan of the instance's clients."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg_pool import PoolTimeout
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from sandbox.app import routes_fault, routes_health, routes_psychology, routes_tenant
from sandbox.app.cache import Cache
from sandbox.app.config import AppConfig
from sandbox.app.db import Database
from sandbox.app.metrics import AppMetrics, MetricsMiddleware
from sandbox.app.ml import NoShowModel
from sandbox.app.responses import NO_STORE, error
from sandbox.app.routes_fault import StallMiddleware
from sandbox.app.routes_platform import platform_routes
from sandbox.app.state import AppState

REDIS_TIMEOUT_SECONDS = 1.0


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    return error(503, f"database unavailable: {type(exc).__name__}", NO_STORE)


async def _redis_unavailable(request: Request, exc: Exception) -> Response:
    return error(503, f"session store unavailable: {type(exc).__name__}", NO_STORE)


def _routes(config: AppConfig) -> list[BaseRoute]:
    routes: list[BaseRoute] = [*routes_health.ROUTES, *routes_tenant.ROUTES, *routes_psychology.ROUTES]
    routes += platform_routes(NoShowModel())
    if config.fault_injection:
        routes += routes_fault.ROUTES
    return routes


def create_app(config: AppConfig) -> Starlette:
    """The app of one instance; clients connect in its lifespan (the database lazily, in the background)."""
    redis = Redis.from_url(
        config.redis_url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
    metrics = AppMetrics()
    state = AppState(
        config=config, db=Database(config), redis=redis, metrics=metrics, cache=Cache(redis, metrics)
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await state.db.open()
        try:
            yield
        finally:
            await state.db.close()
            await state.redis.aclose()

    app = Starlette(
        routes=_routes(config),
        middleware=[
            Middleware(MetricsMiddleware, metrics=metrics),
            Middleware(StallMiddleware, fault=state.fault),
        ],
        exception_handlers={
            psycopg.OperationalError: _database_unavailable,
            PoolTimeout: _database_unavailable,
            RedisError: _redis_unavailable,
        },
        lifespan=lifespan,
    )
    app.state.sandbox = state
    return app

"""Per-tenant JSON cache in Redis. A Redis failure degrades to a miss (the database answers instead).

Special-category data (psychology sessions) never passes through here, unless a planted defect puts it there.
"""

from __future__ import annotations

import json
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from sandbox.app.metrics import AppMetrics
from sandbox.app.responses import dumps


def cache_key(tenant: str, *parts: str) -> str:
    """`cache:<tenant>:<part>:...`: every cached value is keyed by its tenant."""
    return ":".join(("cache", tenant, *parts))


class Cache:
    """JSON get/put with TTL, counted in `cache_requests_total`."""

    def __init__(self, redis: Redis, metrics: AppMetrics) -> None:
        self._redis = redis
        self._metrics = metrics

    async def get(self, name: str, key: str) -> Any | None:
        """The cached value, or None on a miss or a Redis failure."""
        try:
            raw = await self._redis.get(key)
        except RedisError:
            self._metrics.redis_errors.labels("cache_get").inc()
            return None
        self._metrics.cache.labels(name, "miss" if raw is None else "hit").inc()
        return None if raw is None else json.loads(raw)

    async def put(self, key: str, value: Any, ttl_seconds: int) -> None:
        """Store `value` for `ttl_seconds` (best effort)."""
        try:
            await self._redis.set(key, dumps(value), ex=ttl_seconds)
        except RedisError:
            self._metrics.redis_errors.labels("cache_put").inc()

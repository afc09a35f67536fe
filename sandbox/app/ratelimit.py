"""Hour-scale per-client rate limiting: a fixed window counted in Redis, and the IETF RateLimit headers.

The window math is pure (`window_decision`); `count_hit` does the one Redis round trip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from redis.asyncio import Redis

WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class RateDecision:
    """The limiter's answer for one request."""

    limit: int
    remaining: int
    reset_seconds: int
    allowed: bool
    window: int = WINDOW_SECONDS

    def headers(self) -> dict[str, str]:
        """RateLimit-* headers (and Retry-After when refused)."""
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
            "RateLimit-Policy": f"{self.limit};w={self.window}",
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset_seconds)
        return headers


def window_start(now: float, window: int = WINDOW_SECONDS) -> int:
    """Start (epoch seconds) of the fixed window containing `now`."""
    return int(now // window) * window


def window_decision(count: int, limit: int, now: float, window: int = WINDOW_SECONDS) -> RateDecision:
    """Decide for the `count`-th request (1-based) of the current window."""
    reset = max(1, math.ceil(window_start(now, window) + window - now))
    return RateDecision(
        limit=limit,
        remaining=max(0, limit - count),
        reset_seconds=reset,
        allowed=count <= limit,
        window=window,
    )


async def count_hit(redis: Redis, client_id: str, now: float, window: int = WINDOW_SECONDS) -> int:
    """Count one request of `client_id` in the current window; return the window's count so far."""
    start = window_start(now, window)
    key = f"ratelimit:{client_id}:{start}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expireat(key, start + window + 60)
        count, _ = await pipe.execute()
    return int(count)

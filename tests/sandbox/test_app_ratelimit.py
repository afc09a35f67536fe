"""Fixed-window math and headers of the sandbox app's hourly rate limiter."""

from __future__ import annotations

import pytest

from sandbox.app.ratelimit import WINDOW_SECONDS, window_decision, window_start

HOUR_START = 1_757_001_600  # a multiple of 3600


def test_window_is_the_clock_hour() -> None:
    assert WINDOW_SECONDS == 3600
    assert window_start(HOUR_START) == HOUR_START
    assert window_start(HOUR_START + 3599.9) == HOUR_START
    assert window_start(HOUR_START + 3600) == HOUR_START + 3600


def test_last_request_within_the_limit_is_allowed() -> None:
    decision = window_decision(count=1000, limit=1000, now=HOUR_START + 10)
    assert decision.allowed
    assert decision.remaining == 0


def test_first_request_over_the_limit_is_refused() -> None:
    decision = window_decision(count=1001, limit=1000, now=HOUR_START + 10)
    assert not decision.allowed
    assert decision.remaining == 0


@pytest.mark.parametrize(
    ("offset", "reset"), [(0, 3600), (10, 3590), (3599.5, 1), (3599.99, 1), (1800.2, 1800)]
)
def test_reset_is_seconds_until_the_window_ends_rounded_up(offset: float, reset: int) -> None:
    assert window_decision(1, 10, HOUR_START + offset).reset_seconds == reset


def test_headers_of_an_allowed_request() -> None:
    headers = window_decision(count=3, limit=1000, now=HOUR_START + 600).headers()
    assert headers == {
        "RateLimit-Limit": "1000",
        "RateLimit-Remaining": "997",
        "RateLimit-Reset": "3000",
        "RateLimit-Policy": "1000;w=3600",
    }


def test_refused_request_carries_retry_after_equal_to_reset() -> None:
    headers = window_decision(count=51, limit=50, now=HOUR_START + 3000).headers()
    assert headers["Retry-After"] == "600"
    assert headers["RateLimit-Remaining"] == "0"


def test_the_load_test_identity_skips_the_hourly_limit_and_others_do_not() -> None:
    import asyncio
    import contextlib
    from types import SimpleNamespace

    from sandbox.app.auth import Principal
    from sandbox.app.gate import hourly_limit

    class CountingRedis:
        calls = 0

        def pipeline(self, *args: object, **kwargs: object) -> object:
            CountingRedis.calls += 1
            raise RuntimeError("the limiter consulted Redis")

    config = SimpleNamespace(
        unlimited_tenants=("loadgen",), tenant=lambda slug: None, rate_limits_per_hour={"standard": 10}
    )
    state = SimpleNamespace(config=config, redis=CountingRedis(), metrics=None)
    assert asyncio.run(hourly_limit(state, Principal("loadgen", "k", "api_key"))) is None  # type: ignore[arg-type]
    assert CountingRedis.calls == 0
    with contextlib.suppress(RuntimeError):  # the fake Redis refuses: what matters is that it was consulted
        asyncio.run(hourly_limit(state, Principal("other", "k", "api_key")))  # type: ignore[arg-type]
    assert CountingRedis.calls >= 1

"""The project's own tests: they never touch a target. `pytester` drives the plugins in a scratch dir."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from checks.collect.deadline import BREAKER

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _fresh_breaker() -> Iterator[None]:
    """Each test starts with no endpoint given up (a run resets the breaker when its session starts)."""
    BREAKER.reset()
    yield
    BREAKER.reset()

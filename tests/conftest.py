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


# The longest test modules, started first: under `make test` (pytest-xdist, --dist loadscope) each module runs
# on one worker in collection order, so a long module collected last would run alone at the end. Measured with
# `pytest --durations=60`: the selftest module ~5 min (25 planted defects on the one sandbox), the identity
# recording ~70 s, the drills' interruption tests ~80 s, the sandbox's cold start ~20 s.
LONG_FIRST = (
    "tests/selftest/test_selftest_sandbox.py",
    "tests/drills/test_interrupts.py",
    "tests/test_identity.py",
    "tests/drills/test_redis_failover.py",
    "tests/report/test_bundle.py",
    "tests/sandbox/test_sandbox_up.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Reorder only whole modules (a stable sort): each module's own order is kept."""

    def rank(item: pytest.Item) -> int:
        module = item.nodeid.split("::", 1)[0]
        return LONG_FIRST.index(module) if module in LONG_FIRST else len(LONG_FIRST)

    items.sort(key=rank)

"""Numbers a line states: promise and achieved value."""

from __future__ import annotations

import pytest

from checks.draft.quantities import Quantity, parse_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("API latency: 250ms (target: <200ms)", Quantity("<", 200, "ms", 250)),
        ("achieved 142ms average (Target: <200ms)", Quantity("<", 200, "ms", 142, "mean")),
        ("p95 < 100 ms for all endpoints", Quantity("<", 100, "ms", None, "p95")),
        ("measured p95 350 ms", Quantity(None, None, "ms", 350, "p95")),
        ("RTO: 1 hour", Quantity("<=", 1, "h")),
        ("Uptime: 99.95%", Quantity(">=", 99.95, "%")),
        ("Up to 20 pods", Quantity("<=", 20, "pods")),
        ("at least 3 replicas", Quantity(">=", 3, "replicas")),
        ("Each client may send 500 requests per minute", Quantity(">=", 500, "requests/min")),
        ("| API Response Time | <200ms | 142ms |", Quantity("<", 200, "ms", 142)),
    ],
)
def test_a_line_gives_its_promise_and_its_stated_value(line: str, expected: Quantity) -> None:
    assert parse_line(line) == expected


def test_a_table_header_says_which_column_is_the_target() -> None:
    row = "| p95 latency | 200 ms | 240 ms |"
    assert parse_line(row, ["Metric", "Target", "Achieved"]) == Quantity("<=", 200, "ms", 240, "p95")
    assert parse_line(row, ["Metric", "Achieved", "Target"]) == Quantity("<=", 240, "ms", 200, "p95")


def test_prose_without_numbers_states_nothing() -> None:
    assert parse_line("All traffic is encrypted.") is None

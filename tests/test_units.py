"""Units the ledger uses: durations to seconds, windows, ratios to fractions."""

from __future__ import annotations

import pytest

from checks.units import as_fraction, to_seconds, window_seconds


@pytest.mark.parametrize(
    ("value", "unit", "seconds"),
    [
        (250, "ms", 0.25),
        (2, "s", 2.0),
        (3, "sec", 3.0),
        (10, "min", 600.0),
        (10, "m", 600.0),
        (2, "h", 7200.0),
        (30, "d", 2592000.0),
        (1, "w", 604800.0),
        (1, "mo", 2592000.0),
        (7, "y", 7 * 31536000.0),
    ],
)
def test_durations_convert_to_seconds(value: float, unit: str, seconds: float) -> None:
    assert to_seconds(value, unit) == pytest.approx(seconds)


@pytest.mark.parametrize("unit", ["MS", "hours", "%", ""])
def test_an_unknown_duration_unit_is_refused(unit: str) -> None:
    with pytest.raises(ValueError, match="not a duration unit"):
        to_seconds(1, unit)


@pytest.mark.parametrize(
    ("window", "seconds"),
    [
        ("30d", 2592000.0),
        (" 1h ", 3600.0),
        ("1.5 h", 5400.0),
        ("5m", 300.0),
        ("3mo", 7776000.0),
        ("10sec", 10.0),
        ("500ms", 0.5),
    ],
)
def test_windows_parse(window: str, seconds: float) -> None:
    assert window_seconds(window) == pytest.approx(seconds)


@pytest.mark.parametrize("window", ["30", "d30", "30 days", "-1d", ""])
def test_a_malformed_window_is_refused_with_an_example(window: str) -> None:
    with pytest.raises(ValueError, match=r"expected e\.g\. 30d"):
        window_seconds(window)


def test_percent_becomes_a_fraction() -> None:
    assert as_fraction(99.9, "%") == pytest.approx(0.999)


@pytest.mark.parametrize("unit", [None, "ratio"])
def test_a_bare_ratio_stays(unit: str | None) -> None:
    assert as_fraction(0.999, unit) == 0.999

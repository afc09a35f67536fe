"""Units the ledger uses: durations to seconds, windows, ratios to fractions."""

from __future__ import annotations

import pytest

from checks.units import UnitError, as_fraction, convert, dimension, to_seconds, unit, window_seconds


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


@pytest.mark.parametrize("unit", ["MS", "fortnights", "%", ""])
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


@pytest.mark.parametrize("window", ["30", "d30", "30 fortnights", "-1d", ""])
def test_a_malformed_window_is_refused_with_an_example(window: str) -> None:
    with pytest.raises(ValueError, match=r"expected e\.g\. 30d"):
        window_seconds(window)


def test_percent_becomes_a_fraction() -> None:
    assert as_fraction(99.9, "%") == pytest.approx(0.999)


@pytest.mark.parametrize("unit", [None, "ratio"])
def test_a_bare_ratio_stays(unit: str | None) -> None:
    assert as_fraction(0.999, unit) == 0.999


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (100, "requests/min", "requests/s", 100 / 60),
        (5, "rps", "requests/min", 300.0),
        (16, "MiB", "B", 16 * 2**20),
        (2, "GB", "MB", 2000.0),
        (99.95, "%", "fraction", 0.9995),
        (90, "s", "min", 1.5),
        (4, "pods/min", "pods/s", 4 / 60),
    ],
)
def test_units_convert_within_their_dimension(
    value: float, source: str, target: str, expected: float
) -> None:
    assert convert(value, source, target) == pytest.approx(expected)


@pytest.mark.parametrize(("source", "target"), [("ms", "MB"), ("%", "s"), ("USD", "ARS"), ("rps", "count")])
def test_units_of_different_dimensions_do_not_convert(source: str, target: str) -> None:
    with pytest.raises(UnitError, match="cannot convert"):
        convert(1, source, target)


@pytest.mark.parametrize("name", ["furlongs", "msec!", "req/fortnight", ""])
def test_an_unknown_unit_is_an_error_never_a_default(name: str) -> None:
    with pytest.raises(UnitError, match="unknown unit"):
        unit(name)


def test_dimensions_are_named() -> None:
    assert [dimension(u) for u in ("ms", "GB", "rps", "%", "replicas", "x")] == [
        "time", "data", "rate", "fraction", "count", "ratio",
    ]  # fmt: skip

"""checks.plots: real PNGs of the expected size, and empty input refused."""

from __future__ import annotations

import io

import pytest
from matplotlib.image import imread

from checks.plots import timeline_png

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _shape(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_MAGIC)
    height, width = imread(io.BytesIO(png)).shape[:2]
    return width, height


def test_timeline_with_events() -> None:
    series = {"write ok": [(0.0, 1.0), (1.0, 1.0), (2.0, 0.0), (3.0, 1.0)], "lag s": [(0.0, 0.1), (3.0, 0.4)]}
    png = timeline_png(series, [(1.5, "primary killed"), (2.8, "promoted")], title="failover", ylabel="value")
    assert _shape(png) == (800, 450)


@pytest.mark.parametrize(
    "call",
    [
        lambda: timeline_png({"a": []}, title="x", ylabel="y"),
    ],
)
def test_nothing_to_plot_is_refused(call: object) -> None:
    with pytest.raises(ValueError):
        call()  # type: ignore[operator]


def test_failover_timeline_marks_the_fault_promotion_first_success_and_bounds() -> None:
    from checks.evidence.drills import Event, FailoverTimeline, Write
    from checks.plots import failover_timeline_png

    writes = tuple(Write(i, i * 0.1, not 50 < i < 60, sent=i * 0.1 - 0.01) for i in range(1, 100))
    events = (Event(5.0, "fault"), Event(5.5, "promotion"), Event(6.0, "first_success"))
    timeline = FailoverTimeline("postgres", "r1", 0.0, "drill", 60, 0.1, events, writes, completed=True)
    plain = failover_timeline_png(timeline)
    bounded = failover_timeline_png(timeline, rto_bound_s=2.0, rpo_bound_s=1.0)
    assert _shape(bounded) == (1000, 640) and bounded != plain


def test_rollout_timeline_is_a_png() -> None:
    from checks.evidence.drills import Event, Probe, RolloutResult
    from checks.plots import rollout_timeline_png

    probes = tuple(Probe(i * 0.05, i != 10, 200 if i != 10 else 502) for i in range(100))
    result = RolloutResult("r1", ("a", "b"), probes, (Event(1.0, "stop"), Event(2.0, "healthy")), True)
    assert _shape(rollout_timeline_png(result)) == (1000, 360)

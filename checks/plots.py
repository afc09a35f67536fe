"""PNG charts for evidence attachments: event and drill timelines (latency charts: report/latency_svg.py).

Each function returns PNG bytes (matplotlib's Agg backend, no global pyplot state, no files written).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checks.evidence.drills import Event, FailoverTimeline, RolloutResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SIZE_IN = (8.0, 4.5)
DPI = 100


def _figure(**kwargs: Any) -> Figure:
    """A matplotlib Figure (imported on first use: about a second, and most runs draw nothing)."""
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _png(fig: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def timeline_png(
    series: Mapping[str, Sequence[tuple[float, float]]],
    events: Sequence[tuple[float, str]] = (),
    *,
    title: str,
    ylabel: str,
    xlabel: str = "time (s)",
) -> bytes:
    """Lines of (t, value) per series name, with vertical markers for events (t, label), e.g. a DR drill."""
    if not any(series.values()):
        raise ValueError("no points to plot")
    fig = _figure(figsize=SIZE_IN)
    ax = fig.add_subplot()
    for name, points in series.items():
        if points:
            ts, vs = zip(*points, strict=True)
            ax.plot(ts, vs, marker=".", markersize=3, label=name)
    for t, label in events:
        ax.axvline(t, color="crimson", linestyle="--", linewidth=0.9)
        ax.annotate(
            label,
            (t, 1),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize="small",
        )
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    return _png(fig)


DRILL_EVENT_COLORS = {
    "fault": "tab:red",
    "promotion": "tab:purple",
    "new_master": "tab:purple",
    "first_success": "tab:green",
    "stop": "tab:red",
    "healthy": "tab:green",
    "restored": "tab:blue",
    "timeout": "black",
}


def _marks(ax: Any, ok: Sequence[float], bad: Sequence[float], labels: tuple[str, str]) -> None:
    ax.scatter(ok, [1] * len(ok), s=6, color="tab:green", label=labels[0])
    ax.scatter(bad, [0] * len(bad), s=6, color="tab:red", label=labels[1])
    ax.set_ylim(-0.5, 3.5)
    ax.set_yticks([0, 1], ["failed", "ok"])


def _drill_events(ax: Any, events: Sequence[Event], spacing: float) -> None:
    """Event lines with labels; a crowded label goes up a row (`spacing`: the room a label needs, in x)."""
    last = [float("-inf"), float("-inf")]  # the x of the latest label on each row
    for event in sorted(events, key=lambda e: e.t):
        if event.kind not in DRILL_EVENT_COLORS:
            continue
        ax.axvline(event.t, color=DRILL_EVENT_COLORS[event.kind], linestyle="--", linewidth=1)
        row = next((r for r in (0, 1) if event.t - last[r] >= spacing), None)
        if row is not None:
            ax.annotate(
                event.kind, (event.t, 1.25 + 1.05 * row), rotation=90, fontsize=7, va="bottom", ha="right"
            )
            last[row] = event.t


def _drill_bounds(ax: Any, fault: float, rto_bound_s: float | None, rpo_bound_s: float | None) -> None:
    """The claim's bounds around the fault: writes must resume before fault + RTO; writes older than
    fault - RPO must survive. A bound beyond the chart's window still shows in the legend."""
    if rto_bound_s is not None:
        label = f"RTO bound {rto_bound_s:g} s (writes back by fault + {rto_bound_s:g} s)"
        ax.axvspan(fault, fault + rto_bound_s, color="tab:orange", alpha=0.12, label=label)
        ax.axvline(fault + rto_bound_s, color="tab:orange", linewidth=1.2)
    if rpo_bound_s is not None:
        label = f"RPO bound {rpo_bound_s:g} s (writes before fault - {rpo_bound_s:g} s survive)"
        ax.axvspan(fault - rpo_bound_s, fault, color="tab:cyan", alpha=0.12, label=label)
        ax.axvline(fault - rpo_bound_s, color="tab:cyan", linewidth=1.2)


def _failover_windows(timeline: FailoverTimeline, write_times: Sequence[float]) -> list[tuple[float, float]]:
    """The x range of the whole drill, and of the fault until recovery (first success or promotion)."""
    times = [*write_times, *(e.t for e in timeline.events)] or [0.0]
    whole = (min(times) - 0.2, max(times) + 0.2)
    fault = timeline.fault_at
    if fault is None:
        return [whole]
    marks = [t for t in (timeline.first_success_at, timeline.at("promotion"), timeline.at("new_master")) if t]
    return [whole, (fault - 0.5, max([fault, *marks]) + 0.5)]


def failover_timeline_png(
    timeline: FailoverTimeline, *, rto_bound_s: float | None = None, rpo_bound_s: float | None = None
) -> bytes:
    """Canary writes (acknowledged / failed) of a failover drill against time, with the fault, the promotion
    (or the new master), the first success after the fault, and the claim's RTO and RPO bounds: the whole
    drill above, the second around the fault below."""
    rto, rpo, fault = timeline.rto_s, timeline.rpo_s, timeline.fault_at
    title = (
        f"{timeline.system} failover on {timeline.target or 'target'} ({timeline.run_id}): RTO "
        f"{'n/a' if rto is None else f'{rto:.3f} s'}, RPO {'n/a' if rpo is None else f'{rpo:.3f} s'}, "
        f"{len(timeline.lost)} acknowledged write(s) lost"
    )
    ok = [w.t for w in timeline.writes if w.ok]
    bad = [w.t for w in timeline.writes if not w.ok]
    fig = _figure(figsize=(10, 6.4))
    panels = fig.subplots(2, 1) if fault is not None else [fig.add_subplot()]
    windows = _failover_windows(timeline, [*ok, *bad])
    for ax, (lo, hi) in zip(panels, windows, strict=False):
        _marks(ax, ok, bad, ("acknowledged write", "failed write"))
        _drill_events(ax, timeline.events, spacing=(hi - lo) / 40)
        if fault is not None:
            _drill_bounds(ax, fault, rto_bound_s, rpo_bound_s)
        ax.set_xlim(lo, hi)
        ax.set_xlabel("seconds since drill start")
    panels[0].set_title(title, fontsize=10)
    panels[0].legend(loc="upper left", fontsize=7)
    if len(panels) > 1:
        panels[1].set_title("around the fault", fontsize=9)
    fig.tight_layout()
    return _png(fig)


def rollout_timeline_png(result: RolloutResult) -> bytes:
    """Gateway probes (200 / failed) and instance restarts of a rollout drill."""
    where = f"{result.target or 'target'} ({result.run_id})"
    title = f"rollout on {where}: {result.failures} of {len(result.probes)} probes failed"
    fig = _figure(figsize=(10, 3.6))
    ax = fig.add_subplot()
    _marks(
        ax,
        [p.t for p in result.probes if p.ok],
        [p.t for p in result.probes if not p.ok],
        ("probe 200", "probe failed"),
    )
    span = result.duration_s or 1.0
    _drill_events(ax, result.events, spacing=span / 40)
    ax.set(title=title, xlabel="seconds since drill start")
    ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    return _png(fig)

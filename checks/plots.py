"""PNG charts for evidence attachments: latency histogram, latency CDF (log x), event and drill timelines.

Each function returns PNG bytes (matplotlib's Agg backend, no global pyplot state, no files written).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from checks.evidence.drills import Event, FailoverTimeline, RolloutResult

SIZE_IN = (8.0, 4.5)
DPI = 100
MARKED_PERCENTILES = (50.0, 95.0, 99.0)


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _as_ms(latencies_us: Sequence[float]) -> np.ndarray:
    values = np.asarray(latencies_us, dtype=float) / 1000
    if not len(values):
        raise ValueError("no latencies to plot")
    return values


def _mark_bound(ax: object, bound_ms: float | None) -> None:
    if bound_ms is not None:
        ax.axvline(bound_ms, color="crimson", linestyle="--", label=f"bound {bound_ms:g} ms")  # type: ignore[attr-defined]


def latency_histogram_png(
    latencies_us: Sequence[float], *, title: str, bound_ms: float | None = None
) -> bytes:
    """Histogram of latencies (ms) on log-spaced bins, with the p50/p95/p99 and the claim's bound marked."""
    values = _as_ms(latencies_us)
    fig = Figure(figsize=SIZE_IN)
    ax = fig.add_subplot()
    low, high = max(values.min(), 1e-3), max(values.max(), 1e-3 * 1.01)
    ax.hist(values, bins=np.geomspace(low, high * 1.0001, 60).tolist(), color="steelblue")
    ax.set_xscale("log")
    for pct, value in zip(MARKED_PERCENTILES, np.percentile(values, MARKED_PERCENTILES), strict=True):
        ax.axvline(value, color="grey", linestyle=":", label=f"p{pct:g} {value:.4g} ms")
    _mark_bound(ax, bound_ms)
    ax.set(title=title, xlabel="latency (ms, log scale)", ylabel="requests")
    ax.legend(loc="upper right", fontsize="small")
    fig.tight_layout()
    return _png(fig)


def latency_cdf_png(latencies_us: Sequence[float], *, title: str, bound_ms: float | None = None) -> bytes:
    """Empirical CDF of latencies (ms, log x axis) with the claim's bound marked."""
    values = np.sort(_as_ms(latencies_us))
    fig = Figure(figsize=SIZE_IN)
    ax = fig.add_subplot()
    ax.step(
        values, np.arange(1, len(values) + 1) / len(values), where="post", color="steelblue", label="observed"
    )
    ax.set_xscale("log")
    for pct in MARKED_PERCENTILES:
        ax.axhline(pct / 100, color="grey", linestyle=":", linewidth=0.8)
    _mark_bound(ax, bound_ms)
    ax.set(title=title, xlabel="latency (ms, log scale)", ylabel="fraction of requests <= x", ylim=(0, 1.01))
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    return _png(fig)


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
    fig = Figure(figsize=SIZE_IN)
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


def _drill_axes(title: str, ok: Sequence[float], bad: Sequence[float], labels: tuple[str, str]) -> Figure:
    fig = Figure(figsize=(10, 3.6))
    ax = fig.add_subplot()
    ax.scatter(ok, [1] * len(ok), s=6, color="tab:green", label=labels[0])
    ax.scatter(bad, [0] * len(bad), s=6, color="tab:red", label=labels[1])
    ax.set_ylim(-0.5, 2.4)
    ax.set_yticks([0, 1], ["failed", "ok"])
    ax.set(title=title, xlabel="seconds since drill start")
    return fig


def _drill_events(fig: Figure, events: Sequence[Event]) -> None:
    ax = fig.axes[0]
    for event in events:
        if event.kind in DRILL_EVENT_COLORS:
            ax.axvline(event.t, color=DRILL_EVENT_COLORS[event.kind], linestyle="--", linewidth=1)
            ax.annotate(event.kind, (event.t, 1.3), rotation=90, fontsize=7, va="bottom", ha="right")


def _drill_bounds(
    fig: Figure, fault: float | None, rto_bound_s: float | None, rpo_bound_s: float | None
) -> None:
    """The claim's bounds around the fault: writes must resume before fault + RTO; writes older than
    fault - RPO must survive."""
    if fault is None:
        return
    ax = fig.axes[0]
    if rto_bound_s is not None:
        ax.axvspan(
            fault, fault + rto_bound_s, color="tab:orange", alpha=0.12, label=f"RTO bound {rto_bound_s:g} s"
        )
        ax.axvline(fault + rto_bound_s, color="tab:orange", linewidth=1.2)
    if rpo_bound_s is not None:
        ax.axvspan(
            fault - rpo_bound_s, fault, color="tab:cyan", alpha=0.12, label=f"RPO bound {rpo_bound_s:g} s"
        )
        ax.axvline(fault - rpo_bound_s, color="tab:cyan", linewidth=1.2)


def failover_timeline_png(
    timeline: FailoverTimeline, *, rto_bound_s: float | None = None, rpo_bound_s: float | None = None
) -> bytes:
    """Canary writes (acknowledged / failed) of a failover drill against time, with the fault, the promotion
    (or the new master), the first success after the fault, and the claim's RTO and RPO bounds shaded."""
    rto, rpo = timeline.rto_s, timeline.rpo_s
    title = (
        f"{timeline.system} failover on {timeline.target or 'target'} ({timeline.run_id}): RTO "
        f"{'n/a' if rto is None else f'{rto:.3f} s'}, RPO {'n/a' if rpo is None else f'{rpo:.3f} s'}, "
        f"{len(timeline.lost)} acknowledged write(s) lost"
    )
    ok = [w.t for w in timeline.writes if w.ok]
    bad = [w.t for w in timeline.writes if not w.ok]
    fig = _drill_axes(title, ok, bad, ("acknowledged write", "failed write"))
    _drill_events(fig, timeline.events)
    _drill_bounds(fig, timeline.fault_at, rto_bound_s, rpo_bound_s)
    fig.axes[0].legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    return _png(fig)


def rollout_timeline_png(result: RolloutResult) -> bytes:
    """Gateway probes (200 / failed) and instance restarts of a rollout drill."""
    where = f"{result.target or 'target'} ({result.run_id})"
    title = f"rollout on {where}: {result.failures} of {len(result.probes)} probes failed"
    fig = _drill_axes(
        title,
        [p.t for p in result.probes if p.ok],
        [p.t for p in result.probes if not p.ok],
        ("probe 200", "probe failed"),
    )
    _drill_events(fig, result.events)
    fig.axes[0].legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    return _png(fig)

"""PNG charts for evidence attachments: latency histogram, latency CDF (log x), and an event timeline.

Each function returns PNG bytes (matplotlib's Agg backend, no global pyplot state, no files written).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

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


def verdict_bars_png(
    per_document: Mapping[str, Mapping[str, int]], colours: Mapping[str, str], *, title: str
) -> bytes:
    """One horizontal stacked bar per document: how many of its claims reached each verdict (counts shown)."""
    if not per_document:
        raise ValueError("no documents to plot")
    names = list(per_document)
    fig = Figure(figsize=(9.0, 1.2 + 0.55 * len(names)))
    ax = fig.add_subplot()
    left = np.zeros(len(names))
    for verdict, colour in colours.items():
        values = np.array([per_document[n].get(verdict, 0) for n in names], dtype=float)
        if not values.any():
            continue
        bars = ax.barh(names, values, left=left, color=colour, label=verdict, edgecolor="white")
        ax.bar_label(
            bars,
            labels=[f"{int(v)}" if v else "" for v in values],
            label_type="center",
            color="white",
            fontsize="small",
        )
        left += values
    ax.invert_yaxis()
    ax.set(title=title, xlabel="claims")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small")
    fig.tight_layout()
    return _png(fig)

"""Latency charts for a load claim's evidence, written as SVG text: a histogram on log-spaced bins and the
empirical CDF on a log axis, each with the p50/p95/p99 and the claim's bound marked.

No plotting library: matplotlib took about 0.8 s of CPU for the two PNGs of every latency claim, in runs
that also send load. Pure: numpy and strings, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import numpy as np

from checks.report.bars import svg_start

WIDTH, HEIGHT = 800, 450
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 50  # the plot area's margins
MARKED_PERCENTILES = (50.0, 95.0, 99.0)
BINS = 60
MAX_CDF_POINTS = 2000  # the CDF's step line is thinned to this many points (every percentile kept)
BAR, MARK, BOUND = "steelblue", "#666", "crimson"


def _as_ms(latencies_us: Sequence[float] | np.ndarray) -> np.ndarray:
    values = np.asarray(latencies_us, dtype=float) / 1000
    if not len(values):
        raise ValueError("no latencies to plot")
    return values


class _LogAxes:
    """x: milliseconds on a log scale over [low, high]; y: linear over [0, top]."""

    def __init__(self, low: float, high: float, top: float) -> None:
        self.lx, self.hx = math.log10(low), math.log10(max(high, low * 1.01))
        self.top = top or 1.0
        self.w, self.h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(self, ms: float) -> float:
        return LEFT + (math.log10(max(ms, 10**self.lx)) - self.lx) / (self.hx - self.lx) * self.w

    def y(self, value: float) -> float:
        return TOP + self.h - value / self.top * self.h

    def frame(self, title: str, xlabel: str, ylabel: str) -> list[str]:
        out = svg_start(WIDTH, HEIGHT, title, font_size=11, title_size=13, title_y=22)
        out.append(
            f'<rect x="{LEFT}" y="{TOP}" width="{self.w}" height="{self.h}" fill="none" stroke="#888"/>'
        )
        for decade in range(math.floor(self.lx), math.ceil(self.hx) + 1):
            for step in (1, 2, 5):
                ms = step * 10.0**decade
                if self.lx <= math.log10(ms) <= self.hx:
                    x = self.x(ms)
                    base = TOP + self.h
                    out.append(f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}" stroke="#888"/>')
                    out.append(
                        f'<text x="{x:.1f}" y="{TOP + self.h + 16}" text-anchor="middle">{ms:g}</text>'
                    )
        for i in range(5):
            value = self.top * i / 4
            y = self.y(value)
            out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value:.3g}</text>')
        below = f'x="{LEFT + self.w / 2:.0f}" y="{HEIGHT - 12}" text-anchor="middle"'
        out.append(f"<text {below}>{escape(xlabel)}</text>")
        out.append(
            f'<text x="16" y="{TOP + self.h / 2:.0f}" text-anchor="middle" '
            f'transform="rotate(-90 16 {TOP + self.h / 2:.0f})">{escape(ylabel)}</text>'
        )
        return out

    def vline(self, ms: float, colour: str, label: str, row: int, dash: str) -> list[str]:
        x = self.x(ms)
        return [
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + self.h}" stroke="{colour}" '
            f'stroke-dasharray="{dash}"><title>{escape(label)}</title></line>',
            f'<text x="{WIDTH - RIGHT - 6}" y="{TOP + 14 + 14 * row}" text-anchor="end" fill="{colour}">'
            f"{escape(label)}</text>",
        ]


def _marks(axes: _LogAxes, values: np.ndarray, bound_ms: float | None) -> list[str]:
    out: list[str] = []
    for row, (pct, value) in enumerate(
        zip(MARKED_PERCENTILES, np.percentile(values, MARKED_PERCENTILES), strict=True)
    ):
        out += axes.vline(float(value), MARK, f"p{pct:g} {value:.4g} ms", row, "2,3")
    if bound_ms is not None:
        out += axes.vline(bound_ms, BOUND, f"bound {bound_ms:g} ms", len(MARKED_PERCENTILES), "6,4")
    return out


def _range(values: np.ndarray, bound_ms: float | None) -> tuple[float, float]:
    low, high = max(float(values.min()), 1e-3), max(float(values.max()), 1e-3 * 1.01)
    if bound_ms is not None and bound_ms > 0:
        low, high = min(low, bound_ms / 1.2), max(high, bound_ms * 1.2)
    return low, high


def latency_histogram_svg(
    latencies_us: Sequence[float] | np.ndarray, *, title: str, bound_ms: float | None = None
) -> str:
    """Requests per log-spaced latency bin (ms), with the p50/p95/p99 and the claim's bound marked."""
    values = _as_ms(latencies_us)
    low, high = _range(values, bound_ms)
    edges = np.geomspace(low, high * 1.0001, BINS + 1)
    counts, _ = np.histogram(values, bins=edges)
    axes = _LogAxes(low, high * 1.0001, float(counts.max()))
    out = axes.frame(title, "latency (ms, log scale)", "requests")
    for count, left, right in zip(counts.tolist(), edges[:-1], edges[1:], strict=True):
        if count:
            x0, x1, y = axes.x(float(left)), axes.x(float(right)), axes.y(count)
            box = f'x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 0.5):.1f}" height="{TOP + axes.h - y:.1f}"'
            out.append(f'<rect {box} fill="{BAR}"><title>{left:.4g}-{right:.4g} ms: {count}</title></rect>')
    out += _marks(axes, values, bound_ms)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def latency_cdf_svg(
    latencies_us: Sequence[float] | np.ndarray, *, title: str, bound_ms: float | None = None
) -> str:
    """The empirical CDF of latencies (ms, log x axis), with the p50/p95/p99 and the claim's bound marked."""
    values = np.sort(_as_ms(latencies_us))
    low, high = _range(values, bound_ms)
    axes = _LogAxes(low, high, 1.0)
    n = len(values)
    keep = np.unique(
        np.concatenate(
            [
                np.linspace(0, n - 1, min(n, MAX_CDF_POINTS)).astype(int),
                [min(n - 1, max(0, math.ceil(n * p / 100) - 1)) for p in MARKED_PERCENTILES],
            ]
        )
    )
    points, previous = [], 0.0
    for i in keep.tolist():
        x = axes.x(float(values[i]))
        points.append(f"{x:.1f},{axes.y(previous):.1f} {x:.1f},{axes.y((i + 1) / n):.1f}")
        previous = (i + 1) / n
    out = axes.frame(title, "latency (ms, log scale)", "fraction of requests at or below")
    out.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{BAR}" stroke-width="1.5"/>')
    out += _marks(axes, values, bound_ms)
    out.append("</svg>")
    return "\n".join(out) + "\n"

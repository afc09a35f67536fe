"""The latency charts as SVG: well-formed, every request counted once, percentiles and the bound marked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from checks.report.latency_svg import BINS, latency_cdf_svg, latency_histogram_svg

SVG = "{http://www.w3.org/2000/svg}"
LATENCIES_US = np.random.default_rng(1).lognormal(np.log(20_000), 0.6, 2000)


def test_the_histogram_counts_every_request_once_and_marks_percentiles_and_bound() -> None:
    root = ET.fromstring(latency_histogram_svg(LATENCIES_US, title="p95 of /api", bound_ms=100))
    bars = [
        r.findtext(f"{SVG}title") or "" for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None
    ]
    assert 0 < len(bars) <= BINS and sum(int(t.rsplit(": ", 1)[1]) for t in bars) == 2000
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    p95 = np.percentile(LATENCIES_US / 1000, 95)
    assert f"p95 {p95:.4g} ms" in texts and "bound 100 ms" in texts and "p95 of /api" in texts


def test_the_cdf_rises_from_zero_to_one_and_escapes_its_title() -> None:
    svg = latency_cdf_svg(LATENCIES_US, title="<script> & co", bound_ms=None)
    root = ET.fromstring(svg)
    line = next(root.iter(f"{SVG}polyline"))
    ys = [float(p.split(",")[1]) for p in (line.get("points") or "").split()]
    assert ys == sorted(ys, reverse=True)  # SVG y grows downwards: the fraction only rises
    assert "<script>" not in svg and root.findtext(f"{SVG}text") == "<script> & co"
    assert not any((t.text or "").startswith("bound") for t in root.iter(f"{SVG}text"))


def test_a_single_value_still_draws_and_nothing_is_refused() -> None:
    ET.fromstring(latency_histogram_svg([1500.0], title="one"))
    ET.fromstring(latency_cdf_svg([1500.0], title="one", bound_ms=1))
    for draw in (latency_histogram_svg, latency_cdf_svg):
        with pytest.raises(ValueError):
            draw([], title="x")

"""The verdict bars drawn as SVG: one bar per document, one segment per verdict, counts and names shown."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from checks.report.bars import verdict_bars_svg

SVG = "{http://www.w3.org/2000/svg}"
COLOURS = {"PROVEN": "#2e7d32", "DISPROVEN": "#c62828", "NOT_APPLICABLE": "#546e7a"}


def segments(svg: str) -> list[tuple[str, float, float]]:
    """(tooltip, x, width) of every segment, parsed as XML (the file is well-formed)."""
    root = ET.fromstring(svg)
    return [
        (r.findtext(f"{SVG}title") or "", float(r.get("x", 0)), float(r.get("width", 0)))
        for r in root.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    ]


def test_each_document_gets_one_segment_per_verdict_it_has_sized_by_its_count() -> None:
    per = {"a.txt": {"PROVEN": 2, "DISPROVEN": 1}, "b.txt": {"NOT_APPLICABLE": 6}}
    svg = verdict_bars_svg(per, COLOURS, title="verdicts per document")
    found = segments(svg)
    assert [t for t, _, _ in found] == ["a.txt: 2 PROVEN", "a.txt: 1 DISPROVEN", "b.txt: 6 NOT_APPLICABLE"]
    (_, x1, w1), (_, x2, w2), (_, _, w3) = found
    assert w1 == pytest.approx(2 * w2) and w3 == pytest.approx(6 * w2) and x2 == pytest.approx(x1 + w1)
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert {"a.txt", "b.txt", "verdicts per document", "PROVEN", "DISPROVEN", "NOT_APPLICABLE"} <= set(texts)


def test_names_are_escaped_and_nothing_to_draw_is_refused() -> None:
    svg = verdict_bars_svg({"<b>&.txt": {"PROVEN": 1}}, COLOURS, title="t & u")
    assert "<b>&" not in svg and "&lt;b&gt;&amp;.txt" in svg
    assert ET.fromstring(svg).findtext(f"{SVG}text") == "t & u"
    with pytest.raises(ValueError):
        verdict_bars_svg({}, COLOURS, title="none")

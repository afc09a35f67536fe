"""The verdict bars: one horizontal stacked bar per document, how many of its claims reached each verdict.

Written as SVG text (Allure shows it as an image in Global Attachments): no plotting library, so a run that
draws nothing else never imports one. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

WIDTH = 900
LABEL_W = 260  # document names, right-aligned before the bars
LEGEND_W = 170
ROW_H = 26
GAP = 8
TOP = 40  # the title
BOTTOM = 36  # the axis line and its label
MIN_COUNT_W = 16  # a segment narrower than this shows no count inside it


def svg_start(
    width: int, height: int, title: str, *, font_size: int, title_size: int, title_y: int
) -> list[str]:
    """The opening of a chart: the <svg> element, a white background and the centred, escaped title."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{font_size}">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2:.0f}" y="{title_y}" text-anchor="middle" font-size="{title_size}">'
        f"{escape(title)}</text>",
    ]


def verdict_bars_svg(
    per_document: Mapping[str, Mapping[str, int]], colours: Mapping[str, str], *, title: str
) -> str:
    """An SVG image: one bar per document in the given order, one segment per verdict in `colours`' order,
    each segment's count inside it; a legend of the verdicts that occur."""
    if not per_document:
        raise ValueError("no documents to plot")
    names = list(per_document)
    present = [v for v in colours if any(per_document[n].get(v, 0) for n in names)]
    most = max(sum(per_document[n].get(v, 0) for v in colours) for n in names) or 1
    area = WIDTH - LABEL_W - LEGEND_W - 20
    height = TOP + len(names) * (ROW_H + GAP) + BOTTOM
    out = svg_start(WIDTH, height, title, font_size=12, title_size=15, title_y=24)
    for row, name in enumerate(names):
        y = TOP + row * (ROW_H + GAP)
        middle = y + ROW_H / 2 + 4
        out.append(f'<text x="{LABEL_W - 8}" y="{middle:.0f}" text-anchor="end">{escape(name)}</text>')
        x = float(LABEL_W)
        for verdict in present:
            count = per_document[name].get(verdict, 0)
            if not count:
                continue
            w = count / most * area
            fill, tip = escape(colours[verdict]), f"{escape(name)}: {count} {escape(verdict)}"
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{ROW_H}" fill="{fill}" stroke="white">'
                f"<title>{tip}</title></rect>"
            )
            if w >= MIN_COUNT_W:
                centre = f'x="{x + w / 2:.1f}" y="{middle:.0f}" text-anchor="middle"'
                out.append(f'<text {centre} fill="white">{count}</text>')
            x += w
    axis_y = TOP + len(names) * (ROW_H + GAP)
    out.append(f'<line x1="{LABEL_W}" y1="{axis_y}" x2="{LABEL_W + area}" y2="{axis_y}" stroke="#888"/>')
    below = f'x="{LABEL_W + area / 2:.0f}" y="{axis_y + 22}" text-anchor="middle"'
    out.append(f"<text {below}>claims (longest bar: {most})</text>")
    legend_x = WIDTH - LEGEND_W
    for i, verdict in enumerate(present):
        y = TOP + i * 20
        out.append(f'<rect x="{legend_x}" y="{y}" width="12" height="12" fill="{escape(colours[verdict])}"/>')
        out.append(f'<text x="{legend_x + 18}" y="{y + 11}">{escape(verdict)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"

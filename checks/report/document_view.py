"""The document view: each source document whole, every cited line marked by its claim's verdict.

`reports/documents/<file>.html` per document and `reports/documents/index.html`. Only `role: claim` lines take
a verdict (colour and a text badge, so it reads without colour); `role: evidence` lines are outlined and say
which claim they are evidence for. Each claim's panel (verdict block, reason, sources, links to its Allure
result and its verdict JSON) follows the block that states it. Static, offline, no script; pure: from
verdicts.json, the documents and where each claim's Allure result is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from checks.report.allure_files import per_document_counts
from checks.report.documents import Documents, view_name
from checks.report.html import CSP
from checks.report.records import (
    ALL_VERDICTS,
    MEANINGS,
    bound_text,
    claim_sources,
    counts,
    interval_text,
    most_urgent,
    primary_source,
    shown,
    sources,
)

COLOURS = {
    "PROVEN": "#2e7d32",
    "DISPROVEN": "#c62828",
    "INCONCLUSIVE": "#b26a00",
    "NOT_APPLICABLE": "#546e7a",
    "ERROR": "#6a1b9a",
    "OUT_OF_SCOPE": "#757575",
    "NOT_RUN": "#9e9e9e",
}
STYLE = (
    "body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}"
    "header{padding:12px 20px;background:#fff;border-bottom:1px solid #ddd}h1{font-size:20px;margin:4px 0}"
    "nav a{margin-right:12px}.meta{color:#555;margin:2px 0}"
    ".b{display:inline-block;padding:0 6px;margin:1px 3px 1px 0;border-radius:3px;color:#fff;"
    "font:600 12px/18px ui-monospace,monospace;text-decoration:none}"
    ".bar{display:flex;height:14px;max-width:720px;margin:6px 0;border:1px solid #ccc}"
    ".bar span{display:block}"
    "table.doc{border-collapse:collapse;width:100%;background:#fff}td{vertical-align:top;padding:0 8px}"
    ".doc td:nth-child(1){text-align:right;color:#888;user-select:none;width:1%;white-space:nowrap}"
    ".doc td:nth-child(2){font:13px/1.5 ui-monospace,monospace;white-space:pre-wrap;word-break:break-word}"
    ".doc td:nth-child(3){width:24%;font-size:12px}tr.ev td:nth-child(2){outline:1px dashed #555;"
    "outline-offset:-1px}.doc tr.p td{background:#fafafa;font:inherit;white-space:normal}"
    ".ev{color:#333}:target td{background:#fff59d!important}"
    "details{margin:4px 0 10px;padding:6px 10px;background:#fff;border:1px solid #ccc;border-left-width:6px}"
    "details table td{padding:1px 8px 1px 0}details th{text-align:left;padding-right:8px;color:#555}"
    "table.idx{border-collapse:collapse;background:#fff}table.idx td,table.idx th{border:1px solid #ddd;"
    "padding:4px 8px;text-align:left}"
    + "".join(
        f".{v}{{background:{c}}}tr.{v}{{background:{c}1f;box-shadow:inset 4px 0 {c}}}"
        for v, c in COLOURS.items()
    )
    + "".join(f"details.{v}x{{border-left-color:{c}}}" for v, c in COLOURS.items())
)


@dataclass(frozen=True)
class ResultLinks:
    """Where a claim's result and evidence are, relative to reports/documents/."""

    allure: str | None = None
    verdict_json: str | None = None
    evidence: str | None = None


def _badge(verdict: str, text: str | None = None, href: str | None = None) -> str:
    label = escape(text or verdict)
    if href:
        return f'<a class="b {verdict}" href="{escape(href)}">{label}</a>'
    return f'<span class="b {verdict}">{label}</span>'


def _bar(found: Mapping[str, int]) -> str:
    total = sum(found.values()) or 1
    parts = "".join(
        f'<span class="{v}" style="width:{100 * n / total:.2f}%" title="{v} {n}"></span>'
        for v, n in found.items()
        if n
    )
    return f'<div class="bar" role="img" aria-label="verdicts">{parts}</div>'


def _counts_html(found: Mapping[str, int]) -> str:
    return " ".join(_badge(v, f"{v} {n}") for v, n in found.items() if n)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>\n"
    )


def _run_line(run: dict[str, Any]) -> str:
    parts = [
        f"run {run.get('run_id')}",
        f"target {run.get('target')} ({run.get('target_kind')})",
        f"profile {run.get('profile')}",
        f"started {run.get('started')}",
        f"git {str(run.get('git_sha') or '')[:12]}",
        f"ledger {run.get('ledger_hash')}",
        "complete" if run.get("complete") else "INCOMPLETE run",
    ]
    return f'<p class="meta">{escape(" · ".join(parts))}</p>'


def _panel(record: dict[str, Any], run: dict[str, Any], links: ResultLinks) -> str:
    """A claim's verdict block: level, measured vs bound, interval, n, reason, sources, where to follow it."""
    verdict = record["verdict"]
    measured = shown(record.get("measured"), 300) or "—"
    rows = [("measured", escape(f"{measured} (bound {bound_text(record) or '—'})"))]
    if ci := interval_text(record, run):
        rows.append(
            ("interval", escape(ci + (f", n = {record['n']}" if record.get("n") is not None else "")))
        )
    elif record.get("n") is not None:
        rows.append(("n", escape(str(record["n"]))))
    rows.append(("reason", escape(str(record.get("reason", "")))))
    cited = sources(record)
    if len(cited) > 1:
        rows.append(("sources", ", ".join(
            f'<a href="{escape(view_name(s.file))}#L{s.line}">{escape(s.cite)}</a> ({s.role})' for s in cited
        )))  # fmt: skip
    follow = [
        f'<a href="{escape(href)}">{name}</a>'
        for name, href in (("Allure result", links.allure), ("verdict JSON", links.verdict_json),
                           ("evidence", links.evidence))
        if href
    ]  # fmt: skip
    if follow:
        rows.append(("follow", " · ".join(follow)))
    table = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    opened = " open" if verdict in ("DISPROVEN", "ERROR") else ""
    level = escape(str(record.get("evidence_level") or "none"))
    first = primary_source(record)
    where = f" · {escape(first.cite)}" if first else ""
    summary = (
        f"{_badge(verdict)} <b>{escape(record['id'])}</b>{where} ({level}) {escape(record['statement'])}"
    )
    return (
        f'<details id="claim-{escape(record["id"])}" class="{verdict}x"{opened}>'
        f"<summary>{summary}</summary><table>{table}</table></details>"
    )


@dataclass
class _Marks:
    verdicts: dict[int, list[tuple[str, str]]]  # line -> (verdict, claim id) where a claim's block starts
    within: dict[int, list[str]]  # line -> verdicts of the claim blocks it lies inside
    evidence: dict[int, list[tuple[str, str]]]  # line -> (claim id, href of its panel)
    panels: dict[int, list[str]]  # line after which claim panels go -> claim ids


def _marks(doc: dict[str, Any], name: str, home: Mapping[str, str]) -> _Marks:
    marks = _Marks({}, {}, {}, {})
    for record in doc["claims"]:
        mine = [s for s in claim_sources(record) if s.file == name]
        for s in mine:
            marks.verdicts.setdefault(s.line, []).append((record["verdict"], record["id"]))
            for n in range(s.line + 1, s.end_line + 1):
                marks.within.setdefault(n, []).append(record["verdict"])
        if mine:
            marks.panels.setdefault(mine[0].end_line, []).append(record["id"])
        for s in sources(record):
            if s.file == name and s.role != "claim":
                href = (
                    f"#claim-{record['id']}" if mine else f"{home.get(record['id'], '')}#claim-{record['id']}"
                )
                for n in range(s.line, s.end_line + 1):
                    marks.evidence.setdefault(n, []).append((record["id"], href))
    return marks


def _line_row(n: int, text: str, marks: _Marks) -> str:
    """A line: its verdict colour, a badge per claim whose block starts here (a plain verdict badge on the
    block's further lines), and the claims it is evidence for."""
    starts = marks.verdicts.get(n, [])
    inside = marks.within.get(n, [])
    evidence = marks.evidence.get(n, [])
    cells = [_badge(v, f"{v} {cid}", f"#claim-{cid}") for v, cid in starts]
    cells += [_badge(v) for v in dict.fromkeys(inside) if v not in {s for s, _ in starts}]
    claimed = [v for v, _ in starts] + inside
    cells += [
        f'<span class="ev">evidence for <a href="{escape(h)}">{escape(cid)}</a></span>' for cid, h in evidence
    ]
    cls = f' class="{most_urgent(claimed)}"' if claimed else (' class="ev"' if evidence else "")
    marks_cell = f"<td>{' '.join(cells)}</td>" if cells else ""
    return f'<tr id="L{n}"{cls}><td>{n}</td><td>{escape(text)}</td>{marks_cell}</tr>'


def document_page(
    doc: dict[str, Any],
    name: str,
    documents: Documents,
    links: Mapping[str, ResultLinks],
    home: Mapping[str, str],
) -> str:
    """The view of one document."""
    run = doc["run"]
    records = {r["id"]: r for r in doc["claims"]}
    marks = _marks(doc, name, home)
    stated = [r for r in doc["claims"] if any(s.file == name for s in claim_sources(r))]
    found = {v: n for v, n in counts(stated).items() if v in ALL_VERDICTS}
    rows = []
    for n, text in enumerate(documents.lines(name), start=1):
        rows.append(_line_row(n, text, marks))
        for claim_id in marks.panels.get(n, []):
            panel = _panel(records[claim_id], run, links.get(claim_id, ResultLinks()))
            rows.append(f'<tr class="p"><td></td><td colspan="2">{panel}</td></tr>')
    legend = " ".join(_badge(v, v) + escape(f" {MEANINGS[v]}") for v in ALL_VERDICTS if found.get(v))
    header = (
        '<header><nav><a href="index.html">All documents</a>'
        '<a href="../allure-report/index.html">Allure report</a>'
        f'<a href="{escape(name)}">verbatim file</a></nav>'
        f"<h1>{escape(documents.title(name))}</h1>"
        f'<p class="meta">{escape(name)} · {len(stated)} claims stated here</p>'
        f"{_run_line(run)}<p>{_counts_html(found)}</p>{_bar(found)}"
        '<p class="meta">A line a claim states takes the claim\'s verdict (colour and badge); a line used as '
        "evidence for a claim is outlined and names the claim.</p>"
        f"<details><summary>Legend</summary><p>{legend}</p></details></header>"
    )
    return _page(
        f"{name} · claimcheck document view",
        f'{header}<main><table class="doc">{"".join(rows)}</table></main>',
    )


def index_page(doc: dict[str, Any], documents: Documents, names: list[str]) -> str:
    """The list of documents, with each one's verdict counts."""
    run = doc["run"]
    per = per_document_counts(doc)
    rows = []
    for name in names:
        found = per.get(name, {})
        systems = sorted({r["system"] for r in doc["claims"] if (p := primary_source(r)) and p.file == name})
        rows.append(
            f'<tr><td><a href="{escape(view_name(name))}">{escape(name)}</a></td>'
            f"<td>{escape(documents.title(name))}</td>"
            f"<td>{escape(', '.join(systems))}</td><td>{sum(found.values())}</td>"
            f"<td>{_counts_html(found)}{_bar(found)}</td></tr>"
        )
    total = counts([r for r in doc["claims"] if r["verdict"] != "NOT_RUN"])
    body = (
        '<header><nav><a href="../allure-report/index.html">Allure report</a>'
        '<a href="verdicts-by-document.svg">verdict bars (SVG)</a></nav>'
        f"<h1>Documents judged</h1>{_run_line(run)}<p>{_counts_html(total)}</p>{_bar(total)}</header><main>"
        '<table class="idx"><tr><th>document</th><th>title</th><th>system</th><th>claims</th>'
        "<th>verdicts (each claim under the document that states it first)</th></tr>"
        f"{''.join(rows)}</table></main>"
    )
    return _page("claimcheck document view", body)


def document_names(doc: dict[str, Any]) -> list[str]:
    """Every document a record cites, in file order."""
    return sorted({s.file for r in doc["claims"] for s in sources(r)})


def home_pages(doc: dict[str, Any]) -> dict[str, str]:
    """claim id -> the page that holds its panel (the document that states it first)."""
    return {r["id"]: view_name(p.file) for r in doc["claims"] if (p := primary_source(r))}


def pages(doc: dict[str, Any], documents: Documents, links: Mapping[str, ResultLinks]) -> dict[str, str]:
    """file name -> HTML of every page of the view (the index included)."""
    names = document_names(doc)
    home = home_pages(doc)
    made = {view_name(n): document_page(doc, n, documents, links, home) for n in names}
    made["index.html"] = index_page(doc, documents, names)
    return made

"""The Markdown an Allure result shows: the verdict block first, then the cited blocks in full, numbered.

Pure: built from a verdicts.json record, the run, the documents and (when known) the ledger claim.
"""

from __future__ import annotations

import re
from typing import Any

from checks.report.documents import Documents, view_name
from checks.report.records import (
    Cited,
    bound_text,
    interval_text,
    shown,
    sources,
    target_text,
)

MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md(text: str) -> str:
    """Text shown literally in Markdown (a quote may start with '#', hold '|' or '**')."""
    return MARKDOWN.sub(r"\\\1", text)


def _cell(text: str) -> str:
    return md(text).replace("\n", " ")


def verdict_block(record: dict[str, Any], run: dict[str, Any]) -> str:
    """The verdict block: verdict, evidence level, target, measured vs bound with its interval, n, reason."""
    level = record.get("evidence_level") or "none"
    provenance = record.get("provenance")
    head = f"**{record['verdict']}** · evidence **{_cell(level)}**" + (
        f" (provenance {_cell(provenance)})" if provenance else ""
    )
    lines = [f"{head} · target **{_cell(target_text(record, run))}**"]
    measured = [f"measured **{_cell(shown(record.get('measured'), 300) or '—')}**"]
    measured.append(f"bound **{_cell(bound_text(record) or '—')}**")
    if ci := interval_text(record, run):
        measured.append(_cell(ci))
    if record.get("n") is not None:
        measured.append(f"n = {record['n']}")
    lines.append(" · ".join(measured))
    lines.append(f"reason: {_cell(str(record.get('reason', '')))}")
    if record.get("rule"):
        lines.append(f"rule: {_cell(str(record['rule']))}")
    return "  \n".join(lines)


def _fence(lines: list[str]) -> str:
    longest = max((len(run) for text in lines for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def quoted_block(source: Cited, documents: Documents, links_base: str) -> str:
    """A cited line or block, quoted in full with its line numbers, and a link into the document view."""
    block = documents.block(source.file, source.line, source.end_line)
    role = "the claim" if source.role == "claim" else "evidence"
    link = f"{links_base}documents/{view_name(source.file)}#L{source.line}"
    head = f"`{source.cite}` ({role}) · [open in the document view]({link})"
    if not block:
        return f"{head}\n\n> {md(source.quote)}"
    width = len(str(block[-1][0]))
    lines = [f"{n:>{width}} | {text}" for n, text in block]
    fence = _fence(lines)
    return f"{head}\n\n{fence}text\n" + "\n".join(lines) + f"\n{fence}"


def findings_table(record: dict[str, Any]) -> str:
    findings = record.get("findings") or []
    if len(findings) < 2:
        return ""
    rows = "\n".join(
        f"| {_cell(f.get('level', ''))} | {_cell(f.get('verdict', ''))} | {_cell(f.get('provenance', ''))} "
        f"| {_cell(f.get('reason', ''))} |"
        for f in findings
    )
    return f"**Findings**\n\n| level | verdict | provenance | reason |\n| --- | --- | --- | --- |\n{rows}"


def description(
    record: dict[str, Any],
    run: dict[str, Any],
    documents: Documents,
    *,
    method: str | None = None,
    links_base: str = "../",
) -> str:
    """The whole description of one claim's result."""
    parts = [verdict_block(record, run), f"**{md(record['statement'])}**"]
    parts += [quoted_block(s, documents, links_base) for s in sources(record)]
    if table := findings_table(record):
        parts.append(table)
    check = f"Check `{record.get('check', '')}`"
    parts.append(f"{check}." + (f" Method: {md(method)}" if method else ""))
    if record.get("waiver"):
        parts.append(f"Waiver: {md(str(record['waiver']))}")
    return "\n\n".join(parts)

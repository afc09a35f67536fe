"""Everything a run leaves beside verdicts.json, written in ONE place: `write_run_outputs`.

Called at the end of a run (fixtures/reporting.py) and by `claimcheck report` on any earlier run, it is a
function of the reports folder's verdicts.json (plus the documents and the ledger), in this order:
1. the sources the run judged: `documents/<file>` (verbatim) and `ledger/*.yaml`, copied once;
2. the Allure results shaped for auditors, with categories, environment, executor and global attachments;
3. `junit.xml` and `claimcheck.sarif`;
4. the document view, `documents/<file>.html` + `documents/index.html`, and the verdict bars (SVG);
5. the Allure HTML report (optional), made private;
6. `MANIFEST.sha256` (signed when CLAIMCHECK_SIGNING_KEY names a key), last, over all of it.
Everything taken from evidence passes through the Redactor again (verdicts.json is redacted already).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks.errors import ClaimcheckError
from checks.ledger import Ledger
from checks.report import allure_results, document_view, junit, sarif
from checks.report.allure_files import per_document_counts, write_allure_extras
from checks.report.bars import verdict_bars_svg
from checks.report.documents import Documents, view_name
from checks.report.manifest import HISTORY, write_manifest
from checks.report.records import load

VERDICT_BARS = "verdicts-by-document.svg"


@dataclass(frozen=True)
class OutputOptions:
    """How much to write: the HTML report (and as one file), SARIF's INCONCLUSIVE results, the history."""

    html: bool = True
    single_file: bool = False
    sarif_inconclusive: bool = False
    history: Path | None = None
    target_description: str = ""
    documents_uri: str = "claims/documents/"


@dataclass
class RunOutputs:
    """What was written, and anything a reader should know (e.g. documents newer than the run)."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    index: Path | None = None


def _copy_sources(reports_dir: Path, doc: dict[str, Any], ledger: Ledger | None, outputs: RunOutputs) -> None:
    """Copy the judged documents and ledger into the bundle: at the end of a run always (the run's own),
    for an earlier run only when the bundle has no copies yet (then they are today's, and a note says so)."""
    docs_dir, ledger_dir = reports_dir / "documents", reports_dir / "ledger"
    names = document_view.document_names(doc)
    fresh = ledger is not None and ledger.digest == doc["run"].get("ledger_hash")
    have = ledger_dir.is_dir() and all((docs_dir / n).is_file() for n in names)
    if ledger is None or (have and not fresh):
        return
    if not fresh:
        outputs.notes.append(
            f"the ledger is now {ledger.digest}, the run judged {doc['run'].get('ledger_hash')}: "
            "the documents and ledger copied into the bundle are today's"
        )
    for folder in (docs_dir, ledger_dir):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for name in names:
        if (ledger.documents_dir / name).is_file():
            shutil.copyfile(ledger.documents_dir / name, docs_dir / name)
    for f in ledger.files:
        shutil.copyfile(f, ledger_dir / f.name)


def _verdict_bars(reports_dir: Path, doc: dict[str, Any]) -> Path | None:
    per = per_document_counts(doc)
    if not per:
        return None
    colours = {v: document_view.COLOURS[v] for v in document_view.COLOURS if v != "NOT_RUN"}
    path = reports_dir / "documents" / VERDICT_BARS
    path.parent.mkdir(parents=True, exist_ok=True)
    title = "Verdicts per document (claims stated there first)"
    path.write_text(verdict_bars_svg(per, colours, title=title), encoding="utf-8")
    return path


def _write(path: Path, text: str, outputs: RunOutputs) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    outputs.files.append(path)


def _shape_allure(
    results_dir: Path,
    doc: dict[str, Any],
    documents: Documents,
    ledger: Ledger | None,
    redact: Callable[[str], str],
    options: OutputOptions,
    bars: Path | None,
) -> dict[str, allure_results.ResultRef]:
    methods = {c.id: c.method for c in ledger} if ledger is not None else {}
    shaping = allure_results.Shaping(doc, documents, methods, redact)
    refs = allure_results.shape_results(results_dir, shaping)
    write_allure_extras(
        results_dir, doc["run"], options.target_description or doc["run"].get("target_description", ""), doc
    )
    attached = [
        (f"document {n}", documents.folder / n, "text/plain") for n in document_view.document_names(doc)
    ]
    attached = [a for a in attached if a[1].is_file()]
    if bars is not None:
        attached.insert(0, ("verdicts per document", bars, "image/svg+xml"))
    allure_results.write_globals(results_dir, attached)
    return refs


def _links(
    refs: dict[str, allure_results.ResultRef], doc: dict[str, Any]
) -> dict[str, document_view.ResultLinks]:
    links = {}
    for record in doc["claims"]:
        ref = refs.get(record["id"])
        evidence = f"../{record['evidence_file']}" if record.get("evidence_file") else None
        links[record["id"]] = document_view.ResultLinks(
            allure=f"../allure-report/index.html#/{ref.report_id}" if ref else None,
            verdict_json=f"../allure-results/{ref.verdict_attachment}" if ref else None,
            evidence=evidence,
        )
    return links


def write_run_outputs(
    reports_dir: Path,
    verdicts_doc: dict[str, Any] | None = None,
    *,
    results_dir: Path | None = None,
    ledger: Ledger | None = None,
    redact: Callable[[str], str] = str,
    options: OutputOptions | None = None,
) -> RunOutputs:
    """Write every end-of-run output into `reports_dir` (see the module docstring); returns what it wrote."""
    from checks.report.html import generate_html

    options = options or OutputOptions()
    doc = verdicts_doc if verdicts_doc is not None else load(reports_dir / "verdicts.json")
    doc = json.loads(redact(json.dumps(doc, ensure_ascii=False)))
    results_dir = results_dir or reports_dir / "allure-results"
    outputs = RunOutputs()
    _copy_sources(reports_dir, doc, ledger, outputs)
    documents = Documents(reports_dir / "documents")
    bars = _verdict_bars(reports_dir, doc)
    refs = {}
    if results_dir.is_dir():
        refs = _shape_allure(results_dir, doc, documents, ledger, redact, options, bars)
    _write(reports_dir / "junit.xml", junit.junit_xml(doc), outputs)
    sarif_doc = sarif.sarif_text(
        doc, inconclusive=options.sarif_inconclusive, documents_uri=options.documents_uri
    )
    _write(reports_dir / "claimcheck.sarif", sarif_doc, outputs)
    for name, html in document_view.pages(doc, documents, _links(refs, doc)).items():
        _write(reports_dir / "documents" / name, html, outputs)
    if options.html and results_dir.is_dir():
        history = options.history or reports_dir / HISTORY
        try:
            outputs.index = generate_html(
                results_dir, reports_dir / "allure-report", run=doc["run"], history=history,
                single_file=options.single_file,
            )  # fmt: skip
        except ClaimcheckError as exc:
            outputs.notes.append(f"no HTML report: {exc}")
    outputs.files.append(write_manifest(reports_dir, doc["run"]))
    return outputs


__all__ = ["OutputOptions", "RunOutputs", "view_name", "write_run_outputs"]

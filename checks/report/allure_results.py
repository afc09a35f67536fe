"""Shape the Allure results for auditors, from verdicts.json: a pure rewrite of allure-results, idempotent.

allure-pytest writes one result per suite item, ordered and labelled for engineers (suites › folder › file),
with fixture steps, the Claim repr as a parameter, the exception class in the message and a full pytest
traceback. This rewrites every claim's result from its verdicts.json record so that:
- the tree is system › document › claim, in the document's line order (labels parentSuite/suite; the report
  is configured to group by them and sort by name, and each name starts with the zero-padded line `L0139`);
- the message (non-PROVEN) and the description open with the verdict block; cited blocks are quoted in full;
- the verdict JSON is the first attachment; large text attachments (raw logs) become files to download;
- an ERROR result carries the same labels and verdict attachment as any other;
- history follows the claim on its target (testCaseId = claim id, parameter `target`), whatever the suite;
- fixture containers are dropped, and each source document is attached once (global attachments).
Running it twice gives the same files, so `claimcheck report` can apply it to an old run.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.report.describe import description
from checks.report.documents import Documents, view_name
from checks.report.records import (
    allure_status,
    by_id,
    claim_sources,
    primary_source,
    sources,
    target_text,
    verdict_lines,
)

VERDICT_ATTACHMENT = "verdict and evidence"
DOWNLOAD_OVER_BYTES = 16 * 1024
DOWNLOAD_TYPE = "application/octet-stream"
TEXT_TYPES = ("text/plain", "text/csv", "text/tab-separated-values")
GLOBALS_FILE = "claimcheck-globals.json"
CLAIM_ID_IN_NAME = re.compile(r"\[([^\]]+)\]$")
CLAIM_ID_IN_REPR = re.compile(r"id='([^']+)'")
DROPPED_LABELS = {
    "host", "thread", "framework", "language", "package", "testClass", "testMethod", "subSuite",
    "parentSuite", "suite", "tag", "claim_id", "verdict", "target", "provenance", "evidence_level",
    "source", "evidence_source", "check", "epic", "feature", "story",
}  # fmt: skip


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def report_id(result_uuid: str) -> str:
    """The id Allure 3 gives a result in its report (`index.html#/<id>`): md5 of the result's uuid."""
    return md5(result_uuid)


@dataclass(frozen=True)
class Shaping:
    """What shaping needs beside the results: the run's records, the documents, the ledger's methods."""

    doc: dict[str, Any]
    documents: Documents
    methods: dict[str, str]
    redact: Callable[[str], str] = str
    links_base: str = "../"


def claim_id_of(result: dict[str, Any], known: dict[str, Any]) -> str | None:
    """The claim a result judges: its claim_id label, else the pytest id in its name, else the Claim repr."""
    for label in result.get("labels") or []:
        if label.get("name") == "claim_id" and label.get("value") in known:
            return str(label["value"])
    if (m := CLAIM_ID_IN_NAME.search(str(result.get("name", "")))) and m[1] in known:
        return m[1]
    for param in result.get("parameters") or []:
        if (m := CLAIM_ID_IN_REPR.search(str(param.get("value", "")))) and m[1] in known:
            return m[1]
    return None


def document_label(file: str, documents: Documents) -> str:
    return f"{file} · {documents.title(file)}"


def result_name(record: dict[str, Any]) -> str:
    first = primary_source(record)
    line = f"L{first.line:04d} " if first else ""
    return f"{line}{record['id']}: {record['statement']}"


def labels_for(
    record: dict[str, Any], run: dict[str, Any], documents: Documents, kept: list[Any]
) -> list[Any]:
    first = primary_source(record)
    level = record.get("evidence_level") or "none"
    labels: list[tuple[str, str]] = [
        ("parentSuite", record["system"]),
        ("suite", document_label(first.file, documents) if first else "(no source)"),
        ("verdict", record["verdict"]),
        ("evidence_level", level),
        ("target", target_text(record, run)),
        ("claim_id", record["id"]),
        *(("source", s.cite) for s in claim_sources(record)),
        *(("evidence_source", s.cite) for s in sources(record) if s.role != "claim"),
        ("check", str(record.get("check", ""))),
        ("provenance", str(record.get("provenance") or "none")),
        ("epic", record["system"]),
        ("feature", record["category"]),
        ("story", record["id"]),
        ("tag", record["verdict"]),
        ("tag", level),
    ]
    others = [lb for lb in kept if lb.get("name") not in DROPPED_LABELS and lb.get("name") != "severity"]
    severity = [lb for lb in kept if lb.get("name") == "severity"][:1]
    return [{"name": n, "value": v} for n, v in labels] + severity + others


def links_for(record: dict[str, Any], links_base: str) -> list[dict[str, str]]:
    links = [
        {
            "name": f"document view · {s.cite}",
            "url": f"{links_base}documents/{view_name(s.file)}#L{s.line}",
            "type": "link",
        }
        for s in claim_sources(record)
    ]
    if record.get("evidence_file"):
        links.append(
            {"name": "evidence (JSON)", "url": f"{links_base}{record['evidence_file']}", "type": "link"}
        )
    return links


def _write_attachment(results_dir: Path, name: str, body: str) -> dict[str, str]:
    source = f"claimcheck-{md5(name)}-attachment.json"
    (results_dir / source).write_text(body, encoding="utf-8")
    return {"name": VERDICT_ATTACHMENT, "source": source, "type": "application/json"}


def verdict_json(record: dict[str, Any], run: dict[str, Any]) -> str:
    """The verdict attachment for a result that has none of its own (ERROR before the judge): the record."""
    data = {"verdict": record["verdict"], "target": record.get("target") or run.get("target"), **record}
    return json.dumps(data, indent=1, ensure_ascii=False, default=str)


def attachments_for(
    result: dict[str, Any], record: dict[str, Any], run: dict[str, Any], results_dir: Path
) -> list[Any]:
    """The verdict JSON first (the judge's, or one made from the record); raw logs as downloads."""
    current = list(result.get("attachments") or [])
    verdict = [a for a in current if a.get("name") == VERDICT_ATTACHMENT][:1]
    if not verdict:
        verdict = [_write_attachment(results_dir, f"{record['id']}-verdict", verdict_json(record, run))]
    rest = [a for a in current if a not in verdict]
    for attachment in rest:
        path = results_dir / str(attachment.get("source", ""))
        if (
            attachment.get("type") in TEXT_TYPES
            and path.is_file()
            and path.stat().st_size > DOWNLOAD_OVER_BYTES
        ):
            attachment["type"] = DOWNLOAD_TYPE
    return verdict + rest


def _trace_attachment(
    result: dict[str, Any], record: dict[str, Any], shaping: Shaping, results_dir: Path
) -> list[Any]:
    trace = (result.get("statusDetails") or {}).get("trace")
    if not trace or record["verdict"] != "ERROR":
        return []
    source = f"claimcheck-{md5(record['id'] + '-trace')}-attachment.txt"
    (results_dir / source).write_text(shaping.redact(str(trace)), encoding="utf-8")
    return [{"name": "traceback (for engineers)", "source": source, "type": "text/plain"}]


def shape_result(
    result: dict[str, Any], record: dict[str, Any], shaping: Shaping, results_dir: Path
) -> dict[str, Any]:
    """One result rewritten from its claim's record (see the module docstring)."""
    run = shaping.doc["run"]
    target = target_text(record, run)
    params = [p for p in result.get("parameters") or [] if p.get("name") not in ("claim", "target")]
    shaped = {
        **result,
        "name": result_name(record),
        "status": allure_status(record["verdict"]),
        "testCaseId": f"claim:{record['id']}",
        "historyId": md5(f"{record['id']}@{target}"),
        "labels": labels_for(record, run, shaping.documents, list(result.get("labels") or [])),
        "parameters": [{"name": "target", "value": target}, *params],
        "links": links_for(record, shaping.links_base),
        "description": description(
            record,
            run,
            shaping.documents,
            method=shaping.methods.get(record["id"]),
            links_base=shaping.links_base,
        ),
    }
    shaped.pop("descriptionHtml", None)
    extra = _trace_attachment(result, record, shaping, results_dir)
    shaped["attachments"] = attachments_for(result, record, run, results_dir) + extra
    if record["verdict"] == "PROVEN":
        shaped.pop("statusDetails", None)
    else:
        shaped["statusDetails"] = {"message": shaping.redact("\n".join(verdict_lines(record, run)))}
    return shaped


@dataclass(frozen=True)
class ResultRef:
    """Where a claim's result is: its id in the Allure report and its verdict attachment in the results."""

    report_id: str
    verdict_attachment: str


def shape_results(results_dir: Path, shaping: Shaping) -> dict[str, ResultRef]:
    """Rewrite every claim result in `results_dir`; returns claim id -> where its result is."""
    records = by_id(shaping.doc)
    ids: dict[str, ResultRef] = {}
    for path in sorted(results_dir.glob("*-result.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        claim_id = claim_id_of(result, records)
        if claim_id is None:
            continue
        shaped = shape_result(result, records[claim_id], shaping, results_dir)
        path.write_text(json.dumps(shaped, ensure_ascii=False), encoding="utf-8")
        ids[claim_id] = ResultRef(report_id(str(result.get("uuid", ""))), shaped["attachments"][0]["source"])
    for container in results_dir.glob("*-container.json"):
        container.unlink()  # fixture set-up and tear-down steps: noise for a reader of verdicts
    return ids


def write_globals(results_dir: Path, files: list[tuple[str, Path, str]]) -> None:
    """Attach files once per run (Allure's global attachments): (name, path, content type) each."""
    attachments = []
    for name, path, content_type in files:
        source = f"claimcheck-global-{md5(name)}-attachment{path.suffix}"
        (results_dir / source).write_bytes(path.read_bytes())
        attachments.append({"name": name, "source": source, "type": content_type})
    body = {"uuid": "claimcheck-globals", "attachments": attachments, "errors": []}
    (results_dir / GLOBALS_FILE).write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")

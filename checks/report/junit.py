"""reports/junit.xml: one testcase per claim, for a CI system's test tab. Pure: from verdicts.json.

DISPROVEN is a failure, ERROR an error, every other verdict skipped with the verdict in its message. One
testsuite per document (the one that states the claim first). The common JUnit schema (junit-10.xsd) allows
properties only on a testsuite, so each document's suite carries its claims' properties
(`<claim id>.verdict`, `.evidence_level`, `.source`) and each testcase repeats them in its system-out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from checks.report.records import primary_source, sources, verdict_lines

RUN_PROPERTIES = ("run_id", "target", "target_kind", "profile", "git_sha", "ledger_hash", "complete")


def _by_document(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in doc["claims"]:
        first = primary_source(record)
        grouped.setdefault(first.file if first else "(no source)", []).append(record)
    return grouped


def _claim_properties(props: ET.Element, record: dict[str, Any]) -> None:
    claim_id = record["id"]
    ET.SubElement(props, "property", name=f"{claim_id}.verdict", value=record["verdict"])
    ET.SubElement(
        props, "property", name=f"{claim_id}.evidence_level", value=record.get("evidence_level") or "none"
    )
    for s in sources(record):
        ET.SubElement(props, "property", name=f"{claim_id}.source", value=f"{s.cite} ({s.role})")


def _testcase(suite: ET.Element, record: dict[str, Any], run: dict[str, Any], classname: str) -> None:
    case = ET.SubElement(
        suite, "testcase", name=f"{record['id']}: {record['statement']}", classname=classname
    )
    case.set("time", "0")
    verdict, reason = record["verdict"], str(record.get("reason", ""))
    block = "\n".join(verdict_lines(record, run))
    if verdict == "DISPROVEN":
        ET.SubElement(case, "failure", message=reason, type=verdict).text = block
    elif verdict == "ERROR":
        ET.SubElement(case, "error", message=reason, type=verdict).text = block
    elif verdict != "PROVEN":
        ET.SubElement(case, "skipped", message=f"{verdict}: {reason}", type=verdict)
    cites = "\n".join(f"source: {s.cite} ({s.role})" for s in sources(record))
    level = record.get("evidence_level") or "none"
    out = f"verdict: {verdict}\nevidence_level: {level}\n{cites}\n{block}"
    ET.SubElement(case, "system-out").text = out


def junit_xml(doc: dict[str, Any]) -> str:
    """The JUnit XML document of one run."""
    run = doc["run"]
    records = doc["claims"]
    root = ET.Element("testsuites", name=f"claimcheck {run.get('target')} {run.get('run_id')}")
    _counts(root, records)
    for document, found in _by_document(doc).items():
        suite = ET.SubElement(root, "testsuite", name=document)
        _counts(suite, found)
        suite.set("skipped", str(sum(r["verdict"] not in ("PROVEN", "DISPROVEN", "ERROR") for r in found)))
        suite.set("timestamp", str(run.get("started") or ""))
        props = ET.SubElement(suite, "properties")
        for key in RUN_PROPERTIES:
            ET.SubElement(props, "property", name=f"run.{key}", value=str(run.get(key)))
        for record in found:
            _claim_properties(props, record)
        for record in found:
            _testcase(suite, record, run, f"{record['system']} · {document}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _counts(element: ET.Element, records: list[dict[str, Any]]) -> None:
    element.set("tests", str(len(records)))
    element.set("failures", str(sum(r["verdict"] == "DISPROVEN" for r in records)))
    element.set("errors", str(sum(r["verdict"] == "ERROR" for r in records)))
    element.set("time", "0")

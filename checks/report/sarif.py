"""reports/claimcheck.sarif: SARIF 2.1.0, so CI code scanning annotates the claim's sentence in a document.

Every DISPROVEN and ERROR claim (and INCONCLUSIVE when asked) is a result located at each of its `claim`
sources (file and lines; evidence lines are never annotated), with the reason as its message and one rule
per check. Pure: from verdicts.json.
"""

from __future__ import annotations

import json
from typing import Any

from checks.registry import CHECKS
from checks.report.records import claim_sources, target_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"DISPROVEN": "error", "ERROR": "warning", "INCONCLUSIVE": "note"}


def reported(doc: dict[str, Any], *, inconclusive: bool = False) -> list[dict[str, Any]]:
    wanted = {"DISPROVEN", "ERROR"} | ({"INCONCLUSIVE"} if inconclusive else set())
    return [r for r in doc["claims"] if r["verdict"] in wanted and claim_sources(r)]


def _rule(check: str) -> dict[str, Any]:
    known = CHECKS.get(check)
    text = known.description if known else f"claimcheck check {check}"
    return {
        "id": check,
        "name": "".join(part.capitalize() for part in check.replace("-", ".").replace("_", ".").split(".")),
        "shortDescription": {"text": text},
        "defaultConfiguration": {"level": "error"},
    }


def _result(
    record: dict[str, Any], run: dict[str, Any], rule_index: int, documents_uri: str
) -> dict[str, Any]:
    locations = [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": f"{documents_uri}{s.file}"},
                "region": {"startLine": s.line, "endLine": s.end_line},
            }
        }
        for s in claim_sources(record)
    ]
    return {
        "ruleId": record.get("check") or "unknown",
        "ruleIndex": rule_index,
        "level": LEVELS[record["verdict"]],
        "message": {"text": f"{record['verdict']} {record['id']}: {record.get('reason', '')}"},
        "locations": locations,
        "partialFingerprints": {"claimId/v1": f"{record['id']}@{target_text(record, run)}"},
        "properties": {
            "claim_id": record["id"],
            "verdict": record["verdict"],
            "evidence_level": record.get("evidence_level") or "none",
            "target": target_text(record, run),
            "statement": record["statement"],
        },
    }


def sarif_log(
    doc: dict[str, Any], *, inconclusive: bool = False, documents_uri: str = "claims/documents/"
) -> dict[str, Any]:
    """The SARIF log of one run (`documents_uri`: the documents' folder relative to the repository root)."""
    run = doc["run"]
    records = reported(doc, inconclusive=inconclusive)
    checks = sorted({str(r.get("check") or "unknown") for r in records})
    index = {c: i for i, c in enumerate(checks)}
    invocation: dict[str, Any] = {"executionSuccessful": bool(run.get("complete"))}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "claimcheck",
                        "version": str(run.get("claimcheck_version") or "0"),
                        "rules": [_rule(c) for c in checks],
                    }
                },
                "automationDetails": {"id": f"claimcheck/{run.get('target')}/{run.get('run_id')}"},
                "invocations": [invocation],
                "results": [
                    _result(r, run, index[str(r.get("check") or "unknown")], documents_uri) for r in records
                ],
                "properties": {
                    k: run.get(k) for k in ("run_id", "target", "target_kind", "profile", "git_sha")
                },
            }
        ],
    }


def sarif_text(
    doc: dict[str, Any], *, inconclusive: bool = False, documents_uri: str = "claims/documents/"
) -> str:
    return json.dumps(
        sarif_log(doc, inconclusive=inconclusive, documents_uri=documents_uri), indent=1, ensure_ascii=False
    )

"""The files Allure reads beside the results: categories, environment, executor.

Categories are the six verdicts, named and explained exactly as the README's table (records.MEANINGS).
Allure 3 matches them by the `verdict` label of each result; Allure 2 (categories.json) by the message,
which starts with the verdict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checks.report.records import MEANINGS, VERDICTS, counts, primary_source


def category_name(verdict: str) -> str:
    return f"{verdict}: {MEANINGS[verdict]}"


# Allure 2 reads categories.json from the results: status plus a message pattern (JS-compatible regex).
CATEGORIES: list[dict[str, Any]] = [
    {
        "name": category_name(v),
        "matchedStatuses": ["passed", "failed", "broken", "skipped"],
        "messageRegex": f"^{v}\\b[\\s\\S]*",
    }
    for v in VERDICTS
    if v != "PROVEN"
]

# Allure 3 takes categories from its config: every verdict, matched by the result's `verdict` label.
ALLURE3_CATEGORIES: list[dict[str, Any]] = [
    {"id": f"verdict-{v.lower()}", "name": category_name(v), "matchers": {"labels": {"verdict": f"^{v}$"}}}
    for v in VERDICTS
]


def verdict_summary_line(found: dict[str, int]) -> str:
    return " · ".join(f"{v} {found[v]}" for v in VERDICTS if found.get(v))


def per_document_counts(doc: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Verdict counts per document, each claim counted under the document that states it first."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in doc["claims"]:
        if record["verdict"] == "NOT_RUN":
            continue
        first = primary_source(record)
        grouped.setdefault(first.file if first else "(no source)", []).append(record)
    return {name: counts(records) for name, records in sorted(grouped.items())}


def environment_lines(
    run: dict[str, Any], target_description: str, doc: dict[str, Any] | None = None
) -> list[str]:
    keys = (
        "target",
        "target_kind",
        "profile",
        "run_id",
        "claimcheck_version",
        "git_sha",
        "ledger_hash",
        "started",
    )
    lines = [f"{k}={run.get(k)}" for k in keys]
    lines.append(f"target_description={target_description}")
    if doc is not None:
        judged = [r for r in doc["claims"] if r["verdict"] != "NOT_RUN"]
        lines.append(f"verdicts={verdict_summary_line(counts(judged))}")
        for name, found in per_document_counts(doc).items():
            lines.append(f"verdicts.{name}={verdict_summary_line(found)}")
    return lines


def executor(run: dict[str, Any]) -> dict[str, Any]:
    """executor.json: the run, and the link to the document view (shown on the report's overview)."""
    return {
        "name": "claimcheck",
        "type": "claimcheck",
        "buildName": f"{run.get('target')} {run.get('profile')} {run.get('run_id')}: document view",
        "buildUrl": "../documents/index.html",
        "reportName": report_name(run),
        "buildOrder": run.get("run_id"),
    }


def report_name(run: dict[str, Any]) -> str:
    """The report's name; it also names the run's point in the Allure history (one per run id)."""
    return f"claimcheck: {run.get('target')} ({run.get('profile')}) {run.get('run_id')}"


def write_allure_extras(
    results_dir: Path, run: dict[str, Any], target_description: str, doc: dict[str, Any] | None = None
) -> None:
    """Write categories.json, environment.properties and executor.json into the allure-results directory."""
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "categories.json").write_text(json.dumps(CATEGORIES, indent=1), encoding="utf-8")
    (results_dir / "environment.properties").write_text(
        "\n".join(environment_lines(run, target_description, doc)) + "\n", encoding="utf-8"
    )
    (results_dir / "executor.json").write_text(json.dumps(executor(run), indent=1), encoding="utf-8")

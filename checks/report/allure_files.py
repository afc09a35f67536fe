"""The files Allure reads beside the results: categories, environment, executor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# allure-pytest maps AssertionError to "failed" and any other exception to "broken"; claimcheck keeps that:
# DISPROVEN raises an AssertionError, ERROR another exception; the rest are skipped with a verdict prefix.
CATEGORIES: list[dict[str, Any]] = [
    {
        "name": "DISPROVEN: the evidence contradicts the claim",
        "matchedStatuses": ["failed"],
        "messageRegex": "[\\s\\S]*DISPROVEN[\\s\\S]*",
    },
    {"name": "ERROR: could not measure", "matchedStatuses": ["broken", "failed"]},
    {
        "name": "INCONCLUSIVE: not enough evidence",
        "matchedStatuses": ["skipped"],
        "messageRegex": "[\\s\\S]*INCONCLUSIVE[\\s\\S]*",
    },
    {
        "name": "NOT_APPLICABLE: the target lacks the component",
        "matchedStatuses": ["skipped"],
        "messageRegex": "[\\s\\S]*NOT_APPLICABLE[\\s\\S]*",
    },
    {
        "name": "OUT_OF_SCOPE: waived, not a technical claim",
        "matchedStatuses": ["skipped"],
        "messageRegex": "[\\s\\S]*OUT_OF_SCOPE[\\s\\S]*",
    },
]


def environment_lines(run: dict[str, Any], target_description: str) -> list[str]:
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
    return lines


def write_allure_extras(results_dir: Path, run: dict[str, Any], target_description: str) -> None:
    """Write categories.json, environment.properties and executor.json into the allure-results directory."""
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "categories.json").write_text(json.dumps(CATEGORIES, indent=1), encoding="utf-8")
    (results_dir / "environment.properties").write_text(
        "\n".join(environment_lines(run, target_description)) + "\n", encoding="utf-8"
    )
    executor = {
        "name": "claimcheck",
        "type": "claimcheck",
        "buildName": f"{run.get('target')} {run.get('profile')}",
        "reportName": f"claimcheck: {run.get('target')} ({run.get('profile')})",
        "buildOrder": run.get("run_id"),
    }
    (results_dir / "executor.json").write_text(json.dumps(executor, indent=1), encoding="utf-8")

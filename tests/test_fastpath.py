"""A declared run settled from recorded outcomes (checks/fastpath.py) writes what the suites write.

The seed ledger is judged on `none` twice with one fresh cache: the first run runs the suites (and records),
the second settles every claim without pytest. Every output is compared once run ids, times and uuids are
set aside: verdicts.json, each claim's Allure result and attachments, the Allure extras, JUnit, SARIF and the
document view. Then an edit to a document makes the next run run the suites again.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checks import cache
from tests.test_cache import DESIGN, design_project

ROOT = Path(__file__).resolve().parent.parent
SETTLED = "settled from their recorded outcomes"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REPORT_ID = re.compile(r"index\.html#/[0-9a-f]{32}")


def run_none(reports: Path, cache_dir: Path, *extra: str, project: Path = ROOT) -> str:
    """`claimcheck run --target none --no-html` into `reports`; its stdout (exit 1: DISPROVEN claims)."""
    done = subprocess.run(
        [sys.executable, "-m", "checks.cli", "--project", str(project), "run", "--target", "none",
         "--no-html", "--reports-dir", str(reports), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), cache.CACHE_DIR_ENV: str(cache_dir),
             cache.NO_CACHE_ENV: "", "COLUMNS": "200"},
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def _stable(text: str, run: dict[str, Any]) -> str:
    for value in (run["run_id"], run["started"], run["finished"]):
        text = text.replace(str(value), "<run>")
    return REPORT_ID.sub("index.html#/<id>", UUID.sub("<uuid>", text))


def _results(folder: Path, run: dict[str, Any]) -> dict[str, Any]:
    """Each claim's shaped Allure result, with its attachments' contents in place of their file names."""
    found = {}
    for path in folder.glob("*-result.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        claim = next(lb["value"] for lb in result["labels"] if lb["name"] == "claim_id")
        for field in ("uuid", "start", "stop"):
            result.pop(field)
        result["attachments"] = [
            {**a, "source": _stable((folder / a["source"]).read_text(encoding="utf-8"), run)}
            for a in result.get("attachments") or []
        ]
        found[claim] = json.loads(_stable(json.dumps(result, sort_keys=True), run))
    return found


def outputs(reports: Path) -> dict[str, Any]:
    """Everything a run wrote, comparable across runs (the manifest hashes the times, so it is left out)."""
    doc = json.loads((reports / "verdicts.json").read_text(encoding="utf-8"))
    run = doc["run"]
    files = {}
    reports = (reports / ".latest").resolve()  # the run directory the published names point into
    for path in sorted(reports.rglob("*")):
        name = str(path.relative_to(reports))
        if path.is_dir() or name == "MANIFEST.sha256" or UUID.search(name):
            continue
        data = path.read_bytes()
        files[name] = _stable(data.decode("utf-8"), run) if path.suffix != ".png" else data
    return {"files": files, "results": _results(reports / "allure-results", run)}


@pytest.mark.integration
def test_settled_outputs_equal_the_suites_outputs(tmp_path: Path) -> None:
    suites_out = run_none(tmp_path / "suites", tmp_path / "cache")
    settled_out = run_none(tmp_path / "settled", tmp_path / "cache")
    assert SETTLED not in suites_out and SETTLED in settled_out
    suites, settled = outputs(tmp_path / "suites"), outputs(tmp_path / "settled")
    assert len(suites["results"]) == len(json.loads(suites["files"]["verdicts.json"])["claims"]) > 400
    assert settled["results"] == suites["results"]
    assert settled["files"].keys() == suites["files"].keys()
    for name, content in suites["files"].items():
        assert settled["files"][name] == content, name
    # a marker expression may leave claims out, so such a run always runs the suites
    assert SETTLED not in run_none(
        tmp_path / "marked", tmp_path / "cache", "--claim", "BB-DOC-01", "-m", "not load"
    )


@pytest.mark.integration
def test_an_edited_document_runs_the_suites_again(tmp_path: Path) -> None:
    root = design_project(tmp_path / "project")
    run_none(tmp_path / "r1", tmp_path / "cache", project=root)
    assert SETTLED in run_none(tmp_path / "r2", tmp_path / "cache", project=root)
    document = root / "claims" / "documents" / DESIGN.document.name
    # the quote 'maxReplicas: 12' stays on its line (quotes are verified at load); the value becomes 120
    document.write_text(document.read_text(encoding="utf-8").replace("maxReplicas: 12", "maxReplicas: 120"))
    assert SETTLED not in run_none(tmp_path / "r3", tmp_path / "cache", project=root)
    verdicts = {
        r["id"]: r["verdict"] for r in json.loads((tmp_path / "r3" / "verdicts.json").read_text())["claims"]
    }
    assert verdicts["PAY-SCALE-01"] != "DISPROVEN"

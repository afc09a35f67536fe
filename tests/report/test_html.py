"""The HTML report is generated offline by the Allure 3 CLI, and a second generation replaces the first."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from checks.errors import ClaimcheckError
from checks.ledger import project_root
from checks.report.html import generate_html

pytestmark = pytest.mark.skipif(
    not (project_root() / "node_modules" / ".bin" / "allure").exists(),
    reason="Allure CLI not installed (npm install)",
)


def results(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        ident = str(uuid.uuid4())
        body = {
            "uuid": ident,
            "historyId": ident,
            "name": f"claim {i}",
            "fullName": f"suite.claim_{i}",
            "status": "passed",
            "start": 1_700_000_000_000,
            "stop": 1_700_000_000_100,
        }
        (folder / f"{ident}-result.json").write_text(json.dumps(body), encoding="utf-8")
    return folder


def total(report: Path) -> int:
    return int(json.loads((report / "summary.json").read_text(encoding="utf-8"))["stats"]["total"])


def test_a_report_is_written_and_a_second_one_replaces_it(tmp_path: Path) -> None:
    out = tmp_path / "allure-report"
    assert generate_html(results(tmp_path / "first", 2), out) == out / "index.html"
    assert total(out) == 2
    generate_html(results(tmp_path / "second", 3), out)
    assert total(out) == 3 and not (out / "awesome").exists()


def test_a_folder_that_is_not_a_report_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "somebody-elses"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ClaimcheckError, match="not overwriting"):
        generate_html(results(tmp_path / "r", 1), out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"

"""The HTML report is generated offline by the Allure 3 CLI, and a second generation replaces the first."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from checks.errors import ClaimcheckError
from checks.ledger import project_root
from checks.report.html import generate_html, make_private

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


def history_names(history: Path) -> list[str]:
    return [
        json.loads(line)["name"] for line in history.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def test_history_carries_one_point_per_run_and_shows_it_on_the_result(tmp_path: Path) -> None:
    history = tmp_path / "history.jsonl"
    res = results(tmp_path / "r", 2)
    first = {"target": "local", "profile": "nightly", "run_id": "cc-1"}
    generate_html(res, tmp_path / "out", run=first, history=history)
    generate_html(res, tmp_path / "out", run=first, history=history)  # the same run again: replaces its point
    assert len(history_names(history)) == 1
    generate_html(res, tmp_path / "out", run={**first, "run_id": "cc-2"}, history=history)
    assert [n.rsplit(" ", 1)[1] for n in history_names(history)] == ["cc-1", "cc-2"]
    shown = [json.loads(p.read_text()) for p in (tmp_path / "out" / "data" / "test-results").glob("*.json")]
    assert all(len(r["history"]) == 1 for r in shown)  # the earlier run's verdict, on each result


def test_the_generated_pages_load_nothing_from_outside(tmp_path: Path) -> None:
    index = generate_html(results(tmp_path / "r", 1), tmp_path / "out")
    html = index.read_text(encoding="utf-8")
    assert "googletagmanager" not in html and "gtag(" not in html
    assert 'http-equiv="Content-Security-Policy"' in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)


def test_make_private_strips_external_scripts_links_and_analytics() -> None:
    page = (
        '<html><head><link rel="stylesheet" href="https://fonts.example/x.css"><script src="app.js"></script>'
        '</head><body><script async src="https://www.googletagmanager.com/gtag/js?id=G"></script>'
        "<script>window.dataLayer = []; gtag('js', new Date());</script><script>keep()</script></body></html>"
    )
    private = make_private(page)
    assert "fonts.example" not in private and "googletagmanager" not in private and "gtag" not in private
    assert '<script src="app.js"></script>' in private and "<script>keep()</script>" in private
    assert make_private(private) == private

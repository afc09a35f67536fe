"""Three documents claimcheck has never seen, onboarded as a user would: init, draft, review, coverage, run.

Each fixture (tests/data/onboarding/<name>/) holds the document, the reviewer's edits to its draft and the
verdicts `run --target none` must reach: the expected DISPROVEN and no other, the consistent claims left
open, every checkable line covered, and no block "not understood" unless the fixture says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checks.blocks import read_blocks
from checks.collect.documents import collect_document_blocks
from checks.coverage import coverage, quote_problems
from checks.draft import onboard
from checks.draft.review import Fixture, apply_review, fixtures
from checks.ledger import load_ledger
from checks.scaffold import scaffold

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = fixtures(ROOT / "tests" / "data" / "onboarding")


def onboarded(tmp_path: Path, fixture: Fixture, reviewed: bool = True) -> Path:
    """A fresh project holding the fixture's document, drafted (and reviewed)."""
    scaffold(tmp_path)
    done = onboard(fixture.document, tmp_path / "claims", fixture.system, fixture.id_prefix)
    if reviewed:
        apply_review(done.ledger_file, fixture.review)
    return tmp_path


def run_none(project: Path) -> tuple[int, dict[str, str]]:
    """`claimcheck --project DIR run --target none`: exit code and verdict per claim id."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "checks.cli",
            "--project",
            str(project),
            "run",
            "--target",
            "none",
            "--no-html",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    path = project / "reports" / "verdicts.json"
    assert path.is_file(), done.stdout[-2000:] + done.stderr[-2000:]
    records = json.loads(path.read_text(encoding="utf-8"))["claims"]
    return done.returncode, {r["id"]: r["verdict"] for r in records}


@pytest.fixture(params=FIXTURES, ids=[f.document.name for f in FIXTURES])
def fixture(request: pytest.FixtureRequest) -> Fixture:
    return request.param  # type: ignore[no-any-return]


def test_there_are_three_styles_of_fixture() -> None:
    assert sorted(f.document.suffix for f in FIXTURES) == [".adoc", ".md", ".txt"]


def test_an_unreviewed_draft_is_a_valid_ledger_covering_every_line(tmp_path: Path, fixture: Fixture) -> None:
    ledger = load_ledger(onboarded(tmp_path, fixture, reviewed=False) / "claims")
    assert quote_problems(ledger) == []
    assert [r.where for r in coverage(ledger) if not r.covered] == []


def test_the_reviewed_ledger_covers_every_line_and_names_blocks_not_understood(
    tmp_path: Path, fixture: Fixture
) -> None:
    ledger = load_ledger(onboarded(tmp_path, fixture) / "claims")
    assert quote_problems(ledger) == []
    assert [r.where for r in coverage(ledger) if not r.covered] == []
    opaque = [
        r.block.cite for r in read_blocks(collect_document_blocks(ledger.documents_dir)) if r.not_understood
    ]
    assert opaque == fixture.expect["not_understood"]


def test_run_none_finds_the_contradictions_and_only_them(tmp_path: Path, fixture: Fixture) -> None:
    code, verdicts = run_none(onboarded(tmp_path, fixture))
    disproven = sorted(i for i, v in verdicts.items() if v == "DISPROVEN")
    assert disproven == sorted(fixture.expect["disproven"])
    assert all(verdicts[i] != "DISPROVEN" for i in fixture.expect["holds"])
    assert code == 1


def test_most_drafted_entries_survive_review(tmp_path: Path, fixture: Fixture) -> None:
    done = onboard(fixture.document, tmp_path / "claims", fixture.system, fixture.id_prefix)
    quality = apply_review(done.ledger_file, fixture.review)
    assert quality.share_kept >= 0.7, str(quality)

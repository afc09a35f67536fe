"""Selection by claim, category, system and document; unknown values are exit 2, naming the known ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checks.errors import ConfigError
from checks.ledger import default_ledger
from checks.selection import Selection

ROOT = Path(__file__).resolve().parent.parent


def claimcheck(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checks.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


@pytest.mark.parametrize(
    ("selection", "words"),
    [
        (Selection.of(systems=["Nope"]), "unknown value 'Nope'; known: "),
        (Selection.of(documents=["nope.md"]), "unknown value 'nope.md'"),
        (Selection.of(categories=["latancy"]), "'latency'"),
        (Selection.of(claims=["ZZ-NOPE-01"]), "unknown claim id(s): ZZ-NOPE-01"),
    ],
)
def test_an_unknown_value_names_itself_and_the_known_ones(selection: Selection, words: str) -> None:
    ledger = default_ledger()
    with pytest.raises(ConfigError) as caught:
        selection.validate(ledger)
    assert words in str(caught.value)
    if selection.systems:
        assert all(repr(s) in str(caught.value) for s in ledger.systems)


def test_a_system_and_a_document_select_their_claims() -> None:
    ledger = default_ledger()
    system = ledger.systems[0]
    document = next(d for d in ledger.documents if ledger.owners(d) == {system})
    by_system = Selection.of(systems=[system]).of_ledger(ledger)
    by_document = Selection.of(documents=[f"some/path/{document}"]).of_ledger(ledger)
    assert by_system and all(c.system == system for c in by_system)
    assert by_document and all(any(s.file == document for s in c.sources) for c in by_document)
    assert set(c.id for c in by_document) <= set(c.id for c in by_system)


def test_claims_list_of_an_unknown_system_is_exit_2() -> None:
    done = claimcheck("claims", "list", "--system", "UNKNOWN")
    assert done.returncode == 2 and "UNKNOWN" in done.stderr and "known:" in done.stderr


def test_run_of_an_unknown_document_is_exit_2_before_anything_runs() -> None:
    done = claimcheck("run", "--target", "none", "--document", "missing.md", "--no-html")
    assert done.returncode == 2 and "missing.md" in done.stderr


def test_run_selects_one_document(tmp_path: Path) -> None:
    ledger = default_ledger()
    document = ledger.documents[0]
    done = claimcheck(
        "run", "--target", "none", "--document", document, "--no-html", "--reports-dir", str(tmp_path)
    )
    import json

    records = json.loads((tmp_path / "verdicts.json").read_text(encoding="utf-8"))["claims"]
    ran = {r["id"] for r in records if r["verdict"] != "NOT_RUN"}
    cited = {c.id for c in ledger if any(s.file == document for s in c.sources)}
    assert done.returncode in (0, 1, 3) and ran == cited

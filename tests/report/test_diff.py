"""`claimcheck diff` between runs and `claimcheck run --baseline`: only regressions fail a nightly gate."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from checks.ledger import project_root
from checks.report.diff import as_json, compare, regressions
from tests.report.conftest import DATA, verdicts


def claimcheck(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checks.cli", *args],
        cwd=project_root(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def with_verdicts(doc: dict[str, Any], changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    made = copy.deepcopy(doc)
    for record in made["claims"]:
        record.update(changes.get(record["id"], {}))
    return made


def two_runs(doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    a, b, c, d = (r["id"] for r in doc["claims"][:4])
    old = with_verdicts(doc, {
        a: {"verdict": "PROVEN"},
        b: {"verdict": "NOT_APPLICABLE"},
        c: {"verdict": "PROVEN", "measured": 12.0, "interval": [10.0, 14.0]},
        d: {"verdict": "PROVEN", "measured": 12.0, "interval": [10.0, 14.0]},
    })  # fmt: skip
    new = with_verdicts(doc, {
        a: {"verdict": "DISPROVEN", "reason": "on local (sandbox): p95 180 ms"},
        b: {"verdict": "PROVEN"},
        c: {"verdict": "PROVEN", "measured": 30.0, "interval": [28.0, 32.0]},
        d: {"verdict": "PROVEN", "measured": 13.0, "interval": [11.0, 15.0]},
    })  # fmt: skip
    return old, new


def test_diff_finds_newly_disproven_newly_proven_and_a_measurement_beyond_its_interval(
    declared_run: Path,
) -> None:
    doc = verdicts(declared_run)
    old, new = two_runs(doc)
    a, b, c, _ = (r["id"] for r in doc["claims"][:4])
    found = as_json(compare([old, new]))
    assert [x["claim_id"] for x in found["newly_disproven"]] == [a]
    assert [x["claim_id"] for x in found["newly_proven"]] == [b]
    assert [x["claim_id"] for x in found["measurement"]] == [c]  # d moved within its interval
    assert "outside the old interval [10, 14]" in found["measurement"][0]["detail"]
    assert found["flapping"] == []


def test_three_runs_show_a_flapping_claim(declared_run: Path) -> None:
    doc = verdicts(declared_run)
    first = doc["claims"][0]["id"]
    runs = [with_verdicts(doc, {first: {"verdict": v}}) for v in ("PROVEN", "DISPROVEN", "PROVEN")]
    (flap,) = as_json(compare(runs))["flapping"]
    assert flap["claim_id"] == first and flap["detail"] == "PROVEN -> DISPROVEN -> PROVEN"


def test_the_diff_command_prints_a_table_or_json(declared_run: Path, tmp_path: Path) -> None:
    old, new = two_runs(verdicts(declared_run))
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new), encoding="utf-8")
    table = claimcheck("diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"))
    assert table.returncode == 0 and "newly DISPROVEN" in table.stdout, table.stderr
    as_json_out = claimcheck("diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--json")
    assert set(json.loads(as_json_out.stdout)) == {
        "newly_disproven",
        "newly_proven",
        "measurement",
        "flapping",
        "changed",
    }


def test_diff_reads_an_old_schema_1_run(declared_run: Path) -> None:
    old = json.loads((DATA / "schema1-verdicts.json").read_text(encoding="utf-8"))
    assert compare(
        [old, verdicts(declared_run)]
    )  # verdicts moved from the sandbox run to a declared-only run


def test_regressions_are_new_disproven_or_error_only(declared_run: Path) -> None:
    doc = verdicts(declared_run)
    a, b, c = (r["id"] for r in doc["claims"][:3])
    base = with_verdicts(
        doc, {a: {"verdict": "DISPROVEN"}, b: {"verdict": "PROVEN"}, c: {"verdict": "INCONCLUSIVE"}}
    )
    now = with_verdicts(
        doc, {a: {"verdict": "DISPROVEN"}, b: {"verdict": "ERROR"}, c: {"verdict": "DISPROVEN"}}
    )
    assert {r.claim_id for r in regressions(base, now)} == {b, c}


def test_run_with_a_baseline_exits_1_only_on_a_regression(tmp_path: Path) -> None:
    claim = "BP-D14-SCALE-09"  # DISPROVEN by the documents themselves
    args = ("run", "--target", "none", "--no-html", "--claim", claim, "--reports-dir", str(tmp_path / "r"))
    first = claimcheck(*args)
    assert first.returncode == 1, first.stdout[-1500:]  # no baseline: DISPROVEN fails
    known = tmp_path / "known.json"
    known.write_text((tmp_path / "r" / "verdicts.json").read_text(encoding="utf-8"), encoding="utf-8")
    accepted = claimcheck(*args, "--baseline", str(known))
    assert accepted.returncode == 0, accepted.stdout[-1500:]
    proven = json.loads(known.read_text(encoding="utf-8"))
    for record in proven["claims"]:
        if record["id"] == claim:
            record["verdict"] = "PROVEN"
    (tmp_path / "was-proven.json").write_text(json.dumps(proven), encoding="utf-8")
    regressed = claimcheck(*args, "--baseline", str(tmp_path / "was-proven.json"))
    assert regressed.returncode == 1 and f"REGRESSION {claim}" in regressed.stdout

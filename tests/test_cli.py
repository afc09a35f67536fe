"""The `claimcheck` command: configuration errors exit 2, naming file, entry and key, before any I/O."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from checks.ledger import load_ledger_file, project_root

EXIT_CONFIG = 2
REPORTS = tempfile.mkdtemp(prefix="claimcheck-cli-test-")
BROKEN: list[str] = []  # the ledger file and entry broken_ledger broke


def claimcheck(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if args and args[0] == "run":
        args = (*args, "--reports-dir", REPORTS)
    return subprocess.run(
        [sys.executable, "-m", "checks.cli", *args],
        cwd=project_root(),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


def broken_ledger(tmp_path: Path) -> Path:
    """A copy of the project's ledger whose first entry carries an unknown key (`colour`)."""
    claims = tmp_path / "claims"
    shutil.copytree(project_root() / "claims", claims)
    path = sorted(claims.glob("*.yaml"))[0]
    first = load_ledger_file(path).claims[0]
    BROKEN[:] = [path.name, first.id]
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(f"metric: {first.metric}", f"metric: {first.metric}\n    colour: blue", 1),
        encoding="utf-8",
    )
    return claims


def test_a_malformed_ledger_entry_exits_with_the_config_code_naming_file_entry_and_key(
    tmp_path: Path,
) -> None:
    done = claimcheck(
        "run", "--target", "none", "--no-html", env={"CLAIMCHECK_LEDGER_DIR": str(broken_ledger(tmp_path))}
    )
    assert done.returncode == EXIT_CONFIG
    file, entry = BROKEN
    assert file in done.stderr and entry in done.stderr and "colour" in done.stderr


def test_a_malformed_ledger_stops_coverage_too(tmp_path: Path) -> None:
    done = claimcheck("claims", "coverage", env={"CLAIMCHECK_LEDGER_DIR": str(broken_ledger(tmp_path))})
    assert done.returncode == EXIT_CONFIG and "colour" in done.stderr


def test_a_malformed_targets_file_exits_with_the_config_code_naming_file_and_key(tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text("default: s\ntargets:\n  s:\n    kind: staging\n    max_rps: lots\n", encoding="utf-8")
    done = claimcheck("run", "--targets-file", str(targets), "--no-html")
    assert done.returncode == EXIT_CONFIG
    assert str(targets) in done.stderr and "max_rps" in done.stderr and "lots" in done.stderr


def test_an_unknown_claim_id_is_a_config_error() -> None:
    done = claimcheck("run", "--target", "none", "--claim", "ZZ-NOPE-01", "--no-html")
    assert done.returncode == EXIT_CONFIG and "ZZ-NOPE-01" in done.stderr


def test_coverage_passes_on_the_project_ledger() -> None:
    done = claimcheck("claims", "coverage")
    assert done.returncode == 0, done.stdout[-2000:]
    assert "0 uncovered, 0 quote problems" in done.stdout


def test_a_declared_only_run_judges_every_claim_and_exits_with_disproven() -> None:
    done = claimcheck(
        "run", "--target", "none", "--no-html", "--claim", "BP-D14-SCALE-09", "--claim", "BB-DOC-01"
    )
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "suites finished in" in done.stdout


def test_sandbox_plant_without_a_defect_is_a_config_error() -> None:
    result = claimcheck("sandbox", "plant")
    assert result.returncode == EXIT_CONFIG and "needs a defect name" in result.stderr


def test_an_unknown_defect_is_refused_with_the_known_names() -> None:
    result = claimcheck("sandbox", "plant", "no_such_defect")
    assert result.returncode == EXIT_CONFIG
    assert "no defect 'no_such_defect'" in result.stderr and "tls12_enabled" in result.stderr


def test_sandbox_defects_lists_each_defect_with_the_claims_it_flips() -> None:
    result = claimcheck("sandbox", "defects")
    assert result.returncode == 0
    assert "tls12_enabled (tls)" in result.stdout and "breaks BP-D08-SEC-01 -> DISPROVEN" in result.stdout


def test_the_library_does_not_import_the_sandbox() -> None:
    """The sandbox uses the library; the CLI reaches the sandbox through its entry point (drills excepted)."""

    def imports_sandbox(path: Path) -> bool:
        lines = path.read_text().splitlines()
        return any(line.lstrip().startswith(("from sandbox", "import sandbox")) for line in lines)

    checks = (project_root() / "checks").rglob("*.py")
    offenders = [str(p) for p in checks if "drills" not in p.parts and imports_sandbox(p)]
    assert offenders == []

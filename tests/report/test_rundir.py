"""The reports directory: a lock, a fresh run directory swapped in whole, pruning; verdicts writes that fail
leave nothing behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from checks.errors import ConfigError, ReportWriteError
from checks.ledger import default_ledger
from checks.report.redact import Redactor
from checks.report.rundir import KEEP, ReportsDir
from checks.report.verdicts_file import VerdictsFile


def publish(reports: ReportsDir, run_id: str, text: str) -> Path:
    run_dir = reports.fresh(run_id)
    (run_dir / "verdicts.json").write_text(text)
    (run_dir / "evidence" / "load").mkdir(parents=True)
    reports.publish(run_dir)
    return run_dir


def test_a_published_run_is_what_the_reports_names_show(tmp_path: Path) -> None:
    reports = ReportsDir(tmp_path / "reports")
    publish(reports, "run-1", "one")
    assert (reports.root / "verdicts.json").read_text() == "one"
    publish(reports, "run-2", "two")
    assert (reports.root / "verdicts.json").read_text() == "two"
    assert os.readlink(reports.root / ".latest") == ".runs/run-2"
    assert (reports.runs / "run-2").stat().st_mode & 0o777 == 0o700


def test_old_runs_and_their_load_evidence_are_pruned(tmp_path: Path) -> None:
    reports = ReportsDir(tmp_path / "reports")
    for n in range(5):
        publish(reports, f"run-{n}", str(n))
        os.utime(reports.runs / f"run-{n}", (n, n))  # distinct ages on a fast machine
    assert sorted(p.name for p in reports.runs.iterdir()) == [f"run-{n}" for n in range(5 - KEEP, 5)]


def test_results_from_before_run_directories_are_moved_aside_not_mixed(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    (root / "allure-results").mkdir(parents=True)
    (root / "allure-results" / "old-result.json").write_text("{}")
    (root / "verdicts.json").write_text("legacy")
    reports = ReportsDir(root)
    publish(reports, "run-1", "new")
    assert (root / "verdicts.json").read_text() == "new" and (root / "verdicts.json").is_symlink()
    assert not (root / "allure-results" / "old-result.json").exists()


def test_a_second_lock_on_the_same_directory_is_refused(tmp_path: Path) -> None:
    reports = ReportsDir(tmp_path / "reports")
    with reports.locked("run-1"):
        import subprocess
        import sys

        code = (
            "import sys; from pathlib import Path; from checks.report.rundir import ReportsDir\n"
            "from checks.errors import ConfigError\n"
            f"try:\n    ReportsDir(Path({str(reports.root)!r})).locked('run-2').__enter__()\n"
            "except ConfigError as e:\n    print(e); sys.exit(2)\n"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "in use by another claimcheck run (pid" in done.stdout
    assert "run run-1" in done.stdout
    with reports.locked("run-3"):
        pass  # released when the first run ended
    assert issubclass(ConfigError, Exception)


def test_a_failed_verdicts_write_leaves_no_temp_file_and_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "verdicts.json"
    made = VerdictsFile.start(path, default_ledger(), "t", "staging", "nightly", "run-1", Redactor())
    before = path.read_bytes()

    def full(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(ReportWriteError, match="no space left on the device"):
        made.finish(interrupted=False)
    assert made.write_error is not None and path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["verdicts.json"]


def test_load_evidence_follows_the_verdicts_file() -> None:
    from types import SimpleNamespace

    from fixtures.reporting import evidence_dir

    config = SimpleNamespace(option=SimpleNamespace(cc_verdicts="/x/runs/r1/verdicts.json"))
    assert evidence_dir(config) == Path("/x/runs/r1/evidence")  # type: ignore[arg-type]

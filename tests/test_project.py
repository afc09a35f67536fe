"""The project directory: --project, then $CLAIMCHECK_PROJECT, then the nearest claims/ or targets.yaml
above the current directory, then the current directory; `init` scaffolds one without overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checks.project import LEDGER_DIR_ENV, PROJECT_ENV, ledger_dir, project_dir
from checks.scaffold import scaffold
from checks.targets import load_targets


def test_the_environment_variable_wins_over_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "here" / "claims").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "here")
    monkeypatch.setenv(PROJECT_ENV, str(tmp_path / "there"))
    assert project_dir() == (tmp_path / "there").resolve()


def test_the_nearest_project_above_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "targets.yaml").write_text("default: none\n", encoding="utf-8")
    (tmp_path / "docs" / "deep").mkdir(parents=True)
    monkeypatch.delenv(PROJECT_ENV, raising=False)
    monkeypatch.chdir(tmp_path / "docs" / "deep")
    assert project_dir() == tmp_path.resolve()


def test_the_ledger_directory_may_be_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROJECT_ENV, str(tmp_path))
    assert ledger_dir() == tmp_path.resolve() / "claims"
    monkeypatch.setenv(LEDGER_DIR_ENV, str(tmp_path / "ledger"))
    assert ledger_dir() == (tmp_path / "ledger").resolve()


def test_init_scaffolds_a_valid_project_and_keeps_what_exists(tmp_path: Path) -> None:
    (tmp_path / "targets.yaml").write_text("default: none\ntargets: {}\n", encoding="utf-8")
    lines = scaffold(tmp_path)
    assert (tmp_path / "claims" / "documents").is_dir()
    assert any(line.startswith("kept") and line.endswith("targets.yaml") for line in lines)
    ci = yaml.safe_load((tmp_path / ".github" / "workflows" / "claimcheck.yml").read_text(encoding="utf-8"))
    assert "claimcheck run --target none --no-html" in str(ci)
    ignored = (tmp_path / ".gitignore").read_text(encoding="utf-8")
    assert "reports/" in ignored and ".claimcheck-cache/" in ignored


def test_the_scaffolded_targets_file_has_none_and_a_commented_staging(tmp_path: Path) -> None:
    scaffold(tmp_path)
    text = (tmp_path / "targets.yaml").read_text(encoding="utf-8")
    targets = load_targets(tmp_path / "targets.yaml")
    assert targets.default == "none" and set(targets.targets) == {"none"}
    assert "# staging:" in text

"""One declared-only run (`claimcheck run --target none`, a few seconds) shared by the report tests."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checks.ledger import project_root
from tests.once import once

DATA = Path(__file__).parent / "data"


def allure_installed() -> bool:
    return (project_root() / "node_modules" / ".bin" / "allure").exists()


@pytest.fixture(scope="session")
def declared_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reports folder of a declared-only run of every claim (HTML included when Allure is installed).
    Read-only: a test that changes files works on `bundle_copy`. Made once for every xdist worker."""
    return once(tmp_path_factory, "declared-run", _declared_run)


def _declared_run(reports: Path) -> None:
    args = ["run", "--target", "none", "--reports-dir", str(reports)]
    if not allure_installed():
        args.append("--no-html")
    done = subprocess.run(
        [sys.executable, "-m", "checks.cli", *args],
        cwd=project_root(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1, (
        done.stdout[-2000:] + done.stderr[-2000:]
    )  # the documents hold DISPROVEN claims


@pytest.fixture
def bundle_copy(declared_run: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "bundle"
    shutil.copytree(declared_run, copy)
    return copy


def verdicts(reports: Path) -> dict[str, Any]:
    return json.loads((reports / "verdicts.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]

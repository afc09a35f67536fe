"""Generate the Allure HTML report offline with the Allure 3 CLI installed by `npm install` (package.json)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from checks.errors import ClaimcheckError
from checks.ledger import project_root
from checks.report.allure_files import CATEGORIES

ALLURE_ENV = "CLAIMCHECK_ALLURE_CLI"


def allure_command(root: Path) -> list[str]:
    """The Allure CLI: `$CLAIMCHECK_ALLURE_CLI`, else the project's node_modules, else one on PATH."""
    chosen = os.environ.get(ALLURE_ENV)
    if chosen is not None:
        if not Path(chosen).is_file():
            raise ClaimcheckError(f"Allure CLI not found at {chosen} (${ALLURE_ENV})")
        return [chosen]
    local = root / "node_modules" / ".bin" / "allure"
    if local.exists():
        return [str(local)]
    found = shutil.which("allure")
    if found:
        return [found]
    raise ClaimcheckError("Allure CLI not found: run `npm install` in the project (see README set-up)")


def _clear_previous(output: Path) -> None:
    """Remove an earlier report: Allure 3 writes into a subfolder when the output folder is not empty, which
    would leave the old index.html in place. Only a folder that holds a report (or nothing) is removed."""
    if not output.exists():
        return
    marks = ("index.html", "awesome", "summary.json", "widgets", "data")
    if any(output.iterdir()) and not any((output / mark).exists() for mark in marks):
        raise ClaimcheckError(f"{output} is not empty and holds no Allure report: not overwriting it")
    shutil.rmtree(output)


def generate_html(results: Path | None = None, output: Path | None = None) -> Path:
    """Render reports/allure-results into reports/allure-report; returns the index.html path."""
    root = project_root()
    # through the reports/ links into the latest run's own directory (a link may not point anywhere yet)
    results = Path(os.path.realpath(results or root / "reports" / "allure-results"))
    output = Path(os.path.realpath(output or root / "reports" / "allure-report"))
    if not results.is_dir():
        raise ClaimcheckError(f"{results}: no Allure results (run `claimcheck run` first)")
    _clear_previous(output)
    env = {**os.environ, "ALLURE_NO_ANALYTICS": "true"}
    with tempfile.TemporaryDirectory(prefix="claimcheck-allure-") as scratch:
        # Allure 3 takes categories from its config file (Allure 2 reads categories.json from the results).
        config = Path(scratch) / "allurerc.json"
        config.write_text(json.dumps({"name": "claimcheck", "categories": CATEGORIES}), encoding="utf-8")
        cmd = [*allure_command(root), "generate", str(results), "-o", str(output), "--config", str(config)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, check=False)
    index = output / "index.html"
    if done.returncode != 0 or not index.is_file():
        raise ClaimcheckError(f"allure generate failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return index

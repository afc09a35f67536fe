"""Generate the Allure HTML report offline with the Allure 3 CLI installed by `npm install` (package.json).

The report is configured for auditors through Allure 3's own config: the awesome plugin groups the tree by
parentSuite › suite (system › document) and sorts by name (each name starts with its zero-padded line), the
categories are the six verdicts, noise labels are hidden, and the history file carries each claim's verdicts
across runs. The generated HTML is then made private: Allure 3.18's template loads Google Tag Manager whatever
ALLURE_NO_ANALYTICS says, so every external script or stylesheet is removed and a Content-Security-Policy
that allows only the report's own origin (and inline data) is added to every page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from checks.errors import ClaimcheckError
from checks.ledger import project_root
from checks.report.allure_files import ALLURE3_CATEGORIES, report_name

HIDDEN_LABELS = ["host", "thread", "framework", "language", "package", "testClass", "testMethod", "subSuite"]
HISTORY_LIMIT = 30  # about 0.7 MB per run of the full ledger: ~20 MB at most
CSP = (
    "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
    "connect-src 'self' data: blob:; img-src 'self' data: blob:; font-src 'self' data:; "
    "frame-src 'self' data: blob: about:; form-action 'none'"
)
EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I)
EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I)
ANALYTICS_INLINE = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?(?:gtag\(|dataLayer)(?:(?!</script>).)*</script>", re.I | re.S
)

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


def make_private(html: str) -> str:
    """The page without any external script, stylesheet or analytics snippet, and with a CSP that forbids
    every request outside the report's own origin."""
    html = ANALYTICS_INLINE.sub("", EXTERNAL_LINK.sub("", EXTERNAL_SCRIPT.sub("", html)))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    if "Content-Security-Policy" not in html:
        html = re.sub(r"(<head\b[^>]*>)", lambda m: m[1] + "\n    " + meta, html, count=1, flags=re.I)
    return html


def privatise(output: Path) -> list[Path]:
    """Apply make_private to every HTML page of a generated report; returns the pages changed."""
    changed = []
    for page in output.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        private = make_private(text)
        if private != text:
            page.write_text(private, encoding="utf-8")
            changed.append(page)
    return changed


def _history_copy(history: Path | None, name: str, scratch: Path) -> Path | None:
    """A scratch copy of the history without an earlier point of this same run (a regenerated report)."""
    if history is None:
        return None
    copy = scratch / "history.jsonl"
    kept = []
    if history.is_file():
        for line in history.read_text(encoding="utf-8").splitlines():
            if line.strip() and json.loads(line).get("name") != name:
                kept.append(line)
    copy.write_text("".join(f"{line}\n" for line in kept), encoding="utf-8")
    return copy


def allure_config(name: str, history: Path | None, *, single_file: bool) -> dict[str, Any]:
    awesome = {
        "reportName": name,
        "groupBy": ["parentSuite", "suite"],
        "defaultSortBy": "name,asc",
        "singleFile": single_file,
    }
    config: dict[str, Any] = {
        "name": name,
        "hideLabels": HIDDEN_LABELS,
        "categories": ALLURE3_CATEGORIES,
        "plugins": {"awesome": {"options": awesome}},
    }
    if history is not None:
        config.update(historyPath=str(history), historyLimit=HISTORY_LIMIT)
    return config


def generate_html(
    results: Path | None = None,
    output: Path | None = None,
    *,
    run: dict[str, Any] | None = None,
    history: Path | None = None,
    single_file: bool = False,
) -> Path:
    """Render reports/allure-results into reports/allure-report; returns the index.html path.

    `history` is the Allure 3 history file (JSON lines) carried between runs: read, then extended by this
    run (a regenerated report of the same run replaces its own earlier point)."""
    root = project_root()
    # through the reports/ links into the latest run's own directory (a link may not point anywhere yet)
    results = Path(os.path.realpath(results or root / "reports" / "allure-results"))
    output = Path(os.path.realpath(output or root / "reports" / "allure-report"))
    if not results.is_dir():
        raise ClaimcheckError(f"{results}: no Allure results (run `claimcheck run` first)")
    _clear_previous(output)
    env = {**os.environ, "ALLURE_NO_ANALYTICS": "true"}
    name = report_name(run) if run else "claimcheck"
    with tempfile.TemporaryDirectory(prefix="claimcheck-allure-") as scratch:
        copy = _history_copy(history, name, Path(scratch))
        config = Path(scratch) / "allurerc.json"
        config.write_text(json.dumps(allure_config(name, copy, single_file=single_file)), encoding="utf-8")
        cmd = [*allure_command(root), "generate", str(results), "-o", str(output), "--config", str(config)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, check=False)
        index = output / "index.html"
        if done.returncode != 0 or not index.is_file():
            raise ClaimcheckError(f"allure generate failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        if history is not None and copy is not None and copy.is_file():
            history.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(copy, history)
    privatise(output)
    return index

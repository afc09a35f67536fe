"""claimcheck works from a directory that is not its checkout: a built wheel, installed into a fresh venv,
runs `init`, `claims draft` and `run --target none` in an empty directory.

Kept fast: the wheel is built once from a clean copy of the sources, without build isolation (the running
setuptools builds it), and installed with --no-deps into a venv that sees this interpreter's site-packages
(`--system-site-packages`) for the dependencies. The test checks that claimcheck itself is imported from the
venv, not from the checkout or its editable install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("checks", "fixtures", "sandbox", "suites", "pyproject.toml", "README.md")
FIXTURE = ROOT / "tests" / "data" / "onboarding" / "design" / "payments-design.md"


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, env=env, check=False)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the wheel built from these sources installed (dependencies from the system site)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(origin, source / name)
    built = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            ".",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(base / "dist"),
        ],
        source,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    env = base / "venv"
    made = _run([sys.executable, "-m", "venv", "--system-site-packages", str(env)], base)
    assert made.returncode == 0, made.stderr[-2000:]
    wheel = next((base / "dist").glob("claimcheck-*.whl"))
    installed = _run([str(env / "bin" / "pip"), "install", "-q", "--no-deps", str(wheel)], base)
    assert installed.returncode == 0, installed.stderr[-2000:]
    return env


def _clean_env() -> dict[str, str]:
    drop = ("PYTHONPATH", "CLAIMCHECK_PROJECT", "CLAIMCHECK_LEDGER_DIR", "CLAIMCHECK_SANDBOX_DIR")
    return {k: v for k, v in os.environ.items() if k not in drop}


def test_claimcheck_is_imported_from_the_venv(venv: Path, tmp_path: Path) -> None:
    probe = "import checks, suites, fixtures; print(checks.__file__, suites.__path__[0], fixtures.__file__)"
    done = _run([str(venv / "bin" / "python"), "-c", probe], tmp_path, _clean_env())
    assert done.returncode == 0, done.stderr
    assert all(p.startswith(str(venv)) for p in done.stdout.split()), done.stdout


def test_init_draft_and_run_in_an_empty_directory(venv: Path, tmp_path: Path) -> None:
    claimcheck = str(venv / "bin" / "claimcheck")
    project = tmp_path / "platform-docs"
    project.mkdir()
    env = _clean_env()
    init = _run([claimcheck, "init"], project, env)
    assert init.returncode == 0, init.stderr
    draft = _run([claimcheck, "claims", "draft", str(FIXTURE), "--system", "Payments Platform"], project, env)
    assert draft.returncode == 0, draft.stderr
    coverage = _run([claimcheck, "claims", "coverage"], project, env)
    assert coverage.returncode == 0 and "0 uncovered" in coverage.stdout, coverage.stdout[-1500:]
    run = _run([claimcheck, "run", "--target", "none", "--no-html"], project, env)
    verdicts = json.loads((project / "reports" / "verdicts.json").read_text(encoding="utf-8"))
    assert run.returncode == 1, run.stdout[-1500:] + run.stderr[-1500:]
    assert verdicts["run"]["complete"] and {c["verdict"] for c in verdicts["claims"]} >= {"DISPROVEN"}
    assert not (project / "suites").exists() and sorted(p.name for p in project.iterdir()) == [
        ".claimcheck-cache",  # what the run parsed (ignored by git: the scaffolded .gitignore says so)
        ".github",
        ".gitignore",
        "claims",
        "reports",
        "targets.yaml",
    ]

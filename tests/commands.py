"""Commands that shipped files run, checked against the real CLI: a shell script run with stub programs
that record their arguments, and a `claimcheck` argv parsed by the argparse parser of checks/cli.py."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from checks.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
STUB = """#!{python}
import json, os, sys
with open(os.environ["CC_STUB_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps([os.path.basename(sys.argv[0]), *sys.argv[1:]]) + "\\n")
"""


def console_scripts() -> set[str]:
    """The commands the package installs (pyproject's [project.scripts])."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return set(tomllib.load(handle)["project"]["scripts"])


def parse_claimcheck(argv: list[str]) -> argparse.Namespace:
    """`claimcheck ARGV...` through the CLI's own parser; an AssertionError with argparse's message if the
    CLI would refuse it."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            return _parser().parse_args(argv)
    except SystemExit:
        raise AssertionError(f"claimcheck {' '.join(argv)}: {err.getvalue().strip()}") from None


def run_with_stubs(
    script: str, env: dict[str, str], stubs: tuple[str, ...], tmp: Path, shell: str = "bash"
) -> list[list[str]]:
    """Run `script` as CI would (`bash -e`), with each of `stubs` on PATH as a program that only records
    its argv; returns every recorded call, [program, *args], in order. Fails if the script fails."""
    bin_dir = tmp / "stub-bin"
    bin_dir.mkdir(exist_ok=True)
    for name in stubs:
        path = bin_dir / name
        path.write_text(STUB.format(python=sys.executable), encoding="utf-8")
        path.chmod(0o755)
    log = tmp / "calls.jsonl"
    log.write_text("", encoding="utf-8")
    full = {"PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin", "CC_STUB_LOG": str(log), **env}
    command = [shell, "-e", "-c", script]
    done = subprocess.run(command, env=full, cwd=tmp, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"{script}\n--- exit {done.returncode}: {done.stderr}"
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]

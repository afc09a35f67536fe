"""What the CLI does: validate inputs, bring the sandbox up, run the suites in-process, summarise, report."""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.table import Table

from checks.coverage import coverage, quote_problems
from checks.errors import ClaimcheckError, ConfigError
from checks.ledger import Ledger, default_ledger, project_root
from checks.targets import Target, select_target

console = Console(stderr=False)


def _targets_file(args: argparse.Namespace) -> Path:
    return Path(args.targets_file) if getattr(args, "targets_file", None) else project_root() / "targets.yaml"


def validate_inputs(args: argparse.Namespace) -> tuple[Ledger, str, Target]:
    """Ledger and target, validated before anything touches a target (ConfigError otherwise)."""
    ledger = default_ledger()
    name, target = select_target(_targets_file(args), args.target)
    unknown = [c for c in args.claim if c not in ledger]
    if unknown:
        raise ConfigError("command line", f"unknown claim id(s): {', '.join(unknown)}", key="--claim")
    return ledger, name, target


def reports_dir(args: argparse.Namespace) -> Path:
    """Where a run writes verdicts.json and the Allure results (`--reports-dir`, default reports/)."""
    return Path(args.reports_dir) if getattr(args, "reports_dir", None) else project_root() / "reports"


def _pytest_args(args: argparse.Namespace, name: str, root: Path) -> list[str]:
    reports = reports_dir(args)
    argv = [
        str(root / "suites"),
        "-p",
        "no:locust",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(root),
        "--target",
        name,
        "--targets-file",
        str(_targets_file(args)),
        "--profile",
        args.profile,
        "--alluredir",
        str(reports / "allure-results"),
        "--clean-alluredir",
        "--verdicts",
        str(reports / "verdicts.json"),
        "-p",
        "no:terminal",
    ]
    for claim_id in args.claim:
        argv += ["--claim", claim_id]
    for category in args.category:
        argv += ["--category", category]
    if args.markexpr:
        argv += ["-m", args.markexpr]
    if args.dry_run:
        argv.append("--dry-run")
    return argv


def run_suites(args: argparse.Namespace) -> int:
    """`claimcheck run`: the main job."""
    ledger, name, target = validate_inputs(args)
    root = project_root()
    console.print(
        f"[bold]claimcheck[/] {len(ledger)} ledger entries, target [bold]{name}[/] ({target.kind}), "
        f"profile {args.profile}"
    )
    if target.kind == "sandbox" and not args.no_sandbox:
        sandbox_command("up")
    started = time.monotonic()
    from checks.report.progress import ProgressPlugin

    reports = reports_dir(args)
    (reports / "verdicts.json").unlink(missing_ok=True)  # never summarise an earlier run's file
    code = pytest.main(_pytest_args(args, name, root), plugins=[ProgressPlugin(console)])
    console.print(f"suites finished in {time.monotonic() - started:.1f} s (pytest exit {int(code)})")
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise ClaimcheckError(f"the suites could not run (pytest exit {int(code)}); see the messages above")
    verdicts = _read_verdicts(reports / "verdicts.json")
    if verdicts is None:
        raise ConfigError(
            str(root / "suites"), f"the suites produced no verdicts.json (pytest exit {int(code)})"
        )
    summarise(verdicts)
    if not args.no_html:
        from checks.report.html import generate_html

        console.print(f"report: {generate_html(reports / 'allure-results', reports / 'allure-report')}")
    return exit_code(verdicts)


def judge_claims(
    targets_file: Path,
    target: str,
    claims: Sequence[str],
    reports: Path,
    profile: str = "nightly",
) -> dict[str, Any]:
    """Judge exactly `claims` on `target` through the suites, as `claimcheck run --claim ...` does, into
    `reports` (no sandbox start, no HTML); returns that run's verdicts.json. Interruption re-raises
    KeyboardInterrupt; a run that could not start raises ClaimcheckError."""
    args = argparse.Namespace(
        target=target,
        targets_file=str(targets_file),
        profile=profile,
        claim=list(claims),
        category=[],
        markexpr=None,
        dry_run=False,
        reports_dir=str(reports),
    )
    _, name, _ = validate_inputs(args)
    (reports / "verdicts.json").unlink(missing_ok=True)
    code = pytest.main(_pytest_args(args, name, project_root()))
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    verdicts = _read_verdicts(reports / "verdicts.json")
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR) or verdicts is None:
        raise ClaimcheckError(f"the suites could not run (pytest exit {int(code)})")
    return verdicts


def _read_verdicts(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def exit_code(verdicts: dict[str, Any]) -> int:
    """1 DISPROVEN > 3 ERROR > 0; 130 when the run did not finish."""
    from checks.cli import EXIT_DISPROVEN, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK

    if verdicts["run"].get("interrupted"):
        return EXIT_INTERRUPTED
    outcomes = {c["verdict"] for c in verdicts["claims"]}
    if "DISPROVEN" in outcomes:
        return EXIT_DISPROVEN
    return EXIT_ERROR if "ERROR" in outcomes else EXIT_OK


SHORT = {
    "PROVEN": "proven",
    "DISPROVEN": "disproven",
    "INCONCLUSIVE": "inconcl.",
    "NOT_APPLICABLE": "n/a",
    "ERROR": "error",
    "OUT_OF_SCOPE": "waived",
    "NOT_RUN": "not run",
}


def summarise(verdicts: dict[str, Any]) -> None:
    """A table of verdicts per category on the console."""
    order = ["PROVEN", "DISPROVEN", "INCONCLUSIVE", "NOT_APPLICABLE", "ERROR", "OUT_OF_SCOPE", "NOT_RUN"]
    per: dict[str, dict[str, int]] = {}
    for record in verdicts["claims"]:
        row = per.setdefault(record["category"], dict.fromkeys(order, 0))
        row[record["verdict"]] += 1
    table = Table(title=f"verdicts ({verdicts['run']['target']}, complete: {verdicts['run']['complete']})")
    table.add_column("category", no_wrap=True)
    for outcome in order:
        table.add_column(SHORT[outcome], justify="right")
    for category, row in sorted(per.items()):
        table.add_row(category, *[str(row[o]) for o in order])
    console.print(table)


def claims_command(args: argparse.Namespace) -> int:
    """`claimcheck claims list|coverage`."""
    ledger = default_ledger()
    if args.action == "list":
        for claim in ledger:
            if (args.category in (None, claim.category)) and (args.system in (None, claim.system)):
                console.print(
                    f"{claim.id:<18} {claim.category:<12} {claim.check:<26} {claim.bound_text():<16} "
                    f"{', '.join(claim.cites)}",
                    highlight=False,
                    soft_wrap=True,
                )
        return 0
    return _coverage(ledger)


def _coverage(ledger: Ledger) -> int:
    rows = coverage(ledger)
    problems = quote_problems(ledger)
    for row in rows:
        mark = ",".join(row.claim_ids) if row.covered else "UNCOVERED"
        console.print(
            f"{row.where.file}:{row.where.line:<5} {mark:<32} {row.where.text.strip()[:80]}",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
    for p in problems:
        console.print(f"QUOTE {p.claim_id} {p.cite}: {p.quote!r} not found on that line", markup=False)
    uncovered = sum(1 for r in rows if not r.covered)
    console.print(
        f"{len(rows)} checkable lines, {uncovered} uncovered, {len(problems)} quote problems, "
        f"{len(ledger)} ledger entries ({sum(c.is_waived for c in ledger)} waivers)"
    )
    return 1 if uncovered or problems else 0


def delegate(module_argv: list[str]) -> int:
    """`python -m <module_argv>` with this interpreter, waited for; its exit code. The library does not
    import the sandbox (the sandbox uses the library): the CLI hands sandbox commands to its own entry
    point. Ctrl-C reaches the child with the terminal's signal; SIGTERM is passed on; either way the child
    is waited for, so its undo (a planted defect, a drill) finishes first."""
    child = subprocess.Popen([sys.executable, "-m", *module_argv], cwd=project_root())
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signal.SIGTERM))
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                continue  # the child got the same SIGINT: let it clean up and exit
    finally:
        signal.signal(signal.SIGTERM, previous)


def sandbox_command(action: str) -> int:
    """`claimcheck sandbox up|down|status`: the local reference target (see sandbox/)."""
    code = delegate(["sandbox", action])
    if action == "up" and code != 0:
        raise ClaimcheckError("the sandbox did not come up healthy (see the table above)")
    return code


def cleanup_command(run_id: str, target_name: str | None) -> int:
    """`claimcheck cleanup --run-id`: remove what one run created (idempotent)."""
    from checks.drills.cleanup import cleanup_run

    name, target = select_target(project_root() / "targets.yaml", target_name)
    done = cleanup_run(run_id, name, target)
    for line in done:
        console.print(line, markup=False)
    if not done:
        console.print(f"nothing left to undo for run {run_id} on target {name}")
    return 0

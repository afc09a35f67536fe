"""What the CLI does: validate inputs, bring the sandbox up, run the suites in-process, summarise, report."""

from __future__ import annotations

import argparse
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.table import Table

from checks import children
from checks.coverage import coverage, quote_problems
from checks.errors import ClaimcheckError, ReportWriteError
from checks.interrupts import INTERRUPTS
from checks.ledger import Ledger, default_ledger, project_root
from checks.preflight import check_bindings, check_environment, check_selection, selected_claims
from checks.report.redact import Redactor
from checks.report.rundir import ReportsDir
from checks.report.verdicts_file import RunContext, VerdictsFile
from checks.targets import Target, load_runtime_env, select_target

console = Console(stderr=False)


def _targets_file(args: argparse.Namespace) -> Path:
    return Path(args.targets_file) if getattr(args, "targets_file", None) else project_root() / "targets.yaml"


@dataclass(frozen=True)
class Prepared:
    """A run that passed every check made before anything is contacted."""

    ledger: Ledger
    name: str
    target: Target
    targets_file: Path
    run_id: str
    selected: list[str]


def new_run_id() -> str:
    return f"cc-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"


def validate_inputs(args: argparse.Namespace) -> tuple[Ledger, str, Target]:
    """Ledger and target, validated before anything touches a target (ConfigError otherwise)."""
    ledger = default_ledger()
    name, target = select_target(_targets_file(args), args.target)
    check_selection(ledger, args.claim, args.category, args.markexpr)
    check_bindings(_targets_file(args), name, target, ledger)
    return ledger, name, target


def prepare(args: argparse.Namespace) -> Prepared:
    """Every check that needs no target: ledger (quotes too), targets.yaml, bindings, the command line,
    the environment variables (a sandbox's are checked after `sandbox up` writes them), the reports dir."""
    ledger, name, target = validate_inputs(args)
    if not _starts_sandbox(args, target):
        load_runtime_env(target, project_root())
        check_environment(_targets_file(args), name, target)
    ReportsDir(reports_dir(args)).usable()
    selected = selected_claims(ledger, args.claim, args.category, args.markexpr)
    return Prepared(ledger, name, target, _targets_file(args), new_run_id(), selected)


def _starts_sandbox(args: argparse.Namespace, target: Target) -> bool:
    return target.kind == "sandbox" and not args.no_sandbox


def reports_dir(args: argparse.Namespace) -> Path:
    """Where a run writes verdicts.json and the Allure results (`--reports-dir`, default reports/)."""
    return Path(args.reports_dir) if getattr(args, "reports_dir", None) else project_root() / "reports"


def _pytest_args(args: argparse.Namespace, plan: Prepared, run_dir: Path) -> list[str]:
    root = project_root()
    argv = [
        str(root / "suites"),
        "-p",
        "no:locust",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(root),
        "--target",
        plan.name,
        "--targets-file",
        str(plan.targets_file),
        "--profile",
        args.profile,
        "--run-id",
        plan.run_id,
        "--alluredir",
        str(run_dir / "allure-results"),
        "--verdicts",
        str(run_dir / "verdicts.json"),
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
    """`claimcheck run`: the main job (see checks/interrupts.py and checks/report/rundir.py)."""
    plan = prepare(args)
    console.print(
        f"[bold]claimcheck[/] {len(plan.ledger)} ledger entries, target [bold]{plan.name}[/] "
        f"({plan.target.kind}), profile {args.profile}, {len(plan.selected)} claims selected"
    )
    reports = ReportsDir(reports_dir(args))
    with reports.locked(plan.run_id):
        run_dir = reports.fresh(plan.run_id)
        try:
            context = _context(plan, args, run_dir)
            code = _judge(args, plan, run_dir, context)
            _check_written(context)
        except BaseException:
            reports.discard(run_dir)  # nothing partial; the previous results stay as they were
            raise
        doc = _conclude(args, context, code, run_dir)
        reports.publish(run_dir)
    summarise(doc)
    return exit_code(doc)


def _context(plan: Prepared, args: argparse.Namespace, run_dir: Path) -> RunContext:
    redactor = Redactor.for_target(plan.target)
    verdicts = VerdictsFile.start(
        run_dir / "verdicts.json",
        plan.ledger,
        plan.name,
        plan.target.kind,
        args.profile,
        plan.run_id,
        redactor,
    )
    verdicts.expect(plan.selected)
    return RunContext(verdicts, redactor)


def _judge(args: argparse.Namespace, plan: Prepared, run_dir: Path, context: RunContext) -> int | None:
    """Sandbox, environment, suites: interruptible (once). None when interrupted before pytest returned."""
    from checks.report.progress import ProgressPlugin

    code: int | None = None
    started = time.monotonic()
    try:
        with INTERRUPTS.arm():
            if _starts_sandbox(args, plan.target):
                sandbox_command("up")
                load_runtime_env(plan.target, project_root())
                check_environment(plan.targets_file, plan.name, plan.target)
            plugins: list[object] = [ProgressPlugin(console), context]
            code = int(pytest.main(_pytest_args(args, plan, run_dir), plugins=plugins))
    except KeyboardInterrupt:
        console.print("claimcheck: interrupted; stopping load, undoing drills, writing verdicts.json")
    finally:
        children.stop_all()
    console.print(f"suites finished in {time.monotonic() - started:.1f} s (pytest exit {code})")
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise ClaimcheckError(f"the suites could not run (pytest exit {code}); see the messages above")
    return code


def _check_written(context: RunContext) -> None:
    problems = [*context.write_problems]
    if context.verdicts.write_error is not None:
        problems.append(str(context.verdicts.write_error))
    if problems:
        raise ReportWriteError(problems[0])


def _conclude(
    args: argparse.Namespace, context: RunContext, code: int | None, run_dir: Path
) -> dict[str, Any]:
    """Finish verdicts.json (interrupted or not) and the HTML report; a report that cannot be generated
    never changes the exit code (it says so)."""
    verdicts = context.verdicts
    # the suites' own finish knows an abort from an interruption; without it, the run never got that far
    interrupted = INTERRUPTS.raised or not verdicts.finished or bool(verdicts.run["interrupted"])
    with INTERRUPTS.protected():
        if not verdicts.finished or (interrupted and not verdicts.run["interrupted"]):
            verdicts.finish(interrupted=interrupted)
        doc = verdicts.document()
        if not args.no_html and not interrupted:
            _html(run_dir, exit_code(doc))
    return doc


def _html(run_dir: Path, code: int) -> None:
    from checks.report.html import generate_html

    try:
        console.print(f"report: {generate_html(run_dir / 'allure-results', run_dir / 'allure-report')}")
    except ClaimcheckError as exc:
        console.print(
            f"claimcheck: HTML report not generated ({exc}); the exit code is the verdicts' own ({code})",
            markup=False,
        )


def _read_verdicts(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def exit_code(verdicts: dict[str, Any]) -> int:
    """130 interrupted; else 1 DISPROVEN > 3 ERROR or aborted > 0."""
    from checks.cli import EXIT_DISPROVEN, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK

    if verdicts["run"].get("interrupted"):
        return EXIT_INTERRUPTED
    outcomes = {c["verdict"] for c in verdicts["claims"]}
    if "DISPROVEN" in outcomes:
        return EXIT_DISPROVEN
    if verdicts["run"].get("aborted"):
        return EXIT_ERROR  # stopped early (stop condition, run budget): never reads as a clean run
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


def sandbox_command(action: str) -> int:
    """`claimcheck sandbox up|down|status`: the local reference target (see sandbox/)."""
    from sandbox.__main__ import main as sandbox_main

    code = sandbox_main([action])
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

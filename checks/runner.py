"""What the CLI does: validate inputs, bring the sandbox up, run the suites in-process, summarise, report."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.table import Table

from checks import fastpath
from checks.collect.load.children import stop_load_children
from checks.errors import ClaimcheckError, ConfigError, ReportWriteError
from checks.exitcodes import EXIT_DISPROVEN, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK
from checks.interrupts import INTERRUPTS
from checks.ledger import Ledger, default_ledger, project_root, verify_quotes
from checks.preflight import check_environment, check_markexpr, marks_match
from checks.project import package_dir
from checks.registry import validate_target_bindings
from checks.report.manifest import HISTORY, MANIFEST
from checks.report.outputs import OutputOptions, write_run_outputs
from checks.report.redact import Redactor
from checks.report.rundir import ReportsDir
from checks.report.verdicts_file import RunContext, VerdictsFile
from checks.selection import Selection
from checks.targets import Target, load_runtime_env, select_target
from fixtures import PLUGINS

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
    """Ledger (every quote at its line), target, bindings and the command line, validated before anything
    touches a target (ConfigError otherwise)."""
    baseline = getattr(args, "baseline", None)
    if baseline and not Path(baseline).is_file():
        raise ConfigError("command line", f"no such baseline file: {baseline}", key="--baseline")
    ledger = default_ledger()
    verify_quotes(ledger)
    name, target = select_target(_targets_file(args), args.target)
    validate_target_bindings(str(_targets_file(args)), name, target, ledger)
    run_selection(args).validate(ledger)
    check_markexpr(args.markexpr)
    return ledger, name, target


def prepare(args: argparse.Namespace) -> Prepared:
    """Every check that needs no target (validate_inputs), the environment variables the target names (a
    sandbox's are checked after `sandbox up` writes them) and the reports directory."""
    ledger, name, target = validate_inputs(args)
    if not _starts_sandbox(args, target):
        load_runtime_env(target, project_root())
        check_environment(_targets_file(args), name, target)
    ReportsDir(reports_dir(args)).usable()
    chosen = run_selection(args).of_ledger(ledger)
    selected = [c.id for c in chosen if marks_match(args.markexpr, c.category)]
    return Prepared(ledger, name, target, _targets_file(args), new_run_id(), selected)


def _starts_sandbox(args: argparse.Namespace, target: Target) -> bool:
    return target.kind == "sandbox" and not args.no_sandbox


def run_selection(args: argparse.Namespace) -> Selection:
    """The claims `run` was asked for (--claim, --category, --system, --document)."""
    return Selection.of(args.claim, args.category, getattr(args, "system", []), getattr(args, "document", []))


def reports_dir(args: argparse.Namespace) -> Path:
    """Where a run writes verdicts.json and the Allure results (`--reports-dir`, default reports/)."""
    return Path(args.reports_dir) if getattr(args, "reports_dir", None) else project_root() / "reports"


def suites_dir() -> Path:
    """The suites shipped with the package (the checkout's suites/ when run from it)."""
    return package_dir("suites")


def _pytest_args(args: argparse.Namespace, plan: Prepared, run_dir: Path) -> list[str]:
    suites = suites_dir()
    plugins = [a for p in PLUGINS for a in ("-p", p)]
    argv = [
        str(suites),
        *plugins,
        "--noconftest",
        "-p",
        "no:locust",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:benchmark",  # a machine's pytest-benchmark would write .benchmarks/ into the user's project
        # other installed plugins the suites never use (anyio's alone takes a quarter to half a second)
        *("-p", "no:anyio", "-p", "no:hypothesispytest", "-p", "no:pytest11.testinfra"),
        *("-p", "no:xdist.looponfail"),
        # pytest's unraisable-exception check collects garbage five times as the run ends: 0.15 s each over
        # a run's heap of results, and the suites raise nothing it reports
        *("-p", "no:unraisableexception"),
        "--rootdir",
        str(suites.parent),
        "-c",
        str(suites / "claimcheck.ini"),
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
    if not args.no_html:
        argv.append("--report-html")
    if getattr(args, "single_file", False):
        argv.append("--report-single-file")
    if getattr(args, "sarif_inconclusive", False):
        argv.append("--sarif-inconclusive")
    for claim_id in args.claim:
        argv += ["--claim", claim_id]
    for category in args.category:
        argv += ["--category", category]
    for system in getattr(args, "system", []):
        argv += ["--system", system]
    for document in getattr(args, "document", []):
        argv += ["--document", Path(document).name]
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
            context = _context(plan, args, reports)
            code = _judge(args, plan, run_dir, context)
            _check_written(context)
            doc = _conclude(context, code, run_dir)
            _check_written(context)
        except BaseException:
            reports.discard(run_dir)  # nothing partial; the previous results stay as they were
            raise
        reports.publish(run_dir)
    summarise(doc)
    root = reports.root
    if not args.no_html and (run_dir / "allure-report" / "index.html").is_file():
        console.print(
            f"report: {root / 'allure-report' / 'index.html'} (open it with `claimcheck report --serve`)"
        )
    elif not args.no_html:
        console.print(
            f"claimcheck: no HTML report (see above); the exit code is the verdicts' own ({exit_code(doc)})"
        )
    console.print(f"documents: {root / 'documents' / 'index.html'}; bundle: {root / 'MANIFEST.sha256'}")
    if getattr(args, "baseline", None):
        return baseline_exit_code(doc, Path(args.baseline))
    return exit_code(doc)


def _context(plan: Prepared, args: argparse.Namespace, reports: ReportsDir) -> RunContext:
    redactor = Redactor.for_target(plan.target)
    profile = plan.target.profiles.get(args.profile)
    verdicts = VerdictsFile.start(
        reports.runs / plan.run_id / "verdicts.json",
        plan.ledger,
        plan.name,
        plan.target.kind,
        args.profile,
        plan.run_id,
        redactor,
        description=plan.target.description,
        policy=profile.policy.model_dump() if profile else None,
    )
    verdicts.expect(plan.selected)
    return RunContext(verdicts, redactor, history=reports.root / HISTORY)


def _judge(args: argparse.Namespace, plan: Prepared, run_dir: Path, context: RunContext) -> int | None:
    """Sandbox, environment, suites: interruptible (once). None when interrupted before pytest returned."""
    from checks.report.progress import ProgressPlugin

    code: int | None = None
    started = time.monotonic()
    try:
        with INTERRUPTS.arm():
            if _starts_sandbox(args, plan.target):
                _sandbox_up()
                load_runtime_env(plan.target, project_root())
                check_environment(plan.targets_file, plan.name, plan.target)
            code = settle_declared_run(args, plan, run_dir, context)
            if code is None:
                recorders = outcome_recorders(args, plan)
                plugins: list[object] = [ProgressPlugin(console), context, *recorders]
                code = int(pytest.main(_pytest_args(args, plan, run_dir), plugins=plugins))
    except KeyboardInterrupt:
        console.print("claimcheck: interrupted; stopping load, undoing drills, writing verdicts.json")
    finally:
        stop_load_children()  # every load process group, before anything else happens
    console.print(f"suites finished in {time.monotonic() - started:.1f} s (pytest exit {code})")
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise ClaimcheckError(f"the suites could not run (pytest exit {code}); see the messages above")
    return code


def _sandbox_up() -> None:
    """`sandbox up`, waited for; interrupted (its child stopped by the same signal), the run is too."""
    try:
        sandbox_command("up")
    except ClaimcheckError:
        if INTERRUPTS.interrupted:
            raise KeyboardInterrupt("interrupted while the sandbox came up") from None
        raise
    if INTERRUPTS.interrupted:
        raise KeyboardInterrupt("interrupted while the sandbox came up")


def _check_written(context: RunContext) -> None:
    problems = [*context.write_problems]
    if context.verdicts.write_error is not None:
        problems.append(str(context.verdicts.write_error))
    if problems:
        raise ReportWriteError(problems[0])


def _conclude(context: RunContext, code: int | None, run_dir: Path) -> dict[str, Any]:
    """Finish verdicts.json (interrupted or not) and, when the suites never got to it, the run's other
    outputs (documents, JUnit, SARIF, manifest; never the HTML report after an interruption)."""
    verdicts = context.verdicts
    # the suites' own finish knows an abort from an interruption; without it, the run never got that far
    interrupted = INTERRUPTS.raised or not verdicts.finished or bool(verdicts.run["interrupted"])
    with INTERRUPTS.protected():
        if not verdicts.finished or (interrupted and not verdicts.run["interrupted"]):
            verdicts.finish(interrupted=interrupted)
        doc = verdicts.document()
        if not (run_dir / MANIFEST).is_file():
            try:
                write_run_outputs(
                    run_dir,
                    doc,
                    results_dir=run_dir / "allure-results",
                    ledger=verdicts.ledger,
                    redact=verdicts.redactor.text,
                    options=OutputOptions(html=False, history=context.history),
                )
            except OSError as exc:
                context.write_problems.append(f"cannot write the run's outputs: {exc.strerror or exc}")
    return doc


def _run_key(args: argparse.Namespace, plan: Prepared) -> fastpath.RunKey:
    return fastpath.RunKey(plan.name, plan.target, plan.targets_file, args.profile, bool(args.dry_run))


def settle_declared_run(
    args: argparse.Namespace, plan: Prepared, run_dir: Path, context: RunContext
) -> int | None:
    """On a target of kind `none`, the run's outputs from the suite items' recorded outcomes, without pytest
    (checks/fastpath.py); None when the suites must run (a claim without a current record)."""
    if not fastpath.applies(plan.target, args.markexpr):
        return None
    options = OutputOptions(
        html=not args.no_html,
        history=context.history,
        single_file=bool(getattr(args, "single_file", False)),
        sarif_inconclusive=bool(getattr(args, "sarif_inconclusive", False)),
        target_description=plan.target.description,
    )
    wanted = set(plan.selected)
    selected = [c for c in plan.ledger if c.id in wanted]
    try:
        settled = fastpath.settle_from_record(
            _run_key(args, plan), plan.ledger, selected, context.verdicts, run_dir, options
        )
    except OSError as exc:  # a full or read-only disk: one line and exit 3, as for the suites' writers
        raise ReportWriteError(f"cannot write the run's outputs: {exc.strerror or exc}") from None
    if settled is None:
        return None
    from checks.report.progress import ProgressPlugin
    from fixtures.budget import describe

    worst = context.verdicts.run.get("worst_case_s") or 0
    console.print(f"worst case: {describe(worst)} ({len(selected)} items, as their recorded budgets state)")
    console.print(f"progress: {len(selected)} claims settled from their recorded outcomes (no suite ran)")
    ProgressPlugin(console).replay(fastpath.progress_of(settled, plan.ledger))
    for note in settled.notes:
        console.print(f"claimcheck: {note}", markup=False)
    return int(pytest.ExitCode.OK)


def outcome_recorders(args: argparse.Namespace, plan: Prepared) -> list[object]:
    """The plugin that records outcomes for `settle_declared_run`, on a target of kind `none`."""
    if not fastpath.applies(plan.target, args.markexpr):
        return []
    from checks.declared import findings_for_target

    return [
        fastpath.OutcomeRecorder(
            _run_key(args, plan).digest(), findings_for_target(plan.ledger, plan.target), plan.ledger
        )
    ]


def baseline_exit_code(verdicts: dict[str, Any], baseline: Path) -> int:
    """`run --baseline FILE`: 1 only when a claim regressed against the baseline run (130 if interrupted)."""
    from checks.report.diff import regressions
    from checks.report.records import load

    if verdicts["run"].get("interrupted"):
        return EXIT_INTERRUPTED
    found = regressions(load(baseline), verdicts)
    for change in found:
        console.print(
            f"REGRESSION {change.claim_id}: {change.old} -> {change.new}: {change.detail}", markup=False
        )
    console.print(f"{len(found)} regressions against the baseline {baseline}")
    return EXIT_DISPROVEN if found else EXIT_OK


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
        no_html=True,
        reports_dir=str(reports),
    )
    ledger, name, chosen = validate_inputs(args)
    plan = Prepared(ledger, name, chosen, Path(targets_file), new_run_id(), list(claims))
    (reports / "verdicts.json").unlink(missing_ok=True)
    code = pytest.main(_pytest_args(args, plan, reports))
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
    """130 interrupted; else 1 DISPROVEN > 3 ERROR or aborted > 0."""
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


def delegate(module_argv: list[str]) -> int:
    """`python -m <module_argv>` with this interpreter and this code (the package's own directory first on
    the path), waited for; its exit code. The library imports nothing of the sandbox: the CLI hands sandbox
    commands to the sandbox's entry point. Ctrl-C reaches the child with the terminal's signal, SIGTERM is
    passed on, and either way the child is waited for, so its undo (a planted defect) finishes first."""
    code_root = str(Path(__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (code_root, os.environ.get("PYTHONPATH")) if p),
    }
    child = subprocess.Popen([sys.executable, "-m", *module_argv], cwd=project_root(), env=env)

    def pass_on(signum: int, frame: object) -> None:
        child.send_signal(signal.SIGTERM)
        INTERRUPTS.note("SIGTERM")  # `claimcheck run` stops once the child is done

    previous = signal.signal(signal.SIGTERM, pass_on)
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                continue  # the child got the same SIGINT: let it clean up and exit
    finally:
        signal.signal(signal.SIGTERM, previous)


def sandbox_command(action: str) -> int:
    """`claimcheck sandbox up|down|status`: the local reference target (see sandbox/), run as its own command
    (`python -m sandbox`): the library imports nothing of it."""
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

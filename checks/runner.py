"""What the CLI does: validate inputs, bring the sandbox up, run the suites in-process, summarise, report."""

from __future__ import annotations

import argparse
import json
import os
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

from checks import fastpath
from checks.errors import ClaimcheckError, ConfigError
from checks.exitcodes import EXIT_DISPROVEN, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK
from checks.ledger import Ledger, default_ledger, project_root
from checks.project import package_dir
from checks.registry import validate_target_bindings
from checks.report.outputs import OutputOptions
from checks.selection import Selection
from checks.targets import Target, select_target
from fixtures import PLUGINS

console = Console(stderr=False)


def _targets_file(args: argparse.Namespace) -> Path:
    return Path(args.targets_file) if getattr(args, "targets_file", None) else project_root() / "targets.yaml"


def validate_inputs(args: argparse.Namespace) -> tuple[Ledger, str, Target]:
    """Ledger and target, validated before anything touches a target (ConfigError otherwise)."""
    baseline = getattr(args, "baseline", None)
    if baseline and not Path(baseline).is_file():
        raise ConfigError("command line", f"no such baseline file: {baseline}", key="--baseline")
    ledger = default_ledger()
    name, target = select_target(_targets_file(args), args.target)
    validate_target_bindings(str(_targets_file(args)), name, target, ledger)
    run_selection(args).validate(ledger)
    return ledger, name, target


def run_selection(args: argparse.Namespace) -> Selection:
    """The claims `run` was asked for (--claim, --category, --system, --document)."""
    return Selection.of(args.claim, args.category, getattr(args, "system", []), getattr(args, "document", []))


def reports_dir(args: argparse.Namespace) -> Path:
    """Where a run writes verdicts.json and the Allure results (`--reports-dir`, default reports/)."""
    return Path(args.reports_dir) if getattr(args, "reports_dir", None) else project_root() / "reports"


def suites_dir() -> Path:
    """The suites shipped with the package (the checkout's suites/ when run from it)."""
    return package_dir("suites")


def _pytest_args(args: argparse.Namespace, name: str, root: Path) -> list[str]:
    reports = reports_dir(args)
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
        "--rootdir",
        str(suites.parent),
        "-c",
        str(suites / "claimcheck.ini"),
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
    code = settle_declared_run(args, name, target, ledger)
    if code is None:
        plugins = [ProgressPlugin(console), *outcome_recorders(args, name, target, ledger)]
        code = pytest.main(_pytest_args(args, name, root), plugins=plugins)
    console.print(f"suites finished in {time.monotonic() - started:.1f} s (pytest exit {int(code)})")
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise ClaimcheckError(f"the suites could not run (pytest exit {int(code)}); see the messages above")
    verdicts = _read_verdicts(reports / "verdicts.json")
    if verdicts is None:
        raise ConfigError(
            str(suites_dir()), f"the suites produced no verdicts.json (pytest exit {int(code)})"
        )
    summarise(verdicts)
    index = reports / "allure-report" / "index.html"
    if not args.no_html and index.is_file():
        console.print(f"report: {index} (open it with `claimcheck report --serve`)")
    console.print(f"documents: {reports / 'documents' / 'index.html'}; bundle: {reports / 'MANIFEST.sha256'}")
    if getattr(args, "baseline", None):
        return baseline_exit_code(verdicts, Path(args.baseline))
    return exit_code(verdicts)


def _run_key(args: argparse.Namespace, name: str, target: Target) -> fastpath.RunKey:
    return fastpath.RunKey(name, target, _targets_file(args), args.profile, bool(args.dry_run))


def settle_declared_run(args: argparse.Namespace, name: str, target: Target, ledger: Ledger) -> int | None:
    """On a target of kind `none`, the run's outputs from the suite items' recorded outcomes, without pytest
    (checks/fastpath.py); None when the suites must run (a claim without a current record)."""
    if not fastpath.applies(target, args.markexpr):
        return None
    options = OutputOptions(
        html=not args.no_html,
        single_file=bool(getattr(args, "single_file", False)),
        sarif_inconclusive=bool(getattr(args, "sarif_inconclusive", False)),
        target_description=target.description,
    )
    selected = [c for c in ledger if run_selection(args).wants(c)]
    settled = fastpath.settle_from_record(
        _run_key(args, name, target), ledger, selected, reports_dir(args), options
    )
    if settled is None:
        return None
    from checks.report.progress import ProgressPlugin

    console.print(f"progress: {len(selected)} claims settled from their recorded outcomes (no suite ran)")
    ProgressPlugin(console).replay(fastpath.progress_of(settled, ledger))
    for note in settled.notes:
        console.print(f"claimcheck: {note}", markup=False)
    return int(pytest.ExitCode.OK)


def outcome_recorders(args: argparse.Namespace, name: str, target: Target, ledger: Ledger) -> list[object]:
    """The plugin that records outcomes for `settle_declared_run`, on a target of kind `none`."""
    if not fastpath.applies(target, args.markexpr):
        return []
    from checks.declared import findings_for_target

    return [
        fastpath.OutcomeRecorder(
            _run_key(args, name, target).digest(), findings_for_target(ledger, target), ledger
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

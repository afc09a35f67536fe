"""`claimcheck report`, `claimcheck verify` and `claimcheck diff`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from checks.errors import ClaimcheckError, ConfigError
from checks.ledger import default_ledger, project_root
from checks.report.redact import Redactor

console = Console(soft_wrap=True)
LABELS = {
    "newly_disproven": "newly DISPROVEN",
    "newly_proven": "newly PROVEN",
    "measurement": "measured beyond CI",
    "flapping": "flapping",
    "changed": "verdict changed",
}


def _reports_dir(value: str | None) -> Path:
    """The run directory to read: a reports root's latest run (checks/report/rundir.py), else the folder."""
    from checks.report.rundir import current_run

    return current_run(Path(value) if value else project_root() / "reports")


def _redactor(target_name: str | None) -> Redactor:
    """The run's target's redactor when targets.yaml still knows the target, else none (verdicts.json is
    redacted already)."""
    from checks.targets import select_target

    try:
        _, target = select_target(project_root() / "targets.yaml", target_name)
    except ConfigError:
        return Redactor([])
    return Redactor.for_target(target)


def report_command(args: argparse.Namespace) -> int:
    """Rewrite a run's outputs from its verdicts.json, then optionally serve them on 127.0.0.1."""
    from checks.report.manifest import HISTORY
    from checks.report.outputs import OutputOptions, write_run_outputs
    from checks.report.records import load
    from checks.report.rundir import RUNS

    reports = _reports_dir(args.reports_dir)
    verdicts = reports / "verdicts.json"
    if not verdicts.is_file():
        raise ClaimcheckError(f"{verdicts}: no verdicts (run `claimcheck run` first)")
    doc = load(verdicts)
    root = reports.parent.parent if reports.parent.name == RUNS else reports
    options = OutputOptions(
        html=not args.no_html,
        single_file=args.single_file,
        sarif_inconclusive=args.sarif_inconclusive,
        history=root / HISTORY,
    )
    done = write_run_outputs(
        reports,
        doc,
        ledger=default_ledger(),
        redact=_redactor(doc["run"].get("target")).text,
        options=options,
    )
    for note in done.notes:
        console.print(f"note: {note}", markup=False)
    if done.index is not None:
        console.print(f"report: {done.index}", markup=False)
    console.print(f"documents: {reports / 'documents' / 'index.html'}", markup=False)
    if args.serve:
        serve(reports, args.port)
    return 0


def serve(reports: Path, port: int) -> None:
    from checks.report.serve import report_server, urls

    server = report_server(reports, port)
    found = urls(server)
    console.print(f"serving {reports} on 127.0.0.1 only (Ctrl-C stops)", markup=False)
    console.print(f"open: {found['report']}\ndocuments: {found['documents']}", markup=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def verify_command(args: argparse.Namespace) -> int:
    """Exit 0 when the bundle matches its manifest (and signature), 1 naming each file otherwise."""
    from checks.report.manifest import verify

    reports = _reports_dir(args.reports_dir)
    found = verify(reports, Path(args.public_key) if args.public_key else None)
    for problem in found.problems:
        console.print(f"FAILED {problem}", markup=False)
    for note in found.notes:
        console.print(f"note: {note}", markup=False)
    run = ", ".join(
        f"{k} {found.header.get(k)}" for k in ("run_id", "target", "profile", "git_sha") if k in found.header
    )
    if not found.intact:
        console.print(f"{reports}: NOT intact ({len(found.problems)} problems; {run})", markup=False)
        return 1
    signed = f"; signed by {found.signed_by}" if found.signed_by else ""
    console.print(
        f"{reports}: intact, {found.checked} files match MANIFEST.sha256 ({run}){signed}", markup=False
    )
    return 0


def diff_command(args: argparse.Namespace) -> int:
    """Print what changed between runs (oldest first): a table, or JSON with --json."""
    from checks.report.diff import as_json, compare
    from checks.report.records import load

    if len(args.runs) < 2:
        raise ConfigError("command line", "diff needs at least two verdicts.json files", key="runs")
    docs = [load(Path(p)) for p in args.runs]
    changes = compare(docs)
    if args.json:
        print(json.dumps(as_json(changes), indent=1, ensure_ascii=False))
        return 0
    table = Table(title=f"{args.runs[0]} -> {args.runs[-1]} ({len(changes)} changes)")
    table.add_column("change", no_wrap=True)
    table.add_column("claim", no_wrap=True)
    for column in ("was", "now", "detail"):
        table.add_column(column, overflow="fold")
    for c in changes:
        table.add_row(LABELS.get(c.kind, c.kind), c.claim_id, c.old, c.new, c.detail[:160])
    console.print(table)
    return 0

"""The `claimcheck` command: run the suites, list and cover claims, report, drive the sandbox.

Exit codes: 0 no claim DISPROVEN and none in ERROR; 1 at least one DISPROVEN; 2 configuration error (ledger,
targets.yaml, command line); 3 at least one ERROR (could not measure) and none DISPROVEN; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from checks.errors import ClaimcheckError, ConfigError, ReportWriteError
from checks.exitcodes import EXIT_CONFIG, EXIT_DISPROVEN, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK
from checks.project import PROJECT_ENV


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimcheck", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        help=f"the project directory (claims/, targets.yaml, reports/); default ${PROJECT_ENV}, else the "
        "nearest directory at or above the current one holding claims/ or targets.yaml",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="judge the ledger's claims against a target")
    run.add_argument(
        "--target", default=None, help="target from targets.yaml (default: its default, `local`)"
    )
    run.add_argument("--targets-file", default=None)
    run.add_argument("--profile", default="nightly", choices=("nightly", "certification"))
    run.add_argument("--category", action="append", default=[], help="only claims of this category")
    run.add_argument("--claim", action="append", default=[], help="only this claim id")
    run.add_argument("--system", action="append", default=[], help="only claims of this system")
    run.add_argument("--document", action="append", default=[], help="only claims citing this document")
    run.add_argument("-m", dest="markexpr", default=None, help="pytest marker expression, e.g. 'not load'")
    run.add_argument("--dry-run", action="store_true", help="drills list what they would touch")
    run.add_argument(
        "--no-sandbox", action="store_true", help="do not start the sandbox for a sandbox target"
    )
    run.add_argument("--no-html", action="store_true", help="skip generating the Allure HTML report")
    run.add_argument(
        "--reports-dir", default=None, help="where verdicts.json and Allure go (default reports/)"
    )
    run.add_argument("--single-file", action="store_true", help="write the HTML report as one file")
    run.add_argument(
        "--sarif-inconclusive", action="store_true", help="SARIF also reports INCONCLUSIVE claims"
    )
    run.add_argument(
        "--baseline",
        default=None,
        metavar="FILE",
        help="an earlier verdicts.json: exit 1 only on claims that regressed against it",
    )
    from checks.claims_cli import add_arguments as add_ledger_commands  # heavy: after the signal handlers

    add_ledger_commands(sub)
    report = sub.add_parser(
        "report", help="(re)write the report, document view, JUnit, SARIF and manifest of a run; --serve it"
    )
    report.add_argument("--reports-dir", default=None, help="the run's folder (default reports/)")
    report.add_argument(
        "--serve", action="store_true", help="serve the reports on 127.0.0.1 and print the URL"
    )
    report.add_argument("--port", type=int, default=0, help="port for --serve (default: any free port)")
    report.add_argument("--single-file", action="store_true", help="write the HTML report as one file")
    report.add_argument("--no-html", action="store_true", help="skip the Allure HTML report")
    report.add_argument(
        "--sarif-inconclusive", action="store_true", help="SARIF also reports INCONCLUSIVE claims"
    )
    verify = sub.add_parser(
        "verify", help="check an evidence bundle against its MANIFEST.sha256 (and signature)"
    )
    verify.add_argument("reports_dir", nargs="?", default=None, help="the bundle's folder (default reports/)")
    verify.add_argument("--public-key", default=None, help="the Ed25519 public key (PEM) you were given")
    diff = sub.add_parser("diff", help="what changed between runs: two or more verdicts.json, oldest first")
    diff.add_argument("runs", nargs="+", metavar="VERDICTS_JSON")
    diff.add_argument("--json", action="store_true", help="JSON instead of a table")
    sandbox = sub.add_parser("sandbox", help="the local reference target, and defects planted in it")
    sandbox.add_argument("action", choices=("up", "down", "status", "defects", "plant", "unplant"))
    sandbox.add_argument("defect", nargs="?", help="plant/unplant: the defect (`claimcheck sandbox defects`)")
    sandbox.add_argument("--undo", action="store_true", help="with plant: undo the defect instead")
    selftest = sub.add_parser(
        "selftest", help="plant each defect in the sandbox, check its claims flip to DISPROVEN, undo"
    )
    selftest.add_argument("--defect", action="append", default=[], help="only this defect (repeatable)")
    selftest.add_argument("--reports-dir", default=None, help="where the runs go (default: a temp dir)")
    cleanup = sub.add_parser("cleanup", help="undo what an earlier run left behind (idempotent)")
    cleanup.add_argument("--run-id", required=True)
    cleanup.add_argument("--target", default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    from checks.interrupts import INTERRUPTS

    words = sys.argv[1:] if argv is None else argv
    if "run" in words:
        INTERRUPTS.install()  # from the first instant (before the parser's imports): acted on once it is safe
    args = _parser().parse_args(argv)
    if args.command != "run":
        INTERRUPTS.uninstall()  # another command: Ctrl-C is plain KeyboardInterrupt again
        return _main(args)
    INTERRUPTS.install()
    try:
        return _main(args)
    finally:
        INTERRUPTS.settle()  # concluded: a late signal must not kill the exiting interpreter (exit -2)


def _main(args: argparse.Namespace) -> int:
    if args.project is not None:
        os.environ[PROJECT_ENV] = str(args.project.resolve())  # the suites run in-process read it too
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": _run,
        "claims": _claims,
        "init": _init,
        "report": _report,
        "verify": _verify,
        "diff": _diff,
        "sandbox": _sandbox,
        "selftest": _selftest,
        "cleanup": _cleanup,
    }
    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        print(f"claimcheck: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        print("claimcheck: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ReportWriteError as exc:
        print(f"claimcheck: {exc}; earlier results are unchanged", file=sys.stderr)
        return EXIT_ERROR
    except ClaimcheckError as exc:
        print(f"claimcheck: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _run(args: argparse.Namespace) -> int:
    from checks.runner import run_suites

    return run_suites(args)


def _claims(args: argparse.Namespace) -> int:
    from checks.claims_cli import claims_command

    return claims_command(args)


def _init(args: argparse.Namespace) -> int:
    from checks.claims_cli import init_command

    return init_command(args)


def _report(args: argparse.Namespace) -> int:
    from checks.report.commands import report_command

    return report_command(args)


def _verify(args: argparse.Namespace) -> int:
    from checks.report.commands import verify_command

    return verify_command(args)


def _diff(args: argparse.Namespace) -> int:
    from checks.report.commands import diff_command

    return diff_command(args)


def _sandbox(args: argparse.Namespace) -> int:
    from checks.runner import delegate, sandbox_command

    if args.action in ("up", "down", "status"):
        return sandbox_command(args.action)
    if args.action == "defects":
        return delegate(["sandbox.defects", "list"])
    if not args.defect:
        raise ConfigError("command line", f"`sandbox {args.action}` needs a defect name", key="defect")
    undo = args.action == "unplant" or args.undo
    return delegate(["sandbox.defects", "unplant" if undo else "plant", args.defect])


def _selftest(args: argparse.Namespace) -> int:
    from checks.runner import delegate

    argv = ["sandbox.defects", "selftest", *(f"--defect={d}" for d in args.defect)]
    return delegate(argv + ([f"--reports-dir={args.reports_dir}"] if args.reports_dir else []))


def _cleanup(args: argparse.Namespace) -> int:
    from checks.runner import cleanup_command

    return cleanup_command(args.run_id, args.target)


def entry() -> None:
    """The `claimcheck` command. A concluded `run` has written, fsynced and published everything and
    stopped its children: it leaves with its exit code at once (os._exit), so nothing in the interpreter's
    own shutdown can turn the run's 130 into a death by SIGINT (seen under load, about once in 40 runs)."""
    code = main()
    if "run" in sys.argv[1:]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()


__all__ = ["EXIT_CONFIG", "EXIT_DISPROVEN", "EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "Path", "main"]

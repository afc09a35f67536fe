"""The `claimcheck` command: run the suites, list and cover claims, report, drive the sandbox.

Exit codes: 0 no claim DISPROVEN and none in ERROR; 1 at least one DISPROVEN; 2 configuration error (ledger,
targets.yaml, command line); 3 at least one ERROR (could not measure) and none DISPROVEN; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from checks.errors import ClaimcheckError, ConfigError, ReportWriteError

EXIT_OK, EXIT_DISPROVEN, EXIT_CONFIG, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimcheck", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
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
    run.add_argument("-m", dest="markexpr", default=None, help="pytest marker expression, e.g. 'not load'")
    run.add_argument("--dry-run", action="store_true", help="drills list what they would touch")
    run.add_argument(
        "--no-sandbox", action="store_true", help="do not start the sandbox for a sandbox target"
    )
    run.add_argument("--no-html", action="store_true", help="skip generating the Allure HTML report")
    run.add_argument(
        "--reports-dir", default=None, help="where verdicts.json and Allure go (default reports/)"
    )
    claims = sub.add_parser("claims", help="the ledger")
    claims.add_argument("action", choices=("list", "coverage"))
    claims.add_argument("--category", default=None)
    claims.add_argument("--system", default=None)
    report = sub.add_parser("report", help="generate the Allure HTML report from reports/allure-results")
    report.add_argument("--open", action="store_true", help="print the report's address to open")
    sandbox = sub.add_parser("sandbox", help="the local reference target")
    sandbox.add_argument("action", choices=("up", "down", "status"))
    cleanup = sub.add_parser("cleanup", help="undo what an earlier run left behind (idempotent)")
    cleanup.add_argument("--run-id", required=True)
    cleanup.add_argument("--target", default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    if (argv if argv is not None else sys.argv[1:])[:1] != ["run"]:
        return _main(argv)
    from checks.interrupts import INTERRUPTS

    INTERRUPTS.install()  # from the first instant: a signal is acted on once verdicts.json exists
    try:
        return _main(argv)
    finally:
        INTERRUPTS.settle()  # concluded: a late signal must not kill the exiting interpreter (exit -2)


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": _run,
        "claims": _claims,
        "report": _report,
        "sandbox": _sandbox,
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
    from checks.runner import claims_command

    return claims_command(args)


def _report(args: argparse.Namespace) -> int:
    from checks.report.html import generate_html

    index = generate_html()
    print(f"report: {index}" + (f"\nopen: file://{index}" if args.open else ""))
    return EXIT_OK


def _sandbox(args: argparse.Namespace) -> int:
    from checks.runner import sandbox_command

    return sandbox_command(args.action)


def _cleanup(args: argparse.Namespace) -> int:
    from checks.runner import cleanup_command

    return cleanup_command(args.run_id, args.target)


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["Path", "main"]

"""`python -m sandbox up|down|status`: manage the local reference target and print a status table."""

from __future__ import annotations

import argparse
import sys

from sandbox import manager
from sandbox.components.base import ComponentStatus
from sandbox.config import SandboxConfig
from sandbox.errors import SandboxError


def table(rows: list[ComponentStatus]) -> str:
    """A plain-text table of component statuses."""
    head = ("component", "state", "pid", "address", "detail")
    body = [
        (
            r.name,
            "skipped" if r.skipped else "planted" if r.held_by else ("healthy" if r.healthy else "DOWN"),
            str(r.pid or "-"),
            r.address,
            r.detail,
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(row))
        for row in [head, *body]
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit 1 when a component is unhealthy or could not start."""
    parser = argparse.ArgumentParser(prog="python -m sandbox")
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("-q", "--quiet", action="store_true", help="no per-component progress lines")
    args = parser.parse_args(argv)
    cfg = SandboxConfig()
    say = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    try:
        if args.command == "up":
            report = manager.up(cfg, progress=say)
            print(table(list(report.statuses)))
            print(
                f"\nup took {report.seconds:.1f} s (started {len(report.started)}, already healthy "
                f"{len(report.already_healthy)}, skipped {len(report.skipped)}); run dir {cfg.run_dir}"
            )
            return 0 if report.all_healthy else 1
        if args.command == "down":
            print(f"down took {manager.down(cfg, progress=say):.1f} s")
            return 0
        rows = manager.status(cfg)
        print(table(rows))
        return 0 if all(r.ok for r in rows) else 1
    except SandboxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""Run one drill in this process: `python -m checks.drills --drill NAME --target-json FILE --run-id ID`.

Used by the signal tests (a drill in a subprocess that the test interrupts) and by hand. Prints the drill's
evidence as JSON on stdout. Exit status: 0 completed, 1 could not complete, 130 SIGINT, 143 SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from checks.drills.catalog import DRILLS
from checks.drills.harness import planned, run_drill
from checks.drills.topology import drill_env
from checks.drills.undo import DrillInterrupted
from checks.targets import Target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checks.drills")
    parser.add_argument("--drill", required=True, choices=sorted(DRILLS))
    parser.add_argument("--target-json", required=True, type=Path, help="a Target as JSON")
    parser.add_argument("--target-name", default="target")
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    target = Target.model_validate_json(args.target_json.read_text(encoding="utf-8"))
    env = drill_env(args.target_name, target)
    if env is None:
        print("target describes no drills", file=sys.stderr)
        return 2
    drill = DRILLS[args.drill](env, args.run_id)
    if args.dry_run:
        print(json.dumps({"dry_run": True, "would": planned(drill)}, indent=1))
        return 0
    try:
        result = run_drill(drill)
    except DrillInterrupted as exc:
        print(f"interrupted: {exc}", file=sys.stderr)
        return 128 + exc.signum
    print(json.dumps(result.to_dict(), default=str))
    return 0 if result.completed else 1


if __name__ == "__main__":
    sys.exit(main())

"""`python -m sandbox.defects list|plant|unplant|selftest` (also `claimcheck sandbox plant|unplant|defects`
and `claimcheck selftest`).

Exit codes: 0 done (selftest: every defect flipped its claims and was undone); 1 a defect did not flip, or a
plant/undo failed; 2 bad arguments (an unknown defect); 130 interrupted (the planted defect was undone).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from sandbox.config import SandboxConfig, config_from_dict
from sandbox.defects import lifecycle, store
from sandbox.defects.catalog import Defect, load_catalog, lookup
from sandbox.errors import SandboxError


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _config(args: argparse.Namespace) -> SandboxConfig:
    if args.sandbox_config:
        return config_from_dict(json.loads(Path(args.sandbox_config).read_text()))
    return SandboxConfig()


def _describe(defect: Defect) -> str:
    lines = [f"{defect.name} ({defect.area}): {defect.description}"]
    shown = {"another_reason": "DISPROVEN (already, for another reason: this defect adds its own)"}
    lines += [f"  breaks {f.claim} -> {shown.get(f.expect, f.expect)}: {f.why}" for f in defect.breaks]
    if defect.controls:
        lines.append(f"  controls (must not change): {', '.join(defect.controls)}")
    return "\n".join(lines)


def cmd_list(args: argparse.Namespace) -> int:
    planted = {r.name for r in store.planted(_config(args))}
    for defect in load_catalog().defects:
        print(_describe(defect) + ("\n  ** planted now **" if defect.name in planted else ""))
    return 0


def cmd_plant(args: argparse.Namespace) -> int:
    defect = lookup(args.defect)
    lifecycle.plant(_config(args), defect, _say)
    claims = " ".join(f"--claim {f.claim}" for f in defect.breaks)
    print(_describe(defect))
    print(
        f"\nwatch them fail:  claimcheck run {claims} --no-html\nundo:             "
        f"claimcheck sandbox unplant {defect.name}"
    )
    return 0


def cmd_unplant(args: argparse.Namespace) -> int:
    cfg = _config(args)
    if args.defect == "all":
        names = lifecycle.unplant_all(cfg, _say)
        print(f"undone: {', '.join(names) or 'nothing was planted'}")
        return 0
    lookup(args.defect)
    lifecycle.unplant(cfg, args.defect, _say)
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from sandbox import manager
    from sandbox.defects import selftest
    from sandbox.targetfile import TARGETS_FILE, local_entry

    cfg = _config(args)
    catalog = load_catalog()
    defects = [lookup(n) for n in args.defect] if args.defect else list(catalog.defects)
    if not manager.up(cfg, progress=None).all_healthy:  # idempotent: a warm sandbox returns at once
        raise SandboxError("selftest", "the sandbox did not come up healthy (`claimcheck sandbox status`)")
    entry = local_entry(Path(args.targets_file or TARGETS_FILE), args.target)
    plan = selftest.prepare(cfg, entry, Path(args.reports_dir) if args.reports_dir else None)
    began = time.monotonic()
    results = selftest.run_selftest(plan, defects, _say)
    print(selftest.table(results))
    failed = [r.name for r in results if not r.ok]
    print(
        f"\n{len(results) - len(failed)} of {len(results)} defects flipped their claims and were undone "
        f"in {time.monotonic() - began:.0f} s"
        + (f"; FAILED: {', '.join(failed)}" if failed else "")
        + f"\nruns: {plan.reports}"
    )
    return 1 if failed else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.defects",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sandbox-config", help="JSON of a SandboxConfig (a sandbox not at the defaults)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="every defect, the claims it flips, and what is planted now")
    plant = sub.add_parser("plant", help="plant one defect in the running sandbox (verified)")
    plant.add_argument("defect")
    unplant = sub.add_parser("unplant", help="undo a planted defect (verified); `all` undoes every one")
    unplant.add_argument("defect")
    test = sub.add_parser("selftest", help="plant each defect, judge its claims, undo; exit 0 when all flip")
    test.add_argument("--defect", action="append", default=[], help="only this defect (repeatable)")
    test.add_argument("--targets-file", default=None, help="targets file describing the sandbox")
    test.add_argument("--target", default="local", help="the sandbox's entry in it (default local)")
    test.add_argument("--reports-dir", default=None, help="where the runs' reports go (default: a temp dir)")
    return parser


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # the same path as Ctrl-C: every `finally` runs, the planted defect is undone


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    commands = {"list": cmd_list, "plant": cmd_plant, "unplant": cmd_unplant, "selftest": cmd_selftest}
    try:
        return commands[args.command](args)
    except KeyboardInterrupt:
        _say("interrupted (a planted defect was undone)")
        return 130
    except SandboxError as exc:
        _say(f"error: {exc}")
        return 2 if "no defect" in str(exc) else 1


if __name__ == "__main__":
    sys.exit(main())

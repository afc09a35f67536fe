"""Working tool for ledger authors: validate some ledger files and show uncovered lines of their documents.

python -m checks.ledger_check claims/barberpro_day08.yaml --document 003_05e30b35ee0cdd0e.txt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checks.coverage import uncovered_report
from checks.errors import ConfigError
from checks.ledger import Ledger, load_ledger_file, project_root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--document", action="append", default=None)
    args = parser.parse_args(argv)
    try:
        claims = [c for f in args.files for c in load_ledger_file(f).claims]
    except ConfigError as exc:
        print(f"config error: {exc}")
        return 2
    ledger = Ledger(claims, args.files, project_root() / "claims" / "documents")
    uncovered, problems = uncovered_report(ledger, set(args.document) if args.document else None)
    for p in problems:
        print(f"QUOTE {p.claim_id} {p.cite}: {p.quote!r} not in {p.found!r}")
    for r in uncovered:
        print(f"UNCOVERED {r.where.file}:{r.where.line}: {r.where.text.strip()[:110]}")
    print(f"{len(claims)} entries, {len(uncovered)} uncovered lines, {len(problems)} quote problems")
    return 1 if uncovered or problems else 0


if __name__ == "__main__":
    sys.exit(main())

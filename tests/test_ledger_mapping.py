"""Every ledger claim maps to exactly one suite item, and every suite item to exactly one known claim."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from functools import cache

from checks.ledger import default_ledger, project_root
from checks.registry import CHECKS

ITEM = re.compile(r"^(suites/\S+?)::(\w+)\[([^\]]+)\]$")


@cache
def collected_items() -> tuple[tuple[str, str, str], ...]:
    """(file, function, param id) of every suite item, from a real `pytest --collect-only` of suites/."""
    root = project_root()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "suites",
            "--collect-only",
            "-q",
            "--target",
            "none",
            "-p",
            "no:locust",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    items = []
    for line in done.stdout.splitlines():
        if line.startswith("suites/"):
            match = ITEM.match(line.strip())
            assert match, f"suite item is not parametrized by a claim: {line}"
            items.append((match[1], match[2], match[3]))
    return tuple(items)


def test_every_claim_has_exactly_one_suite_item() -> None:
    counts = Counter(claim_id for _, _, claim_id in collected_items())
    ledger = default_ledger()
    missing = [c.id for c in ledger if counts[c.id] == 0]
    doubled = [cid for cid, n in counts.items() if n > 1]
    assert missing == [] and doubled == []


def test_every_suite_item_judges_a_known_claim() -> None:
    ledger = default_ledger()
    unknown = [cid for _, _, cid in collected_items() if cid not in ledger]
    assert unknown == []


def test_each_check_is_implemented_by_one_suite_function() -> None:
    ledger = default_ledger()
    functions: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for file, function, claim_id in collected_items():
        functions[ledger[claim_id].check].add((file, function))
    assert {check: places for check, places in functions.items() if len(places) != 1} == {}
    assert set(functions) <= set(CHECKS)

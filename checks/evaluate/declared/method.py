"""Method validity: when the evidence a document offers for a claim cannot show it.

Read in the document's shell scripts (blocks that run commands) and code listings:
- a result written as a comment ("# Result: ✅ 30-second scale-up"): the script computes nothing for it;
- an unconditional success echo with a literal figure ("echo ✅ failover completed in <5 minutes" after fixed
  sleeps): printed whatever happened (no `set -e`, no test of the exit codes);
- a figure computed from a variable that measures something else (an "RTO" from the restore-time variable);
- a dry run reported as done (`aws s3 sync --dryrun` then "sync verified");
- one machine measuring "per city" (a loop adding ?city= to a URL: the client never moves);
- a number typed as a literal in a Python/TypeScript listing ("uptime": 99.94): a constant, not a measurement;
- a capacity reported as achieved beyond the largest load the same document says it tested (10,000 users
  "achieved", 2,800 tested): the claim rests on extrapolation.
The claim stays open for observation: these findings are INCONCLUSIVE, never PROVEN, and say which lines.

Params read:
| param | on | meaning |
| --- | --- | --- |
| `tested_load_users` | a test result claim | the concurrent users the document says a test reached |
| `equivalent_users` | a scale-factor claim | the concurrent users its factor stands for ("10x" = 10,000) |
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from checks.collect.documents import ConfigBlock
from checks.evaluate.declared.common import DeclaredConfig, finding, fmt, number, source_files, stated_at
from checks.ledger import Claim
from checks.verdicts import Outcome, Verdict

NAME = "method"
COMMANDS = (
    "echo",
    "kubectl",
    "curl",
    "psql",
    "pg_dump",
    "siege",
    "pgbench",
    "redis-benchmark",
    "aws",
    "sleep",
    "for",
    "if",
    "cat",
    "start_time=",
    "end_time=",
)
SUCCESS = re.compile(r"✅|\bsuccess|\bcompleted\b|\bverified\b|\bpassed\b|Achieved", re.IGNORECASE)
FIGURE = re.compile(r"[<>]?\s*\d[\d,.]*\s*(?:ms|s|seconds?|minutes?|min|%|TPS|ops|requests)", re.IGNORECASE)
VARIABLE = re.compile(r"\$\(\(\s*\$?(\w+)|\$\{(\w+)\}|\$(\w+)")
LITERAL = re.compile(r"^\s*[\"']?[\w ]+[\"']?\s*[:=]\s*-?\d[\d_.]*\s*,?\s*(?:#.*|//.*)?$")


@dataclass(frozen=True)
class MethodIssue:
    """One line whose evidence cannot show what it reports."""

    file: str
    line: int
    kind: str
    explanation: str

    @property
    def cite(self) -> str:
        return f"{self.file}:{self.line}"


def is_script(block: ConfigBlock) -> bool:
    """A shell block that runs commands (not a bullet list fenced as bash)."""
    starts = [t.strip().split(" ")[0] for _, t in block.numbered if t.strip()]
    return block.kind in ("bash", "sh", "shell") and (
        any(s.startswith("#!") for s in starts) or sum(s in COMMANDS for s in starts) >= 2
    )


def script_issues(block: ConfigBlock) -> list[MethodIssue]:
    """Every line of a script whose reported result the script does not establish."""
    lines = list(block.numbered)
    strict = any("set -e" in t for _, t in lines)
    out: list[MethodIssue] = []
    for index, (n, text) in enumerate(lines):
        stripped = text.strip()
        issue = (
            _comment_result(stripped)
            or _dry_run(stripped, lines[index + 1 : index + 2])
            or _success_echo(stripped, lines[:index], strict)
            or _city_loop(stripped, lines[index : index + 3])
        )
        if issue:
            out.append(MethodIssue(block.file, n, *issue))
    return out


def _comment_result(text: str) -> tuple[str, str] | None:
    if text.startswith("#") and not text.startswith("#!") and ("Result" in text or "✅" in text):
        return "comment_result", "the result is written as a comment: the script computes nothing for it"
    return None


def _dry_run(text: str, following: list[tuple[int, str]]) -> tuple[str, str] | None:
    if "--dryrun" in text or "--dry-run" in text:
        after = (
            f" and {following[0][0]} reports it done" if following and SUCCESS.search(following[0][1]) else ""
        )
        return "dry_run", f"a dry run copies nothing{after}"
    return None


def _success_echo(text: str, before: list[tuple[int, str]], strict: bool) -> tuple[str, str] | None:
    if not text.startswith("echo") or not SUCCESS.search(text) or "&&" in text or "||" in text:
        return None
    variables = [v for group in VARIABLE.findall(text) for v in group if v]
    if variables:
        tail = "; printed whatever the commands did" + _unchecked(strict) if not strict else ""
        return "computed_from", _computed(text, variables[0], before) + tail
    last_echo = max((i for i, (_, t) in enumerate(before) if t.strip().startswith("echo")), default=-1)
    sleeps = [str(n) for n, t in before[last_echo + 1 :] if t.strip().startswith("sleep ")]
    waited = f" after a fixed sleep (line {', '.join(sleeps)})" if sleeps else ""
    figure = " with a literal figure" if FIGURE.search(text) else ""
    return "literal_echo", f"an unconditional echo{figure}{waited}: it prints success" + _unchecked(strict)


def _computed(text: str, name: str, before: list[tuple[int, str]]) -> str:
    """What a variable in an echoed result measures, and what the echo calls it."""
    origin = _assignment(name, before)
    said = f"the figure is ${name}"
    if origin is None:
        return said + ", assigned nowhere in the script"
    said += f" (line {origin[0]}: `{origin[1].strip()}`)"
    bounds = [_assignment(v, before) for v in re.findall(r"\b(\w+_time)\b", origin[1]) if v != name]
    lines = sorted(n for n, _ in (b for b in bounds if b))
    if len(lines) == 2:
        timed = [
            t.strip().split(" ")[0]
            for n, t in before
            if lines[0] < n < lines[1] and t.strip() and not t.strip().startswith("#")
        ]
        said += f", the duration of lines {lines[0]}-{lines[1]} ({', '.join(timed)})"
    label = next((w for w in ("RTO", "RPO", "failover", "recovery") if w.lower() in text.lower()), None)
    if label and label.lower() not in name.lower():
        said += f"; it is reported as {label} but measures {name}"
    if re.search(rf"\$\(\(\s*\$?{name}\s*/\s*60\s*\)\)", text):
        said += "; $((x / 60)) rounds down to whole minutes (899 s prints 14)"
    return said


def _unchecked(strict: bool) -> str:
    return "" if strict else " (no `set -e`, no exit code tested)"


def _assignment(name: str, before: list[tuple[int, str]]) -> tuple[int, str] | None:
    return next(((n, t) for n, t in reversed(before) if t.strip().startswith(f"{name}=")), None)


def _city_loop(text: str, window: list[tuple[int, str]]) -> tuple[str, str] | None:
    body = " ".join(t for _, t in window)
    if text.startswith("for ") and "curl" in body and "city=" in body:
        return "single_vantage", (
            "every request leaves from the one machine running the loop: ?city= is a "
            "query parameter, it does not move the client; time_total is printed, never "
            "compared with a bound"
        )
    return None


def listing_issues(block: ConfigBlock) -> list[MethodIssue]:
    """Numbers typed as literals in a Python/TypeScript listing."""
    if block.kind not in ("python", "typescript", "javascript"):
        return []
    return [
        MethodIssue(
            block.file,
            n,
            "hard_coded",
            "the figure is a literal typed into a code listing, not a measurement",
        )
        for n, t in block.numbered
        if LITERAL.match(t)
    ]


CAPACITY_METRICS = ("concurrent_users",)


def untested_capacity(claims: Sequence[Claim]) -> list[Verdict]:
    """Capacity claims beyond the largest load their own document reports testing."""
    tests = [(c, number(c.params.get("tested_load_users"))) for c in claims if not c.is_waived]
    out = []
    for claim in claims:
        scaled = number(claim.params.get("equivalent_users"))
        if claim.is_waived or not (claim.metric in CAPACITY_METRICS or scaled):
            continue
        claimed = scaled or max(
            (v for v in (number(claim.bound), number(claim.stated_value)) if v is not None), default=None
        )
        tested = [
            (c, t)
            for c, t in tests
            if t is not None
            and c.id != claim.id
            and c.system == claim.system
            and source_files(c) & source_files(claim)
        ]
        if claimed is None or not tested:
            continue
        test, reached = max(tested, key=lambda ct: ct[1] or 0)
        if reached is None or reached >= claimed:
            continue
        where = ", ".join(stated_at(test))
        why = (
            f"the document's own test reached {fmt(reached)} concurrent users ({test.id}, "
            f"{where}), {reached / claimed:.0%} of the {fmt(claimed)} claimed: the claim "
            f"rests on extrapolation; needs a load test at that scale"
        )
        out.append(
            finding(
                claim, Outcome.INCONCLUSIVE, NAME, why, other=stated_at(test), issues=["untested_capacity"]
            )
        )
    return out


def analyze(claims: Sequence[Claim], config: DeclaredConfig) -> list[Verdict]:
    """Method findings for the claims whose cited lines carry such evidence."""
    issues = [i for b in config.blocks for i in (script_issues(b) if is_script(b) else listing_issues(b))]
    out = []
    for claim in claims:
        mine = [
            i
            for i in issues
            if any(s.file == i.file and s.line <= i.line <= (s.end_line or s.line) for s in claim.sources)
        ]
        if claim.is_waived or not mine:
            continue
        reason = "; ".join(f"{i.cite}: {i.explanation}" for i in mine)
        out.append(
            finding(
                claim,
                Outcome.INCONCLUSIVE,
                NAME,
                f"the document's evidence cannot show it: {reason}; needs observation",
                other=[i.cite for i in mine],
                issues=[i.kind for i in mine],
            )
        )
    return out + untested_capacity(claims)

"""reports/verdicts.json: one record per ledger claim, every run, rewritten atomically after each verdict.

Because the file is only ever replaced whole (a temporary file, then a rename), an interrupted run
(Ctrl-C, SIGTERM, even SIGKILL) always leaves valid JSON: `complete` is false until the run ends normally
with every selected claim reached. Verdicts are flushed at most every FLUSH_S seconds, and always at the
end (also on Ctrl-C/SIGTERM), so a hard kill loses at most that much.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checks import __version__
from checks.judgement import Judgement
from checks.ledger import Claim, Ledger, project_root
from checks.report.redact import Redactor
from checks.verdicts import Outcome, Verdict

SCHEMA_VERSION = 2
FLUSH_S = 1.0


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def git_sha(root: Path) -> str | None:
    """The checkout's commit, when it is a git checkout."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        return json.loads(json.dumps(value, default=str))


def _interval(verdict: Verdict) -> list[float] | None:
    return [float(x) for x in verdict.interval] if verdict.interval else None


def finding_record(finding: Verdict, redactor: Redactor) -> dict[str, Any]:
    """One finding behind a verdict: its level, outcome, provenance, reason and what it measured."""
    return {
        "level": finding.level.value,
        "verdict": finding.outcome.value,
        "provenance": finding.provenance.value,
        "reason": redactor.text(finding.reason),
        "measured": redactor.data(_jsonable(finding.measured)),
        "interval": _interval(finding),
        "n": finding.n,
        "cites": list(finding.cites),
    }


def claim_record(
    claim: Claim, judgement: Judgement | None, not_run_reason: str, redactor: Redactor, scope: tuple[str, str]
) -> dict[str, Any]:
    """The verdicts.json record of one claim (NOT_RUN with a reason when no verdict was reached)."""
    record: dict[str, Any] = {
        "id": claim.id,
        "system": claim.system,
        "category": claim.category,
        "check": claim.check,
        "statement": claim.statement,
        "sources": [
            {"file": s.file, "line": s.line, "end_line": s.end_line, "quote": s.quote, "role": s.role}
            for s in claim.sources
        ],
        "comparator": claim.comparator,
        "bound": claim.bound if judgement is None else _jsonable(judgement.verdict.bound),
        "unit": claim.unit,
        "stated_value": claim.stated_value,
        "target": scope[0],
        "target_kind": scope[1],
    }
    if judgement is None:
        record.update(
            verdict=Outcome.NOT_RUN.value, evidence_level="none", provenance="none", measured=None,
            interval=None, n=None, reason=not_run_reason, cites=[], rule=None, findings=[],
        )  # fmt: skip
    else:
        verdict = judgement.verdict
        record.update(
            verdict=verdict.outcome.value,
            evidence_level=verdict.level.value,
            provenance=verdict.provenance.value,
            measured=redactor.data(_jsonable(verdict.measured)),
            interval=_interval(verdict),
            n=verdict.n,
            reason=redactor.text(verdict.reason),
            cites=list(verdict.cites),
            rule=judgement.rule,
            findings=[finding_record(f, redactor) for f in judgement.findings],
        )
    if claim.waiver:
        record["waiver"] = claim.waiver
    return record


@dataclass
class VerdictsFile:
    """The run's verdict record, kept in memory and written atomically to `path` on every change."""

    path: Path
    ledger: Ledger
    run: dict[str, Any]
    redactor: Redactor
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    judgements: dict[str, Judgement] = field(default_factory=dict)
    not_run: dict[str, str] = field(default_factory=dict)
    _flushed: float = 0.0

    @classmethod
    def start(
        cls,
        path: Path,
        ledger: Ledger,
        target: str,
        target_kind: str,
        profile: str,
        run_id: str,
        redactor: Redactor,
        *,
        description: str = "",
        policy: dict[str, Any] | None = None,
    ) -> VerdictsFile:
        run = {
            "schema_version": SCHEMA_VERSION,
            "run_id": run_id,
            "target": target,
            "target_kind": target_kind,
            "target_description": description,
            "profile": profile,
            "policy": policy,
            "started": now_iso(),
            "finished": None,
            "complete": False,
            "interrupted": False,
            "aborted": None,
            "claimcheck_version": __version__,
            "git_sha": git_sha(project_root()),
            "ledger_hash": ledger.digest,
        }
        made = cls(path, ledger, run, redactor, not_run={c.id: "not selected for this run" for c in ledger})
        made.write()
        return made

    def expect(self, claim_ids: list[str]) -> None:
        """Claims selected for this run: 'not reached' until a verdict arrives."""
        for claim_id in claim_ids:
            self.not_run[claim_id] = "selected but not reached (run interrupted or item not executed)"
        self.write()

    def record(self, judgement: Judgement) -> None:
        self.judgements[judgement.claim_id] = judgement
        self.verdicts[judgement.claim_id] = judgement.verdict
        if time.monotonic() - self._flushed >= FLUSH_S:
            self.write()

    def finish(self, *, interrupted: bool) -> None:
        reached = all(cid in self.verdicts for cid, why in self.not_run.items() if why.startswith("selected"))
        self.run.update(finished=now_iso(), interrupted=interrupted, complete=reached and not interrupted)
        self.write()

    def counts(self) -> dict[str, int]:
        counts = {o.value: 0 for o in Outcome}
        for claim in self.ledger:
            verdict = self.verdicts.get(claim.id)
            counts[(verdict.outcome if verdict else Outcome.NOT_RUN).value] += 1
        return counts

    def document(self) -> dict[str, Any]:
        scope = (str(self.run["target"]), str(self.run["target_kind"]))
        claims = [
            claim_record(c, self.judgements.get(c.id), self.not_run.get(c.id, ""), self.redactor, scope)
            for c in self.ledger
        ]
        return {"run": {**self.run, "counts": self.counts()}, "claims": claims}

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".verdicts-", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(self.document(), indent=1, ensure_ascii=False))
        os.replace(tmp, self.path)
        self._flushed = time.monotonic()

"""reports/verdicts.json: one record per ledger claim, every run, rewritten atomically after each verdict.

Because the file is only ever replaced whole (a temporary file, then a rename), an interrupted run
(Ctrl-C, SIGTERM, even SIGKILL) always leaves valid JSON: `complete` is false until the run ends normally
with every selected claim reached. Verdicts are flushed at most every FLUSH_S seconds, and always at the
end (also on Ctrl-C/SIGTERM), so a hard kill loses at most that much.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checks import __version__
from checks.errors import ReportWriteError
from checks.interrupts import protected
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
        if isinstance(confidence := verdict.evidence.get("confidence"), int | float):
            record["confidence"] = confidence  # the level of `interval` (a look of two: not the run's)
    if claim.waiver:
        record["waiver"] = claim.waiver
    return record


NOT_SELECTED = "not selected for this run"
NOT_REACHED = "selected but not reached (run interrupted or item not executed)"


@dataclass
class VerdictsFile:
    """The run's verdict record, kept in memory and written atomically to `path` on every change.

    Verdicts are redacted once, when recorded: everything read back from here (the file, the console's
    progress lines) is already masked. A write that fails (read-only, full disk) leaves no temporary file
    and raises ReportWriteError; `write_error` keeps it for the runner.
    """

    path: Path
    ledger: Ledger
    run: dict[str, Any]
    redactor: Redactor
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    judgements: dict[str, Judgement] = field(default_factory=dict)
    not_run: dict[str, str] = field(default_factory=dict)
    write_error: ReportWriteError | None = None
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
            "worst_case_s": None,
            "claimcheck_version": __version__,
            "git_sha": git_sha(project_root()),
            "ledger_hash": ledger.digest,
        }
        made = cls(path, ledger, run, redactor, not_run=dict.fromkeys((c.id for c in ledger), NOT_SELECTED))
        made.write()
        return made

    def expect(self, claim_ids: list[str]) -> None:
        """The claims selected for this run ('not reached' until a verdict arrives); every other claim is
        'not selected'. Called again when the exact selection is known (after collection)."""
        chosen = set(claim_ids)
        self.not_run = {c.id: NOT_REACHED if c.id in chosen else NOT_SELECTED for c in self.ledger}
        self.write()

    def record(self, judgement: Judgement) -> None:
        judgement = replace(
            judgement,
            verdict=self._redacted(judgement.verdict),
            findings=tuple(self._redacted(f) for f in judgement.findings),
        )
        self.judgements[judgement.claim_id] = judgement
        self.verdicts[judgement.claim_id] = judgement.verdict
        if time.monotonic() - self._flushed >= FLUSH_S:
            with contextlib.suppress(ReportWriteError):  # kept in write_error: the runner stops the run
                self.write()

    def _redacted(self, verdict: Verdict) -> Verdict:
        """Redacted once, here, before any reporter reads it (the file, the console's progress lines)."""
        return replace(
            verdict,
            reason=self.redactor.text(verdict.reason),
            measured=self.redactor.data(_jsonable(verdict.measured)),
            evidence=self.redactor.data(_jsonable(verdict.evidence)),
        )

    def note(self, **fields: Any) -> None:
        """Set run-section fields (e.g. `aborted`, `worst_case_s`) and write."""
        self.run.update(fields)
        self.write()

    @property
    def finished(self) -> bool:
        return self.run["finished"] is not None

    def finish(self, *, interrupted: bool) -> None:
        reached = all(cid in self.verdicts for cid, why in self.not_run.items() if why.startswith("selected"))
        ended_early = interrupted or self.run.get("aborted") is not None
        self.run.update(finished=now_iso(), interrupted=interrupted, complete=reached and not ended_early)
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
        """Replace the file whole (temp file, fsync, rename); no signal cuts a write short."""
        with protected():
            self._write(json.dumps(self.document(), indent=1, ensure_ascii=False).encode())
        self._flushed = time.monotonic()

    def _write(self, data: bytes) -> None:
        tmp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".verdicts-", dir=self.path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
            tmp = None
        except OSError as exc:
            reason = "no space left on the device" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
            self.write_error = ReportWriteError(f"cannot write {self.path}: {reason}")
            raise self.write_error from None
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


@dataclass(eq=False)  # a pytest plugin object: hashed by identity
class RunContext:
    """What `claimcheck run` hands the suites (as a pytest plugin object): the run's one verdicts file and
    its one redactor. Without it (plain pytest), the reporting plugin makes its own."""

    verdicts: VerdictsFile
    redactor: Redactor
    history: Path | None = None  # the Allure history carried between runs (the reports root's, not the run's)
    write_problems: list[str] = field(default_factory=list)  # reports that could not be written

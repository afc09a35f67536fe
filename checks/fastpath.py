"""A declared run without pytest: suite items on a target of kind `none` replayed from their last outcome.

On a target with no live sections a suite item can contact nothing: its outcome is a function of its claim,
the claim's declared finding, the target's description, the run's options and claimcheck's own code. After a
run on such a target, `OutcomeRecorder` stores each item's outcome (its Judgement and the Allure result
allure-pytest wrote for it, attachments included) in the cache (checks/cache.py), under a key over exactly
those inputs:
- the code fingerprint (every source and data file of checks/, fixtures/, suites/) and the Python version;
- the target's name and description, the whole targets file, the profile, `--dry-run`, `CLAIMCHECK_*`
  environment variables;
- the claim as validated (every field) and its declared finding (computed afresh every run, from the
  documents and the whole ledger, through its own cache);
- the ledger's digest too, for a claim whose suite module reads other claims (`ledger()`).

`settle_from_record` then writes the same verdicts.json, Allure results, JUnit, SARIF and document view
as the suites would, through the same writers, when every selected claim has an entry. When any claim lacks
one (a first run, an edited claim, new code), it returns None and the suites run as usual, recording
again. ERROR outcomes are never recorded (they run again). `CLAIMCHECK_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from checks import cache
from checks.declared import findings_for_target
from checks.judgement import Judgement
from checks.ledger import Claim, Ledger
from checks.report.outputs import OutputOptions, write_run_outputs
from checks.report.verdicts_file import VerdictsFile
from checks.targets import Target
from checks.verdicts import Outcome, Verdict

RECORD_VERSION = "outcome-v2"
READS_LEDGER = re.compile(r"\bledger\(\)")
NEW_FIELDS = ("uuid", "start", "stop")  # what allure-pytest gives each result afresh


@dataclass(frozen=True)
class RunKey:
    """The inputs every item of a run shares (see the module docstring)."""

    target_name: str
    target: Target
    targets_file: Path
    profile: str
    dry_run: bool

    def digest(self) -> bytes:
        env = sorted((k, v) for k, v in os.environ.items() if k.startswith("CLAIMCHECK_"))
        h = hashlib.sha256(RECORD_VERSION.encode())
        for part in (self.target_name, self.target.model_dump_json(), self.profile, str(self.dry_run)):
            h.update(part.encode() + b"\0")
        h.update(cache.files_digest([self.targets_file]))
        h.update(json.dumps(env).encode())
        return h.digest()


@dataclass(frozen=True)
class Recorded:
    """One suite item's outcome: the Judgement, and allure-pytest's result without its fresh fields."""

    judgement: Judgement
    result: dict[str, Any]
    attachments: tuple[tuple[str, bytes], ...]  # (file suffix, content), in the result's order
    ledger_digest: str | None  # set when the item's suite module reads other claims
    position: int  # the item's place in the run (suite order), for the progress lines
    budget_s: float  # the item's wall-clock budget (fixtures/budget.py): the run states its worst case


def entry_name(run: bytes, claim: Claim, declared: Verdict | None) -> str:
    """The cache entry of one claim's item."""
    return cache.key_of(RECORD_VERSION, run, claim.model_dump_json(), repr(declared))


def applies(target: Target, markexpr: str | None) -> bool:
    """Only a target with nothing to contact, and a run that every claim item takes part in."""
    return target.kind == "none" and not markexpr and cache.enabled()


def lookup(
    run: bytes, claims: Iterable[Claim], findings: Mapping[str, Verdict], ledger: Ledger
) -> list[Recorded] | None:
    """Every claim's recorded outcome, or None when any is missing or stale."""
    found = []
    folder = cache.cache_dir()
    for claim in claims:
        entry = cache.load(entry_name(run, claim, findings.get(claim.id)), folder)
        if not isinstance(entry, Recorded) or entry.judgement.claim_id != claim.id:
            return None
        if entry.ledger_digest is not None and entry.ledger_digest != ledger.digest:
            return None
        found.append(entry)
    return sorted(found, key=lambda e: e.position)


def write_allure_result(results_dir: Path, entry: Recorded) -> None:
    """The result file allure-pytest would write for this item, with fresh uuids and times."""
    now = int(time.time() * 1000)
    attachments = []
    for meta, (suffix, body) in zip(entry.result.get("attachments") or [], entry.attachments, strict=True):
        source = f"{uuid.uuid4()}-attachment{suffix}"
        _private(results_dir / source, body)
        attachments.append({**meta, "source": source})
    result = {k: v for k, v in entry.result.items() if k != "attachments"}
    result.update(uuid=str(uuid.uuid4()), start=now, stop=now)
    if attachments:
        result["attachments"] = attachments
    _private(results_dir / f"{result['uuid']}-result.json", json.dumps(result, ensure_ascii=False).encode())


def _private(path: Path, data: bytes) -> None:
    """A result file as the Allure writer makes them: mode 0600 (checks/report/allure_files.py)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a fresh private run directory
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def fresh_results_dir(results_dir: Path) -> None:
    """As `--clean-alluredir`: an empty results folder."""
    if results_dir.is_dir():
        shutil.rmtree(results_dir, ignore_errors=True)
    results_dir.mkdir(mode=0o700, parents=True, exist_ok=True)


class OutcomeRecorder:
    """A pytest plugin object: after a run on a target of kind `none`, records every item's outcome."""

    def __init__(self, run: bytes, findings: Mapping[str, Verdict], ledger: Ledger) -> None:
        self.run = run
        self.findings = findings
        self.ledger = ledger
        self.modules: dict[str, Path] = {}  # claim id -> its suite module
        self.positions: dict[str, int] = {}
        self.budgets: dict[str, float] = {}

    @pytest.hookimpl(trylast=True)  # after fixtures/budget.py has given every item its budget
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        from fixtures.budget import budgets_of
        from fixtures.claims import claim_of

        budgets = budgets_of(session.config)
        for position, item in enumerate(session.items):
            claim = claim_of(item)
            if claim is not None and isinstance(item, pytest.Function):
                self.modules[claim.id] = Path(item.module.__file__ or "")
                self.positions[claim.id] = position
                if budgets is not None and item.nodeid in budgets.per_item:
                    self.budgets[claim.id] = budgets.per_item[item.nodeid]

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Before the results are shaped (fixtures/reporting.py): read allure-pytest's raw results."""
        from fixtures.reporting import VERDICTS_KEY

        verdicts = session.config.stash.get(VERDICTS_KEY, None)
        alluredir = getattr(session.config.option, "allure_report_dir", None)
        if verdicts is None or not alluredir or exitstatus not in (0, 1) or session.shouldstop:
            return
        if verdicts.run.get("interrupted") or verdicts.run.get("aborted"):
            return  # an outcome of a run cut short is never replayed
        raw = _raw_results(Path(alluredir))
        for claim_id, judgement in verdicts.judgements.items():
            known = claim_id in raw and claim_id in self.modules and claim_id in self.budgets
            if judgement.outcome != Outcome.ERROR and known:
                self._store(self.ledger[claim_id], judgement, raw[claim_id], Path(alluredir))

    def _store(self, claim: Claim, judgement: Judgement, result: dict[str, Any], folder: Path) -> None:
        bodies = []
        for attachment in result.get("attachments") or []:
            source = folder / str(attachment.get("source", ""))
            if not source.is_file():
                return
            bodies.append((source.suffix, source.read_bytes()))
        module = self.modules[claim.id]
        reads = module.is_file() and READS_LEDGER.search(module.read_text(encoding="utf-8")) is not None
        kept = {k: v for k, v in result.items() if k not in NEW_FIELDS}
        kept["attachments"] = [
            {k: v for k, v in a.items() if k != "source"} for a in kept.get("attachments") or []
        ]
        digest = self.ledger.digest if reads else None
        position, budget = self.positions[claim.id], self.budgets[claim.id]
        entry = Recorded(judgement, kept, tuple(bodies), digest, position, budget)
        cache.store(entry_name(self.run, claim, self.findings.get(claim.id)), entry)


def _raw_results(folder: Path) -> dict[str, dict[str, Any]]:
    """allure-pytest's result per claim id (its `claim_id` label); a claim with two results has none."""
    found: dict[str, dict[str, Any]] = {}
    twice: set[str] = set()
    for path in folder.glob("*-result.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        ids = {str(lb.get("value")) for lb in result.get("labels") or [] if lb.get("name") == "claim_id"}
        if len(ids) != 1:
            continue
        claim_id = ids.pop()
        if claim_id in found:
            twice.add(claim_id)
        found[claim_id] = result
    return {k: v for k, v in found.items() if k not in twice}


@dataclass(frozen=True)
class Settled:
    """What `settle_from_record` wrote: the verdicts document, and every selected claim's judgement."""

    document: dict[str, Any]
    judgements: tuple[Judgement, ...]
    notes: tuple[str, ...]


def settle_from_record(
    key: RunKey,
    ledger: Ledger,
    selected: list[Claim],
    verdicts: VerdictsFile,
    run_dir: Path,
    options: OutputOptions,
) -> Settled | None:
    """Write the run's outputs into `run_dir` from the recorded outcomes, through the run's own verdicts
    file (which already expects `selected`); None (nothing written) when one is missing."""
    findings = findings_for_target(ledger, key.target)
    entries = lookup(key.digest(), selected, findings, ledger)
    if entries is None:
        return None
    verdicts.run["worst_case_s"] = round(_worst_case_s(key, entries))
    results_dir = run_dir / "allure-results"
    fresh_results_dir(results_dir)
    for entry in entries:
        verdicts.record(entry.judgement)
        write_allure_result(results_dir, entry)
    verdicts.finish(interrupted=False)
    done = write_run_outputs(
        run_dir,
        verdicts.document(),
        results_dir=results_dir,
        ledger=ledger,
        redact=verdicts.redactor.text,
        options=options,
    )
    return Settled(verdicts.document(), tuple(e.judgement for e in entries), tuple(done.notes))


def _worst_case_s(key: RunKey, entries: list[Recorded]) -> float:
    """What the suites would have stated: the items' budgets, bounded by the run's (fixtures/budget.py)."""
    from fixtures.budget import DEFAULT_RUN_BUDGET_S, Budgets

    profile = key.target.profiles.get(key.profile)
    run_s = profile.run_budget_s if profile else DEFAULT_RUN_BUDGET_S
    return Budgets({e.judgement.claim_id: e.budget_s for e in entries}, run_s, 0.0).worst_case_s


def progress_of(settled: Settled, ledger: Ledger) -> list[tuple[str, Verdict]]:
    """(category, verdict) of each settled claim, in run order: what the progress lines show."""
    return [(ledger[j.claim_id].category, j.verdict) for j in settled.judgements]

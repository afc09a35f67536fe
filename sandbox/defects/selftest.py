"""`claimcheck selftest`: plant each defect, judge the claims it breaks (and a few controls) through the
normal run path, check each broken claim flipped for the right reason and no control moved, undo, verify.

One baseline run first (all the claims involved, on the sandbox as built); then one run per defect. Before
every run the gateway is restarted and the app's hourly windows are cleared, so a rate-limit probe of one
run never spends the budget of the next. The undo runs on every exit path (exception, Ctrl-C, SIGTERM) with
those signals held back until it is done.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox import manager
from sandbox.components.nginx import Nginx
from sandbox.config import SandboxConfig
from sandbox.defects import lifecycle, store
from sandbox.defects.catalog import Defect, Flip
from sandbox.defects.live import Live
from sandbox.errors import SandboxError
from sandbox.secrets_env import parse_env_file
from sandbox.targetfile import write_targets_file

Say = Callable[[str], None]
# Enough to decide the latency claims a defect breaks, short enough for CI (targets.yaml keeps the real ones).
# Replication samples 50 ms apart: the policy's 30 of them in 1.5 s, not 7.5 s (a stopped or delayed replica
# shows in every sample).
SELFTEST_PROFILE = {
    "latency_seconds": 6,
    "latency_rps": 100,
    "probe_count": 60,
    "sample_interval_s": 0.05,
    "drills": False,
}
FIDELITY = "sandbox fidelity"


@dataclass(frozen=True)
class Judged:
    """One claim's record in a run's verdicts.json (the fields the selftest compares)."""

    verdict: str
    reason: str
    measured: Any

    @classmethod
    def of(cls, record: dict[str, Any]) -> Judged:
        return cls(str(record["verdict"]), str(record.get("reason") or ""), record.get("measured"))


@dataclass(frozen=True)
class ClaimOutcome:
    """A claim of one defect's run: broken (must flip) or control (must not move), before and after."""

    claim: str
    role: str  # "breaks" | "control"
    before: Judged
    after: Judged
    ok: bool
    note: str


@dataclass(frozen=True)
class DefectOutcome:
    """Everything one defect's selftest showed."""

    name: str
    claims: tuple[ClaimOutcome, ...]
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.claims) and all(c.ok for c in self.claims)


def judge_flip(flip: Flip, before: Judged, after: Judged) -> tuple[bool, str]:
    """Whether a broken claim flipped as the catalog says, and a note saying how.

    A fidelity flip reads a value the sandbox set from the documents: the check must still find the planted
    value against the claim ("would have been DISPROVEN", for the expected reason), and the verdict stays
    NOT_APPLICABLE "sandbox fidelity" because constructed evidence decides nothing."""
    if flip.expect == "fidelity":
        return _judge_fidelity(flip, after)
    if flip.expect == "another_reason":
        return _judge_another_reason(flip, before, after)
    if before.verdict == "DISPROVEN":
        return False, "already DISPROVEN before planting: the flip would show nothing"
    if after.verdict != "DISPROVEN":
        return False, f"expected DISPROVEN, got {after.verdict}"
    if not flip.matches(after.reason):
        return False, f"DISPROVEN, but the reason does not match /{flip.reason}/"
    return True, "DISPROVEN for the expected reason"


def _judge_another_reason(flip: Flip, before: Judged, after: Judged) -> tuple[bool, str]:
    """Already DISPROVEN by another part of the sandbox: the planted fault must show as a reason of its own
    that the verdict did not give before."""
    if before.verdict != "DISPROVEN":
        return False, f"expected DISPROVEN before planting (for another reason), got {before.verdict}"
    if flip.matches(before.reason):
        return False, f"the reason matched /{flip.reason}/ before planting: the flip would show nothing"
    if after.verdict != "DISPROVEN":
        return False, f"expected DISPROVEN, got {after.verdict}"
    if not flip.matches(after.reason):
        return False, f"DISPROVEN, but the planted fault's reason /{flip.reason}/ is not among its reasons"
    return True, "DISPROVEN, now also for the planted fault's reason"


def _judge_fidelity(flip: Flip, after: Judged) -> tuple[bool, str]:
    gated = after.verdict == "NOT_APPLICABLE" and FIDELITY in after.reason
    if not gated:
        return False, f"expected NOT_APPLICABLE '{FIDELITY}' ({flip.source}), got {after.verdict}"
    if "would have been DISPROVEN" not in after.reason:
        return (
            False,
            "constructed evidence gated, but the check did not find the planted value against the claim",
        )
    if not flip.matches(after.reason):
        return False, f"gated, but the reason does not match /{flip.reason}/"
    return True, "the check disproves the planted value; constructed evidence kept from deciding"


def judge_defect(defect: Defect, before: dict[str, Judged], after: dict[str, Judged]) -> list[ClaimOutcome]:
    """The outcome of every claim a defect's run judged."""
    out = []
    for flip in defect.breaks:
        ok, note = judge_flip(flip, before[flip.claim], after[flip.claim])
        out.append(ClaimOutcome(flip.claim, "breaks", before[flip.claim], after[flip.claim], ok, note))
    for claim in defect.controls:
        same = after[claim].verdict == before[claim].verdict
        note = "unchanged" if same else f"moved {before[claim].verdict} -> {after[claim].verdict}"
        out.append(ClaimOutcome(claim, "control", before[claim], after[claim], same, note))
    return out


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (delivered afterwards): an undo must not be cut in half."""
    held = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def settle(cfg: SandboxConfig) -> None:
    """A fresh gateway (empty limiter zones) and no app hourly windows: each run starts from the same
    budgets. Then every component must be healthy."""
    live = Live.of(cfg)
    Nginx().start(live.ctx)
    client = live.redis()
    keys = list(client.scan_iter(match="ratelimit:*", count=500))
    if keys:
        client.delete(*keys)
    bad = [f"{s.name}: {s.detail}" for s in manager.status(cfg) if not s.ok]
    if bad:
        raise SandboxError("selftest", f"the sandbox is not healthy: {'; '.join(bad)}")


@dataclass(frozen=True)
class Plan:
    """Where the runs go and what they judge."""

    cfg: SandboxConfig
    targets_file: Path
    target: str
    reports: Path


def prepare(cfg: SandboxConfig, entry: dict[str, Any], reports: Path | None = None) -> Plan:
    """A targets file holding `entry` with the short selftest profile, and a reports dir for the runs."""
    root = reports or Path(tempfile.mkdtemp(prefix="claimcheck-selftest-"))
    root.mkdir(parents=True, exist_ok=True)
    entry = {**entry, "profiles": {"nightly": dict(SELFTEST_PROFILE)}}
    path = write_targets_file(root / "targets.yaml", "selftest", entry)
    # The runs read the sandbox's secrets from its env file; set them here so no stale value from another
    # sandbox (the suites only fill unset variables) is used.
    os.environ.update(parse_env_file(cfg.path("secrets.env")))
    return Plan(cfg, path, "selftest", root)


def judge(plan: Plan, claims: Sequence[str], label: str) -> dict[str, Judged]:
    """One run of exactly `claims` through the suites; their records by id."""
    from checks.runner import judge_claims

    verdicts = judge_claims(plan.targets_file, plan.target, claims, plan.reports / label)
    found = {r["id"]: Judged.of(r) for r in verdicts["claims"] if r["id"] in claims}
    missing = sorted(set(claims) - set(found))
    if missing:
        raise SandboxError("selftest", f"run {label} produced no record for {', '.join(missing)}")
    return found


def run_defect(plan: Plan, defect: Defect, baseline: dict[str, Judged], say: Say) -> DefectOutcome:
    """Plant, judge, undo (always, verified)."""
    began = time.monotonic()
    settle(plan.cfg)
    planted_at = judged_at = time.monotonic()
    try:
        lifecycle.plant(plan.cfg, defect, say)
        planted_at = time.monotonic()
        after = judge(plan, defect.claims, defect.name)
        judged_at = time.monotonic()
    except Exception as exc:  # a defect that cannot be planted or judged is a failed row, not a crash
        return DefectOutcome(defect.name, (), time.monotonic() - began, f"{type(exc).__name__}: {exc}")
    finally:
        if store.read(plan.cfg, defect.name) is not None:
            with signals_held():
                lifecycle.unplant(plan.cfg, defect.name, say)
    say(
        f"{defect.name}: plant {planted_at - began:.1f} s, judge {judged_at - planted_at:.1f} s, "
        f"undo {time.monotonic() - judged_at:.1f} s"
    )
    claims = tuple(judge_defect(defect, baseline, after))
    return DefectOutcome(defect.name, claims, time.monotonic() - began)


def run_selftest(plan: Plan, defects: Sequence[Defect], say: Say) -> list[DefectOutcome]:
    """The baseline, then each defect in turn."""
    planted = [r.name for r in store.planted(plan.cfg)]
    if planted:
        raise SandboxError("selftest", f"defects already planted: {', '.join(planted)} (unplant them first)")
    union = list(dict.fromkeys(c for d in defects for c in d.claims))
    settle(plan.cfg)
    say(f"baseline: {len(union)} claims on the sandbox as built")
    began = time.monotonic()
    baseline = judge(plan, union, "baseline")
    say(f"baseline judged in {time.monotonic() - began:.1f} s")
    results = []
    for defect in defects:
        result = run_defect(plan, defect, baseline, say)
        say(f"{defect.name}: {'ok' if result.ok else 'FAILED'} ({result.seconds:.1f} s)")
        results.append(result)
    return results


def table(results: Sequence[DefectOutcome]) -> str:
    """One row per claim of each defect."""
    rows = [("defect", "claim", "role", "before", "after", "ok", "note")]
    for result in results:
        if result.error:
            rows.append((result.name, "-", "-", "-", "-", "FAIL", result.error[:160]))
        for c in result.claims:
            flag = "ok" if c.ok else "FAIL"
            # a failed row says what the verdict did say, so the table alone tells why
            note = c.note if c.ok else f"{c.note}; reason: {c.after.reason[:300]}"
            rows.append((result.name, c.claim, c.role, c.before.verdict, c.after.verdict, flag, note))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    return "\n".join("  ".join([*(r[i].ljust(widths[i]) for i in range(6)), r[6]]) for r in rows)

"""What a drill measured, as frozen data: timelines of writes and events, restore and rollout results, and
what a target lets drills exercise at all.

Times are seconds since the drill started (time.monotonic() differences); `started_wall` anchors them to the
wall clock for reports. Each result records the target it was measured on, its provenance and how it was
obtained (`obtained`: the fault and the probe). Evaluators (checks/evaluate/dr.py) read only these types.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from checks.verdicts import Provenance


@dataclass(frozen=True)
class DrillCapabilities:
    """What the target lets drills exercise (from its `drills` binding); `note` says why a part is missing."""

    postgres: bool = False
    promotion: str | None = None  # "drill" or "automatic"
    redis: bool = False
    rollout: bool = False
    backup: bool = False
    regions: int = 1
    note: str | None = None


@dataclass(frozen=True)
class Event:
    """One moment of a drill: `kind` is fault, promotion, new_master, first_success, restart, restored..."""

    t: float
    kind: str
    detail: str = ""


@dataclass(frozen=True)
class Write:
    """One canary write attempt, sent at `sent` and answered (or failed) at `t`.

    `ok` means the server acknowledged it (a commit / a reply).
    """

    seq: int
    t: float
    ok: bool
    error: str = ""
    sent: float | None = None


@dataclass(frozen=True)
class FailoverTimeline:
    """A failover drill (PostgreSQL or Redis): writes, the fault, the new primary, the first success after it.

    `lost` are acknowledged sequence numbers missing on the new primary; `duplicates` appear there twice.
    `completed` is False when the drill could not finish its measurement (then `error` says why).
    """

    system: str
    run_id: str
    started_wall: float
    promotion: str  # "drill" (the drill promoted the replica), "automatic" or "sentinel"
    timeout_s: float
    resolution_s: float
    events: tuple[Event, ...] = ()
    writes: tuple[Write, ...] = ()
    lost: tuple[int, ...] = ()
    duplicates: tuple[int, ...] = ()
    completed: bool = False
    error: str | None = None
    restored: bool = False
    target: str = ""
    provenance: Provenance = Provenance.INDEPENDENT
    obtained: str = ""

    def at(self, kind: str) -> float | None:
        """Time of the first event of `kind`, or None."""
        return next((e.t for e in self.events if e.kind == kind), None)

    @property
    def fault_at(self) -> float | None:
        return self.at("fault")

    @property
    def first_success_at(self) -> float | None:
        """Acknowledgement of the first write sent after the fault (one already in flight proves nothing)."""
        fault = self.fault_at
        if fault is None:
            return None
        return next((w.t for w in self.writes if w.ok and (w.t if w.sent is None else w.sent) > fault), None)

    @property
    def rto_s(self) -> float | None:
        """First successful write after the fault minus the fault time."""
        fault, first = self.fault_at, self.first_success_at
        return None if fault is None or first is None else first - fault

    @property
    def new_primary_s(self) -> float | None:
        """Fault to the new primary (promotion done / sentinel names a new master)."""
        fault = self.fault_at
        promoted = self.at("promotion") or self.at("new_master")
        return None if fault is None or promoted is None else promoted - fault

    @property
    def acked_before_fault(self) -> int:
        fault = self.fault_at
        return sum(1 for w in self.writes if w.ok and (fault is None or w.t <= fault))

    @property
    def rpo_s(self) -> float | None:
        """Newest lost acknowledged write minus the newest surviving one before it (0: nothing lost)."""
        if not self.completed:
            return None
        if not self.lost:
            return 0.0
        acked = {w.seq: w.t for w in self.writes if w.ok}
        lost = set(self.lost)
        newest_lost = max(acked[s] for s in lost if s in acked)
        older = [t for s, t in acked.items() if s not in lost and t < newest_lost]
        anchor = max(older) if older else 0.0
        return newest_lost - anchor

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with the derived numbers."""
        data = asdict(self)
        data.update(
            rto_s=self.rto_s,
            rpo_s=self.rpo_s,
            new_primary_s=self.new_primary_s,
            acked_before_fault=self.acked_before_fault,
            lost_count=len(self.lost),
        )
        return data


@dataclass(frozen=True)
class RestoreResult:
    """A backup restored into a scratch instance: how long it took, how fresh its newest record was."""

    run_id: str
    source: str  # "drill" (the drill took the backup itself) or "platform" (the platform's newest backup)
    backup_s: float | None = None
    restore_s: float | None = None
    newest_record_age_s: float | None = None
    rows_restored: int = 0
    archive_mode: str | None = None
    completed: bool = False
    error: str | None = None
    events: tuple[Event, ...] = ()
    target: str = ""
    provenance: Provenance = Provenance.INDEPENDENT
    obtained: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Probe:
    """One probe through the gateway during a rollout."""

    t: float
    ok: bool
    status: int = 0
    error: str = ""


@dataclass(frozen=True)
class RolloutResult:
    """Continuous probes while app instances were restarted one after another."""

    run_id: str
    instances: tuple[str, ...]
    probes: tuple[Probe, ...] = ()
    events: tuple[Event, ...] = ()
    completed: bool = False
    error: str | None = None
    restarted: tuple[str, ...] = field(default_factory=tuple)
    target: str = ""
    provenance: Provenance = Provenance.INDEPENDENT
    obtained: str = ""

    @property
    def failures(self) -> int:
        return sum(1 for p in self.probes if not p.ok)

    @property
    def duration_s(self) -> float:
        return (self.probes[-1].t - self.probes[0].t) if self.probes else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(failures=self.failures, probe_count=len(self.probes), duration_s=self.duration_s)
        return data

"""The drill state file: what a drill run created or changed, and the undo it registered for each change.

One JSON file per drill run, `<state_dir>/<run-id>.<drill>.json`. The default state dir is
`<project>/.claimcheck-drills` ($CLAIMCHECK_DRILL_STATE_DIR moves it): outside reports/, where a run publishes
its outputs and sets aside anything else, since this state must outlive runs until its undo is done. Undo
entries are written to disk *before* the change they undo is made, so a run killed at any point leaves a file
`cleanup_run` can finish. Secrets never go in here.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from checks.ledger import project_root

STATE_DIR_ENV = "CLAIMCHECK_DRILL_STATE_DIR"
STATE_DIR = ".claimcheck-drills"
PENDING, DONE, FAILED = "pending", "done", "failed"


def default_state_dir() -> Path:
    """$CLAIMCHECK_DRILL_STATE_DIR, else <project>/.claimcheck-drills."""
    override = os.environ.get(STATE_DIR_ENV)
    return Path(override) if override else project_root() / STATE_DIR


@dataclass(frozen=True)
class UndoAction:
    """One registered undo: a `kind` from checks.drills.actions.UNDO_KINDS with JSON parameters."""

    kind: str
    params: dict[str, Any]
    description: str


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


class StateFile:
    """A drill run's state on disk; every mutation is written atomically at once."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    @classmethod
    def create(cls, state_dir: Path, run_id: str, drill: str, target_name: str) -> StateFile:
        """A new file for this run (status running, this process's pid)."""
        state_dir.mkdir(parents=True, exist_ok=True)
        path = state_dir / f"{run_id}.{drill}.json"
        data = {
            "run_id": run_id,
            "drill": drill,
            "target": target_name,
            "pid": os.getpid(),
            "status": "running",
            "phase": "start",
            "started_at": _now(),
            "finished_at": None,
            "created": [],
            "undo": [],
            "signals": [],
            "error": None,
        }
        state = cls(path, data)
        state.save()
        return state

    @classmethod
    def load(cls, path: Path) -> StateFile:
        return cls(path, json.loads(path.read_text(encoding="utf-8")))

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, self.path)

    def update(self, **fields: Any) -> None:
        self.data.update(fields)
        self.save()

    def add_created(self, kind: str, name: str, where: str) -> None:
        """Name something the drill created (a table, a key, a scratch instance, a file)."""
        self.data["created"].append({"kind": kind, "name": name, "where": where, "at": _now()})
        self.save()

    def add_undo(self, action: UndoAction) -> int:
        """Register an undo (pending) and return its index."""
        self.data["undo"].append({**asdict(action), "status": PENDING, "error": None})
        self.save()
        return len(self.data["undo"]) - 1

    def mark_undo(self, index: int, status: str, error: str | None = None) -> None:
        self.data["undo"][index].update(status=status, error=error, at=_now())
        self.save()

    def pending(self) -> list[tuple[int, UndoAction]]:
        """Undo entries not yet done, newest first (the order they must run in)."""
        found = [
            (i, UndoAction(u["kind"], u["params"], u["description"]))
            for i, u in enumerate(self.data["undo"])
            if u["status"] != DONE
        ]
        return list(reversed(found))

    @property
    def alive(self) -> bool:
        """True while the process that owns a running drill still exists."""
        return self.data["status"] == "running" and _pid_alive(int(self.data["pid"]))


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def run_files(state_dir: Path, run_id: str | None = None) -> list[StateFile]:
    """State files in `state_dir` (of one run when `run_id` is given), oldest first."""
    if not state_dir.is_dir():
        return []
    pattern = f"{run_id}.*.json" if run_id else "*.json"
    return [StateFile.load(p) for p in sorted(state_dir.glob(pattern), key=lambda p: p.stat().st_mtime)]


def leftovers(state_dir: Path, target_name: str) -> list[StateFile]:
    """Earlier runs on this target that still have undo pending (or are still running)."""
    return [s for s in run_files(state_dir) if s.data["target"] == target_name and (s.alive or s.pending())]


def refusal(state_dir: Path, target_name: str) -> str | None:
    """Why a new drill must not start on this target, with the command that cleans up; None when it may."""
    found = leftovers(state_dir, target_name)
    if not found:
        return None
    parts = []
    for state in found:
        run_id, what = state.data["run_id"], state.data["drill"]
        if state.alive:
            parts.append(f"drill {what} of run {run_id} is still running (pid {state.data['pid']})")
        else:
            parts.append(
                f"run {run_id} left {len(state.pending())} undo step(s) of drill {what} "
                f"({state.path}); clean it with `claimcheck cleanup --run-id {run_id}`"
            )
    return "; ".join(parts)

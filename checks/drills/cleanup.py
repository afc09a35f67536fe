"""`claimcheck cleanup --run-id`: finish the undo a drill run left behind; only what that run created."""

from __future__ import annotations

from checks.drills.actions import executor
from checks.drills.state import StateFile, run_files
from checks.drills.topology import drill_env
from checks.drills.undo import unwind
from checks.targets import Target


def cleanup_run(run_id: str, target_name: str, target: Target) -> list[str]:
    """Run the pending undo of every drill state file of `run_id` on `target_name`; returns what was done.

    Idempotent: undo steps already done are skipped, so a second call returns an empty list. A state file of a
    drill that is still running is left alone (its own process is about to undo it).
    """
    env = drill_env(target_name, target)
    if env is None:
        return []
    done: list[str] = []
    for state in run_files(env.state_dir, run_id):
        if state.data["target"] != target_name or state.alive or not state.pending():
            continue
        done += [f"{state.data['drill']}: {step}" for step in unwind(state, executor(env))]
        _close(state)
    return done


def _close(state: StateFile) -> None:
    status = state.data["status"]
    if status == "running":
        status = "interrupted"  # the drill's process died without running its undo
    state.update(status=status, cleaned_by="cleanup_run", undo_complete=not state.pending())

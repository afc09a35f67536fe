"""The processes a drill binding names: whether each still runs, starting it again, and the drill's error.

Process handling itself is claimcheck's one helper (checks/procs.py); this only reads a ProcBinding.
"""

from __future__ import annotations

from pathlib import Path

from checks import procs
from checks.drills.binding import ProcBinding


class DrillError(procs.ProcError):
    """A drill step failed (the endpoint names the component)."""


def pid(proc: ProcBinding) -> int | None:
    """The pid recorded in the process's pid file while it is still that process."""
    return None if proc.pidfile is None else procs.pid_of(Path(proc.pidfile), proc.markers)


def start(proc: ProcBinding) -> int:
    """Start `proc` with its own command, output appended to its log; its pid goes to its pid file."""
    return procs.spawn(
        proc.argv, log=proc.log, pidfile=proc.pidfile, user=proc.user, cwd=proc.cwd, env=proc.env
    )

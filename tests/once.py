"""Work done once per test session, also when pytest-xdist splits the session across worker processes.

Each worker has its own session fixtures; an expensive, read-only result (a declared run of the whole
ledger) is made by the first worker that needs it, under a file lock in the directory all workers' temporary
directories share, and reused by the others.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path

import pytest


def once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by `make(folder)` once for the whole test run (every xdist worker)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if base.name.startswith("popen-gw") else base  # xdist: pytest-N/popen-gwK
    folder, done = shared / name, shared / f"{name}.done"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            folder.mkdir(parents=True, exist_ok=True)
            make(folder)
            done.touch()
    return folder

"""Plant and undo one defect, each verified by reading the live sandbox back.

Planting: refuse when the defect (or any other) is already there; read what the undo needs; record it on disk
(the undo is registered before anything changes); make the change; wait until `present` reads it back.
Undoing: restore what was saved; wait until `present` reads false; check that every component the defect
touched is healthy again; only then drop the record.
"""

from __future__ import annotations

from collections.abc import Callable

from sandbox import inventory
from sandbox.config import SandboxConfig
from sandbox.defects import store
from sandbox.defects.catalog import Defect, lookup
from sandbox.defects.live import Live, wait_for
from sandbox.errors import SandboxError

Say = Callable[[str], None]


def _quiet(line: str) -> None:
    return None


def plant(cfg: SandboxConfig, defect: Defect, say: Say = _quiet) -> None:
    """Plant `defect` in the running sandbox of `cfg` and verify it is in force."""
    live = Live.of(cfg)
    already = [r.name for r in store.planted(cfg)]
    if already:
        raise SandboxError("defects", f"already planted: {', '.join(already)} (unplant first)")
    mech = defect.mechanism()
    if mech.present(live):
        raise SandboxError(
            "defects", f"{defect.name} is in force before planting: the sandbox is not as built"
        )
    saved = mech.save(live)
    store.write(cfg, defect.name, mech.touches, saved)
    say(f"planting {defect.name}: {defect.description}")
    try:
        mech.apply(live, saved)
        wait_for(f"{defect.name} reads back as planted", lambda: mech.present(live), mech.plant_timeout_s)
    except BaseException:
        say(f"planting {defect.name} failed: undoing")
        unplant(cfg, defect.name, say)
        raise
    say(f"planted {defect.name} (read back)")


def unplant(cfg: SandboxConfig, name: str, say: Say = _quiet) -> None:
    """Undo the planted defect `name` and verify the sandbox is as built again."""
    record = store.read(cfg, name)
    if record is None:
        raise SandboxError("defects", f"{name} is not planted")
    live, mech = Live.of(cfg), lookup(name).mechanism()
    mech.restore(live, record.saved)
    wait_for(f"{name} reads back as undone", lambda: not mech.present(live), mech.undo_timeout_s)
    left = mech.residue(live)
    if left:
        raise SandboxError("defects", f"{name} undone but left behind: {'; '.join(left[:5])}")
    unhealthy = [
        f"{s.name}: {s.detail}"
        for s in inventory.status(cfg)
        if s.name in record.touches and not (s.healthy or s.skipped)
    ]
    if unhealthy:
        raise SandboxError("defects", f"{name} undone but not healthy again: {'; '.join(unhealthy)}")
    store.remove(cfg, name)
    healthy = f"; {', '.join(record.touches)} healthy" if record.touches else ""
    say(f"undone {name} (read back{healthy})")


def unplant_all(cfg: SandboxConfig, say: Say = _quiet) -> list[str]:
    """Undo every planted defect (newest first); returns the names, raises on the first failure."""
    names = [r.name for r in reversed(store.planted(cfg))]
    for name in names:
        unplant(cfg, name, say)
    return names

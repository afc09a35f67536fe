"""Progress that long work reports while it runs, for whoever shows it (checks/report/progress.py).

Pure values, no I/O: a load phase's requested rate and, as the engine reports them, what it has sent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LoadProgress:
    """Where one load phase stands. `sent` and `achieved_rps` are None until the engine says."""

    label: str
    requested_rps: float
    duration_s: float
    elapsed_s: float = 0.0
    sent: int | None = None
    achieved_rps: float | None = None
    done: bool = False

    @property
    def achieved_share(self) -> float | None:
        """Achieved over requested rate (1.0: the generator kept the schedule)."""
        if self.achieved_rps is None or self.requested_rps <= 0:
            return None
        return self.achieved_rps / self.requested_rps


def remaining_estimate_s(durations: dict[str, list[float]], remaining: dict[str, int]) -> float | None:
    """Seconds the remaining items will take: each category at the mean of its items done so far, a
    category not started yet at the mean of every item done. None before any item is done."""
    done = [d for per in durations.values() for d in per]
    if not done:
        return None
    overall = sum(done) / len(done)
    total = 0.0
    for category, count in remaining.items():
        seen = durations.get(category)
        total += count * (sum(seen) / len(seen) if seen else overall)
    return total


def clock(seconds: float) -> str:
    """1h02m05s / 3m10s / 42s."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"

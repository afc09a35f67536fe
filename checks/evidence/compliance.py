"""Special-category data flow evidence: a synthetic record's canary followed from its write through the API
to every place it must not reach (caches, logs, metric labels), with what each search covered."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.origin import UNKNOWN, Origin


@dataclass(frozen=True)
class PlaceSearch:
    """One place searched for the canary: what it was, whether it was searched fully, where the canary was."""

    kind: str
    name: str
    searched: bool
    found: tuple[str, ...] = ()
    note: str = ""

    @property
    def described(self) -> str:
        return f"{self.kind} {self.name}" + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True)
class CanaryTrail:
    """The canary's write, its reads (with their cache headers), every place searched and the cleanup."""

    canary: str
    tenant: str
    record_id: str | None
    write_status: int
    read_statuses: tuple[int, ...]
    read_contains_canary: bool
    cache_headers: tuple[dict[str, str], ...]
    places: tuple[PlaceSearch, ...]
    cleanup: str
    origin: Origin = UNKNOWN

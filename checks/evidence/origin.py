"""Where a piece of evidence came from and under which conditions it was obtained."""

from __future__ import annotations

from dataclasses import dataclass

from checks.verdicts import Provenance


@dataclass(frozen=True)
class Origin:
    """The target measured, the provenance of the measurement, and its conditions.

    `vantage_kind` is local, netns, ssh or pod; `load_rps` the load claimcheck applied to the target while
    measuring (0: idle, nothing but the probe itself); `identity` the test identity requests ran as.
    """

    target: str = ""
    provenance: Provenance = Provenance.INDEPENDENT
    vantage: str = "local"
    vantage_kind: str = "local"
    load_rps: float = 0.0
    identity: str | None = None

    @property
    def loaded(self) -> bool:
        """True when claimcheck applied load to the target while this evidence was taken."""
        return self.load_rps > 0

    @property
    def emulated(self) -> bool:
        """True when the path measured was emulated (a delay claimcheck configured)."""
        return self.provenance == Provenance.EMULATED


UNKNOWN = Origin()

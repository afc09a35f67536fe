"""Where a piece of evidence came from and under which conditions it was obtained."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from checks.verdicts import Provenance

if TYPE_CHECKING:
    from checks.targets import Target


@dataclass(frozen=True)
class Origin:
    """The target measured, the provenance of the measurement, and its conditions.

    `vantage_kind` is local, netns, ssh or pod; `load_rps` the load claimcheck applied to the target while
    measuring (0: idle, nothing but the probe itself); `identity` the test identity requests ran as.
    `source` names the target's evidence source read (`aws`, `prometheus.flags`...) and `constructed` says
    why the target declares that source set up by claimcheck from the documents (None: it does not).
    """

    target: str = ""
    provenance: Provenance = Provenance.INDEPENDENT
    vantage: str = "local"
    vantage_kind: str = "local"
    load_rps: float = 0.0
    identity: str | None = None
    source: str = ""
    constructed: str | None = None

    @property
    def loaded(self) -> bool:
        """True when claimcheck applied load to the target while this evidence was taken."""
        return self.load_rps > 0

    @property
    def emulated(self) -> bool:
        """True when the path measured was emulated (a delay claimcheck configured)."""
        return self.provenance == Provenance.EMULATED

    @classmethod
    def of(cls, name: str, target: Target, source: str, identity: str | None = None) -> Origin:
        """Evidence read from `source` of the target called `name`, with the provenance and reason the
        target declares for that source (targets.yaml `constructed:`)."""
        return cls(
            name,
            target.provenance_of(source),
            identity=identity,
            source=source,
            constructed=target.constructed_reason(source),
        )


UNKNOWN = Origin()

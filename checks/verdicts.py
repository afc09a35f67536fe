"""Verdicts: what claimcheck concludes about one claim on one target, and why."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any


class Outcome(enum.StrEnum):
    """The six verdicts. Their meaning is documented in the README."""

    PROVEN = "PROVEN"
    DISPROVEN = "DISPROVEN"
    INCONCLUSIVE = "INCONCLUSIVE"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    ERROR = "ERROR"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    NOT_RUN = "NOT_RUN"  # only in verdicts.json: the claim was not selected or not reached


DECIDED = (Outcome.PROVEN, Outcome.DISPROVEN)


class EvidenceLevel(enum.StrEnum):
    """Where the evidence came from: the documents, the target's live config, or active measurement."""

    DECLARED = "declared"
    CONFIGURED = "configured"
    OBSERVED = "observed"
    NONE = "none"


class Provenance(enum.StrEnum):
    """Whether the evidence could have disproved the claim.

    `independent`: measured on something claimcheck did not set up from the claim. `constructed`: a value
    claimcheck's own sandbox or provisioning set from the documents (it can only read back what it wrote).
    `emulated`: measured over an emulated path (a vantage point whose delay claimcheck configured): shown,
    never decisive. `none`: nothing was measured.
    """

    INDEPENDENT = "independent"
    CONSTRUCTED = "constructed"
    EMULATED = "emulated"
    NONE = "none"


@dataclass(frozen=True)
class Verdict:
    """One claim judged: outcome, evidence level, measured value against the bound, and a checkable reason.

    `interval` is the confidence interval of the measured statistic and `n` the sample size it rests on,
    where the evidence is statistical. `provenance` says whether the evidence could have disproved the claim.
    """

    claim_id: str
    outcome: Outcome
    level: EvidenceLevel
    reason: str
    measured: Any = None
    bound: Any = None
    evidence: dict[str, Any] = field(default_factory=dict)
    # Citations beyond the claim's own sources (e.g. the other side of a contradiction), "file:line".
    cites: tuple[str, ...] = ()
    provenance: Provenance = Provenance.INDEPENDENT
    interval: tuple[float, float] | None = None
    n: int | None = None

    @property
    def is_final(self) -> bool:
        """True when no further (observed) evidence could change this verdict."""
        return self.outcome in (Outcome.DISPROVEN, Outcome.OUT_OF_SCOPE)

    @property
    def is_decided(self) -> bool:
        """True for PROVEN and DISPROVEN."""
        return self.outcome in DECIDED

    def with_(self, **changes: Any) -> Verdict:
        """A copy with some fields replaced (verdicts are frozen)."""
        return replace(self, **changes)


def _measured_provenance(level: EvidenceLevel, kw: dict[str, Any]) -> dict[str, Any]:
    kw.setdefault("provenance", Provenance.NONE if level == EvidenceLevel.NONE else Provenance.INDEPENDENT)
    return kw


def proven(claim_id: str, level: EvidenceLevel, reason: str, **kw: Any) -> Verdict:
    return Verdict(claim_id, Outcome.PROVEN, level, reason, **_measured_provenance(level, kw))


def disproven(claim_id: str, level: EvidenceLevel, reason: str, **kw: Any) -> Verdict:
    return Verdict(claim_id, Outcome.DISPROVEN, level, reason, **_measured_provenance(level, kw))


def inconclusive(claim_id: str, level: EvidenceLevel, reason: str, **kw: Any) -> Verdict:
    return Verdict(claim_id, Outcome.INCONCLUSIVE, level, reason, **_measured_provenance(level, kw))


def not_applicable(claim_id: str, reason: str, **kw: Any) -> Verdict:
    kw.setdefault("provenance", Provenance.NONE)
    return Verdict(claim_id, Outcome.NOT_APPLICABLE, EvidenceLevel.NONE, reason, **kw)


def error(claim_id: str, reason: str, **kw: Any) -> Verdict:
    kw.setdefault("provenance", Provenance.NONE)
    return Verdict(claim_id, Outcome.ERROR, EvidenceLevel.NONE, reason, **kw)


def decided(claim_id: str, outcome: Outcome, level: EvidenceLevel, reason: str, **kw: Any) -> Verdict:
    """A verdict with the outcome a comparison chose (PROVEN, DISPROVEN or INCONCLUSIVE)."""
    return Verdict(claim_id, outcome, level, reason, **_measured_provenance(level, kw))

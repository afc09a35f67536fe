"""Verdicts: what claimcheck concludes about one claim on one target, and why."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
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


class EvidenceLevel(enum.StrEnum):
    """Where the evidence came from: the documents, the target's live config, or active measurement."""

    DECLARED = "declared"
    CONFIGURED = "configured"
    OBSERVED = "observed"
    NONE = "none"


@dataclass(frozen=True)
class Verdict:
    """One claim judged: outcome, evidence level, measured value against the bound, and a checkable reason."""

    claim_id: str
    outcome: Outcome
    level: EvidenceLevel
    reason: str
    measured: Any = None
    bound: Any = None
    evidence: dict[str, Any] = field(default_factory=dict)
    # Citations beyond the claim's own sources (e.g. the other side of a contradiction), "file:line".
    cites: tuple[str, ...] = ()

    @property
    def is_final(self) -> bool:
        """True when no further (observed) evidence could change this verdict."""
        return self.outcome in (Outcome.DISPROVEN, Outcome.OUT_OF_SCOPE)


def proven(claim_id: str, level: EvidenceLevel, reason: str, **kw: Any) -> Verdict:
    return Verdict(claim_id, Outcome.PROVEN, level, reason, **kw)


def disproven(claim_id: str, level: EvidenceLevel, reason: str, **kw: Any) -> Verdict:
    return Verdict(claim_id, Outcome.DISPROVEN, level, reason, **kw)


def inconclusive(claim_id: str, level: EvidenceLevel, reason: str, **kw: Any) -> Verdict:
    return Verdict(claim_id, Outcome.INCONCLUSIVE, level, reason, **kw)


def not_applicable(claim_id: str, reason: str, **kw: Any) -> Verdict:
    return Verdict(claim_id, Outcome.NOT_APPLICABLE, EvidenceLevel.NONE, reason, **kw)


def error(claim_id: str, reason: str, **kw: Any) -> Verdict:
    return Verdict(claim_id, Outcome.ERROR, EvidenceLevel.NONE, reason, **kw)

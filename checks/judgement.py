"""How a claim's findings become its one verdict on one target: the rules, in one place.

A claim gathers findings at up to three levels: declared (the documents judged against themselves),
configured (live configuration read from the target) and observed (measurement). `judged` combines them:

1. A declared contradiction is final: the documents themselves disprove the claim, whatever the target does.
2. Constructed evidence decides nothing: a value claimcheck set up from the documents (a sandbox's
   provisioned resources) and then read back is NOT_APPLICABLE "sandbox fidelity", with the value shown,
   whether the check would have decided on it or not (no more reading of such a value could decide).
3. Emulated evidence is capped: a measurement over an emulated path (a configured delay) is INCONCLUSIVE.
4. Otherwise the target's finding decides, and every finding is kept beside it.

Every PROVEN or DISPROVEN reason begins with what it is about: "on local (sandbox): " for the target's
evidence, "in the documents: " for declared evidence. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.verdicts import EvidenceLevel, Outcome, Provenance, Verdict

RULE_DECLARED = "declared contradiction is final"
RULE_CONSTRUCTED = "constructed evidence decides nothing"
RULE_EMULATED = "emulated evidence is capped at INCONCLUSIVE"
RULE_TARGET = "the target's evidence decides"
RULE_DECLARED_ONLY = "declared evidence alone (a claim about the document itself)"
RULE_NO_EVIDENCE = "no finding decided the claim"


@dataclass(frozen=True)
class Scope:
    """The target a verdict is about: its name and kind (sandbox, staging, production, none)."""

    target: str
    kind: str

    @property
    def prefix(self) -> str:
        return f"on {self.target} ({self.kind}): "


@dataclass(frozen=True)
class Judgement:
    """A claim's final verdict on one target, every finding behind it, and the rule that chose it."""

    verdict: Verdict
    rule: str
    scope: Scope
    findings: tuple[Verdict, ...] = field(default_factory=tuple)

    @property
    def claim_id(self) -> str:
        return self.verdict.claim_id

    @property
    def outcome(self) -> Outcome:
        return self.verdict.outcome


DECLARED_PREFIX = "in the documents: "


def scoped_reason(verdict: Verdict, scope: Scope) -> str:
    """The reason, prefixed by what it is about when the verdict is PROVEN or DISPROVEN (idempotent)."""
    if not verdict.is_decided:
        return verdict.reason
    prefix = DECLARED_PREFIX if verdict.level == EvidenceLevel.DECLARED else scope.prefix
    return verdict.reason if verdict.reason.startswith(prefix) else prefix + verdict.reason


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _capped(verdict: Verdict, constructed_why: str | None) -> tuple[Verdict, str] | None:
    undecided = verdict.outcome == Outcome.INCONCLUSIVE
    if not verdict.is_decided and not undecided:
        return None
    if verdict.provenance == Provenance.CONSTRUCTED:
        # decided or not, on a value claimcheck set: no further reading of it could decide the claim
        why = constructed_why or "claimcheck set this value up itself from the documents"
        found = (
            "undecided"
            if undecided
            else f"measured {_shown(verdict.measured)}, which would have been {verdict.outcome.value}"
        )
        reason = (
            f"sandbox fidelity: {why}. The check found: {verdict.reason} ({found}); reading back a value "
            "claimcheck set cannot test the claim"
        )
        return verdict.with_(outcome=Outcome.NOT_APPLICABLE, reason=reason), RULE_CONSTRUCTED
    if undecided:
        return None
    if verdict.provenance == Provenance.EMULATED:
        reason = (
            f"emulated vantage point: {verdict.reason} (would have been {verdict.outcome.value}; an emulated "
            "path shows the measurement but cannot decide the claim)"
        )
        return verdict.with_(outcome=Outcome.INCONCLUSIVE, reason=reason), RULE_EMULATED
    return None


def judged(
    measured: Verdict,
    scope: Scope,
    declared: Verdict | None = None,
    *,
    constructed_why: str | None = None,
    extra: Sequence[Verdict] = (),
) -> Judgement:
    """The final verdict of one claim from the suite's finding (`measured`), the declared finding and any
    further findings (`extra`), with the rule that chose it. See the module docstring for the rules."""
    findings = tuple(f for f in (declared, *extra) if f is not None)
    if measured is not declared:
        findings = (*findings, measured)
    if declared is not None and declared.outcome == Outcome.DISPROVEN:
        final, rule = declared, RULE_DECLARED
    elif (capped := _capped(measured, constructed_why)) is not None:
        final, rule = capped
    elif measured.level == EvidenceLevel.DECLARED and measured.is_decided:
        final, rule = measured, RULE_DECLARED_ONLY
    else:
        final, rule = measured, RULE_TARGET if measured.is_decided else RULE_NO_EVIDENCE
    final = final.with_(
        reason=scoped_reason(final, scope),
        cites=tuple(dict.fromkeys(c for f in findings for c in f.cites)) or final.cites,
    )
    return Judgement(final, rule, scope, tuple(f.with_(reason=scoped_reason(f, scope)) for f in findings))

"""How findings become one verdict on one target: the rules of checks/judgement.py."""

from __future__ import annotations

from checks.judgement import (
    RULE_CONSTRUCTED,
    RULE_DECLARED,
    RULE_DECLARED_ONLY,
    RULE_EMULATED,
    RULE_NO_EVIDENCE,
    RULE_TARGET,
    Scope,
    judged,
)
from checks.verdicts import EvidenceLevel, Outcome, Provenance, Verdict

LOCAL = Scope("local", "sandbox")
OBSERVED = EvidenceLevel.OBSERVED


def finding(outcome: Outcome, level: EvidenceLevel = OBSERVED, **kw: object) -> Verdict:
    return Verdict("BP-T-01", outcome, level, f"measured {outcome.value.lower()}", **kw)  # type: ignore[arg-type]


def test_a_proven_reason_names_its_target() -> None:
    made = judged(finding(Outcome.PROVEN), LOCAL)
    assert made.verdict.reason == "on local (sandbox): measured proven"
    assert made.rule == RULE_TARGET


def test_a_declared_verdict_says_it_is_about_the_documents() -> None:
    declared = finding(Outcome.PROVEN, EvidenceLevel.DECLARED)
    made = judged(declared, LOCAL, declared)
    assert made.verdict.reason.startswith("in the documents: ") and made.rule == RULE_DECLARED_ONLY
    assert len(made.findings) == 1


def test_undecided_reasons_are_left_as_they_are() -> None:
    made = judged(finding(Outcome.INCONCLUSIVE), LOCAL)
    assert made.verdict.reason == "measured inconclusive" and made.rule == RULE_NO_EVIDENCE


def test_a_declared_contradiction_is_final_and_the_measurement_kept() -> None:
    declared = finding(Outcome.DISPROVEN, EvidenceLevel.DECLARED, cites=("doc.txt:9",))
    made = judged(finding(Outcome.PROVEN, cites=("doc.txt:3",)), LOCAL, declared)
    assert made.outcome is Outcome.DISPROVEN and made.rule == RULE_DECLARED
    assert [f.outcome for f in made.findings] == [Outcome.DISPROVEN, Outcome.PROVEN]
    assert made.verdict.cites == ("doc.txt:9", "doc.txt:3")


def test_constructed_evidence_decides_nothing_and_shows_the_value() -> None:
    read_back = finding(
        Outcome.PROVEN, EvidenceLevel.CONFIGURED, provenance=Provenance.CONSTRUCTED, measured="db.r6g.4xlarge"
    )
    made = judged(read_back, LOCAL, constructed_why="moto is provisioned from the documents")
    assert made.outcome is Outcome.NOT_APPLICABLE and made.rule == RULE_CONSTRUCTED
    assert "sandbox fidelity: moto is provisioned" in made.verdict.reason
    assert "db.r6g.4xlarge" in made.verdict.reason and "PROVEN" in made.verdict.reason


def test_constructed_evidence_cannot_disprove_either() -> None:
    made = judged(finding(Outcome.DISPROVEN, provenance=Provenance.CONSTRUCTED), LOCAL)
    assert made.outcome is Outcome.NOT_APPLICABLE


def test_undecided_constructed_evidence_says_no_measurement_of_it_could_decide() -> None:
    """An INCONCLUSIVE on a value the sandbox set (BB-MON-04 on its copied alert rules) would read as if
    more measurement could help; none can."""
    made = judged(finding(Outcome.INCONCLUSIVE, provenance=Provenance.CONSTRUCTED), LOCAL)
    assert made.outcome is Outcome.NOT_APPLICABLE and made.rule == RULE_CONSTRUCTED
    assert made.verdict.reason.startswith("sandbox fidelity:") and "(undecided)" in made.verdict.reason
    independent = judged(finding(Outcome.INCONCLUSIVE, provenance=Provenance.INDEPENDENT), LOCAL)
    assert independent.outcome is Outcome.INCONCLUSIVE


def test_emulated_evidence_is_capped_at_inconclusive() -> None:
    made = judged(finding(Outcome.PROVEN, provenance=Provenance.EMULATED), LOCAL)
    assert made.outcome is Outcome.INCONCLUSIVE and made.rule == RULE_EMULATED
    assert "emulated vantage point" in made.verdict.reason


def test_an_inconclusive_declared_finding_is_kept_beside_a_not_applicable_verdict() -> None:
    declared = finding(Outcome.INCONCLUSIVE, EvidenceLevel.DECLARED)
    made = judged(finding(Outcome.NOT_APPLICABLE, EvidenceLevel.NONE), LOCAL, declared)
    assert made.outcome is Outcome.NOT_APPLICABLE
    assert [f.level for f in made.findings] == [EvidenceLevel.DECLARED, EvidenceLevel.NONE]


def test_scoping_is_not_applied_twice() -> None:
    once = judged(finding(Outcome.PROVEN), LOCAL).verdict
    assert judged(once, LOCAL).verdict.reason.count("on local (sandbox): ") == 1

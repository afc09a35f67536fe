"""The engine: every analyzer, one declared verdict per claim."""

from __future__ import annotations

import time

from checks.evaluate.declared.engine import OPEN, declared_verdict_for, declared_verdicts, verdicts_for_ledger
from checks.ledger import Claim, default_ledger
from checks.verdicts import EvidenceLevel, Outcome, Verdict
from tests.evaluate.declared.factories import DAY08, DAY14, claim, real_blocks


def _finding(outcome: Outcome, reason: str = "r") -> Verdict:
    return Verdict(
        "BP-T-C0", outcome, EvidenceLevel.DECLARED, reason, evidence={"analyzer": "x"}, cites=("f:1",)
    )


def test_any_disproving_finding_wins() -> None:
    c = claim("BP-T-C0", check="declared.document")
    verdict = declared_verdict_for(c, [_finding(Outcome.PROVEN), _finding(Outcome.DISPROVEN, "broken")])
    assert verdict.outcome == Outcome.DISPROVEN and verdict.reason == "broken"
    assert verdict.level == EvidenceLevel.DECLARED and len(verdict.evidence["findings"]) == 2


def test_proven_only_for_claims_about_the_document() -> None:
    document = claim("BP-T-C0", check="declared.document")
    running = claim("BP-T-C0", check="http.latency")
    assert declared_verdict_for(document, [_finding(Outcome.PROVEN)]).outcome == Outcome.PROVEN
    assert declared_verdict_for(running, [_finding(Outcome.PROVEN)]).outcome == Outcome.INCONCLUSIVE


def test_no_findings_leaves_the_claim_to_observation() -> None:
    verdict = declared_verdict_for(claim("BP-T-C0"), [])
    assert verdict.outcome == Outcome.INCONCLUSIVE and verdict.reason == OPEN


def test_inconclusive_findings_are_carried_in_the_reason() -> None:
    verdict = declared_verdict_for(claim("BP-T-C0"), [_finding(Outcome.INCONCLUSIVE, "floor 16.7 ms")])
    assert verdict.reason.startswith(OPEN) and "floor 16.7 ms" in verdict.reason


def test_engine_groups_findings_by_claim() -> None:
    scale = claim(
        "BP-T-C1",
        metric="scale_up_time",
        comparator="<=",
        bound=30,
        unit="s",
        line=139,
        check="autoscaling.time_to_scale",
        params={"from_replicas": 5, "to_replicas": 25, "config_block": f"{DAY14}:78-115"},
    )
    findings = declared_verdicts([scale], real_blocks())
    analyzers = {f.evidence["analyzer"] for f in findings["BP-T-C1"]}
    assert analyzers == {"autoscaling", "method"}
    assert declared_verdict_for(scale, findings["BP-T-C1"]).outcome == Outcome.DISPROVEN


def test_the_whole_ledger_over_the_five_documents_runs_in_well_under_a_few_seconds() -> None:
    ledger = default_ledger()
    started = time.perf_counter()
    verdicts = verdicts_for_ledger(ledger, real_blocks())
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0
    assert set(verdicts) == {c.id for c in ledger if not c.is_waived}
    assert all(v.level == EvidenceLevel.DECLARED for v in verdicts.values())
    proven = [v for v in verdicts.values() if v.outcome == Outcome.PROVEN]
    assert all(ledger[v.claim_id].check == "declared.document" for v in proven)


def _detection(file: str, **params: object) -> Claim:
    return claim(
        "BP-T-C2",
        metric="detection_latency",
        comparator="<",
        bound=10,
        unit="s",
        check="monitoring.alerting",
        category="monitoring",
        statement="Critical issues are detected within 10 seconds.",
        file=file,
        line=88 if file == DAY08 else 1,
        params=dict(params),
    )


def _anchor() -> Claim:
    """A claim citing day 14, so that day 14 is one of the ledger's documents."""
    return claim("BP-T-C3", check="external.component", line=1)


def test_another_day_s_rules_make_a_conflict_never_a_contradiction() -> None:
    found = declared_verdicts([_detection(DAY08), _anchor()], real_blocks())
    verdict = declared_verdict_for(_detection(DAY08), found["BP-T-C2"])
    assert verdict.outcome == Outcome.INCONCLUSIVE
    assert f"conflicts with another document of BarberPro ({DAY14})" in verdict.reason
    assert f"{DAY14}:217" in verdict.cites


def test_the_same_day_s_rules_decide() -> None:
    found = declared_verdicts([_detection(DAY14), _anchor()], real_blocks())
    assert declared_verdict_for(_detection(DAY14), found["BP-T-C2"]).outcome == Outcome.DISPROVEN


def test_a_document_saying_the_later_configuration_applies_lets_it_decide() -> None:
    applies = _detection(DAY08, config_document=DAY14)
    found = declared_verdicts([applies, _anchor()], real_blocks())
    assert declared_verdict_for(applies, found["BP-T-C2"]).outcome == Outcome.DISPROVEN


def test_a_running_system_claim_whose_numbers_add_up_keeps_the_finding_but_stays_open() -> None:
    split = claim(
        "BP-T-C4",
        metric="traffic_allocation",
        comparator="==",
        bound=(60, 40),
        unit="%",
        check="external.component",
        params={"parts": [60, 40], "parts_unit": "%", "total": 100},
    )
    verdict = declared_verdict_for(split, declared_verdicts([split], real_blocks())["BP-T-C4"])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "60 + 40 = 100" in verdict.reason
    assert [f["outcome"] for f in verdict.evidence["findings"]] == ["INCONCLUSIVE"]

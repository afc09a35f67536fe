"""Arithmetic and units: a document's numbers against each other."""

from __future__ import annotations

from typing import Any

from checks.evaluate.declared import arithmetic
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import claim

DOC = "declared.document"


def _doc(**fields: Any) -> Claim:
    return claim("BP-T-50", check=DOC, category="deployment", metric="deployment_time", **fields)


def _outcomes(c: Claim) -> list[Outcome]:
    return [v.outcome for v in arithmetic.analyze([c])]


def test_stage_durations_equal_to_a_strict_total_are_disproven() -> None:
    stages = _doc(
        comparator="<", bound=2, unit="h", params={"parts": [5, 15, 30, 20, 25, 15, 10], "parts_unit": "min"}
    )
    (verdict,) = arithmetic.analyze([stages])
    assert verdict.outcome == Outcome.DISPROVEN
    assert "= 120 min = 2 h" in verdict.reason and "'2 < 2' does not hold" in verdict.reason


def test_stage_durations_below_the_total_are_proven() -> None:
    assert _outcomes(
        _doc(
            comparator="<",
            bound=120,
            unit="min",
            params={"parts": [5, 15, 30, 20, 25, 15, 9], "parts_unit": "min"},
        )
    ) == [Outcome.PROVEN]


def test_achieved_equal_to_a_strict_target_is_disproven_and_non_strict_holds() -> None:
    (strict,) = arithmetic.analyze([_doc(comparator="<", bound=120, unit="min", stated_value=120)])
    assert strict.outcome == Outcome.DISPROVEN and "(the bound is strict)" in strict.reason
    assert _outcomes(_doc(comparator="<=", bound=120, unit="min", stated_value=120)) == [Outcome.PROVEN]


def test_non_document_claims_are_never_proven_and_agreement_is_kept_as_a_finding() -> None:
    running = claim("BP-T-51", comparator="<", bound=100, unit="ms", stated_value=120)
    holding = claim("BP-T-52", comparator="<", bound=100, unit="ms", stated_value=45)
    assert _outcomes(running) == [Outcome.DISPROVEN]
    (kept,) = arithmetic.analyze([holding])
    assert kept.outcome == Outcome.INCONCLUSIVE and "document's numbers agree" in kept.reason


def test_shares_of_one_whole_must_add_up_to_the_stated_total() -> None:
    mix = {"comparator": "==", "bound": (52, 35, 15), "unit": "%", "check": "external.component"}
    over = claim("BP-T-53", params={"parts": [52, 35, 15], "parts_unit": "%", "total": 100}, **mix)
    (verdict,) = arithmetic.analyze([over])
    assert verdict.outcome == Outcome.DISPROVEN and "52 + 35 + 15 = 102 %" in verdict.reason
    split = claim("BP-T-54", params={"parts": [60, 20, 15, 5], "parts_unit": "%", "total": 100}, **mix)
    (kept,) = arithmetic.analyze([split])
    assert kept.outcome == Outcome.INCONCLUSIVE and "'100 == 100' holds" in kept.reason


def test_low_high_sums_and_regional_totals() -> None:
    good = _doc(
        comparator="==",
        bound=(20000, 39000),
        params={
            "parts_low": [8000, 6000, 2000, 3000, 1000],
            "parts_high": [15000, 12000, 4000, 6000, 2000],
            "regions": 4,
            "global": [80000, 156000],
        },
    )
    bad = _doc(
        comparator="==",
        bound=(20000, 39000),
        params={
            "parts_low": [8000, 6000, 2000, 3000, 1000],
            "parts_high": [15000, 12000, 4000, 6000, 2000],
            "regions": 4,
            "global": [80000, 150000],
        },
    )
    assert _outcomes(good) == [Outcome.PROVEN]
    assert _outcomes(bad) == [Outcome.DISPROVEN]


def test_average_per_client() -> None:
    ok = _doc(
        comparator="==",
        bound=5900,
        params={"parts": [2500, 1800, 1200, 400], "clients": 100, "per_client": 59},
    )
    off = _doc(
        comparator="==",
        bound=5900,
        params={"parts": [2500, 1800, 1200, 400], "clients": 100, "per_client": 50},
    )
    assert _outcomes(ok) == [Outcome.PROVEN, Outcome.PROVEN]
    assert Outcome.DISPROVEN in _outcomes(off)


def test_ranges_must_be_contiguous_and_cover_the_bound() -> None:
    ok = _doc(comparator="==", bound=100, params={"ranges": [[1, 50], [51, 100]]})
    gap = _doc(comparator="==", bound=100, params={"ranges": [[1, 50], [52, 100]]})
    assert _outcomes(ok) == [Outcome.PROVEN]
    (verdict,) = arithmetic.analyze([gap])
    assert verdict.outcome == Outcome.DISPROVEN and "not contiguous at 50 -> 52" in verdict.reason


def test_factor_metrics_compare_the_ratio() -> None:
    factor = claim(
        "BP-T-53",
        check=DOC,
        metric="scale_factor",
        comparator="==",
        bound=100,
        params={"parts": [10000, 1000000]},
    )
    wrong = claim(
        "BP-T-54",
        check=DOC,
        metric="scale_factor",
        comparator="==",
        bound=10,
        params={"parts": [10000, 1000000]},
    )
    assert _outcomes(factor) == [Outcome.PROVEN] and _outcomes(wrong) == [Outcome.DISPROVEN]


def test_a_document_claim_without_numbers_says_what_would_suffice() -> None:
    (verdict,) = arithmetic.analyze([_doc(comparator=">=", bound=10)])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "params" in verdict.reason

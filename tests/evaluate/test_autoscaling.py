"""Autoscaling evaluators on hand-built evidence: both sides of every bound."""

from __future__ import annotations

from typing import Any

import pytest

from checks.evaluate.autoscaling import hpa_bounds, time_to_scale
from checks.evidence.scaling import HpaConfig, MetricTarget, ScalingConfig, ScalingSample, ScalingTimeline
from checks.ledger import Claim
from checks.sufficiency import SufficiencyPolicy
from checks.verdicts import EvidenceLevel, Outcome


def claim(**kw: Any) -> Claim:
    base: dict[str, Any] = {
        "id": "BP-D14-SCALE-09",
        "system": "BarberPro",
        "category": "autoscaling",
        "statement": "a test claim",
        "sources": [{"file": "000_2661fe4704ef9792.txt", "line": 14, "quote": "100+ isolated"}],
        "metric": "scale_up_time",
        "check": "autoscaling.time_to_scale",
        "method": "hand-built evidence",
    }
    return Claim.model_validate(base | kw)


# time_to_scale
def timeline(
    desired: list[int], ready: list[int], interval: float = 1.0, trigger_t: float = 0.0
) -> ScalingTimeline:
    samples = tuple(
        ScalingSample(i * interval, i * interval + 0.01, d, d, r, d)
        for i, (d, r) in enumerate(zip(desired, ready, strict=True))
    )
    return ScalingTimeline("a", "web", "web", interval, len(desired) * interval, trigger_t, samples, ())


SCALE_UP = timeline([2, 2, 2, 4, 4, 4, 4, 4], [2, 2, 2, 2, 2, 3, 4, 4])


def scale_claim(bound: float, unit: str = "s", **params: Any) -> Claim:
    return claim(
        category="autoscaling",
        metric="scale_up_time",
        check="autoscaling.time_to_scale",
        comparator="<",
        bound=bound,
        unit=unit,
        params=params,
    )


@pytest.mark.parametrize(
    ("bound", "outcome"), [(7, Outcome.PROVEN), (5, Outcome.DISPROVEN), (6, Outcome.INCONCLUSIVE)]
)
def test_time_to_ready_against_the_bound(bound: float, outcome: Outcome) -> None:
    verdict = time_to_scale(SCALE_UP, scale_claim(bound))  # ready between 5.0 and 6.01 s
    assert verdict.outcome is outcome and verdict.level is EvidenceLevel.OBSERVED


@pytest.mark.parametrize(("bound", "outcome"), [(4, Outcome.PROVEN), (2, Outcome.DISPROVEN)])
def test_time_to_decision_against_the_bound(bound: float, outcome: Outcome) -> None:
    assert time_to_scale(SCALE_UP, scale_claim(bound, phase="decision")).outcome is outcome


def test_time_is_measured_from_the_trigger() -> None:
    late_trigger = timeline([2, 2, 2, 4, 4], [2, 2, 2, 4, 4], trigger_t=2.0)
    verdict = time_to_scale(late_trigger, scale_claim(1.1, phase="decision"))
    assert verdict.outcome is Outcome.PROVEN and verdict.measured == pytest.approx((0.0, 1.01))


def test_to_replicas_raises_the_ready_target() -> None:
    verdict = time_to_scale(SCALE_UP, scale_claim(6.5, to_replicas=5))
    assert verdict.outcome is Outcome.DISPROVEN  # still not 5 ready when read at 7.0 s


def test_no_scaling_decision_at_all_is_inconclusive() -> None:
    verdict = time_to_scale(timeline([2] * 10, [2] * 10), scale_claim(3))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "never changed" in verdict.reason


def test_scaled_but_watched_too_briefly_is_inconclusive() -> None:
    verdict = time_to_scale(timeline([2, 4, 4], [2, 2, 2]), scale_claim(1, unit="min"))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "watch for more than 60 s" in verdict.reason


def test_minutes_are_converted() -> None:
    assert time_to_scale(SCALE_UP, scale_claim(0.05, unit="min")).outcome is Outcome.DISPROVEN  # 3 s bound


def test_a_non_time_bound_is_an_error() -> None:
    assert time_to_scale(SCALE_UP, scale_claim(3, unit="replicas")).outcome is Outcome.ERROR


# hpa_bounds
CONFIG = ScalingConfig(
    "a",
    (
        HpaConfig(
            "a",
            "web",
            "Deployment/web",
            3,
            20,
            (MetricTarget("Resource", "cpu", "Utilization", "70"),),
            None,
            None,
            3,
            3,
        ),
    ),
    (),
)


@pytest.mark.parametrize(
    ("metric", "bound", "outcome"),
    [
        ("hpa_max_replicas", 20, Outcome.PROVEN),
        ("hpa_max_replicas", 50, Outcome.DISPROVEN),
        ("hpa_min_replicas", 3, Outcome.PROVEN),
        ("hpa_cpu_target", 70, Outcome.PROVEN),
        ("hpa_cpu_target", 60, Outcome.DISPROVEN),
    ],
)
def test_hpa_bounds_against_the_claim(metric: str, bound: int, outcome: Outcome) -> None:
    bound_claim = claim(
        category="autoscaling", check="autoscaling.bounds", metric=metric, comparator="==", bound=bound
    )
    assert hpa_bounds(CONFIG, bound_claim, "web").outcome is outcome


def test_missing_hpa_is_inconclusive() -> None:
    bound_claim = claim(
        category="autoscaling",
        check="autoscaling.bounds",
        metric="hpa_max_replicas",
        comparator="==",
        bound=20,
    )
    assert hpa_bounds(CONFIG, bound_claim, "api").outcome is Outcome.INCONCLUSIVE


def test_time_to_scale_fills_interval_and_n_and_states_the_policy() -> None:
    verdict = time_to_scale(SCALE_UP, scale_claim(7))
    assert verdict.interval == pytest.approx((5.0, 6.01)) and verdict.n == 1
    assert "policy min_drills 1" in verdict.reason


def test_time_to_scale_needs_min_drills_observations() -> None:
    verdict = time_to_scale(SCALE_UP, scale_claim(7), SufficiencyPolicy(min_drills=2))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "at least 2 observations" in verdict.reason


def test_hpa_cpu_target_in_a_fraction_unit_is_converted_to_percent() -> None:
    bound_claim = claim(
        check="autoscaling.bounds", metric="hpa_cpu_target", comparator="==", bound=0.7, unit="fraction"
    )
    assert hpa_bounds(CONFIG, bound_claim, "web").outcome is Outcome.PROVEN


def test_hpa_present_comparator_is_judged_not_raised() -> None:
    bound_claim = claim(
        check="autoscaling.bounds", metric="hpa_max_replicas", comparator="present", bound=True
    )
    assert hpa_bounds(CONFIG, bound_claim, "web").outcome is Outcome.PROVEN

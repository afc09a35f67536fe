"""Autoscaling feasibility: the fastest scale-up a declared HPA allows, against time-to-scale claims."""

from __future__ import annotations

from typing import Any

from checks.evaluate.declared import autoscaling
from checks.evaluate.declared.autoscaling import (
    DEFAULT_POLICIES,
    ScaleUpRules,
    fastest_scale_up,
    scale_up_rules,
)
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import DAY14, claim, real_config, real_object, yaml_config

REF = f"{DAY14}:78-115"


def _scale_claim(bound: float, comparator: str = "<=", **params: Any) -> Claim:
    return claim(
        "BP-T-01",
        metric="scale_up_time",
        comparator=comparator,
        bound=bound,
        unit="s",
        check="autoscaling.time_to_scale",
        category="autoscaling",
        line=139,
        params={"from_replicas": 5, "to_replicas": 25, "config_block": REF, **params},
    )


def test_defaults_allow_5_to_25_in_30_seconds() -> None:
    plan = fastest_scale_up(ScaleUpRules(0, DEFAULT_POLICIES, "Max"), 5, 25, 50)
    assert plan.steps == ((0, 10), (15, 20), (30, 25))
    assert plan.reached_s == 30


def test_document_004_hpa_needs_105_seconds() -> None:
    rules = scale_up_rules(real_object("HorizontalPodAutoscaler").body["spec"])
    assert rules == ScaleUpRules(60, (("Pods", 10, 60),), "Max")
    plan = fastest_scale_up(rules, 5, 25, 50)
    assert plan.steps == ((45, 15), (105, 25)) and plan.reached_s == 105


def test_a_30_second_claim_against_document_004_is_disproven_with_the_arithmetic() -> None:
    (verdict,) = autoscaling.analyze([_scale_claim(30)], real_config())
    assert verdict.outcome == Outcome.DISPROVEN
    assert verdict.reason.startswith("needs >= 105 s: scale-up stabilization 60 s")
    assert "5->15 at 45 s, 15->25 at 105 s" in verdict.reason
    assert f"{DAY14}:78-114" in verdict.cites and verdict.evidence["floor_s"] == 105


def test_a_claim_above_the_floor_is_left_to_observation() -> None:
    (verdict,) = autoscaling.analyze([_scale_claim(120)], real_config())
    assert verdict.outcome == Outcome.INCONCLUSIVE
    assert verdict.reason.startswith("declared config allows it")


def test_strict_bound_at_the_floor_is_disproven_non_strict_is_not() -> None:
    (strict,) = autoscaling.analyze([_scale_claim(105, "<")], real_config())
    (loose,) = autoscaling.analyze([_scale_claim(105, "<=")], real_config())
    assert (strict.outcome, loose.outcome) == (Outcome.DISPROVEN, Outcome.INCONCLUSIVE)


def test_a_stated_achievement_below_the_floor_is_disproven() -> None:
    quick = claim(
        "BP-T-02",
        metric="scale_up_time",
        comparator="<=",
        bound=300,
        unit="s",
        stated_value=60,
        check="autoscaling.time_to_scale",
        params={"from_replicas": 5, "to_replicas": 25, "config_block": REF},
    )
    (verdict,) = autoscaling.analyze([quick], real_config())
    assert verdict.outcome == Outcome.DISPROVEN


def test_target_above_max_replicas_is_disproven() -> None:
    (verdict,) = autoscaling.analyze([_scale_claim(600, to_replicas=60)], real_config())
    assert verdict.outcome == Outcome.DISPROVEN and "maxReplicas 50" in verdict.reason


def test_disabled_scale_up_never_reaches_the_target() -> None:
    assert fastest_scale_up(ScaleUpRules(0, DEFAULT_POLICIES, "Disabled"), 5, 25, 50).reached_s is None


def test_select_policy_min_takes_the_smaller_allowance() -> None:
    plan = fastest_scale_up(ScaleUpRules(0, DEFAULT_POLICIES, "Min"), 5, 25, 50)
    assert plan.steps[0] == (0, 9) and plan.reached_s == 60


def test_percent_policy_rounds_up() -> None:
    plan = fastest_scale_up(ScaleUpRules(0, (("Percent", 10, 15),), "Max"), 1, 2, 10)
    assert plan.steps == ((0, 2),)


def test_missing_behavior_uses_api_defaults() -> None:
    assert scale_up_rules({"maxReplicas": 10}) == ScaleUpRules(0, DEFAULT_POLICIES, "Max")


def test_an_unlinked_claim_with_several_hpas_is_not_judged() -> None:
    text = "\n---\n".join(
        f"kind: HorizontalPodAutoscaler\nmetadata: {{name: h{i}}}\nspec: {{maxReplicas: 9}}" for i in range(2)
    )
    unlinked = claim(
        "BP-T-03",
        metric="scale_up_time",
        comparator="<=",
        bound=1,
        unit="s",
        check="autoscaling.time_to_scale",
        params={"from_replicas": 1, "to_replicas": 5},
    )
    assert autoscaling.analyze([unlinked], yaml_config(text)) == []


HPA = "kind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec: {minReplicas: 2, maxReplicas: 20}"


def _up_to(pods: int, metric: str = "instance_range") -> Claim:
    return claim(
        "BP-T-04",
        metric=metric,
        comparator="<=",
        bound=pods,
        unit="pods",
        check="autoscaling.bounds",
        category="autoscaling",
        params={"to_replicas": pods, "config_block": "test.yaml:1-3"},
        file="test.yaml",
    )


def test_up_to_n_pods_without_a_start_count_is_judged_against_max_replicas() -> None:
    (verdict,) = autoscaling.analyze([_up_to(30)], yaml_config(HPA))
    assert verdict.outcome == Outcome.DISPROVEN and "maxReplicas 20" in verdict.reason


def test_up_to_n_pods_within_max_replicas_is_not_contradicted() -> None:
    assert autoscaling.analyze([_up_to(20)], yaml_config(HPA)) == []


def test_a_time_to_scale_without_a_start_count_starts_from_min_replicas() -> None:
    timed = claim(
        "BP-T-05",
        metric="scale_up_time",
        comparator="<=",
        bound=1,
        unit="s",
        check="autoscaling.time_to_scale",
        params={"to_replicas": 10, "config_block": "test.yaml:1-3"},
        file="test.yaml",
    )
    (verdict,) = autoscaling.analyze([timed], yaml_config(HPA))
    assert verdict.outcome == Outcome.DISPROVEN and verdict.evidence["from"] == 2


def _declared_max(value: int) -> Claim:
    return claim(
        "BP-T-06",
        metric="hpa_max_replicas",
        comparator="==",
        bound=value,
        unit="replicas",
        check="autoscaling.bounds",
        category="autoscaling",
        params={"config_block": "test.yaml:1-3"},
        file="test.yaml",
    )


def test_a_claimed_max_replicas_the_hpa_does_not_declare_is_disproven() -> None:
    (verdict,) = autoscaling.analyze([_declared_max(25)], yaml_config(HPA))
    assert verdict.outcome == Outcome.DISPROVEN and "not the 25 claimed" in verdict.reason
    (same,) = autoscaling.analyze([_declared_max(20)], yaml_config(HPA))
    assert same.outcome == Outcome.INCONCLUSIVE and "as claimed" in same.reason

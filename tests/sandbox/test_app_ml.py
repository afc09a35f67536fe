"""The sandbox app's tiny no-show model: deterministic, validated, monotone in the obvious features."""

from __future__ import annotations

import pytest

from sandbox.app.ml import MODEL_VERSION, FeatureError, NoShowModel

FEATURES = {
    "hour": 14,
    "weekday": 2,
    "lead_time_days": 3,
    "price_ars": 8000,
    "previous_no_shows": 0,
    "is_new_client": 0,
}


def test_same_input_same_score_across_instances() -> None:
    assert NoShowModel().predict(FEATURES) == NoShowModel().predict(FEATURES)


def test_prediction_carries_score_label_and_version() -> None:
    prediction = NoShowModel().predict(FEATURES)
    assert 0 < prediction.score < 1
    assert prediction.label == ("no_show" if prediction.score > 0.5 else "attend")
    assert prediction.model_version == MODEL_VERSION


def test_past_no_shows_raise_the_risk() -> None:
    model = NoShowModel()
    risky = model.predict({**FEATURES, "previous_no_shows": 4, "is_new_client": 1})
    assert risky.score > model.predict(FEATURES).score


def test_missing_feature_is_named() -> None:
    features = dict(FEATURES)
    del features["lead_time_days"]
    with pytest.raises(FeatureError, match="lead_time_days"):
        NoShowModel().predict(features)


@pytest.mark.parametrize("value", ["14", None, True])
def test_non_numeric_feature_is_refused(value: object) -> None:
    with pytest.raises(FeatureError, match="hour"):
        NoShowModel().predict({**FEATURES, "hour": value})

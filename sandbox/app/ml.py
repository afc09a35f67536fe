"""A tiny deterministic "no-show risk" model: a logistic score over booking features plus a fixed residual
network.

The residual's weights come from a seeded generator, so every instance answers the same score for the same
input; its hidden layer is sized so one prediction costs a few milliseconds of CPU, like a small real model.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

MODEL_NAME = "no-show-risk"
MODEL_VERSION = "1.3.0"
# feature -> scale dividing the raw value, so inputs sit around [0, 1]
FEATURES: dict[str, float] = {
    "hour": 23.0,
    "weekday": 6.0,
    "lead_time_days": 30.0,
    "price_ars": 20000.0,
    "previous_no_shows": 5.0,
    "is_new_client": 1.0,
}
# Interpretable logistic part: more past no-shows, longer lead times and new clients raise the risk.
LINEAR_WEIGHTS: dict[str, float] = {
    "hour": -0.4,
    "weekday": 0.2,
    "lead_time_days": 1.1,
    "price_ars": -0.6,
    "previous_no_shows": 3.0,
    "is_new_client": 0.8,
}
LINEAR_BIAS = -2.0
RESIDUAL_WEIGHT = 0.25
HIDDEN_UNITS = 512
_SEED = 20250913


class FeatureError(ValueError):
    """A request whose features are missing or not numbers."""


@dataclass(frozen=True)
class Prediction:
    """The model's answer."""

    score: float
    label: str
    model: str = MODEL_NAME
    model_version: str = MODEL_VERSION


class NoShowModel:
    """Fixed weights, built once per app instance."""

    def __init__(self, hidden_units: int = HIDDEN_UNITS, seed: int = _SEED) -> None:
        rng = random.Random(seed)
        n = len(FEATURES)
        self._hidden = [[rng.gauss(0, 1 / math.sqrt(n)) for _ in range(n)] for _ in range(hidden_units)]
        self._bias = [rng.gauss(0, 0.1) for _ in range(hidden_units)]
        self._out = [rng.gauss(0, 1 / math.sqrt(hidden_units)) for _ in range(hidden_units)]

    def predict(self, features: Mapping[str, object]) -> Prediction:
        """Score in (0, 1) that the client does not show up; label `no_show` above 0.5."""
        x = vectorise(features)
        linear = LINEAR_BIAS + sum(w * v for w, v in zip(LINEAR_WEIGHTS.values(), x, strict=True))
        logit = linear + RESIDUAL_WEIGHT * self._residual(x)
        score = 1 / (1 + math.exp(-logit))
        return Prediction(score=round(score, 6), label="no_show" if score > 0.5 else "attend")

    def _residual(self, x: list[float]) -> float:
        return sum(
            w_out * math.tanh(b + sum(w * v for w, v in zip(row, x, strict=True)))
            for row, b, w_out in zip(self._hidden, self._bias, self._out, strict=True)
        )


def vectorise(features: Mapping[str, object]) -> list[float]:
    """Scaled feature vector in FEATURES order; FeatureError names what is missing or wrong."""
    missing = [name for name in FEATURES if name not in features]
    if missing:
        raise FeatureError(f"missing features: {missing}")
    values = []
    for name, scale in FEATURES.items():
        value = features[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FeatureError(f"feature {name!r} is not a number")
        values.append(float(value) / scale)
    return values

"""checks.stats: intervals checked by simulation on known distributions (fixed seeds)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from checks.stats import (
    arrival_rate_for_users,
    clopper_pearson,
    mean_ci,
    min_samples_for_quantile,
    proportion_lower_bound,
    quantile_ci,
    quantile_ranks,
    samples_to_decide,
    trials_for_ratio,
)

SIMULATIONS = 1000
DISTRIBUTIONS = {
    "exponential": (lambda rng, shape: rng.exponential(1.0, shape), sps.expon()),
    "lognormal": (lambda rng, shape: rng.lognormal(0.0, 1.0, shape), sps.lognorm(1.0)),
    "uniform": (lambda rng, shape: rng.uniform(0.0, 1.0, shape), sps.uniform()),
}


def test_median_ranks_match_the_published_table() -> None:
    low, up, coverage = quantile_ranks(100, 0.5, 0.95)
    assert (low, up) == (40, 61)
    assert coverage >= 0.95


def test_a_too_small_sample_has_no_upper_end_for_p99() -> None:
    ci = quantile_ci(np.arange(1.0, 101.0), 0.99)
    assert ci.upper_index is None and ci.upper == math.inf and not ci.is_bounded
    assert ci.estimate == 99.0


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
@pytest.mark.parametrize(("q", "n"), [(0.5, 60), (0.95, 200), (0.99, 800)])
def test_quantile_interval_covers_the_true_quantile_at_its_nominal_level(name: str, q: float, n: int) -> None:
    draw, dist = DISTRIBUTIONS[name]
    rng = np.random.default_rng(12345)
    xs = np.sort(draw(rng, (SIMULATIONS, n)), axis=1)
    low, up, coverage = quantile_ranks(n, q, 0.95)
    assert low is not None and up is not None and coverage >= 0.95
    truth = dist.ppf(q)
    covered = np.mean((xs[:, low - 1] <= truth) & (truth <= xs[:, up - 1]))
    assert covered >= 0.93


def test_quantile_interval_brackets_the_estimate_and_narrows_with_n() -> None:
    rng = np.random.default_rng(7)
    small, large = (
        quantile_ci(rng.exponential(size=500), 0.95),
        quantile_ci(rng.exponential(size=20000), 0.95),
    )
    assert small.lower <= small.estimate <= small.upper
    assert large.upper - large.lower < (small.upper - small.lower) / 3


def test_minimum_sample_sizes_for_p99() -> None:
    assert min_samples_for_quantile(0.99, 0.95, two_sided=False) == 299
    assert min_samples_for_quantile(0.99, 0.95) == 368
    assert quantile_ranks(368, 0.99)[1] is not None
    assert quantile_ranks(367, 0.99)[1] is None


def test_samples_to_decide_is_where_the_interval_first_excludes_the_bound() -> None:
    n = samples_to_decide(0.95, 0.97)
    assert n is not None
    up = quantile_ranks(n, 0.95)[1]
    assert up is not None and up <= math.floor(n * 0.97)
    half_up = quantile_ranks(n // 2, 0.95)[1]
    assert half_up is None or half_up > math.floor(n // 2 * 0.97)


def test_samples_to_decide_for_a_disproof_and_for_a_tie() -> None:
    n = samples_to_decide(0.95, 0.90)
    assert n is not None
    low = quantile_ranks(n, 0.95)[0]
    assert low is not None and low > math.ceil(n * 0.90)
    assert samples_to_decide(0.95, 0.95) is None


def test_mean_interval_covers_the_exponential_mean() -> None:
    rng = np.random.default_rng(99)
    hits = sum(
        ci.lower <= 1.0 <= ci.upper for ci in (mean_ci(rng.exponential(size=400)) for _ in range(SIMULATIONS))
    )
    assert hits / SIMULATIONS >= 0.93


def test_heavy_tails_are_flagged_and_light_ones_are_not() -> None:
    rng = np.random.default_rng(3)
    assert mean_ci(rng.lognormal(0.0, 2.0, size=200)).heavy_tailed
    light = mean_ci(rng.uniform(size=200))
    assert not light.heavy_tailed and light.min_n_for_t < 5


@pytest.mark.parametrize(("p", "n"), [(0.05, 40), (0.3, 50), (0.9, 100)])
def test_clopper_pearson_covers_at_its_nominal_level(p: float, n: int) -> None:
    rng = np.random.default_rng(2024)
    intervals = [clopper_pearson(k, n) for k in range(n + 1)]
    ks = rng.binomial(n, p, SIMULATIONS)
    covered = np.mean([intervals[k][0] <= p <= intervals[k][1] for k in ks])
    assert covered >= 0.93


def test_clopper_pearson_edges() -> None:
    assert clopper_pearson(0, 10)[0] == 0.0
    assert clopper_pearson(10, 10)[1] == 1.0
    assert clopper_pearson(0, 10)[1] == pytest.approx(1 - 0.025 ** (1 / 10))
    with pytest.raises(ValueError):
        clopper_pearson(11, 10)


def test_trials_needed_to_show_four_nines() -> None:
    n = trials_for_ratio(0.9999, 0.95)
    assert n == 29956
    assert proportion_lower_bound(n, n) >= 0.9999
    assert proportion_lower_bound(n - 1, n - 1) < 0.9999


def test_littles_law_turns_users_into_an_arrival_rate() -> None:
    assert arrival_rate_for_users(100, think_time_s=9.0, response_time_s=1.0) == 10.0
    with pytest.raises(ValueError):
        arrival_rate_for_users(10, 0.0, 0.0)

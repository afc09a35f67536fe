"""Distribution-free statistics for observed evidence: quantile and proportion intervals, sample sizes.

Pure functions (numpy/scipy only). Quantile intervals come from order statistics and the binomial
distribution, so they hold for any continuous latency distribution, heavy tails included.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


def _sps() -> Any:
    """scipy.stats, imported on first use: it takes about a second, and a declared run needs none of it."""
    from scipy import stats

    return stats


@dataclass(frozen=True)
class QuantileCI:
    """A two-sided interval [lower, upper] for the q-quantile from order statistics X_(l) and X_(u).

    Indices are 1-based order-statistic ranks; None (and an infinite end) when the sample is too small
    for that end to exist at this confidence. `coverage` is the exact binomial coverage (>= confidence).
    """

    q: float
    n: int
    confidence: float
    estimate: float
    lower_index: int | None
    upper_index: int | None
    lower: float
    upper: float
    coverage: float

    @property
    def is_bounded(self) -> bool:
        """True when both ends are finite order statistics."""
        return self.lower_index is not None and self.upper_index is not None


@dataclass(frozen=True)
class MeanCI:
    """Student-t interval for the mean, with the skewness check that says whether to trust it.

    The t-interval leans on the central limit theorem; for skewed (heavy-tailed) latency it is only
    trustworthy when n > 25 * skewness**2 (Cochran's rule), reported as `min_n_for_t`.
    """

    mean: float
    lower: float
    upper: float
    n: int
    confidence: float
    std: float
    skewness: float
    min_n_for_t: int

    @property
    def heavy_tailed(self) -> bool:
        """True when the sample is too skewed for its size: the t-interval may under-cover."""
        return self.n <= self.min_n_for_t


def _largest_rank_below(n: int, q: float, alpha: float) -> int:
    """Largest j in [-1, n] with P(B <= j) <= alpha for B ~ Binomial(n, q) (-1 when none)."""
    j = int(_sps().binom.ppf(alpha, n, q))
    while j >= 0 and _sps().binom.cdf(j, n, q) > alpha:
        j -= 1
    while j + 1 <= n and _sps().binom.cdf(j + 1, n, q) <= alpha:
        j += 1
    return j


def _smallest_rank_above(n: int, q: float, alpha: float) -> int:
    """Smallest m in [0, n+1] with P(B >= m) <= alpha for B ~ Binomial(n, q)."""
    m = int(_sps().binom.isf(alpha, n, q))
    while m > 0 and _sps().binom.sf(m - 2, n, q) <= alpha:
        m -= 1
    while m <= n and _sps().binom.sf(m - 1, n, q) > alpha:
        m += 1
    return m


@functools.lru_cache(maxsize=4096)
def quantile_ranks(n: int, q: float, confidence: float = 0.95) -> tuple[int | None, int | None, float]:
    """1-based ranks (l, u) with P(X_(l) <= xi_q < X_(u)) >= confidence, equal tails, and the exact coverage.

    A rank is None when no order statistic of n samples can serve as that end. Remembered per (n, q,
    confidence): about 2.5 ms of binomial searches each, and a sequential probe, a load run's looks and the
    error-rate simulations ask for the same few again and again.
    """
    if not 0 < q < 1 or not 0 < confidence < 1 or n < 0:
        raise ValueError(f"need 0<q<1, 0<confidence<1, n>=0; got q={q}, confidence={confidence}, n={n}")
    alpha = (1 - confidence) / 2
    j = _largest_rank_below(n, q, alpha) if n else -1
    m = _smallest_rank_above(n, q, alpha) if n else 1
    low = j + 1 if j >= 0 else None
    up = m if 1 <= m <= n else None
    below = _sps().binom.cdf(low - 1, n, q) if low else 0.0
    above = _sps().binom.sf(up - 1, n, q) if up else 0.0
    return low, up, float(1 - below - above)


def quantile_ci(samples: Sequence[float] | np.ndarray, q: float, confidence: float = 0.95) -> QuantileCI:
    """Distribution-free confidence interval for the q-quantile of the population behind `samples`."""
    import numpy as np

    xs = np.sort(np.asarray(samples, dtype=float))
    n = len(xs)
    if n == 0:
        raise ValueError("quantile_ci needs at least one sample")
    low, up, coverage = quantile_ranks(n, q, confidence)
    estimate = float(xs[max(math.ceil(n * q), 1) - 1])
    return QuantileCI(
        q=q,
        n=n,
        confidence=confidence,
        estimate=estimate,
        lower_index=low,
        upper_index=up,
        lower=float(xs[low - 1]) if low else -math.inf,
        upper=float(xs[up - 1]) if up else math.inf,
        coverage=coverage,
    )


def min_samples_for_quantile(q: float, confidence: float = 0.95, *, two_sided: bool = True) -> int:
    """Smallest n whose quantile interval has finite ends (e.g. p99: 299 one-sided, 367 two-sided at 95%)."""
    alpha = (1 - confidence) / (2 if two_sided else 1)
    tail = max(q, 1 - q) if two_sided else q
    # the binding end is the one toward the nearer tail: P(all n samples below xi_q) = q**n <= alpha
    return math.ceil(math.log(alpha) / math.log(tail))


def _decides(n: int, q: float, frac_below: float, confidence: float) -> bool:
    """Would n samples with this empirical fraction below the bound put the bound outside the interval?"""
    low, up, _ = quantile_ranks(n, q, confidence)
    below = math.floor(n * frac_below)
    if frac_below > q:
        return up is not None and up <= below
    return low is not None and low > math.ceil(n * frac_below)


def samples_to_decide(
    q: float, frac_below: float, confidence: float = 0.95, *, limit: int = 10**8
) -> int | None:
    """Projected sample size at which the q-quantile interval would exclude a bound.

    `frac_below` is the observed fraction of samples under the bound; the projection assumes the observed
    distribution holds as n grows. None when it never would (frac_below == q) or only beyond `limit`.
    """
    if frac_below == q:
        return None
    hi = max(min_samples_for_quantile(q, confidence), 2)
    while not _decides(hi, q, frac_below, confidence):
        hi *= 2
        if hi > limit:
            return None
    lo = hi // 2
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if _decides(mid, q, frac_below, confidence) else (mid, hi)
    return hi


def mean_ci(samples: Sequence[float] | np.ndarray, confidence: float = 0.95) -> MeanCI:
    """Student-t confidence interval for the mean, with the skewness-based trust check (see MeanCI)."""
    import numpy as np

    xs = np.asarray(samples, dtype=float)
    n = len(xs)
    if n < 2:
        raise ValueError("mean_ci needs at least two samples")
    mean, std = float(xs.mean()), float(xs.std(ddof=1))
    half = float(_sps().t.ppf((1 + confidence) / 2, n - 1)) * std / math.sqrt(n)
    skew = float(_sps().skew(xs, bias=False)) if std > 1e-12 * max(1.0, abs(mean)) else 0.0
    skew = skew if math.isfinite(skew) else 0.0
    return MeanCI(
        mean=mean,
        lower=mean - half,
        upper=mean + half,
        n=n,
        confidence=confidence,
        std=std,
        skewness=skew,
        min_n_for_t=math.ceil(25 * skew**2),
    )


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) two-sided interval for a proportion with k successes in n trials."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n > 0; got k={k}, n={n}")
    alpha = 1 - confidence
    lower = 0.0 if k == 0 else float(_sps().beta.ppf(alpha / 2, k, n - k + 1))
    upper = 1.0 if k == n else float(_sps().beta.ppf(1 - alpha / 2, k + 1, n - k))
    return lower, upper


def proportion_lower_bound(k: int, n: int, confidence: float = 0.95) -> float:
    """One-sided exact lower confidence bound for a proportion (k successes in n trials)."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n > 0; got k={k}, n={n}")
    return 0.0 if k == 0 else float(_sps().beta.ppf(1 - confidence, k, n - k + 1))


def trials_for_ratio(target: float, confidence: float = 0.95) -> int:
    """Successes needed, with no failure, for the one-sided lower bound to reach `target` (99.99%: 29,956)."""
    if not 0 < target < 1:
        raise ValueError(f"target must be in (0, 1), got {target}")
    return math.ceil(math.log(1 - confidence) / math.log(target))


def arrival_rate_for_users(users: int, think_time_s: float, response_time_s: float) -> float:
    """Little's law: N users, each thinking Z s between a response and their next request, send N / (R + Z)
    requests per second when responses take R s."""
    if users < 0 or think_time_s < 0 or response_time_s < 0 or think_time_s + response_time_s == 0:
        raise ValueError("need users >= 0, times >= 0 and think + response time > 0")
    return users / (think_time_s + response_time_s)

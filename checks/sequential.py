"""Sequential stopping: a probe samples until its claim is decided, in either direction, with the error rate
the policy states however often it looks and whenever it stops.

Looking at a fixed-n bound (checks/sufficiency.py) after every batch and stopping at the first decision is
wrong: each look is another chance of a false decision (at the bound, 95% one-sided looks after every 10 of
2,000 samples decide falsely in ~25% of runs, not 5%: `simulate` shows it). This module uses tests that stay
valid under optional stopping.

**Method: beta-binomial mixture likelihood ratios** (Robbins 1970; the one-sided confidence sequences of
Howard, Ramdas, McAuliffe and Sekhon, Ann. Statist. 2021). For a proportion p (k successes of n) against a
bound p0, two test statistics run side by side:

    M+(k, n) = ∫_{p0}^{1} L(p) / L(p0) dπ+(p)        evidence that p > p0
    M-(k, n) = ∫_{0}^{p0} L(p) / L(p0) dπ-(p)        evidence that p < p0

with L(p) = p^k (1-p)^(n-k) and π± a Beta(s·p0, s·(1-p0)) prior, s = max(2, 1/min(p0, 1-p0)), truncated to
each side of p0 (in closed form with the regularised incomplete beta function). For every p <= p0 and every
p1 > p0, L(p1)/L(p0) is a nonnegative supermartingale starting at 1, and so is M+; by Ville's inequality
P(M+ >= 1/α at any n) <= α. So a claim "p >= p0" is PROVEN when M+ >= 1/α and DISPROVEN when M- >= 1/α,
each wrong with probability at most α = 1 - confidence, whatever the stopping rule; no indifference zone is
needed (unlike Wald's SPRT, which needs an alternative p1). Both statistics depend only on (k, n), so the
decision is a pure function of the counts so far. The interval reported is the confidence sequence: the
p0 neither statistic rejects.

**Quantiles** reduce to proportions by the order-statistic duality: "p_q <= B" holds iff F(B) = P(X <= B)
>= q, so each sample adds the indicator X <= B (X < B for "<" and ">=") and the claim is a proportion claim
about q. The interval reported for the quantile inverts the same test at every order statistic (a sequential
order-statistic bound). Means are not sequential here: they keep the fixed-n Student-t rule.

Nothing decides before the policy's `min_samples`; a probe stops INCONCLUSIVE at its budget. Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checks.sufficiency import DEFAULT_POLICY, Decision, SufficiencyPolicy, percent
from checks.verdicts import Outcome

if TYPE_CHECKING:
    import numpy as np

METHOD = "sequential beta-binomial mixture test, valid at any stopping time"
AT_LEAST = (">=", ">")
AT_MOST = ("<=", "<")


def _prior(p0: float) -> tuple[float, float]:
    s = max(2.0, 1.0 / min(p0, 1.0 - p0))
    return s * p0, s * (1.0 - p0)


def log_evidence(k: Any, n: Any, p0: float) -> tuple[Any, Any]:
    """(log M+, log M-) for k successes of n against p0 in (0, 1); k and n may be numpy arrays."""
    import numpy as np
    from scipy import special

    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    a, b = _prior(p0)
    common = special.betaln(a + k, b + n - k) - special.betaln(a, b) - k * math.log(p0)
    common = common - (n - k) * math.log1p(-p0)
    with np.errstate(divide="ignore"):  # a posterior mass that underflows is no evidence for that side
        up = common + np.log(special.betaincc(a + k, b + n - k, p0)) - math.log(special.betaincc(a, b, p0))
        down = common + np.log(special.betainc(a + k, b + n - k, p0)) - math.log(special.betainc(a, b, p0))
    return up, down


def _threshold(policy: SufficiencyPolicy) -> float:
    return math.log(1.0 / (1.0 - policy.confidence))


def proportion_outcome(k: int, n: int, comparator: str, p0: float, policy: SufficiencyPolicy) -> Outcome:
    """The sequential outcome of a proportion claim `p <comparator> p0` after k of n (see the docstring)."""
    if comparator not in AT_LEAST + AT_MOST:
        raise ValueError(f"comparator {comparator!r}: a sequential test needs <, <=, > or >=")
    if not 0.0 < p0 < 1.0:
        return _outcome_at_the_edge(k, n, comparator, p0)
    if n < policy.min_samples:
        return Outcome.INCONCLUSIVE
    up, down = (float(x) for x in log_evidence(k, n, p0))
    above, below = up >= _threshold(policy), down >= _threshold(policy)
    if comparator in AT_LEAST:
        return Outcome.PROVEN if above else Outcome.DISPROVEN if below else Outcome.INCONCLUSIVE
    return Outcome.PROVEN if below else Outcome.DISPROVEN if above else Outcome.INCONCLUSIVE


def _outcome_at_the_edge(k: int, n: int, comparator: str, p0: float) -> Outcome:
    """Bounds of 0 or 1 are decided exactly: one failure disproves 'p >= 1', one success proves 'p > 0'."""
    at_one = p0 >= 1.0
    settled_now = {">": Outcome.DISPROVEN, "<=": Outcome.PROVEN} if at_one else {
        "<": Outcome.DISPROVEN, ">=": Outcome.PROVEN}  # fmt: skip
    if comparator in settled_now:
        return settled_now[comparator]
    seen = k < n if at_one else k > 0  # a failure against 1, a success against 0
    if not seen:
        return Outcome.INCONCLUSIVE
    proves = comparator == ("<" if at_one else ">")
    return Outcome.PROVEN if proves else Outcome.DISPROVEN


def proportion_sequence(k: int, n: int, policy: SufficiencyPolicy) -> tuple[float, float]:
    """The confidence sequence for p after k of n: every p0 neither statistic rejects (one-sided each)."""
    if n == 0:
        return 0.0, 1.0
    limit = _threshold(policy)

    def rejected_below(p0: float) -> bool:  # "p > p0" established
        return bool(log_evidence(k, n, p0)[0] >= limit)

    def rejected_above(p0: float) -> bool:  # "p < p0" established
        return bool(log_evidence(k, n, p0)[1] >= limit)

    estimate = k / n
    lower = _edge(rejected_below, 1e-12, min(estimate, 1 - 1e-12), rising=True) if k > 0 else 0.0
    upper = _edge(rejected_above, max(estimate, 1e-12), 1 - 1e-12, rising=False) if k < n else 1.0
    return lower, upper


def _edge(rejected: Callable[[float], bool], lo: float, hi: float, *, rising: bool) -> float:
    """Bisection for where `rejected` turns: the last rejected p0 below (rising) or the first above."""
    if rising and not rejected(lo):
        return 0.0
    if not rising and not rejected(hi):
        return 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if rejected(mid) == rising:
            lo = mid
        else:
            hi = mid
    return lo if rising else hi


def sequential_proportion(
    k: int, n: int, comparator: str, bound: float, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Decision:
    """A share (k of n) against a fractional bound, decided sequentially (see the module docstring)."""
    outcome = proportion_outcome(k, n, comparator, bound, policy)
    if n == 0:
        return Decision(outcome, None, None, 0, "nothing observed yet")
    lower, upper = proportion_sequence(k, n, policy)
    sequence = f"{percent(policy.confidence)} confidence sequence {lower:.4%}..{upper:.4%}"
    said = f"{k}/{n} = {k / n:.4%} ({sequence}; {METHOD})"
    if n < policy.min_samples:
        said += f"; the policy needs at least {policy.min_samples} trials"
    return Decision(outcome, k / n, (lower, upper), n, said)


def _indicator_side(comparator: str) -> tuple[bool, str]:
    """For a quantile claim: (count X <= B rather than X < B, the proportion claim about q)."""
    return {"<=": (True, ">="), "<": (False, ">="), ">": (True, "<"), ">=": (False, "<")}[comparator]


def sequential_quantile(
    samples: Sequence[float] | np.ndarray,
    q: float,
    comparator: str,
    bound: float,
    policy: SufficiencyPolicy = DEFAULT_POLICY,
) -> Decision:
    """The q-quantile against a bound, decided sequentially through the indicator X <= B (or X < B)."""
    import numpy as np

    xs = np.sort(np.asarray(samples, dtype=float))
    n = len(xs)
    outcome = quantile_outcome(xs, q, comparator, bound, policy)
    if n == 0:
        return Decision(outcome, None, None, 0, "nothing observed yet")
    estimate = float(xs[min(n - 1, max(0, math.ceil(q * n) - 1))])
    lower, upper = quantile_sequence(xs, q, policy)
    said = (
        f"p{q * 100:g} {estimate:.4g} ({percent(policy.confidence)} confidence sequence "
        f"{lower:.4g}..{upper:.4g}, n={n}; {METHOD})"
    )
    if n < policy.min_samples:
        said += f"; the policy needs at least {policy.min_samples} samples"
    bounded = math.isfinite(lower) and math.isfinite(upper)  # an open side is no interval (nor valid JSON)
    return Decision(outcome, estimate, (lower, upper) if bounded else None, n, said)


def quantile_outcome(
    samples: Sequence[float] | np.ndarray,
    q: float,
    comparator: str,
    bound: float,
    policy: SufficiencyPolicy = DEFAULT_POLICY,
) -> Outcome:
    """The sequential outcome of 'p_q <comparator> bound': the proportion test on the indicator."""
    import numpy as np

    if comparator not in AT_LEAST + AT_MOST:
        raise ValueError(f"comparator {comparator!r}: a sequential test needs <, <=, > or >=")
    inclusive, claim = _indicator_side(comparator)
    xs = np.asarray(samples, dtype=float)
    k = int(np.count_nonzero(xs <= bound if inclusive else xs < bound))
    return proportion_outcome(k, len(xs), claim, q, policy)


def quantile_sequence(sorted_xs: np.ndarray, q: float, policy: SufficiencyPolicy) -> tuple[float, float]:
    """The confidence sequence for the q-quantile: between the largest order statistic x with F(x) < q
    established and the smallest with F(x) >= q established (-inf / inf where none is)."""
    import numpy as np

    n = len(sorted_xs)
    ranks = np.arange(1, n + 1)
    up, down = log_evidence(ranks, np.full(n, n), q)
    limit = _threshold(policy)
    at_least = np.flatnonzero(up >= limit)  # F(x_(j)) >= q established: the quantile is <= x_(j)
    below = np.flatnonzero(down[:-1] >= limit) if n > 1 else np.array([], dtype=int)  # F(x_(j)) < q
    upper = float(sorted_xs[at_least[0]]) if at_least.size else math.inf
    lower = float(sorted_xs[below[-1]]) if below.size else -math.inf
    return lower, upper


@dataclass(frozen=True)
class Stopped:
    """Where a sequential probe stopped: its decision, every sample taken, and why it stopped."""

    decision: Decision
    samples: tuple[float, ...]
    reason: str  # "decided" or "budget"


def until_decided(
    draw: Callable[[int], Sequence[float]],
    decide: Callable[[Sequence[float]], Decision],
    *,
    batch: int,
    max_n: int,
) -> Stopped:
    """Take `batch` samples at a time from `draw` until `decide` settles the claim or `max_n` are taken.

    Any stopping rule keeps the sequential tests' error rate; this one stops at the first decision."""
    if batch < 1 or max_n < 1:
        raise ValueError("batch and max_n must be positive")
    taken: list[float] = []
    while True:
        taken.extend(draw(min(batch, max_n - len(taken))))
        decision = decide(taken)
        if decision.decided:
            return Stopped(decision, tuple(taken), "decided")
        if len(taken) >= max_n:
            return Stopped(decision, tuple(taken), "budget")


@dataclass(frozen=True)
class Simulated:
    """How often a stopping rule decided each way over many simulated probes, and after how many samples."""

    proven: float
    disproven: float
    inconclusive: float
    mean_n: float


def simulate(
    p: float,
    comparator: str,
    p0: float,
    policy: SufficiencyPolicy,
    *,
    runs: int,
    max_n: int,
    look_every: int,
    rng: np.random.Generator,
    rule: str = "sequential",
) -> Simulated:
    """Simulate `runs` probes of a proportion with true value `p` against the claim `p <comparator> p0`,
    looking every `look_every` samples up to `max_n` and stopping at the first decision. `rule` is
    "sequential" (this module) or "fixed-n" (a one-sided Clopper-Pearson bound at every look: the mistake)."""
    import numpy as np

    looks = np.arange(look_every, max_n + 1, look_every)
    hits = rng.random((runs, max_n)) < p
    k = np.cumsum(hits, axis=1)[:, looks - 1]
    n = np.broadcast_to(looks, k.shape)
    above, below = _side_evidence(k, n, p0, policy, rule)
    above &= n >= policy.min_samples
    below &= n >= policy.min_samples
    proves, disproves = (above, below) if comparator in AT_LEAST else (below, above)
    first = _first(proves | disproves)
    decided = first < len(looks)
    proven = decided & proves[np.arange(runs), np.minimum(first, len(looks) - 1)]
    disproven = decided & ~proven
    stop_n = np.where(decided, looks[np.minimum(first, len(looks) - 1)], max_n)
    return Simulated(
        float(proven.mean()), float(disproven.mean()), float((~decided).mean()), float(stop_n.mean())
    )


def _side_evidence(k: Any, n: Any, p0: float, policy: SufficiencyPolicy, rule: str) -> tuple[Any, Any]:
    if rule == "sequential":
        up, down = log_evidence(k, n, p0)
        return up >= _threshold(policy), down >= _threshold(policy)
    import numpy as np
    from scipy import stats

    alpha = 1 - policy.confidence
    lower = np.where(k > 0, stats.beta.ppf(alpha, np.maximum(k, 1), n - k + 1), 0.0)
    upper = np.where(k < n, stats.beta.ppf(1 - alpha, k + 1, np.maximum(n - k, 1)), 1.0)
    return lower > p0, upper < p0


def _first(flags: Any) -> Any:
    """Index of the first True per row (the row length where none is)."""
    import numpy as np

    any_true = flags.any(axis=1)
    return np.where(any_true, flags.argmax(axis=1), flags.shape[1])

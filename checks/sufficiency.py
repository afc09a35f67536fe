"""When evidence is enough to decide a claim: the one sufficiency policy every evaluator uses.

A claim is PROVEN or DISPROVEN only when a confidence bound, not a point estimate, lies on one side of its
bound, and only from enough samples; otherwise it is INCONCLUSIVE, and the decision says how many samples
would decide. The numbers (confidence, minimum samples, minimum durations) come from the profile in
targets.yaml (`profiles.<name>.policy`) and every reason states them. Pure: no I/O, no clock.

- proportions (availability, "99.8% blocked", hit ratio): one-sided exact (Clopper-Pearson) bounds;
- percentiles: distribution-free order-statistic intervals, with at least the order statistics they need;
- means: Student-t, refused when the sample is too skewed for its size;
- rates and throughput: an exact Poisson interval over at least a minimum duration and count;
- worst cases (RTO, a maximum): every observation must hold, from at least `min_drills` observations; an
  observation known only within its resolution decides only when the whole bracket is on one side;
- "under load" claims are never PROVEN by evidence taken on an idle target;
- a load run may be looked at twice (`load_looks`): after a short first part, and, only when that decided
  nothing, after the rest of the full duration (the two parts judged together). Each look is judged at
  confidence 1 - (1 - c) / 2 (`per_look`, Bonferroni), so the chance that either look decides wrongly stays
  within 1 - c.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from checks.compare import COMPARATORS, holds, interval_outcome, needs_upper
from checks.stats import mean_ci, min_samples_for_quantile, quantile_ci, samples_to_decide
from checks.verdicts import Outcome

if TYPE_CHECKING:
    import numpy as np


def percent(confidence: float) -> str:
    """A confidence level for a reason: '95%', '97.5%' (never rounded to a level it is not)."""
    return f"{confidence * 100:.4g}%"


def _sps() -> Any:
    """scipy.stats, imported on first use: it takes about a second, and a declared run needs none of it."""
    from scipy import stats

    return stats


class SufficiencyPolicy(BaseModel):
    """The numbers that decide when evidence suffices (targets.yaml `profiles.<name>.policy`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    confidence: float = Field(default=0.95, gt=0.5, lt=1)
    min_samples: int = Field(default=30, ge=1)  # no statistic decides from fewer samples
    min_rate_duration_s: float = Field(default=10.0, gt=0)  # a rate is observed for at least this long
    min_rate_events: int = Field(default=100, ge=1)  # ... and over at least this many events
    min_drills: int = Field(default=1, ge=1)  # worst-case claims (RTO, RPO) need this many drills
    max_error_ratio: float = Field(default=0.01, ge=0, le=1)  # a load run with more errors stands for nothing
    rate_tolerance: float = Field(default=0.05, ge=0, lt=1)  # achieved rate may fall this short of offered
    # a generator late by more than this share of a latency bound (at p99) cannot disprove it unless the
    # disproof survives taking the lateness off (it is in the measurement): evaluate/latency.py _lateness
    max_lateness_fraction: float = Field(default=0.1, gt=0, le=1)

    def describe(self) -> str:
        """The policy in one phrase, for reasons: '95% confidence, n >= 30'."""
        return f"{percent(self.confidence)} confidence, n >= {self.min_samples}"


DEFAULT_POLICY = SufficiencyPolicy()


def per_look(policy: SufficiencyPolicy, looks: int) -> SufficiencyPolicy:
    """The policy each of `looks` looks at the evidence is judged by: confidence 1 - (1 - c) / looks
    (Bonferroni), so the chance that any look decides wrongly stays within 1 - c."""
    if looks <= 1:
        return policy
    return policy.model_copy(update={"confidence": 1 - (1 - policy.confidence) / looks})


def load_looks(
    seconds: float, rate: float, first_look_s: float | None, policy: SufficiencyPolicy
) -> tuple[float, ...]:
    """The load seconds after which one claim is looked at: `(seconds,)`, or first after a part just long
    enough for the policy (at least `first_look_s`, `min_rate_duration_s`, `min_rate_events` and
    `min_samples` at `rate`), then after the full `seconds` if the first part decided nothing. No first look
    when it would come after more than three quarters of the run: it would save too little."""
    if first_look_s is None or rate <= 0:
        return (seconds,)
    # a run's rate is observed from its first scheduled send to its last answer, one interval short of its
    # length: the first part is one interval longer than the policy's minimum duration
    first = max(
        first_look_s,
        policy.min_rate_duration_s + 1 / rate,
        policy.min_rate_events / rate,
        policy.min_samples / rate,
    )
    if first > seconds * 0.75:
        return (seconds,)
    return (round(first, 3), seconds)


@dataclass(frozen=True)
class Decision:
    """What the evidence decides about one bound: the outcome, the estimate with its interval, the sample
    size, how many samples would decide (when INCONCLUSIVE), and a sentence saying why."""

    outcome: Outcome
    estimate: float | None
    interval: tuple[float, float] | None
    n: int
    why: str
    needed_n: int | None = None

    @property
    def decided(self) -> bool:
        return self.outcome in (Outcome.PROVEN, Outcome.DISPROVEN)


def _check_comparator(comparator: str | None) -> str:
    if comparator not in COMPARATORS or comparator in ("present", "absent"):
        raise ValueError(f"comparator {comparator!r} does not compare a statistic")
    return comparator


def _too_few(n: int, need: int, what: str, policy: SufficiencyPolicy) -> Decision:
    return Decision(
        Outcome.INCONCLUSIVE, None, None, n, f"only {n} {what}; the policy needs at least {need}", need
    )


def _pct(x: float) -> str:
    return f"{x:.4%}" if 0.999 < x < 1 or 0 < x < 0.001 else f"{x:.2%}"


def proportion_bounds(k: int, n: int, confidence: float) -> tuple[float, float]:
    """One-sided exact bounds (lower, upper) for a proportion, each at `confidence`."""
    lower = 0.0 if k == 0 else float(_sps().beta.ppf(1 - confidence, k, n - k + 1))
    upper = 1.0 if k == n else float(_sps().beta.ppf(confidence, k + 1, n - k))
    return lower, upper


def trials_to_prove(bound: float, ratio: float, confidence: float, *, limit: int = 10**8) -> int | None:
    """Trials that would bring the one-sided bound past `bound` if the observed `ratio` held (None: never)."""
    if ratio <= bound:
        return None
    n = max(1, math.ceil(math.log(1 - confidence) / math.log(bound))) if ratio == 1.0 else 2
    while n <= limit:
        lower, _ = proportion_bounds(round(ratio * n), n, confidence)
        if lower > bound:
            return n
        n *= 2
    return None


def decide_proportion(
    k: int, n: int, comparator: str, bound: float, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Decision:
    """A share (k of n) against a fractional bound, decided by one-sided Clopper-Pearson bounds."""
    comparator = _check_comparator(comparator)
    if n < policy.min_samples:
        return _too_few(n, policy.min_samples, "trials", policy)
    lower, upper = proportion_bounds(k, n, policy.confidence)
    outcome = interval_outcome(lower, upper, comparator, bound)
    level = percent(policy.confidence)
    said = f"{k}/{n} = {_pct(k / n)} (one-sided {level} bounds {_pct(lower)}..{_pct(upper)})"
    needed = None
    if outcome is Outcome.INCONCLUSIVE and not needs_upper(comparator):
        needed = trials_to_prove(bound, k / n, policy.confidence)
    elif outcome is Outcome.INCONCLUSIVE:
        needed = trials_to_prove(1 - bound, 1 - k / n, policy.confidence)
    if needed:
        said += f"; about {needed} trials at this ratio would decide"
    return Decision(outcome, k / n, (lower, upper), n, said, needed)


def decide_quantile(
    samples: Sequence[float] | np.ndarray,
    q: float,
    comparator: str,
    bound: float,
    policy: SufficiencyPolicy = DEFAULT_POLICY,
) -> Decision:
    """The q-quantile against a bound, from a distribution-free order-statistic interval."""
    comparator = _check_comparator(comparator)
    n = len(samples)
    need = max(policy.min_samples, min_samples_for_quantile(q, policy.confidence))
    if n < need:
        return _too_few(n, need, f"samples for p{q * 100:g}", policy)
    ci = quantile_ci(samples, q, policy.confidence)
    outcome = interval_outcome(ci.lower, ci.upper, comparator, bound)
    needed = None
    if outcome is Outcome.INCONCLUSIVE:
        import numpy as np

        below = float(np.mean(np.asarray(samples, dtype=float) < bound))
        needed = samples_to_decide(q, below, policy.confidence)
    said = (
        f"p{q * 100:g} {ci.estimate:.4g} ({percent(policy.confidence)} CI "
        f"{ci.lower:.4g}..{ci.upper:.4g}, n={n})"
    )
    return Decision(outcome, ci.estimate, (ci.lower, ci.upper), n, said, needed)


def decide_mean(
    samples: Sequence[float] | np.ndarray,
    comparator: str,
    bound: float,
    policy: SufficiencyPolicy = DEFAULT_POLICY,
) -> Decision:
    """The mean against a bound from a t-interval; INCONCLUSIVE when the sample is too skewed for its size."""
    comparator = _check_comparator(comparator)
    n = len(samples)
    if n < max(policy.min_samples, 2):
        return _too_few(n, max(policy.min_samples, 2), "samples for a mean", policy)
    ci = mean_ci(samples, policy.confidence)
    said = f"mean {ci.mean:.4g} ({percent(policy.confidence)} CI {ci.lower:.4g}..{ci.upper:.4g}, n={n})"
    if ci.heavy_tailed:
        why = (
            f"{said}, but too skewed (skewness {ci.skewness:.1f}) for a t-interval below n = {ci.min_n_for_t}"
        )
        return Decision(Outcome.INCONCLUSIVE, ci.mean, (ci.lower, ci.upper), n, why, ci.min_n_for_t)
    outcome = interval_outcome(ci.lower, ci.upper, comparator, bound)
    needed = None
    if outcome is Outcome.INCONCLUSIVE and ci.mean != bound:
        z = float(_sps().norm.ppf((1 + policy.confidence) / 2))
        needed = math.ceil((z * ci.std / (ci.mean - bound)) ** 2)
    return Decision(outcome, ci.mean, (ci.lower, ci.upper), n, said, needed)


def poisson_rate_bounds(events: int, duration_s: float, confidence: float) -> tuple[float, float]:
    """One-sided exact bounds (lower, upper) for an event rate per second, each at `confidence`."""
    alpha = 1 - confidence
    lower = 0.0 if events == 0 else float(_sps().chi2.ppf(alpha, 2 * events)) / 2
    upper = float(_sps().chi2.ppf(1 - alpha, 2 * events + 2)) / 2
    return lower / duration_s, upper / duration_s


def decide_rate(
    events: int,
    duration_s: float,
    comparator: str,
    bound_per_s: float,
    policy: SufficiencyPolicy = DEFAULT_POLICY,
) -> Decision:
    """An observed rate (events over a duration) against a bound in events per second."""
    comparator = _check_comparator(comparator)
    if duration_s < policy.min_rate_duration_s or events < policy.min_rate_events:
        why = (
            f"{events} events over {duration_s:.1f} s; the policy needs at least {policy.min_rate_events} "
            f"events over {policy.min_rate_duration_s:g} s"
        )
        return Decision(Outcome.INCONCLUSIVE, events / duration_s if duration_s else None, None, events, why)
    lower, upper = poisson_rate_bounds(events, duration_s, policy.confidence)
    outcome = interval_outcome(lower, upper, comparator, bound_per_s)
    said = (
        f"{events / duration_s:.4g}/s over {duration_s:.1f} s ({percent(policy.confidence)} bounds "
        f"{lower:.4g}..{upper:.4g}/s, {events} events)"
    )
    return Decision(outcome, events / duration_s, (lower, upper), events, said)


def decide_worst_case(
    values: Sequence[float], comparator: str, bound: float, policy: SufficiencyPolicy = DEFAULT_POLICY
) -> Decision:
    """A bound every observation must meet (RTO of each drill, a maximum): one violation disproves; proof
    needs every observation within the bound and at least `min_drills` of them."""
    comparator = _check_comparator(comparator)
    n = len(values)
    if n == 0:
        return Decision(Outcome.INCONCLUSIVE, None, None, 0, "nothing was observed", policy.min_drills)
    worst = max(values) if needs_upper(comparator) or comparator == "==" else min(values)
    said = f"worst of {n}: {worst:.4g}"
    if not all(holds(v, comparator, bound) for v in values):
        return Decision(Outcome.DISPROVEN, worst, (min(values), max(values)), n, said)
    if n < policy.min_drills:
        why = f"{said}; the policy needs at least {policy.min_drills} observations"
        return Decision(Outcome.INCONCLUSIVE, worst, (min(values), max(values)), n, why, policy.min_drills)
    return Decision(Outcome.PROVEN, worst, (min(values), max(values)), n, said)


def decide_worst_case_bracketed(
    brackets: Sequence[tuple[float, float]],
    comparator: str,
    bound: float,
    policy: SufficiencyPolicy = DEFAULT_POLICY,
) -> Decision:
    """A worst-case bound over observations each known only within a bracket [low, high] (a drill's
    resolution, a sampling interval). One observation beyond the bound wherever it lies in its bracket
    disproves; proof needs every observation within the bound wherever it lies, and at least `min_drills`."""
    comparator = _check_comparator(comparator)
    n = len(brackets)
    if n == 0:
        return decide_worst_case([], comparator, bound, policy)
    outcomes = [interval_outcome(lo, hi, comparator, bound) for lo, hi in brackets]
    upper = needs_upper(comparator) or comparator == "=="
    worst = max(brackets, key=lambda b: b[1]) if upper else min(brackets, key=lambda b: b[0])
    span = (min(lo for lo, _ in brackets), max(hi for _, hi in brackets))
    said = f"worst of {n}: {worst[0]:.4g}..{worst[1]:.4g}"
    estimate = worst[1] if upper else worst[0]
    if Outcome.DISPROVEN in outcomes:
        return Decision(Outcome.DISPROVEN, estimate, span, n, said)
    if Outcome.INCONCLUSIVE in outcomes:
        why = f"{said} straddles the bound {bound:g}"
        return Decision(Outcome.INCONCLUSIVE, estimate, span, n, why)
    if n < policy.min_drills:
        why = f"{said}; the policy needs at least {policy.min_drills} observations"
        return Decision(Outcome.INCONCLUSIVE, estimate, span, n, why, policy.min_drills)
    return Decision(Outcome.PROVEN, estimate, span, n, said)


def decide_count_in_window(
    count: int, observed_s: float, window_s: float, comparator: str, bound: float
) -> Decision:
    """A count against a per-window bound ('<= 100 requests/min'). A count over an upper bound seen in no
    more than one window disproves it outright; a count within the bound over a full window proves it."""
    comparator = _check_comparator(comparator)
    said = f"{count} in {observed_s:.2f} s (window {window_s:g} s)"
    over = not holds(count, comparator, bound)
    if needs_upper(comparator) and over and observed_s <= window_s:
        return Decision(Outcome.DISPROVEN, float(count), None, count, said)
    if observed_s >= window_s:
        return Decision(Outcome.DISPROVEN if over else Outcome.PROVEN, float(count), None, count, said)
    return Decision(Outcome.INCONCLUSIVE, float(count), None, count, f"{said}: less than one window observed")


def is_under_load(condition: str | None, load_rps: float | None, load_users: int | None) -> bool:
    """True when the claim holds 'under load' (its scope names a load, or its condition says so)."""
    return bool(load_rps or load_users or (condition and "load" in condition.lower()))


def cap_idle(decision: Decision, *, claim_under_load: bool, evidence_loaded: bool) -> Decision:
    """An 'under load' claim is never PROVEN by evidence taken on an idle target (DISPROVEN stands: an idle
    target already over the bound is over it under load too)."""
    if decision.outcome is not Outcome.PROVEN or not claim_under_load or evidence_loaded:
        return decision
    why = f"{decision.why}; the claim holds under load but this evidence was taken without load"
    return Decision(Outcome.INCONCLUSIVE, decision.estimate, decision.interval, decision.n, why)

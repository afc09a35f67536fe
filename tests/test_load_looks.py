"""Two looks at a load run (checks/sufficiency.py `load_looks`, `per_look`; fixtures/load.py
`LoadRunner.judged`): a claim the first part of a run decides is not loaded further, one it leaves open is
judged on both parts together, and the two looks together decide wrongly no more often than one look would."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from checks.collect.load.samples import new_histogram
from checks.compare import interval_outcome
from checks.evaluate.latency import latency_within
from checks.evidence.load import LatencySamples, LoadRun
from checks.evidence.origin import Origin
from checks.evidence.timings import Timings
from checks.stats import quantile_ci
from checks.sufficiency import SufficiencyPolicy, decide_quantile, load_looks, per_look
from checks.targets import HttpEndpoint, LoadProfile, Target
from checks.verdicts import Outcome
from fixtures.load import LoadRunner, TimingsUnderLoad
from tests.evaluate.factories import ORIGIN, claim, preflight, samples

POLICY = SufficiencyPolicy()
HTTP = HttpEndpoint(base_url="https://gw.test", routes={"api": "/api"})


def test_a_profile_without_a_first_look_looks_once_at_the_whole_run() -> None:
    assert load_looks(20, 150, None, POLICY) == (20,)


def test_the_first_look_comes_after_the_policys_minimums() -> None:
    # min_rate_duration_s is 10 s, and a rate is observed over one interval less than the run's length
    assert load_looks(20, 150, 10, POLICY) == (10.007, 20)
    assert load_looks(60, 150, 5, POLICY) == (10.007, 60)
    assert load_looks(60, 8, 10, POLICY) == (12.5, 60)  # 100 events at 8 req/s take 12.5 s


def test_no_first_look_when_it_would_come_after_three_quarters_of_the_run() -> None:
    assert load_looks(20, 5.25, 10, POLICY) == (20,)  # 100 events at 5.25 req/s take 19 s
    assert load_looks(13, 150, 10, POLICY) == (13,)


def test_each_of_two_looks_is_judged_at_half_the_error_rate() -> None:
    assert per_look(POLICY, 2).confidence == pytest.approx(0.975)
    assert per_look(POLICY, 1) is POLICY


def _samples(
    latencies_ms: np.ndarray, rate: float = 150.0, *, url: str = "https://gw.test/api"
) -> LatencySamples:
    base = samples(latencies_ms, rate=rate)
    histogram = new_histogram()
    for value in base.latencies_us:
        histogram.record_value(int(value))
    return replace(base, url=url, histogram=histogram.encode().decode("ascii"))


def test_two_parts_joined_are_one_run() -> None:
    first, later = _samples(np.full(1500, 2.0)), _samples(np.full(1500, 4.0))
    both = first.joined(later)
    assert both.n == 3000 and both.scheduled == 3000 and both.sent == 3000
    assert both.duration_s == pytest.approx(20.0) and both.achieved_rate == pytest.approx(150.0)
    assert both.status_counts == {200: 3000} and both.hdr().get_total_count() == 3000
    assert both.latencies_us[:1] == (2000.0,) and both.latencies_us[-1:] == (4000.0,)
    assert both.more_logs == (later.log_path,)


def test_runs_of_other_urls_or_rates_are_not_joined() -> None:
    first = _samples(np.full(100, 2.0))
    with pytest.raises(ValueError, match="one URL at one rate"):
        first.joined(_samples(np.full(100, 2.0), url="https://gw.test/other"))
    with pytest.raises(ValueError, match="one URL at one rate"):
        first.joined(_samples(np.full(100, 2.0), rate=300.0))


class _Parts(LoadRunner):
    """A runner whose parts are made-up samples: `ms` per part, in order; each call is recorded."""

    def __init__(
        self,
        parts_ms: list[float],
        profile: LoadProfile,
        max_rps: float = 600,
        starts: list[float] | None = None,
        lost: bool = False,
    ) -> None:
        super().__init__(Target(kind="staging", http=HTTP, max_rps=max_rps), "t", profile)
        self.parts_ms, self.sent = parts_ms, []
        self.starts, self.lost = starts, lost

    def _run(self, route_class: str, path: str, rate: float, seconds: float, part: str) -> LoadRun:
        run = LoadRun("https://gw.test/api", route_class, rate, self.target.max_rps, seconds, origin=ORIGIN)
        if run.over_governor:
            return run
        self.sent.append((seconds, part))
        ms = self.parts_ms[len(self.sent) - 1]
        latencies = np.random.default_rng(len(self.sent)).exponential(ms, round(rate * seconds))
        made = _samples(latencies, rate)
        if self.starts is not None:
            made = replace(made, started_at=self.starts[len(self.sent) - 1])
        if self.lost:
            made = replace(made, lost_workers=("w1",))
        return LoadRun(run.url, route_class, rate, run.max_rps, seconds, preflight(), made)


LOOKING = LoadProfile(latency_seconds=20, first_look_s=10, latency_rps=150, probe_count=10)


def _judge(bound_ms: float, runner: _Parts, seconds: float = 20) -> tuple[LoadRun, object]:
    c = claim("http.latency", "latency", bound=bound_ms, scope={"statistic": "p95"})
    return runner.judged(
        "api", "/api", 150.0, seconds, lambda r, p: latency_within(r, c, p), upper_bound=True
    )


def test_a_claim_the_first_part_decides_is_not_loaded_further() -> None:
    runner = _Parts([2.0, 2.0], LOOKING)
    run, verdict = _judge(100, runner)
    assert verdict.outcome is Outcome.PROVEN and runner.sent == [(10.007, "")]
    assert verdict.evidence["look"] == 1 and "97.5% confidence" in verdict.reason
    assert "first 10 s of a 20 s run" in verdict.reason
    assert run.samples is not None and run.samples.n == 1501


def test_a_claim_the_first_part_leaves_open_is_judged_on_both_parts() -> None:
    # p95 of an exponential with mean 10 ms is ~30 ms: at the bound, undecided after 10 s
    runner = _Parts([10.0, 10.0], LOOKING)
    run, verdict = _judge(30.0, runner)
    assert runner.sent == [(10.007, ""), (9.993, "after-10.007s")]
    assert run.samples is not None and run.samples.n == 3000 and run.seconds == 20
    assert run.samples.parts_s == pytest.approx((10.007, 9.993), abs=0.01) and run.samples.gap_s == 0.0
    assert verdict.evidence["look"] == 2 and "the first 10 s left it open" in verdict.reason
    assert verdict.evidence["confidence"] == pytest.approx(0.975)


def test_a_defect_in_the_second_part_still_disproves() -> None:
    runner = _Parts([10.0, 200.0], LOOKING)
    _, verdict = _judge(30.0, runner)
    assert verdict.outcome is Outcome.DISPROVEN and len(runner.sent) == 2


def test_nothing_sent_is_no_look() -> None:
    runner = _Parts([2.0], LOOKING, max_rps=100)
    _, verdict = _judge(100, runner)
    assert runner.sent == [] and "look" not in verdict.evidence and "97.5%" not in verdict.reason


def test_without_a_first_look_the_whole_run_is_judged_at_the_policys_confidence() -> None:
    runner = _Parts([2.0], LoadProfile(latency_seconds=20, latency_rps=150, probe_count=10))
    _, verdict = _judge(100, runner)
    assert runner.sent == [(20, "")] and "look" not in verdict.evidence and "95% CI" in verdict.reason


def _decided(xs: np.ndarray, comparator: str, bound: float, policy: SufficiencyPolicy) -> bool:
    """decide_quantile's rule (p95's order-statistic interval on one side of the bound), without the
    estimate of how many samples would decide, which the simulation does not need."""
    ci = quantile_ci(xs, 0.95, policy.confidence)
    return interval_outcome(ci.lower, ci.upper, comparator, bound) is not Outcome.INCONCLUSIVE


def test_the_simulated_rule_is_decide_quantiles() -> None:
    xs = np.random.default_rng(3).exponential(10.0, 1500)
    for bound in (25.0, 30.0, 35.0):
        assert _decided(xs, "<", bound, POLICY) == decide_quantile(xs, 0.95, "<", bound, POLICY).decided


@pytest.mark.parametrize("comparator", ["<", ">"])
def test_two_looks_at_the_bound_decide_wrongly_within_alpha(comparator: str) -> None:
    """True p95 exactly at the bound: whichever way a look decides, it is wrong. Over 2,000 runs of two
    looks (1,500 then 3,000 samples), each at 97.5%, the share decided is within α = 5% (+ three standard
    errors); the same two looks at 95% each decide wrongly more often."""
    generator, scale, runs = np.random.default_rng(5), 10.0, 2000
    bound = scale * np.log(20.0)
    each, wrong, naive = per_look(POLICY, 2), 0, 0
    for _ in range(runs):
        xs = generator.exponential(scale, 3000)
        wrong += _decided(xs[:1500], comparator, bound, each) or _decided(xs, comparator, bound, each)
        naive += _decided(xs[:1500], comparator, bound, POLICY) or _decided(xs, comparator, bound, POLICY)
    # two standard errors over α: the naive procedure (about 7%) fails this bound, the Bonferroni one passes
    assert wrong / runs <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / runs)
    assert naive / runs > 0.05 + 2 * np.sqrt(0.05 * 0.95 / runs)


def test_parts_made_far_apart_are_not_joined_the_whole_run_is_made_instead() -> None:
    # the first part was made by another claim 600 s earlier: a pause that long is not one run
    runner = _Parts([10.0, 10.0, 10.0], LOOKING, starts=[1000.0, 1610.0, 1640.0])
    run, verdict = _judge(30.0, runner)
    assert runner.sent == [(10.007, ""), (9.993, "after-10.007s"), (20, "whole")]
    assert run.samples is not None and run.samples.parts_s == () and run.samples.n == 3000
    assert "judged on a whole 20 s run" in verdict.reason


def test_joined_parts_keep_their_lengths_and_the_pause() -> None:
    first = replace(_samples(np.full(1500, 2.0)), started_at=1000.0)
    later = replace(_samples(np.full(1500, 2.0)), started_at=1011.5)
    both = first.joined(later)
    assert both.parts_s == (10.0, 10.0) and both.gap_s == pytest.approx(1.5)
    assert both.longest_part_s == 10.0 and both.ended_at == pytest.approx(later.ended_at)


def test_a_point_rule_disproof_at_the_first_look_does_not_stop_the_run() -> None:
    from checks.verdicts import EvidenceLevel, Verdict, disproven, proven

    runner = _Parts([2.0, 2.0], LOOKING)
    seen: list[int] = []

    def judge(run: LoadRun, policy: SufficiencyPolicy) -> Verdict:
        assert run.samples is not None
        seen.append(run.samples.n)
        if len(seen) == 1:  # 1.2% errors at look 1: a point estimate, no confidence bound
            return disproven("BP-T-01", EvidenceLevel.OBSERVED, "1.2% failed", evidence={"point_rule": "e"})
        return proven("BP-T-01", EvidenceLevel.OBSERVED, "0.4% failed over both parts")

    _, verdict = runner.judged("api", "/api", 150.0, 20, judge)
    assert seen == [1501, 3000] and verdict.outcome is Outcome.PROVEN and len(runner.sent) == 2


def test_a_first_part_with_a_lost_worker_is_not_continued() -> None:
    runner = _Parts([10.0, 10.0], LOOKING, lost=True)
    _, verdict = _judge(30.0, runner)
    assert runner.sent == [(10.007, "")] and verdict.outcome is Outcome.INCONCLUSIVE


QUICK = LoadProfile(latency_seconds=2, latency_rps=150, probe_count=10)
UNDER_LOAD = {"condition": "under load"}


def _timed(interval_s: float, origin: Origin) -> Timings:
    assert origin.load_rps == 150.0
    return Timings("postgresql://db.test", "SELECT 1", (1.0,) * 40)


def test_timings_share_the_api_run_and_latency_claims_on_it_say_so() -> None:
    runner = _Parts([2.0, 2.0, 2.0], QUICK)
    got = TimingsUnderLoad(runner)(claim("db.query_latency", "latency", scope=UNDER_LOAD), "q", 40, _timed)
    assert got.load is not None and runner.sent == [(2, "")]
    # an upper-bound latency claim is judged on that run, and its reason names what else it carried
    _, verdict = _judge(100, runner, seconds=2)
    assert runner.sent == [(2, "")] and "40 timed 'q' round trips" in verdict.reason
    # a claim without an upper bound gets a run of its own
    lower = claim("http.latency", "latency", comparator=">", bound=1, scope={"statistic": "p95"})
    _, other = runner.judged("api", "/api", 150.0, 2, lambda r, p: latency_within(r, lower, p))
    assert runner.sent == [(2, ""), (2, "own")] and "beside" not in other.evidence


def test_timings_after_the_run_was_made_get_a_run_of_their_own() -> None:
    runner = _Parts([2.0, 2.0], QUICK)
    _judge(100, runner, seconds=2)  # the latency claim made the shared run first
    got = TimingsUnderLoad(runner)(claim("db.query_latency", "latency", scope=UNDER_LOAD), "q", 40, _timed)
    assert got.load is not None and runner.sent == [(2, ""), (2, "timings-q")]

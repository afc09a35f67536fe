"""The geo suite's sampling rule: a probe whose claims are all percentiles stops once they are decided."""

from __future__ import annotations

import pytest

from checks.evidence.geo import VantageLatency
from checks.sufficiency import SufficiencyPolicy
from checks.targets import VantagePoint
from suites.geo_latency.test_geo import Pair, _all_decided, _joined
from tests.collect.test_geo_parallel import claim

POLICY = SufficiencyPolicy(min_samples=30)
POINT = VantagePoint(name="local", kind="local", city="Buenos Aires")


def samples(ttfb: list[float], status: int = 200) -> VantageLatency:
    n = len(ttfb)
    return VantageLatency(
        "local", "Buenos Aires", "https://x/h", (1.0,) * n, (1.0,) * n, tuple(ttfb), tuple(ttfb),
        (status,) * n, (),
    )  # fmt: skip


def test_a_pair_with_a_mean_claim_keeps_its_fixed_count() -> None:
    assert Pair(POINT, "/h", (claim(1, "p50", "<", 100.0),)).sequential
    assert not Pair(POINT, "/h", (claim(1, "p50", "<", 100.0), claim(2, "mean", "<", 100.0))).sequential
    assert not Pair(POINT, "/h", ()).sequential


@pytest.mark.parametrize("n", [20, 40])
def test_sampling_stops_when_every_claim_is_decided(n: int) -> None:
    pair = Pair(POINT, "/h", (claim(1, "p50", "<", 100.0), claim(2, "p50", ">", 1.0)))
    assert _all_decided(samples([10.0] * n), pair, POLICY) == (n >= 30)  # the policy's minimum first


def test_one_open_claim_keeps_the_probe_going_and_a_failed_request_stops_it() -> None:
    pair = Pair(POINT, "/h", (claim(1, "p50", "<", 100.0), claim(2, "p50", "<", 10.0)))
    assert not _all_decided(samples([9.0, 11.0] * 20), pair, POLICY)  # p50 right at 10 ms: open
    assert _all_decided(samples([10.0] * 5, status=503), pair, POLICY)


def test_batches_join_in_order() -> None:
    joined = _joined(samples([1.0, 2.0]), samples([3.0]))
    assert joined.ttfb_ms == (1.0, 2.0, 3.0) and joined.n == 3

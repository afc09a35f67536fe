"""HPA/Deployment collectors and the scaling-timeline sampler against the replay server's timelines."""

from __future__ import annotations

import time
from collections.abc import Iterator

import kubernetes.client as k8s
import pytest

from checks.collect.kube import (
    MetricTarget,
    ScalingApis,
    ScalingPolicy,
    collect_scaling_config,
    sample_scaling_timeline,
)
from checks.errors import AccessDenied
from tests.kube_replay import ReplayServer, Route, default_routes, load, serve

HPA_PATH = "/apis/autoscaling/v2/namespaces/tenant-a/horizontalpodautoscalers/web"


class FakeClock:
    """A monotonic clock that only moves when the sampler sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(default_routes()) as srv:
        yield srv


@pytest.fixture
def apis(server: ReplayServer) -> Iterator[ScalingApis]:
    with k8s.ApiClient(k8s.Configuration(host=server.url)) as client:
        yield ScalingApis(k8s.CoreV1Api(client), k8s.AutoscalingV2Api(client), k8s.AppsV1Api(client))


def test_hpa_config_reads_bounds_metrics_and_behavior(apis: ScalingApis) -> None:
    config = collect_scaling_config(apis.autoscaling, apis.apps, "tenant-a")
    (hpa,) = config.hpas
    assert (hpa.target, hpa.min_replicas, hpa.max_replicas) == ("Deployment/web", 2, 10)
    assert hpa.metrics == (
        MetricTarget("Resource", "cpu", "Utilization", "70"),
        MetricTarget("Resource", "memory", "AverageValue", "512Mi"),
    )
    assert hpa.scale_up is not None and hpa.scale_down is not None
    assert hpa.scale_up.policies == (ScalingPolicy("Percent", 100, 15), ScalingPolicy("Pods", 4, 15))
    assert (hpa.scale_up.stabilization_window_s, hpa.scale_down.stabilization_window_s) == (0, 300)


def test_deployment_without_ready_replicas_field_counts_zero(apis: ScalingApis) -> None:
    deployments = {
        d.name: d for d in collect_scaling_config(apis.autoscaling, apis.apps, "tenant-a").deployments
    }
    assert (deployments["web"].replicas, deployments["web"].ready_replicas) == (2, 2)
    assert (deployments["worker"].replicas, deployments["worker"].ready_replicas) == (1, 0)


def test_timeline_replays_successive_states_with_an_injected_clock(apis: ScalingApis) -> None:
    clock, triggered = FakeClock(), []
    timeline = sample_scaling_timeline(
        apis,
        "tenant-a",
        "web",
        "web",
        duration_s=9.0,
        interval_s=1.0,
        trigger=lambda: triggered.append(clock()),
        clock=clock,
        sleep=clock.sleep,
    )
    assert [s.desired_replicas for s in timeline.samples] == [2, 2, 2, 4, 4, 4, 4, 4, 4, 4]
    assert [s.ready_replicas for s in timeline.samples] == [2, 2, 2, 2, 2, 2, 3, 4, 4, 4]
    assert [s.t for s in timeline.samples] == [float(i) for i in range(10)]
    assert timeline.rescales == ((3.0, 2, 4),) and triggered == [100.0]
    assert [e.reason for e in timeline.events] == ["SuccessfulRescale"]
    assert timeline.events[0].message.startswith("New size: 4")


def test_timeline_stops_when_asked(apis: ScalingApis, server: ReplayServer) -> None:
    clock = FakeClock()
    timeline = sample_scaling_timeline(
        apis,
        "tenant-a",
        "web",
        "web",
        duration_s=60.0,
        clock=clock,
        sleep=clock.sleep,
        stop_when=lambda s: s.ready_replicas >= 4,
    )
    assert len(timeline.samples) == 8 and len(server.requests_to(HPA_PATH)) == 8


def test_timeline_never_runs_past_its_timeout_in_real_time(apis: ScalingApis) -> None:
    started = time.monotonic()
    timeline = sample_scaling_timeline(apis, "tenant-a", "web", "web", duration_s=0.3, interval_s=0.1)
    assert time.monotonic() - started < 1.0
    times = [s.t for s in timeline.samples]
    assert times == sorted(times) and 3 <= len(times) <= 5
    assert all(s.t <= s.t_end for s in timeline.samples)


def test_timeline_forbidden_hpa_read_is_access_denied(apis: ScalingApis, server: ReplayServer) -> None:
    status = dict(
        load("forbidden_networkpolicies_tenant-c.json"), message="horizontalpodautoscalers is forbidden"
    )
    server.add(Route("GET", HPA_PATH, [status], status=403))
    with pytest.raises(AccessDenied, match="horizontalpodautoscalers/web"):
        sample_scaling_timeline(apis, "tenant-a", "web", "web", duration_s=1.0)


@pytest.mark.parametrize(("bound_s", "outcome"), [(8, "PROVEN"), (6, "DISPROVEN"), (7, "INCONCLUSIVE")])
def test_collected_timeline_feeds_time_to_scale(apis: ScalingApis, bound_s: int, outcome: str) -> None:
    from checks.evaluate.autoscaling import time_to_scale
    from checks.ledger import Claim

    clock = FakeClock()
    timeline = sample_scaling_timeline(
        apis, "tenant-a", "web", "web", duration_s=9.0, clock=clock, sleep=clock.sleep
    )
    claim = Claim.model_validate(
        {
            "id": "BP-D09-SCALE-01",
            "system": "BarberPro",
            "category": "autoscaling",
            "statement": "scales fast",
            "sources": [{"file": "001_ca4cc006242b71e0.txt", "line": 187, "quote": "3-20 replicas"}],
            "metric": "scale_up_time",
            "check": "autoscaling.time_to_scale",
            "method": "replayed timeline",
            "comparator": "<",
            "bound": bound_s,
            "unit": "s",
        }
    )
    verdict = time_to_scale(timeline, claim)  # 4 ready first seen at t=7 (after 3 at t=6)
    assert verdict.outcome.value == outcome and verdict.measured == (6.0, 7.0)

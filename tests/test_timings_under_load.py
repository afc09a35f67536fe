"""Timings under load (fixtures/load.py): where no load can run, timings are taken idle, with the reason."""

from __future__ import annotations

from checks.evidence.origin import Origin
from checks.evidence.timings import Timings
from checks.targets import HttpEndpoint, LoadProfile, Target
from fixtures.load import LoadRunner, TimingsUnderLoad
from tests.evaluate.factories import claim

PROFILE = LoadProfile(latency_seconds=20, latency_rps=150, probe_count=10)
HTTP = HttpEndpoint(base_url="https://gw.test", routes={"api": "/api"})


def taken(interval_s: float, origin: Origin) -> Timings:
    assert interval_s == 0.0 and origin.load_rps == 0.0  # idle: back to back, no load
    return Timings("postgresql://db.test", "SELECT 1", (1.0,) * 40)


def under(target: Target, profile: LoadProfile | None = PROFILE) -> TimingsUnderLoad:
    return TimingsUnderLoad(LoadRunner(target, "t", profile))


def test_a_claim_without_load_is_timed_idle() -> None:
    got = under(Target(kind="staging", http=HTTP, max_rps=100))(
        claim("db.query_latency", "latency"), "q", 40, taken
    )
    assert got.load is None and got.needed_rps == 0 and got.idle_because == "the claim names no load"


def test_a_target_that_takes_no_load_is_timed_idle_with_the_reason() -> None:
    loaded = claim("db.query_latency", "latency", scope={"load_users": 100})
    got = under(Target(kind="staging", http=HTTP, max_rps=0))(loaded, "q", 40, taken)
    assert got.needed_rps > 0 and "takes no load" in (got.idle_because or "")


def test_a_load_over_the_governor_is_not_sent() -> None:
    loaded = claim("db.query_latency", "latency", scope={"load_users": 100_000})
    got = under(Target(kind="staging", http=HTTP, max_rps=100))(loaded, "q", 40, taken)
    assert got.load is None and "governor allows 100 req/s" in (got.idle_because or "")


def test_without_a_profile_nothing_is_sent() -> None:
    loaded = claim("db.query_latency", "latency", scope={"load_users": 100})
    got = under(Target(kind="staging", http=HTTP, max_rps=100), None)(loaded, "q", 40, taken)
    assert got.load is None and "no load profile" in (got.idle_because or "")


def test_the_same_operation_and_load_are_timed_once() -> None:
    calls: list[float] = []

    def counted(interval_s: float, origin: Origin) -> Timings:
        calls.append(interval_s)
        return taken(interval_s, origin)

    timer = under(Target(kind="staging", http=HTTP, max_rps=100))
    c = claim("db.query_latency", "latency")
    assert timer(c, "q", 40, counted) is timer(c, "q", 40, counted) and len(calls) == 1

"""Physics floor for latency: great-circle distance through fibre."""

from __future__ import annotations

import pytest

from checks.evaluate.declared import physics
from checks.evaluate.declared.physics import great_circle_km, load_geo, rtt_floor_ms
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import claim


def _geo_claim(bound: float, stated: float | None = None, region: str = "sa-east-1") -> Claim:
    return claim(
        "BP-T-90",
        metric="geo_latency",
        comparator="<",
        bound=bound,
        unit="ms",
        stated_value=stated,
        check="geo.latency",
        category="geo-latency",
        params={"vantage_city": "Buenos Aires", "serving_region": region},
    )


def test_buenos_aires_to_sao_paulo() -> None:
    geo = load_geo()
    ba, sp = geo.find("Buenos Aires"), geo.find("SA-East-1A")
    assert ba is not None and sp is not None and sp.name == "sa-east-1"
    assert great_circle_km(ba, sp) == pytest.approx(1675, abs=10)
    assert rtt_floor_ms(ba, sp, geo.km_per_ms) == pytest.approx(16.75, abs=0.1)


def test_every_listed_place_is_known() -> None:
    geo = load_geo()
    for name in (
        "Córdoba",
        "cordoba",
        "Rosario",
        "La Plata",
        "Mendoza",
        "São Paulo",
        "us-east-1",
        "US-West-2",
        "eu-west-1",
        "ap-southeast-1",
    ):
        assert geo.find(name) is not None, name


def test_a_bound_below_the_floor_is_disproven() -> None:
    (verdict,) = physics.analyze([_geo_claim(15)], load_geo())
    assert verdict.outcome == Outcome.DISPROVEN and "at least 16.7 ms" in verdict.reason


def test_a_stated_value_below_the_floor_is_disproven() -> None:
    (verdict,) = physics.analyze([_geo_claim(80, stated=12)], load_geo())
    assert verdict.outcome == Outcome.DISPROVEN and "the stated 12 ms" in verdict.reason


def test_above_the_floor_is_left_to_observation() -> None:
    (verdict,) = physics.analyze([_geo_claim(20)], load_geo())
    assert verdict.outcome == Outcome.INCONCLUSIVE and "needs observation from Buenos Aires" in verdict.reason


def test_us_east_is_too_far_for_80_ms_from_buenos_aires() -> None:
    (verdict,) = physics.analyze([_geo_claim(80, region="us-east-1")], load_geo())
    assert verdict.outcome == Outcome.DISPROVEN


def test_unknown_places_are_not_judged() -> None:
    assert physics.analyze([_geo_claim(1, region="mars-north-1")], load_geo()) == []


def _served(bound: float, statistic: str | None = None, **params: object) -> Claim:
    return claim(
        "BP-T-91",
        metric="geo_latency",
        comparator="<",
        bound=bound,
        unit="ms",
        check="geo.latency",
        category="geo-latency",
        scope={"statistic": statistic} if statistic else {},
        params={"vantage_city": "Buenos Aires", "serving_region": "sa-east-1", **params},
    )


def test_a_promise_to_every_request_must_hold_for_writes_to_the_primary() -> None:
    found = physics.analyze([_served(80, write_region="us-east-1")], load_geo())
    writes = [v for v in found if v.evidence.get("writes")]
    assert [v.outcome for v in writes] == [Outcome.DISPROVEN] and "a write from Buenos Aires" in writes[
        0
    ].reason
    assert "at least 84.2 ms" in writes[0].reason


def test_a_mean_may_be_carried_by_reads_so_writes_stay_open() -> None:
    found = physics.analyze([_served(80, "mean", write_region="us-east-1")], load_geo())
    (writes,) = [v for v in found if v.evidence.get("writes")]
    assert writes.outcome == Outcome.INCONCLUSIVE and "carried by reads" in writes.reason


def test_writes_to_a_near_primary_are_consistent() -> None:
    found = physics.analyze([_served(80, write_region="sa-east-1")], load_geo())
    assert all(v.outcome == Outcome.INCONCLUSIVE for v in found)


def _global(bound: float, served_from: str) -> Claim:
    return claim(
        "BB-T-92",
        system="BookedBarber V2",
        metric="geo_latency",
        comparator="<",
        bound=bound,
        unit="ms",
        check="geo.latency",
        category="geo-latency",
        scope={"statistic": "p95", "regions": ["us-east-1", "eu-west-1", "ap-southeast-1"]},
        params={"served_from": served_from},
    )


def test_a_global_claim_is_judged_for_the_farthest_region_serving_users() -> None:
    (verdict,) = physics.analyze([_global(100, "us-east-1")], load_geo())
    assert verdict.outcome == Outcome.DISPROVEN and "ap-southeast-1 (Singapore)" in verdict.reason
    assert verdict.evidence["farthest"] == "ap-southeast-1" and verdict.measured == pytest.approx(
        155.2, abs=0.1
    )


def test_a_global_claim_within_the_farthest_floor_is_left_to_observation() -> None:
    (verdict,) = physics.analyze([_global(200, "us-east-1")], load_geo())
    assert verdict.outcome == Outcome.INCONCLUSIVE

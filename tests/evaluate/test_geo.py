"""Geo latency from a vantage point: the median by default, emulated paths capped, the physics floor kept."""

from __future__ import annotations

from typing import Any

import pytest

from checks.evaluate.declared.physics import load_geo
from checks.evaluate.geo import geo_latency_within, physics_floor_ms
from checks.judgement import Scope, judged
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome, Provenance
from tests.evaluate.factories import claim as make_claim
from tests.evaluate.factories import vantage

PARAMS = {"vantage_city": "Buenos Aires", "serving_region": "sa-east-1"}


def claim(**fields: Any) -> Claim:
    base = {"bound": 80, "scope": {"vantage": "Buenos Aires"}, "params": PARAMS}
    return make_claim("geo.latency", "geo-latency", **(base | fields))


BASE = claim()
FLOOR = physics_floor_ms(BASE, load_geo())  # Buenos Aires to São Paulo: ~16.8 ms


def test_the_floor_is_computed_from_the_claims_city_and_region() -> None:
    assert pytest.approx(16.8, abs=0.5) == FLOOR
    assert physics_floor_ms(claim(params={"vantage_city": "Buenos Aires"}), load_geo()) is None


def test_median_under_the_bound_is_proven_by_default() -> None:
    verdict = geo_latency_within(vantage(30, connect_ms=20), BASE, FLOOR)
    assert verdict.outcome is Outcome.PROVEN and verdict.level is EvidenceLevel.OBSERVED
    assert verdict.evidence["statistic"] == "p50" and "Buenos Aires" in verdict.reason
    assert verdict.interval is not None and verdict.n == 40


def test_median_over_the_bound_is_disproven() -> None:
    assert geo_latency_within(vantage(100, connect_ms=20), BASE, FLOOR).outcome is Outcome.DISPROVEN


def test_too_few_requests_are_inconclusive() -> None:
    verdict = geo_latency_within(vantage(30, n=10, connect_ms=20), BASE, FLOOR)
    assert verdict.outcome is Outcome.INCONCLUSIVE and "needs at least 30" in verdict.reason


def test_a_stated_percentile_is_kept() -> None:
    p95 = claim(scope={"vantage": "Buenos Aires", "statistic": "p95"})
    verdict = geo_latency_within(vantage(30, n=200, connect_ms=20), p95, FLOOR)
    assert verdict.outcome is Outcome.PROVEN and verdict.evidence["statistic"] == "p95"


def test_a_round_trip_below_the_physics_floor_is_an_emulation_failure() -> None:
    # Córdoba and Mendoza were PROVEN at p50 0.15 ms when the delay daemon was missing
    verdict = geo_latency_within(vantage(0.15, connect_ms=0.05), BASE, FLOOR)
    assert verdict.outcome is Outcome.ERROR and "below the physics floor" in verdict.reason


def test_a_round_trip_at_the_floor_is_judged() -> None:
    verdict = geo_latency_within(vantage(30, connect_ms=FLOOR or 0), BASE, FLOOR)
    assert verdict.outcome is Outcome.PROVEN


def test_without_a_serving_region_there_is_no_floor_to_break() -> None:
    assert geo_latency_within(vantage(0.15, connect_ms=0.05), BASE, None).outcome is Outcome.PROVEN


def test_an_emulated_vantage_point_gives_emulated_evidence() -> None:
    verdict = geo_latency_within(vantage(30, connect_ms=20, provenance=Provenance.EMULATED), BASE, FLOOR)
    assert verdict.provenance is Provenance.EMULATED and verdict.evidence["emulated"] is True


def test_emulated_evidence_is_capped_at_inconclusive_with_its_measurement_shown() -> None:
    verdict = geo_latency_within(vantage(30, connect_ms=20, provenance=Provenance.EMULATED), BASE, FLOOR)
    final = judged(verdict, Scope("local", "sandbox")).verdict
    assert final.outcome is Outcome.INCONCLUSIVE and "would have been PROVEN" in final.reason
    assert final.measured == verdict.measured


def test_round_trip_and_server_share_are_reported_apart() -> None:
    verdict = geo_latency_within(vantage(30, connect_ms=20), BASE, FLOOR)
    assert verdict.evidence["connect_p50_ms"] == 20.0
    assert verdict.evidence["server_share_p50_ms"] == pytest.approx(10.2)
    assert "network round trip (TCP connect) p50 20.00 ms" in verdict.reason


def test_failed_requests_make_it_an_error() -> None:
    verdict = geo_latency_within(vantage(30, status=503, connect_ms=20), BASE, FLOOR)
    assert (
        verdict.outcome is Outcome.ERROR and verdict.evidence["non_2xx"] == 40 and "[503]" in verdict.reason
    )


def test_the_claim_itself_is_not_mutated() -> None:
    geo_latency_within(vantage(30, connect_ms=20), BASE, FLOOR)
    assert BASE.scope.statistic is None


def test_a_claim_written_without_params_has_no_floor() -> None:
    bare = make_claim("geo.latency", "geo-latency", scope={"regions": ["us-east-1"]})
    assert physics_floor_ms(bare, load_geo()) is None

"""Latency seen from the cities the documents name, measured from the target's vantage points."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from checks.collect.geo import collect_vantage_latency
from checks.evaluate.declared.physics import load_geo
from checks.evaluate.geo import geo_latency_within, physics_floor_ms
from checks.evaluate.observed import params_of
from checks.evidence.geo import VantageLatency
from checks.ledger import Claim
from checks.params import GeoParams
from checks.sufficiency import SufficiencyPolicy
from checks.targets import Target, VantagePoint
from fixtures.claims import claim_params
from fixtures.endpoints import route_for
from fixtures.judging import Judge
from fixtures.once import CollectOnce

SAMPLES = 80


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().strip().lower()


def vantage_for(target: Target, claim: Claim) -> VantagePoint | None:
    """The vantage point in the claim's city (scope.vantage or params.vantage_city)."""
    city = claim.scope.vantage or params_of(claim, GeoParams).vantage_city
    if not city:
        return None
    return next((v for v in target.vantage_points if v.city and _plain(v.city) == _plain(city)), None)


@pytest.fixture(scope="session")
def vantage_latency(target: Target, target_name: str) -> Callable[[VantagePoint, str], VantageLatency]:
    """Latency samples per (vantage point, route), taken once per session and shared by the claims."""
    once: CollectOnce[tuple[str, str], VantageLatency] = CollectOnce("vantage latency")

    def get(vantage: VantagePoint, path: str) -> VantageLatency:
        http = target.http
        assert http is not None
        return once.get(
            (vantage.name, path),
            lambda: collect_vantage_latency(
                vantage, http, path, SAMPLES, kube=target.kubernetes, target=target_name
            ),
        )

    return get


@pytest.mark.parametrize("claim", claim_params("geo.latency"))
def test_latency_from_city_within_bound(
    claim: Claim,
    judge: Judge,
    target: Target,
    vantage_latency: Callable[[VantagePoint, str], VantageLatency],
    policy: SufficiencyPolicy,
) -> None:
    judge.need(target.http, "an HTTP endpoint")
    city = claim.scope.vantage or params_of(claim, GeoParams).vantage_city or claim.scope.regions
    vantage = judge.need(vantage_for(target, claim), f"a vantage point in {city}")
    route = judge.need(route_for(target, claim, "health"), "a route to measure")
    floor = physics_floor_ms(claim, load_geo())
    judge(geo_latency_within(vantage_latency(vantage, route), claim, floor, policy))

"""Data residency: declared storage regions against localization claims."""

from __future__ import annotations

from checks.evaluate.declared import residency
from checks.evaluate.declared.physics import geo_from, load_geo
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import DAY08, claim


def _localization(statement: str = "PDPA Argentina data localization is enforced.") -> Claim:
    return claim(
        "BP-T-A0",
        metric="data_residency",
        comparator="present",
        bound=True,
        check="residency.regions",
        category="compliance",
        statement=statement,
        file=DAY08,
        line=54,
    )


def _replicas(regions: list[str]) -> Claim:
    return claim(
        "BP-T-A1",
        metric="replica_count",
        comparator="==",
        bound=6,
        unit="replicas",
        check="inventory.components",
        category="data",
        statement="Database read replicas.",
        scope={"component": "database cluster"},
        params={"regions": regions},
        file=DAY08,
        line=46,
    )


def test_replicas_outside_argentina_disprove_localization() -> None:
    (verdict,) = residency.analyze([_localization(), _replicas(["us-east-1", "sa-east-1"])], load_geo())
    assert verdict.outcome == Outcome.DISPROVEN
    assert "us-east-1 (US)" in verdict.reason and "sa-east-1 (BR)" in verdict.reason
    assert f"{DAY08}:46" in verdict.cites


def test_storage_inside_the_jurisdiction_is_fine() -> None:
    geo = geo_from({"regions": {"ar-bue-1": {"lat": -34.6, "lon": -58.4, "country": "AR"}}})
    assert residency.analyze([_localization(), _replicas(["ar-bue-1"])], geo) == []


def test_authorized_transfer_claims_get_the_facts_only() -> None:
    transfers = _localization("Cross-border transfers in Argentina are authorized and monitored.")
    (verdict,) = residency.analyze([transfers, _replicas(["us-east-1"])], load_geo())
    assert verdict.outcome == Outcome.INCONCLUSIVE


def test_non_storage_claims_do_not_place_data() -> None:
    compute = claim(
        "BP-T-A2",
        metric="regions",
        comparator="==",
        bound=("us-east-1",),
        statement="Spot compute.",
        scope={"component": "compute"},
    )
    assert residency.analyze([_localization(), compute], load_geo()) == []

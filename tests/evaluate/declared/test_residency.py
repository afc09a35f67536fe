"""Data residency: declared storage regions against residency claims, jurisdictions from params and scope."""

from __future__ import annotations

from typing import Any

import pytest

from checks.evaluate.declared import residency
from checks.evaluate.declared.physics import load_geo
from checks.evaluate.declared.residency import REGIONAL, load_jurisdictions
from checks.ledger import Claim
from checks.verdicts import Outcome
from tests.evaluate.declared.factories import DAY08, DAY14, claim


def _residency(**fields: Any) -> Claim:
    data: dict[str, Any] = {
        "metric": "data_residency",
        "comparator": "present",
        "bound": True,
        "check": "residency.regions",
        "category": "compliance",
        "statement": "Data stays in the jurisdiction.",
        "file": DAY08,
        "line": 54,
    }
    data.update(fields)
    return claim("BP-T-A0", **data)


def _store(regions: list[str], claim_id: str = "BP-T-A1", **fields: Any) -> Claim:
    data: dict[str, Any] = {
        "metric": "replica_count",
        "comparator": "==",
        "bound": 6,
        "unit": "replicas",
        "check": "inventory.components",
        "category": "data",
        "statement": "Database read replicas.",
        "scope": {"component": "database cluster"},
        "params": {"regions": regions},
        "file": DAY08,
        "line": 46,
    }
    data.update(fields)
    return claim(claim_id, **data)


def test_replicas_outside_argentina_disprove_localization() -> None:
    found = residency.analyze([_residency(params={"jurisdiction": "AR"}), _store(["us-east-1", "sa-east-1"])])
    (verdict,) = found
    assert verdict.outcome == Outcome.DISPROVEN
    assert "us-east-1 (US)" in verdict.reason and "sa-east-1 (BR)" in verdict.reason
    assert f"{DAY08}:46" in verdict.cites


def test_eu_west_1_is_ireland_inside_the_eu() -> None:
    (verdict,) = residency.analyze([_residency(params={"jurisdiction": "EU"}), _store(["eu-west-1"])])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "stays in EU" in verdict.reason


def test_a_law_names_its_jurisdiction_across_providers() -> None:
    stores = _store(["europe-west1-b", "northeurope", "eu-central-1a"])
    (verdict,) = residency.analyze([_residency(params={"jurisdiction": "GDPR"}), stores])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "stays in EEA" in verdict.reason


def test_the_jurisdiction_comes_from_the_scope_region() -> None:
    found = residency.analyze([_residency(scope={"region": "eu-west-1"}), _store(["eu-west-1", "us-east-1"])])
    (verdict,) = found
    assert verdict.outcome == Outcome.DISPROVEN and "outside EEA" in verdict.reason


def test_the_verdict_does_not_depend_on_the_words_quoted() -> None:
    worded = _residency(statement="PDPA Argentina data localization is enforced in the EU too.")
    (verdict,) = residency.analyze([worded, _store(["us-east-1"])])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "names no jurisdiction" in verdict.reason


def test_regional_residency_breaks_when_one_data_set_is_copied_across_laws() -> None:
    regions = ["us-east-1", "eu-west-1", "ap-southeast-1"]
    sessions = _store(
        regions, metric="cache_replication", scope={"component": "redis"}, params={"regions": regions}
    )
    (verdict,) = residency.analyze([_residency(scope={"regions": regions}), sessions])
    assert verdict.outcome == Outcome.DISPROVEN and "copied between regions" in verdict.reason


def test_regional_residency_holds_for_a_sharded_placement() -> None:
    shards = _store(
        ["1-100:us-east-1", "101-200:eu-west-1"], metric="shard_placement", scope={}, params={}, bound=None
    )
    shards = shards.model_copy(update={"bound": ("1-100:us-east-1", "101-200:eu-west-1"), "comparator": "=="})
    (verdict,) = residency.analyze([_residency(scope={"regions": ["us-east-1", "eu-west-1"]}), shards])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "stays in its own region" in verdict.reason


def test_authorized_transfer_claims_get_the_facts_only() -> None:
    transfers = _residency(metric="cross_border_transfers", params={"jurisdiction": "AR"})
    (verdict,) = residency.analyze([transfers, _store(["us-east-1"])])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "transfer records" in verdict.reason


def test_non_storage_claims_do_not_place_data() -> None:
    compute = claim(
        "BP-T-A2",
        metric="regions",
        comparator="==",
        bound=("us-east-1",),
        statement="Spot compute.",
        scope={"component": "compute"},
    )
    assert residency.analyze([_residency(params={"jurisdiction": "AR"}), compute]) == []


def test_storage_declared_by_another_document_is_a_conflict() -> None:
    elsewhere = _store(["us-east-1"], file=DAY14, line=516)
    (verdict,) = residency.analyze([_residency(params={"jurisdiction": "AR"}), elsewhere])
    assert verdict.outcome == Outcome.INCONCLUSIVE and "other documents of BarberPro" in verdict.reason


@pytest.mark.parametrize(
    ("region", "country"),
    [
        ("SA-East-1A", "BR"),
        ("eu-west-1", "IE"),
        ("europe-west1-b", "BE"),
        ("westeurope", "NL"),
        ("mars-1", None),
    ],
)
def test_regions_and_zones_map_to_their_country(region: str, country: str | None) -> None:
    assert load_jurisdictions().country_of(region) == country


def test_jurisdiction_codes() -> None:
    law = load_jurisdictions()
    assert law.code("eu") == "EU" and law.code("GDPR") == "EEA" and law.code("regional") == REGIONAL
    assert law.contains("EU", "IE") and not law.contains("EU", "NO") and law.contains("EEA", "NO")
    assert law.code("Atlantis") is None


def test_every_region_the_physics_table_knows_has_the_same_country_here() -> None:
    law = load_jurisdictions()
    for name, place in load_geo().places.items():
        if "-" in name and law.country_of(name) is not None:
            assert law.country_of(name) == place.country, name

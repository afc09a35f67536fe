"""The check registry: typed params and bindings validated at load, and the generated SCHEMA reference."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checks.bindings import InventoryBinding
from checks.errors import ConfigError
from checks.ledger import Claim, default_ledger, load_ledger_file
from checks.params import GeoParams, Params
from checks.registry import CHECKS, binding_as, schema_markdown, validate_target_bindings
from checks.targets import Target

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- registry:begin -->", "<!-- registry:end -->"


def _entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": "BP-T-01", "system": "BarberPro", "category": "geo-latency", "statement": "A test claim.",
        "sources": [{"file": "doc.txt", "line": 1, "quote": "quote"}], "metric": "geo_latency",
        "check": "geo.latency", "method": "A test method.",
    }  # fmt: skip
    entry.update(changes)
    return entry


def test_params_are_typed_by_the_claims_check() -> None:
    claim = Claim.model_validate(_entry(params={"vantage_city": "Córdoba"}))
    assert claim.params_as(GeoParams).vantage_city == "Córdoba"
    with pytest.raises(TypeError):
        claim.params_as(type("Other", (Params,), {}))


def test_an_unknown_params_key_names_the_file_entry_and_key(tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "system": "BarberPro",
                "id_prefix": "BP",
                "documents": ["doc.txt"],
                "claims": [_entry(params={"vantage_citty": "Córdoba"})],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_ledger_file(path)
    assert "[BP-T-01]" in str(caught.value) and "params.vantage_citty" in str(caught.value)


def test_an_entry_needs_a_claim_role_source() -> None:
    with pytest.raises(ValueError, match="role 'claim'"):
        Claim.model_validate(
            _entry(sources=[{"file": "d.txt", "line": 1, "quote": "quote", "role": "evidence"}])
        )


def _target(bindings: dict[str, object]) -> Target:
    return Target.model_validate({"kind": "staging", "bindings": bindings})


def test_a_binding_for_an_unknown_claim_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"bindings\.BP-NOPE-01"):
        validate_target_bindings(
            "targets.yaml", "t", _target({"BP-NOPE-01": {"route": "/x"}}), default_ledger()
        )


def test_a_bad_binding_value_names_the_key_and_value() -> None:
    bad = _target({"BP-D08-DB-05": {"source": "rds_instance_clas", "instance": "x"}})
    with pytest.raises(ConfigError) as caught:
        validate_target_bindings("targets.yaml", "t", bad, default_ledger())
    assert "bindings.BP-D08-DB-05.source" in str(caught.value) and "rds_instance_clas" in str(caught.value)


def test_an_unknown_key_in_a_family_binding_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"bindings\.isolation\.tenant_colum"):
        validate_target_bindings(
            "targets.yaml", "t", _target({"isolation": {"tenant_colum": "x"}}), default_ledger()
        )


def test_a_valid_binding_is_read_typed() -> None:
    ledger = default_ledger()
    target = _target({"BP-D08-DB-05": {"source": "rds_instance_class", "instance": "db1"}})
    validate_target_bindings("targets.yaml", "t", target, ledger)
    bound = binding_as(target, ledger["BP-D08-DB-05"], InventoryBinding)
    assert bound is not None and bound.instance == "db1"
    assert binding_as(_target({}), ledger["BP-D08-DB-05"], InventoryBinding) is None


def test_every_seed_claim_names_a_registered_check() -> None:
    assert {c.check for c in default_ledger()} <= set(CHECKS)


def test_schema_md_carries_the_current_registry() -> None:
    text = (ROOT / "claims" / "SCHEMA.md").read_text(encoding="utf-8")
    assert BEGIN in text and END in text, "claims/SCHEMA.md lacks the generated registry section"
    embedded = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert embedded == schema_markdown().strip(), "stale: run `python -m checks.registry --write-schema`"

"""The defect catalog as data, and how the selftest judges a flip (no sandbox needed)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from checks.ledger import default_ledger
from checks.targets import LoadProfile, Target
from sandbox.app.routes_fault import overrides_from
from sandbox.app.state import Overrides
from sandbox.components.base import ComponentStatus
from sandbox.config import SandboxConfig, alternative_ports, config_from_dict, config_to_dict
from sandbox.defects import store
from sandbox.defects.catalog import AREAS, Flip, load_catalog
from sandbox.defects.mechanism import MECHANISMS
from sandbox.defects.selftest import SELFTEST_PROFILE, Judged, judge_flip
from sandbox.targetfile import local_entry, target_for

CATALOG = load_catalog()
LOCAL = Target.model_validate(local_entry())


def test_at_least_twenty_defects_across_the_areas() -> None:
    assert len(CATALOG.defects) >= 20
    covered = {d.area for d in CATALOG.defects}
    assert (
        {
            "isolation",
            "tls",
            "headers",
            "special-category",
            "latency",
            "rate-limit",
            "replication",
            "storage",
            "monitoring",
            "sessions",
            "webhooks",
        }
        <= covered
        <= set(AREAS)
    )


def test_every_claim_a_defect_names_is_in_the_ledger_and_not_a_waiver() -> None:
    ledger = default_ledger()
    for defect in CATALOG.defects:
        for claim in defect.claims:
            assert claim in ledger, (defect.name, claim)
            assert not ledger[claim].is_waived, (defect.name, claim)


def test_a_defect_never_lists_a_claim_as_both_broken_and_control() -> None:
    for defect in CATALOG.defects:
        assert not {f.claim for f in defect.breaks} & set(defect.controls), defect.name


def test_every_fidelity_flip_names_a_constructed_source_of_the_local_target() -> None:
    sources = {f.source for d in CATALOG.defects for f in d.breaks if f.expect == "fidelity"}
    assert sources and sources <= set(LOCAL.constructed)


def test_every_mechanism_is_used_and_every_defect_builds_its_mechanism() -> None:
    assert {d.how for d in CATALOG.defects} == set(MECHANISMS)
    for defect in CATALOG.defects:
        assert defect.mechanism() is not None


def test_a_fidelity_flip_without_its_source_is_refused() -> None:
    with pytest.raises(ValueError, match="source"):
        Flip(claim="X", reason="r", why="w", expect="fidelity")
    with pytest.raises(ValueError, match="source"):
        Flip(claim="X", reason="r", why="w", source="aws")


def test_the_sandboxes_emulated_vantage_points_are_the_cities() -> None:
    emulated = {v.name for v in LOCAL.vantage_points if v.emulated}
    assert emulated == {v.name for v in LOCAL.vantage_points if v.city}


# -- judging a flip --------------------------------------------------------------------------------------

FLIP = Flip(claim="X", reason="TLSv1\\.2", why="w")
FIDELITY = Flip(claim="X", reason="10d", why="w", expect="fidelity", source="prometheus.flags")


def judged(verdict: str, reason: str = "", measured: object = None) -> Judged:
    return Judged(verdict, reason, measured)


def test_a_proven_claim_disproven_for_the_right_reason_flips() -> None:
    ok, _ = judge_flip(FLIP, judged("PROVEN"), judged("DISPROVEN", "accepts TLSv1.2"))
    assert ok


def test_disproven_for_another_reason_does_not_count() -> None:
    ok, note = judge_flip(FLIP, judged("PROVEN"), judged("DISPROVEN", "HSTS missing"))
    assert not ok and "does not match" in note


@pytest.mark.parametrize("after", ["INCONCLUSIVE", "ERROR", "PROVEN", "NOT_APPLICABLE"])
def test_anything_but_disproven_does_not_count(after: str) -> None:
    assert not judge_flip(FLIP, judged("PROVEN"), judged(after, "accepts TLSv1.2"))[0]


def test_a_claim_already_disproven_before_planting_shows_nothing() -> None:
    ok, note = judge_flip(FLIP, judged("DISPROVEN", "x"), judged("DISPROVEN", "accepts TLSv1.2"))
    assert not ok and "already DISPROVEN" in note


def test_a_fidelity_flip_is_gated_and_still_shows_the_check_found_the_planted_value() -> None:
    gate = "sandbox fidelity: retention set from 003:92. The check found: "
    found = gate + "retention 10d (which would have been DISPROVEN)"
    held = gate + "retention 30d (which would have been PROVEN)"
    assert judge_flip(FIDELITY, judged("PROVEN"), judged("NOT_APPLICABLE", found, "10d"))[0]
    assert not judge_flip(FIDELITY, judged("PROVEN"), judged("NOT_APPLICABLE", held, "30d"))[0]


ANOTHER = Flip(claim="X", reason="accepts TLSv1\\.2", why="w", expect="another_reason")


def test_a_claim_disproven_elsewhere_flips_only_when_the_planted_fault_adds_its_own_reason() -> None:
    before = judged("DISPROVEN", "PostgreSQL primary is not encrypted")
    added = judged("DISPROVEN", "the gateway: also accepts TLSv1.2; PostgreSQL primary is not encrypted")
    assert judge_flip(ANOTHER, before, added)[0]
    ok, note = judge_flip(ANOTHER, before, before)  # the defect changed nothing the verdict says
    assert not ok and "not among its reasons" in note
    ok, note = judge_flip(ANOTHER, added, added)  # the reason was there before planting
    assert not ok and "before planting" in note
    ok, note = judge_flip(ANOTHER, judged("PROVEN"), added)  # then it is an ordinary flip, not this one
    assert not ok and "expected DISPROVEN before planting" in note


def test_a_fidelity_flip_that_is_not_gated_does_not_count() -> None:
    ok, note = judge_flip(FIDELITY, judged("PROVEN"), judged("DISPROVEN", "retention 10d"))
    assert not ok and "sandbox fidelity" in note


# -- the pieces the catalog stands on -------------------------------------------------------------------


def test_the_local_target_rewritten_for_the_default_sandbox_moves_only_paths() -> None:
    moved, local = target_for(SandboxConfig()), local_entry()
    assert {k for k in moved if moved[k] != local[k]} <= {
        "description",
        "runtime_env_file",
        "http",
        "bindings",
    }
    assert moved["http"]["base_url"] == local["http"]["base_url"]
    assert moved["vantage_points"] == local["vantage_points"]


def test_the_local_target_rewritten_for_other_ports_and_namespaces_validates() -> None:
    tenants = tuple(
        dataclasses.replace(t, netns=t.netns.replace("cc-", "cz-")) for t in SandboxConfig().tenants
    )
    cfg = SandboxConfig(
        run_dir=Path("/tmp/x"), ports=alternative_ports(300), tenants=tenants, subnet_base=101
    )
    target = Target.model_validate(target_for(cfg))
    assert target.postgres is not None and target.postgres.primary.port == cfg.ports.pg_primary
    assert target.http is not None and target.http.base_url.endswith(f":{cfg.ports.https}")
    norte = next(v for v in target.vantage_points if v.name == "tenant-norte")
    assert norte.netns == "cz-t-norte" and norte.gateway_url == f"https://10.250.101.1:{cfg.ports.https}"
    assert yaml.safe_dump(target_for(cfg))  # plain data


def test_a_sandbox_config_survives_json() -> None:
    cfg = SandboxConfig(run_dir=Path("/tmp/y"), ports=alternative_ports(7), subnet_base=50)
    assert config_from_dict(config_to_dict(cfg)) == cfg


def test_planted_records_are_written_before_and_read_back(tmp_path: Path) -> None:
    cfg = SandboxConfig(run_dir=tmp_path)
    store.write(cfg, "tls12_enabled", ("nginx",), {"k": 1})
    assert store.held_components(cfg) == {"nginx": "tls12_enabled"}
    assert store.read(cfg, "tls12_enabled") is not None and store.read(cfg, "other") is None
    store.remove(cfg, "tls12_enabled")
    assert store.planted(cfg) == []


def test_a_held_component_counts_as_fine_for_up() -> None:
    held = ComponentStatus("nginx", "x", 1, False, "config differs", held_by="tls12_enabled")
    assert held.ok and not ComponentStatus("nginx", "x", 1, False, "down").ok


def test_app_overrides_are_typed_and_closed() -> None:
    assert overrides_from({"api_delay_ms": 300}) == Overrides(api_delay_ms=300)
    assert overrides_from({}) == Overrides()
    with pytest.raises(ValueError, match="unknown override"):
        overrides_from({"nope": 1})
    with pytest.raises(ValueError, match="verify_webhooks must be a bool"):
        overrides_from({"verify_webhooks": 0})


def test_the_readme_lists_every_defect_and_the_claims_it_flips() -> None:
    text = (Path(__file__).resolve().parents[2] / "sandbox" / "defects" / "README.md").read_text()
    for defect in CATALOG.defects:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{defect.name}` |")), "")
        assert row, f"{defect.name} is not in sandbox/defects/README.md"
        assert all(f"**{f.claim}**" in row for f in defect.breaks), defect.name


def test_the_selftest_profile_is_a_valid_profile_sampling_faster_than_the_default() -> None:
    profile = LoadProfile.model_validate(SELFTEST_PROFILE)
    assert profile.sample_interval_s < LoadProfile.model_fields["sample_interval_s"].default
    with pytest.raises(ValidationError, match="sample_interval_s"):
        LoadProfile.model_validate({**SELFTEST_PROFILE, "sample_interval_s": 0})

"""Every bad input is a ConfigError (exit 2) naming the file, the key and the value, before any contact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checks.errors import ConfigError
from checks.ledger import default_ledger, load_ledger, project_root, verify_quotes
from checks.preflight import check_environment, check_markexpr
from checks.registry import validate_target_bindings
from checks.selection import Selection
from checks.targets import load_targets, select_target
from tests.test_cli import EXIT_CONFIG, claimcheck

STAGING = "default: s\ntargets:\n  s:\n    kind: staging\n"


def targets_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> str:
    path = targets_file(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        name, target = select_target(path, None)
        validate_target_bindings(str(path), name, target, default_ledger())
    assert str(path) in str(caught.value)
    return str(caught.value)


def test_a_duplicated_target_name_is_refused_not_last_wins(tmp_path: Path) -> None:
    message = refused(tmp_path, STAGING + "    max_rps: 5\n  s:\n    kind: none\n")
    assert "duplicate key at line 6 (first at line 3)" in message and "'s'" in message


def test_a_duplicated_key_inside_a_target_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, STAGING + "    max_rps: 5\n    max_rps: 500\n")
    assert "max_rps" in message and "duplicate key" in message


@pytest.mark.parametrize("value", ["[]", "", "null", "7"])
def test_targets_must_be_a_mapping(tmp_path: Path, value: str) -> None:
    message = refused(tmp_path, f"default: s\ntargets: {value}\n")
    assert "key 'targets'" in message and "expected a mapping of target names" in message


def test_a_file_that_is_not_utf8_is_named_with_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_bytes(b"default: s\ntargets:\n  s: {kind: staging, description: caf\xe9}\n")
    with pytest.raises(ConfigError, match=r"not UTF-8: byte 0xe9 at offset 57 \(line 3\)"):
        load_targets(path)


@pytest.mark.parametrize("value", ["0", "-1"])
@pytest.mark.parametrize("where", ["target", "http"])
def test_a_timeout_must_be_positive(tmp_path: Path, value: str, where: str) -> None:
    if where == "target":
        text = STAGING + f"    timeout_s: {value}\n"
    else:
        text = STAGING + f"    http: {{base_url: 'https://gw.example', timeout_s: {value}}}\n"
    message = refused(tmp_path, text)
    assert "timeout_s" in message and f"value: {value}" in message and "[s]" in message


def test_an_endpoint_url_needs_a_scheme(tmp_path: Path) -> None:
    message = refused(tmp_path, STAGING + "    aws: {endpoint_url: 'moto.local:5000'}\n")
    assert "aws.endpoint_url" in message and "moto.local:5000" in message


@pytest.mark.parametrize("key", ["probe_tenant", "load_tenant"])
def test_a_tenant_reference_must_name_a_tenant(tmp_path: Path, key: str) -> None:
    message = refused(tmp_path, STAGING + f"    tenants: [{{slug: a}}]\n    {key}: b\n")
    assert f"{key}: 'b' names no tenant" in message


def test_tenant_slugs_are_unique(tmp_path: Path) -> None:
    assert "slug 'a' appears more than once" in refused(
        tmp_path, STAGING + "    tenants: [{slug: a}, {slug: a}]\n"
    )


def test_a_binding_for_an_unknown_claim_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, STAGING + "    bindings: {BP-NOPE-99: {route: /x}}\n")
    assert (
        "no ledger claim or binding family named 'BP-NOPE-99'" in message and "bindings.BP-NOPE-99" in message
    )


def test_an_unknown_binding_key_is_refused(tmp_path: Path) -> None:
    message = refused(
        tmp_path, STAGING + "    bindings: {BP-D08-INV-05: {source: redis_data_nodes, sorce: x}}\n"
    )
    assert "bindings.BP-D08-INV-05.sorce" in message and "'x'" in message


def test_a_bad_binding_value_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, STAGING + "    bindings: {BP-D08-INV-05: {source: redis_nodes}}\n")
    assert "bindings.BP-D08-INV-05.source" in message and "'redis_nodes'" in message


def test_a_bad_family_binding_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, STAGING + "    bindings: {isolation: {tenant_service_port: lots}}\n")
    assert "bindings.isolation.tenant_service_port" in message


def test_plaintext_to_a_staging_gateway_needs_allow_plaintext(tmp_path: Path) -> None:
    message = refused(tmp_path, STAGING + "    http: {base_url: 'http://gw.example'}\n")
    assert "http.base_url: 'http://gw.example' is plaintext" in message and "allow_plaintext" in message
    path = targets_file(
        tmp_path, STAGING + "    allow_plaintext: true\n    http: {base_url: 'http://gw.example'}\n"
    )
    assert select_target(path, None)[1].http is not None


def test_an_ssh_vantage_point_off_the_sandbox_needs_pinned_host_keys(tmp_path: Path) -> None:
    point = "    vantage_points: [{name: ba, kind: ssh, ssh_host: 'p@h'}]\n"
    assert "'ba' is an ssh host with no ssh_known_hosts" in refused(tmp_path, STAGING + point)
    sandbox = targets_file(tmp_path, STAGING.replace("staging", "sandbox") + point)
    assert select_target(sandbox, None)[1].vantage_points[0].ssh_known_hosts is None


def test_postgres_verifies_the_server_off_the_sandbox() -> None:
    targets = load_targets(project_root() / "targets.yaml").targets
    node = {"host": "db", "port": 5432, "dbname": "d", "user": "u"}
    staging = type(targets["local"]).model_validate({"kind": "staging", "postgres": {"primary": node}})
    sandbox = type(targets["local"]).model_validate({"kind": "sandbox", "postgres": {"primary": node}})
    assert staging.postgres and staging.postgres.primary.sslmode == "verify-full"
    assert sandbox.postgres and sandbox.postgres.primary.sslmode == "prefer"


def test_an_unset_variable_names_the_key_and_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CC_T_NOPE", raising=False)
    path = targets_file(tmp_path, STAGING + "    tenants: [{slug: a, api_key_env: CC_T_NOPE}]\n")
    name, target = select_target(path, None)
    with pytest.raises(ConfigError) as caught:
        check_environment(path, name, target)
    assert "tenants[a].api_key_env" in str(caught.value) and "CC_T_NOPE is not set" in str(caught.value)


def test_the_command_line_selection_is_checked() -> None:
    ledger = default_ledger()
    with pytest.raises(ConfigError, match="latncy"):
        Selection.of(categories=["latncy"]).validate(ledger)
    with pytest.raises(ConfigError, match="bad marker expression 'not \\(load'"):
        check_markexpr("not (load")
    Selection.of(categories=["geo_latency", "geo-latency"]).validate(ledger)
    check_markexpr("not load and not disruptive")


# -- the ledger ---------------------------------------------------------------------------------------
def ledger_copy(tmp_path: Path, old: str, new: str) -> Path:
    claims = tmp_path / "claims"
    shutil.copytree(project_root() / "claims", claims)
    path = claims / "barberpro_day08.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return claims


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("line", "is not on"),
        ("quote", "is not on"),
        ("far", "past the end of"),
        ("file", "'nope.txt'"),  # the ledger's own file rules refuse it when loading
    ],
)
def test_a_source_the_document_does_not_bear_out_is_refused(
    tmp_path: Path, change: str, expected: str
) -> None:
    claim = next(c for c in default_ledger() if c.id == "BP-D08-LAT-01")
    source = claim.sources[0]
    cited = f"line: {source.line}, quote: "
    replacement = {
        "line": (cited, f"line: {source.line + 1}, quote: "),
        "quote": (source.quote, "a sentence nobody wrote"),
        "far": (cited, "line: 9999, quote: "),
        "file": (f"file: {source.file}, {cited}", f"file: nope.txt, {cited}"),
    }[change]
    claims = ledger_copy(tmp_path, *replacement)
    with pytest.raises(ConfigError) as caught:
        verify_quotes(load_ledger(claims))
    message = str(caught.value)
    assert "barberpro_day08.yaml" in message and "BP-D08-LAT-01" in message and expected in message
    assert "sources[0]" in message or "sources.0" in message


def test_a_duplicated_ledger_key_is_refused(tmp_path: Path) -> None:
    claims = ledger_copy(
        tmp_path, "metric: api_response_time", "metric: api_response_time\n    metric: other"
    )
    with pytest.raises(ConfigError, match="duplicate key at line") as caught:
        load_ledger(claims)
    assert "barberpro_day08.yaml" in str(caught.value) and "metric" in str(caught.value)


def test_run_refuses_a_misquoted_ledger_with_exit_2(tmp_path: Path) -> None:
    claim = next(c for c in default_ledger() if c.id == "BP-D08-LAT-01")
    claims = ledger_copy(tmp_path, claim.sources[0].quote, "an invented quote")
    done = claimcheck("run", "--target", "none", "--no-html", env={"CLAIMCHECK_LEDGER_DIR": str(claims)})
    assert (
        done.returncode == EXIT_CONFIG
        and "an invented quote" in done.stderr
        and "BP-D08-LAT-01" in done.stderr
    )

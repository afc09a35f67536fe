"""Pure parts of the sandbox: configuration, address plan, firewall rules, rendered configs, secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import secrets_env
from sandbox.components import netns
from sandbox.components.base import RunContext
from sandbox.components.nginx import render
from sandbox.components.prometheus import render_config
from sandbox.config import RUN_DIR_ENV, Ports, SandboxConfig, alternative_ports


def test_run_dir_defaults_to_repo_and_env_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(RUN_DIR_ENV, raising=False)
    assert SandboxConfig().run_dir.name == ".sandbox"
    monkeypatch.setenv(RUN_DIR_ENV, str(tmp_path))
    assert SandboxConfig().run_dir == tmp_path


def test_alternative_ports_shift_every_port() -> None:
    assert alternative_ports(100).pg_primary == Ports().pg_primary + 100
    assert alternative_ports(100).moto == Ports().moto + 100
    assert SandboxConfig().with_ports(https=1443).ports.https == 1443


def test_tenant_names_follow_the_contract() -> None:
    norte = SandboxConfig().tenants[0]
    assert norte.env_prefix == "CLAIMCHECK_LOCAL_BARBERIA_NORTE"
    assert norte.db_role == "tenant_barberia_norte"


def test_address_plan_gives_each_namespace_its_own_slash30() -> None:
    plan = netns.vantages(SandboxConfig())
    assert [v.subnet for v in plan] == list(range(1, 10))
    assert (plan[0].host_addr, plan[0].ns_addr) == ("10.250.1.1", "10.250.1.2")
    assert all(len(v.host_if) <= 15 for v in plan)
    assert len({v.queue for v in plan if v.kind == "city"}) == 5


def test_isolation_rules_reject_every_ordered_pair_of_distinct_tenants() -> None:
    rules = netns.isolation_rules(SandboxConfig())
    assert len(rules) == 4 * 3
    pairs = {(r[1], r[3]) for r in rules}
    assert ("vcc-t-norte", "vcc-t-sur") in pairs and ("vcc-t-sur", "vcc-t-norte") in pairs
    assert not any(a == b for a, b in pairs)


def _ctx(tmp_path: Path) -> RunContext:
    return RunContext(SandboxConfig(run_dir=tmp_path), {})


def test_nginx_config_is_tls13_only_with_rate_limit_and_run_dir_paths(tmp_path: Path) -> None:
    text = render(_ctx(tmp_path), ["127.0.0.1", "10.250.1.1"])
    assert "ssl_protocols TLSv1.3;" in text and "TLSv1.2" not in text
    assert "listen 10.250.1.1:28443 ssl;" in text and "listen 127.0.0.1:28080;" in text
    assert "rate=100r/m" in text and "burst=99 nodelay" in text and "limit_req_status 429;" in text
    assert (
        f"pid {tmp_path}/nginx/nginx.pid;" in text and f"access_log {tmp_path}/logs/nginx-access.log" in text
    )
    assert "@@" not in text
    assert "0.0.0.0" not in text


def test_prometheus_config_scrapes_both_instances_every_5s(tmp_path: Path) -> None:
    text = render_config(_ctx(tmp_path), tmp_path / "rules.yml")
    assert "scrape_interval: 5s" in text
    assert "127.0.0.1:28000" in text and "127.0.0.1:28001" in text


def test_secrets_are_generated_once_private_and_reused(tmp_path: Path) -> None:
    cfg = SandboxConfig(run_dir=tmp_path)
    first = secrets_env.load_or_create(cfg)
    assert set(secrets_env.secret_names(cfg)) <= set(first)
    assert (tmp_path / "secrets.env").stat().st_mode & 0o777 == 0o600
    assert secrets_env.load_or_create(cfg) == first
    assert all(line.startswith("export ") for line in (tmp_path / "secrets.env").read_text().splitlines())


def test_namespace_components_are_skipped_with_a_reason_when_disabled(tmp_path: Path) -> None:
    from sandbox.manager import components

    cfg = SandboxConfig(run_dir=tmp_path, namespaces=False)
    ctx = RunContext(cfg, {})
    rows = [c.status(ctx) for c in components(cfg) if c.name == "netns" or c.name.startswith("tenant-svc")]
    assert len(rows) == 5
    assert all(r.skipped and not r.healthy and "disabled" in r.detail for r in rows)

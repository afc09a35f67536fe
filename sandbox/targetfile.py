"""The `local` target of targets.yaml, rewritten for another sandbox configuration (run dir, ports,
namespaces): how tests and the selftest judge claims against a sandbox started next to the default one.

targets.yaml stays the one description of the sandbox target; this module only moves its addresses.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from sandbox.components import netns
from sandbox.config import REPO_ROOT, SandboxConfig

TARGETS_FILE = REPO_ROOT / "targets.yaml"
LOCAL = "local"


def local_entry(path: Path = TARGETS_FILE, name: str = LOCAL) -> dict[str, Any]:
    """The raw (unvalidated) entry of one target in a targets file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return copy.deepcopy(raw["targets"][name])


def _url_map(default: SandboxConfig, cfg: SandboxConfig) -> dict[str, str]:
    """`127.0.0.1:<default port>` -> `127.0.0.1:<port>` and each gateway address of the namespaces."""
    ports, base = cfg.ports, default.ports
    moved = {
        f"127.0.0.1:{getattr(base, name)}": f"127.0.0.1:{getattr(ports, name)}"
        for name in base.__dataclass_fields__
    }
    old, new = netns.vantages(default), netns.vantages(cfg)
    for a, b in zip(old, new, strict=True):
        moved[f"{a.host_addr}:{base.https}"] = f"{b.host_addr}:{ports.https}"
    return moved


def _moved(value: str, urls: dict[str, str]) -> str:
    for old, new in urls.items():
        if old in value:
            return value.replace(old, new)
    return value


def _rewrite_stores(entry: dict[str, Any], cfg: SandboxConfig) -> None:
    ports = cfg.ports
    pg = entry["postgres"]
    for node, port in (("primary", ports.pg_primary), ("replica", ports.pg_replica)):
        pg[node].update(port=port, dbname=cfg.database, user=cfg.app_role)
    redis = entry["redis"]
    redis["primary"]["port"], redis["replica"]["port"] = ports.redis_primary, ports.redis_replica
    redis["sentinel"].update(port=ports.redis_sentinel, master_name=cfg.sentinel_master)


def _rewrite_vantages(entry: dict[str, Any], default: SandboxConfig, cfg: SandboxConfig) -> None:
    names = {a.netns: b.netns for a, b in zip(netns.vantages(default), netns.vantages(cfg), strict=True)}
    for point in entry.get("vantage_points", []):
        if point.get("netns") in names:
            point["netns"] = names[point["netns"]]


def _rewrite_paths(entry: dict[str, Any], cfg: SandboxConfig) -> None:
    entry["runtime_env_file"] = str(cfg.path("secrets.env"))
    entry["http"]["ca_file"] = str(cfg.path("tls", "ca.crt"))
    special = entry.get("bindings", {}).get("special_category")
    if special is not None:
        special["log_files"] = [str(cfg.path("logs")) + "/*.log"]
    isolation = entry.get("bindings", {}).get("isolation")
    if isolation is not None:
        isolation["tenant_service_port"] = cfg.tenant_service_port


def target_for(cfg: SandboxConfig, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """targets.yaml's `local` entry (or `base`) with every address and path of `cfg`."""
    default = SandboxConfig()
    entry = copy.deepcopy(base) if base is not None else local_entry()
    urls = _url_map(default, cfg)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return _moved(node, urls) if isinstance(node, str) else node

    entry = walk(entry)
    _rewrite_stores(entry, cfg)
    _rewrite_vantages(entry, default, cfg)
    _rewrite_paths(entry, cfg)
    entry["description"] = f"{entry.get('description', '')} (run dir {cfg.run_dir})".strip()
    return entry


def write_targets_file(path: Path, name: str, entry: dict[str, Any]) -> Path:
    """A targets file holding one target `name` (and the implicit `none`), its default."""
    path.write_text(
        yaml.safe_dump({"default": name, "targets": {name: entry}}, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return path

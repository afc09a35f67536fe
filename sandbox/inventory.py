"""The sandbox's components and their status (read only): shared by the manager, which starts and stops them,
and by the planted defects, which check that an undo left every touched component healthy."""

from __future__ import annotations

import dataclasses

from sandbox import secrets_env
from sandbox.components.app import AppInstance
from sandbox.components.base import Component, ComponentStatus, RunContext
from sandbox.components.moto import Moto
from sandbox.components.netns import NetNamespaces
from sandbox.components.nginx import Nginx
from sandbox.components.postgres import PgPrimary, PgReplica
from sandbox.components.prometheus import Prometheus
from sandbox.components.redis import RedisPrimary, RedisReplica, RedisSentinel
from sandbox.components.vantage_services import NetDelay, TenantService
from sandbox.config import SandboxConfig
from sandbox.defects import store


def components(cfg: SandboxConfig) -> list[Component]:
    """Every component, in start order (namespaces before nginx, which listens on their veths)."""
    found: list[Component] = [NetNamespaces(), NetDelay(), *(TenantService(t) for t in cfg.tenants)]
    found += [PgPrimary(), PgReplica(), RedisPrimary(), RedisReplica(), RedisSentinel(), Moto()]
    found += [AppInstance("a"), AppInstance("b"), Nginx(), Prometheus()]
    return found


def status(cfg: SandboxConfig) -> list[ComponentStatus]:
    """Probe every component without changing anything; a component a planted defect holds says so."""
    ctx = RunContext(cfg, secrets_env.parse_env_file(cfg.path("secrets.env")))
    held = store.held_components(cfg)
    return [_held(comp.status(ctx), held.get(comp.name)) for comp in components(cfg)]


def _held(row: ComponentStatus, defect: str | None) -> ComponentStatus:
    if defect is None:
        return row
    return dataclasses.replace(row, held_by=defect, detail=f"defect {defect} planted; {row.detail}")

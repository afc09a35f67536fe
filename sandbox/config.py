"""Configuration of the local sandbox: run directory, ports, tenants and vantage points.

Every value here describes the sandbox *target* (where it listens, what it simulates); numbers that come
from claims live in the ledger. Defaults are listed in sandbox/README.md.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RUN_DIR_ENV = "CLAIMCHECK_SANDBOX_DIR"


@dataclass(frozen=True)
class Ports:
    """TCP ports on 127.0.0.1 (nginx also listens on the host side of every namespace veth)."""

    pg_primary: int = 25432
    pg_replica: int = 25433
    redis_primary: int = 26379
    redis_replica: int = 26380
    redis_sentinel: int = 26381
    app_a: int = 28000
    app_b: int = 28001
    https: int = 28443
    http: int = 28080
    prometheus: int = 29090
    moto: int = 25000


@dataclass(frozen=True)
class TenantDef:
    """A tenant of the simulated platform and the namespace its tenant service runs in."""

    slug: str
    name: str
    tier: str
    vertical: str
    netns: str

    @property
    def env_prefix(self) -> str:
        """`CLAIMCHECK_LOCAL_<SLUG>` with the slug upper-cased and '-' replaced by '_'."""
        return "CLAIMCHECK_LOCAL_" + self.slug.upper().replace("-", "_")

    @property
    def db_role(self) -> str:
        """PostgreSQL role of the tenant (contract: tenant_<slug with _>)."""
        return "tenant_" + self.slug.replace("-", "_")


@dataclass(frozen=True)
class CityDef:
    """A vantage point: a namespace whose round trip to the host gains 2 x `one_way_delay_ms` (applied to the
    packets on their way in to the host: see sandbox/netdelay.py)."""

    netns: str
    city: str
    one_way_delay_ms: float


DEFAULT_TENANTS: tuple[TenantDef, ...] = (
    TenantDef("barberia-norte", "Barbería Norte", "standard", "barbershop", "cc-t-norte"),
    TenantDef("barberia-sur", "Barbería Sur", "standard", "barbershop", "cc-t-sur"),
    TenantDef("psico-palermo", "Psicología Palermo", "standard", "psychology", "cc-t-psico"),
    TenantDef("acme-enterprise", "Acme Enterprise", "enterprise", "barbershop", "cc-t-acme"),
)

# Contract: "RTT added = 2 x value" (the whole round trip is added on the way in to the host).
DEFAULT_CITIES: tuple[CityDef, ...] = (
    CityDef("cc-city-bue", "Buenos Aires", 20),
    CityDef("cc-city-cor", "Córdoba", 36),
    CityDef("cc-city-ros", "Rosario", 30),
    CityDef("cc-city-lpl", "La Plata", 22),
    CityDef("cc-city-mdz", "Mendoza", 40),
)


def default_run_dir() -> Path:
    """`$CLAIMCHECK_SANDBOX_DIR` when set, else `<project>/.sandbox` (checks/project.py)."""
    override = os.environ.get(RUN_DIR_ENV)
    from checks.project import project_dir  # the user's project, not the installed package

    return Path(override) if override else project_dir() / ".sandbox"


@dataclass(frozen=True)
class SandboxConfig:
    """Everything `sandbox.manager` needs to bring the local target up, report on it and tear it down."""

    run_dir: Path = field(default_factory=default_run_dir)
    ports: Ports = field(default_factory=Ports)
    tenants: tuple[TenantDef, ...] = DEFAULT_TENANTS
    cities: tuple[CityDef, ...] = DEFAULT_CITIES
    database: str = "barberpro"
    app_role: str = "claimcheck_app"
    sentinel_master: str = "claimcheck-primary"
    rate_limits_per_hour: tuple[tuple[str, int], ...] = (("standard", 1000), ("enterprise", 50000))
    gateway_requests_per_minute: int = 100
    load_test_tenant: str = "acme-enterprise"  # its API key is allowlisted at the gateway for load tests
    namespaces: bool = True
    subnet_prefix: str = "10.250"
    subnet_base: int = 1
    delay_queue_base: int = 1100
    chain_prefix: str = "CC-SANDBOX"  # must end in -SANDBOX: other sandboxes are found by that suffix
    tenant_service_port: int = 8080
    startup_timeout_s: float = 60.0

    def path(self, *parts: str) -> Path:
        """A path inside the run directory."""
        return self.run_dir.joinpath(*parts)

    def with_ports(self, **ports: int) -> SandboxConfig:
        """A copy with some ports replaced (e.g. for tests next to a running default sandbox)."""
        return replace(self, ports=replace(self.ports, **ports))


def alternative_ports(offset: int) -> Ports:
    """Every default port shifted by `offset` (used by tests that must not collide with a running sandbox)."""
    base = Ports()
    return Ports(**{name: getattr(base, name) + offset for name in base.__dataclass_fields__})


def config_to_dict(cfg: SandboxConfig) -> dict[str, object]:
    """A JSON-able description of `cfg` (for a process that must act on the same sandbox)."""
    data = asdict(cfg)
    data["run_dir"] = str(cfg.run_dir)
    return data


def config_from_dict(data: dict[str, object]) -> SandboxConfig:
    """The SandboxConfig that `config_to_dict` described."""
    raw = dict(data)
    fields: dict[str, object] = {
        **raw,
        "run_dir": Path(str(raw["run_dir"])),
        "ports": Ports(**raw["ports"]),  # type: ignore[arg-type]
        "tenants": tuple(TenantDef(**t) for t in raw["tenants"]),  # type: ignore[attr-defined]
        "cities": tuple(CityDef(**c) for c in raw["cities"]),  # type: ignore[attr-defined]
        "rate_limits_per_hour": tuple(tuple(p) for p in raw["rate_limits_per_hour"]),  # type: ignore[attr-defined]
    }
    return SandboxConfig(**fields)  # type: ignore[arg-type]

"""targets.yaml: what a target environment is made of and how claimcheck may touch it.

Secrets are never values in this file: only the names of environment variables that hold them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from checks.cache import yaml_load
from checks.errors import ConfigError
from checks.sufficiency import SufficiencyPolicy
from checks.verdicts import Provenance


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HttpEndpoint(_Strict):
    """The public entry point (gateway) and, optionally, its plain-HTTP port and the CA that signs it."""

    base_url: str = Field(pattern=r"^https?://")
    plain_url: str | None = Field(default=None, pattern=r"^http://")
    ca_file: str | None = None
    server_hostname: str | None = None
    timeout_s: float = 10.0
    routes: dict[str, str] = Field(
        default_factory=dict
    )  # route class (api, static, ml...) -> path to measure
    bodies: dict[str, str] = Field(
        default_factory=dict
    )  # route class -> JSON body (the route is then POSTed)


class Tenant(_Strict):
    """A test identity inside one tenant: its credentials by environment-variable name."""

    slug: str
    tier: str = "standard"
    vertical: str = "barbershop"
    api_key_env: str | None = None
    db_role: str | None = None
    db_password_env: str | None = None
    network: str | None = None  # vantage point name of the tenant's network


class PgNode(_Strict):
    host: str
    port: int = Field(ge=1, le=65535)
    dbname: str
    user: str
    password_env: str | None = None
    sslmode: str = "prefer"


class Postgres(_Strict):
    primary: PgNode
    replica: PgNode | None = None
    admin: PgNode | None = None  # only used by drills, only where disruption is allowed
    probe_query: str = "SELECT 1"  # a representative read-only query for query-time claims


class RedisNode(_Strict):
    host: str
    port: int = Field(ge=1, le=65535)
    password_env: str | None = None


class Sentinel(RedisNode):
    master_name: str


class Redis(_Strict):
    primary: RedisNode
    replica: RedisNode | None = None
    sentinel: Sentinel | None = None


class Prometheus(_Strict):
    url: str = Field(pattern=r"^https?://")
    bearer_token_env: str | None = None
    app_job: str = "app"


class Aws(_Strict):
    endpoint_url: str | None = None  # a local moto server; None means the real AWS endpoints
    regions: tuple[str, ...] = ()
    access_key_id_env: str | None = None
    secret_access_key_env: str | None = None
    buckets: dict[str, str] = Field(default_factory=dict)  # role -> bucket name
    db_instances: dict[str, str] = Field(default_factory=dict)  # role -> instance id
    resource_prefix: dict[str, str] = Field(default_factory=dict)  # system -> name prefix of its resources


class Kubernetes(_Strict):
    context: str | None = None
    kubeconfig_env: str | None = None
    host: str | None = None  # direct API URL (e.g. a replay server); otherwise kubeconfig/context
    # claimcheck runs in a pod of this cluster (deploy/kubernetes/): its service account's token and CA
    in_cluster: bool = False
    tenant_namespace_selector: str = "claimcheck.io/tenant"
    app_namespace: str | None = None
    probes_allowed: bool = False


class VantagePoint(_Strict):
    name: str
    kind: Literal["local", "netns", "ssh", "pod"]
    city: str | None = None
    netns: str | None = None
    gateway_url: str | None = None  # how the gateway is addressed from inside this vantage point
    ssh_host: str | None = None  # user@host[:port], reached through testinfra's ssh backend
    ssh_identity_file: str | None = None
    pod: str | None = None  # kind pod: the pod the probe runs in, through the exec API
    namespace: str | None = None
    container: str | None = None  # the pod's container (needed when it has more than one)
    kubernetes: Kubernetes | None = None  # the pod's cluster, when not the target's own `kubernetes`
    # True when the path from this vantage point is emulated (a delay claimcheck configured, not a real
    # network): its measurements are shown but never decide a claim.
    emulated: bool = False


class LoadMaster(_Strict):
    """Where the Locust master of a distributed load run listens; workers on other hosts dial it."""

    bind_host: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, le=65535)  # 0: a free port, passed to the workers claimcheck starts
    advertise_host: str | None = None  # the address workers dial (default: bind_host)

    @property
    def dial_host(self) -> str:
        """The address a worker connects to."""
        return self.advertise_host or self.bind_host


class NetnsLoadWorker(_Strict):
    """A worker process claimcheck starts inside a network namespace of this machine (`ip netns exec`)."""

    kind: Literal["netns"]
    netns: str
    processes: int = Field(default=1, ge=1)


class SshLoadWorker(_Strict):
    """Worker processes claimcheck starts on an ssh host through testinfra; the host needs `python` with
    locust installed (the worker's code comes from the master: `locust -f -`)."""

    kind: Literal["ssh"]
    ssh_host: str  # user@host[:port]
    ssh_identity_file: str | None = None
    python: str = "python3"
    processes: int = Field(default=1, ge=1)


class PodLoadWorkers(_Strict):
    """Worker pods of deploy/kubernetes/load-worker.yaml: they dial the master themselves; claimcheck waits
    for `replicas` of them (it never scales the Deployment)."""

    kind: Literal["pod"]
    deployment: str = "claimcheck-load-worker"
    namespace: str = "claimcheck"
    replicas: int = Field(ge=1)


LoadWorker = Annotated[NetnsLoadWorker | SshLoadWorker | PodLoadWorkers, Field(discriminator="kind")]


class LoadProfile(_Strict):
    """How much evidence a profile gathers on this target."""

    latency_seconds: float = Field(gt=0)
    latency_rps: float = Field(gt=0)
    probe_count: int = Field(ge=1)
    drills: bool = False
    # a user's pause between requests (Little's law turns users into a rate)
    think_time_s: float = Field(default=5.0, ge=0)
    # a count: >1 runs a Locust master with that many local worker processes; or a list of worker hosts
    # (netns, ssh) and pods, all sending one schedule at `max_rps` in total
    load_workers: Annotated[int, Field(ge=1)] | tuple[LoadWorker, ...] = 1
    load_master: LoadMaster = Field(default_factory=LoadMaster)
    # when evidence suffices to decide (confidence, minimum samples and durations): checks/sufficiency.py
    policy: SufficiencyPolicy = Field(default_factory=SufficiencyPolicy)

    @model_validator(mode="after")
    def _workers_can_reach_the_master(self) -> LoadProfile:
        if isinstance(self.load_workers, int):
            return self
        if not self.load_workers:
            raise ValueError("load_workers: give a count or at least one worker host")
        kinds = {w.kind for w in self.load_workers}
        loopback = self.load_master.dial_host.startswith("127.") or self.load_master.dial_host == "localhost"
        if kinds & {"netns", "pod"} and loopback:
            raise ValueError(
                "load_master: workers in namespaces or pods cannot dial a master on loopback; "
                "set load_master.bind_host (or advertise_host) to an address they reach"
            )
        if "pod" in kinds and self.load_master.port == 0:
            raise ValueError("load_master.port: pod workers dial a fixed port (the Deployment's, e.g. 5557)")
        return self

    @property
    def worker_count(self) -> int:
        """How many workers share a load run's schedule."""
        if isinstance(self.load_workers, int):
            return self.load_workers
        return sum(w.replicas if w.kind == "pod" else w.processes for w in self.load_workers)


class Target(_Strict):
    """One environment claimcheck can judge claims against."""

    kind: Literal["sandbox", "staging", "production", "none"]
    description: str = ""
    allow_disruptive: bool = False
    max_rps: float = Field(default=0, ge=0)
    runtime_env_file: str | None = None  # generated at run time (sandbox secrets), never committed
    http: HttpEndpoint | None = None
    tenants: tuple[Tenant, ...] = ()
    probe_tenant: str | None = None  # the test identity whose request budget rate-limit probes may spend
    load_tenant: str | None = None  # the test identity load runs authenticate as (allowlisted at the gateway)
    postgres: Postgres | None = None
    redis: Redis | None = None
    prometheus: Prometheus | None = None
    aws: Aws | None = None
    kubernetes: Kubernetes | None = None
    vantage_points: tuple[VantagePoint, ...] = ()
    manifests: str | None = None
    profiles: dict[str, LoadProfile] = Field(default_factory=dict)
    bindings: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # Evidence sources whose values claimcheck itself set up from the documents (a sandbox's provisioned
    # cloud resources, say), each with the reason: evidence from them is `constructed` and decides nothing.
    constructed: dict[str, str] = Field(default_factory=dict)

    def provenance_of(self, source: str) -> Provenance:
        """`constructed` when this target declares `source` (or its family, `aws` for `aws.rds`) as set up
        by claimcheck from the documents; `independent` otherwise."""
        family = source.split(".", 1)[0]
        if source in self.constructed or family in self.constructed:
            return Provenance.CONSTRUCTED
        return Provenance.INDEPENDENT

    def constructed_reason(self, source: str) -> str | None:
        """Why evidence from `source` is constructed on this target, or None."""
        return self.constructed.get(source) or self.constructed.get(source.split(".", 1)[0])


class TargetsFile(_Strict):
    default: str
    targets: dict[str, Target]


def _error(path: Path, exc: ValidationError) -> ConfigError:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    entry = loc[1] if len(loc) >= 2 and loc[0] == "targets" else None
    key = ".".join(loc[2:] if entry else loc) or None
    value = err.get("input")
    shown = "" if isinstance(value, dict) else f" (value: {value!r})"
    return ConfigError(str(path), f"{err['msg']}{shown}", entry=entry, key=key)


def load_targets(path: Path) -> TargetsFile:
    """Parse and validate targets.yaml; problems raise ConfigError naming file, target and key."""
    try:
        raw = yaml_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "file not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(str(path), f"not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(str(path), "expected a mapping with 'default' and 'targets'")
    raw.setdefault("targets", {})
    raw["targets"].setdefault("none", {"kind": "none", "description": "declared evidence only"})
    try:
        parsed = TargetsFile.model_validate(raw)
    except ValidationError as exc:
        raise _error(path, exc) from None
    if parsed.default not in parsed.targets:
        raise ConfigError(str(path), f"default target {parsed.default!r} is not defined", key="default")
    return parsed


def select_target(path: Path, name: str | None) -> tuple[str, Target]:
    """The named target (or the file's default)."""
    targets = load_targets(path)
    chosen = name or targets.default
    if chosen not in targets.targets:
        known = ", ".join(sorted(targets.targets))
        raise ConfigError(str(path), f"no target named {chosen!r} (known: {known})", key="targets")
    return chosen, targets.targets[chosen]


def secret(name: str | None, *, key: str) -> str:
    """The value of the environment variable `name` that targets.yaml names at `key`.

    A missing variable is a ConfigError naming it; the value itself never appears in a message.
    """
    if not name:
        raise ConfigError("targets.yaml", "no environment variable named for this secret", key=key)
    value = os.environ.get(name)
    if value is None:
        raise ConfigError("targets.yaml", f"environment variable {name} is not set", key=key)
    return value


def load_runtime_env(target: Target, root: Path) -> None:
    """Export the variables of a sandbox's generated env file (`export NAME=value`) that are unset."""
    if not target.runtime_env_file:
        return
    path = (root / target.runtime_env_file).resolve()
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().removeprefix("export ").strip()
        if "=" in line and not line.startswith("#"):
            name, _, value = line.partition("=")
            os.environ.setdefault(name.strip(), value.strip().strip("'\""))

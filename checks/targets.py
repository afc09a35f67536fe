"""targets.yaml: what a target environment is made of and how claimcheck may touch it.

Secrets are never values in this file: only the names of environment variables that hold them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from checks.errors import ConfigError
from checks.sufficiency import SufficiencyPolicy
from checks.verdicts import Provenance
from checks.yamlfile import load_yaml

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_RESPONSE_BYTES = 16 * 2**20


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HttpEndpoint(_Strict):
    """The public entry point (gateway) and, optionally, its plain-HTTP port and the CA that signs it."""

    base_url: str = Field(pattern=r"^https?://")
    plain_url: str | None = Field(default=None, pattern=r"^http://")
    ca_file: str | None = None
    server_hostname: str | None = None
    # connect, read and total deadline of one request (defaults to the target's timeout_s)
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0)
    max_response_bytes: int = Field(default=DEFAULT_MAX_RESPONSE_BYTES, gt=0)
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


SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]


class PgNode(_Strict):
    host: str
    port: int = Field(ge=1, le=65535)
    dbname: str
    user: str
    password_env: str | None = None
    # default: prefer on a sandbox, verify-full anywhere else (set by the target)
    sslmode: SslMode = "verify-full"
    sslrootcert: str | None = None
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0)  # connect_timeout and statement_timeout


class Postgres(_Strict):
    primary: PgNode
    replica: PgNode | None = None
    admin: PgNode | None = None  # only used by drills, only where disruption is allowed
    probe_query: str = "SELECT 1"  # a representative read-only query for query-time claims


class RedisNode(_Strict):
    host: str
    port: int = Field(ge=1, le=65535)
    password_env: str | None = None
    tls: bool = False  # rediss://: TLS with certificate verification
    ca_file: str | None = None
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0)


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
    ca_file: str | None = None
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0)
    max_response_bytes: int = Field(default=DEFAULT_MAX_RESPONSE_BYTES, gt=0)


class Aws(_Strict):
    # a local moto server; None means the real AWS endpoints
    endpoint_url: str | None = Field(default=None, pattern=r"^https?://[^/\s]+")
    regions: tuple[str, ...] = ()
    access_key_id_env: str | None = None
    secret_access_key_env: str | None = None
    buckets: dict[str, str] = Field(default_factory=dict)  # role -> bucket name
    db_instances: dict[str, str] = Field(default_factory=dict)  # role -> instance id
    resource_prefix: dict[str, str] = Field(default_factory=dict)  # system -> name prefix of its resources
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0)


class Kubernetes(_Strict):
    context: str | None = None
    kubeconfig_env: str | None = None
    host: str | None = None  # direct API URL (e.g. a replay server); otherwise kubeconfig/context
    # claimcheck runs in a pod of this cluster (deploy/kubernetes/): its service account's token and CA
    in_cluster: bool = False
    tenant_namespace_selector: str = "claimcheck.io/tenant"
    app_namespace: str | None = None
    probes_allowed: bool = False
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0)


class VantagePoint(_Strict):
    name: str
    kind: Literal["local", "netns", "ssh", "pod"]
    city: str | None = None
    netns: str | None = None
    gateway_url: str | None = None  # how the gateway is addressed from inside this vantage point
    ssh_host: str | None = None  # user@host[:port], reached through testinfra's ssh backend
    ssh_identity_file: str | None = None
    # the host keys to trust (required outside a sandbox: no trust on first use)
    ssh_known_hosts: str | None = None
    pod: str | None = None  # kind pod: the pod the probe runs in, through the exec API
    namespace: str | None = None
    container: str | None = None  # the pod's container (needed when it has more than one)
    kubernetes: Kubernetes | None = None  # the pod's cluster, when not the target's own `kubernetes`
    # True when the path from this vantage point is emulated (a delay claimcheck configured, not a real
    # network): its measurements are shown but never decide a claim.
    emulated: bool = False
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0)


class StopCondition(_Strict):
    """When load or a drill must stop at once: the steady-state probe's failures over a sliding window."""

    route: str = "health"  # route class of the steady-state probe
    max_error_ratio: float = Field(default=0.5, ge=0, le=1)
    window: int = Field(default=10, ge=1)  # the last N probes
    interval_s: float = Field(default=1.0, gt=0)


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


DEFAULT_SAMPLE_INTERVAL_S = 0.25  # a profile's sample_interval_s, and a target without profiles


class LoadProfile(_Strict):
    """How much evidence a profile gathers on this target."""

    latency_seconds: float = Field(gt=0)
    latency_rps: float = Field(gt=0)
    # a first look after this much load (at least the policy's minimums): a claim decided there is not
    # loaded further; the rest of `latency_seconds` runs only for claims it left open, judged on both parts
    # (checks/sufficiency.py `load_looks`; each look at the Bonferroni-split confidence). None: one look.
    first_look_s: float | None = Field(default=None, gt=0)
    probe_count: int = Field(ge=1)
    # the pause between the samples of a repeated read (replication lag: the policy's minimum count of them)
    sample_interval_s: float = Field(default=DEFAULT_SAMPLE_INTERVAL_S, gt=0, le=60)
    drills: bool = False
    # a user's pause between requests (Little's law turns users into a rate)
    think_time_s: float = Field(default=5.0, ge=0)
    # a count: >1 runs a Locust master with that many local worker processes; or a list of worker hosts
    # (netns, ssh) and pods, all sending one schedule at `max_rps` in total
    load_workers: Annotated[int, Field(ge=1)] | tuple[LoadWorker, ...] = 1
    load_master: LoadMaster = Field(default_factory=LoadMaster)
    # wall-clock budget of one suite item (load and drill items add their own run time), and of the run
    item_budget_s: float = Field(default=120.0, gt=0)
    drill_budget_s: float = Field(default=600.0, gt=0)
    run_budget_s: float | None = Field(default=None, gt=0)
    stop_condition: StopCondition | None = None
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
    # the default deadline of every section (each may set its own timeout_s) and body cap of HTTP answers
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0)
    max_response_bytes: int = Field(default=DEFAULT_MAX_RESPONSE_BYTES, gt=0)
    allow_plaintext: bool = False  # http:// to a non-sandbox gateway, or a bearer token over http://

    @model_validator(mode="before")
    @classmethod
    def _section_defaults(cls, raw: Any) -> Any:
        return section_defaults(raw) if isinstance(raw, dict) else raw

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        check_tenants(self)
        check_transport(self)
        return self

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


SECTIONS_WITH_TIMEOUT = (
    ("http",),
    ("prometheus",),
    ("aws",),
    ("kubernetes",),
    ("postgres", "primary"),
    ("postgres", "replica"),
    ("postgres", "admin"),
    ("redis", "primary"),
    ("redis", "replica"),
    ("redis", "sentinel"),
)


def section_defaults(raw: dict[str, Any]) -> dict[str, Any]:
    """Copy the target-wide `timeout_s`, `max_response_bytes` and the sandbox's sslmode into each section
    that does not set its own (inputs are never mutated)."""
    out = dict(raw)
    timeout = out.get("timeout_s", DEFAULT_TIMEOUT_S)
    cap = out.get("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES)
    for path in SECTIONS_WITH_TIMEOUT:
        _fill(out, path, {"timeout_s": timeout})
    for path in (("http",), ("prometheus",)):
        _fill(out, path, {"max_response_bytes": cap})
    if out.get("kind") == "sandbox":
        for node in ("primary", "replica", "admin"):
            _fill(out, ("postgres", node), {"sslmode": "prefer"})
    points = out.get("vantage_points")
    if isinstance(points, list | tuple):
        out["vantage_points"] = [{"timeout_s": timeout, **p} if isinstance(p, dict) else p for p in points]
    return out


def _fill(raw: dict[str, Any], path: tuple[str, ...], defaults: dict[str, Any]) -> None:
    head, *rest = path
    node = raw.get(head)
    if not isinstance(node, dict):
        return
    node = dict(node)
    raw[head] = node
    if rest:
        _fill(node, tuple(rest), defaults)
    else:
        for key, value in defaults.items():
            node.setdefault(key, value)


def check_tenants(target: Target) -> None:
    """Tenant slugs are unique, and probe_tenant / load_tenant name one of them."""
    slugs = [t.slug for t in target.tenants]
    twice = sorted({s for s in slugs if slugs.count(s) > 1})
    if twice:
        raise ValueError(f"tenants: slug {twice[0]!r} appears more than once")
    for key in ("probe_tenant", "load_tenant"):
        named = getattr(target, key)
        if named is not None and named not in slugs:
            raise ValueError(f"{key}: {named!r} names no tenant (tenants: {', '.join(slugs) or 'none'})")


def check_transport(target: Target) -> None:
    """Outside a sandbox: no plaintext gateway or bearer token unless allowed, and ssh hosts are pinned."""
    if target.kind == "sandbox":
        return
    plain = []
    if target.http is not None and target.http.base_url.startswith("http://"):
        plain.append(f"http.base_url: {target.http.base_url!r}")
    prom = target.prometheus
    if prom is not None and prom.bearer_token_env and prom.url.startswith("http://"):
        plain.append(f"prometheus.url: {prom.url!r} with a bearer token")
    if plain and not target.allow_plaintext:
        raise ValueError(
            f"{plain[0]} is plaintext on a {target.kind} target; use https:// or set allow_plaintext: true"
        )
    for point in target.vantage_points:
        if point.kind == "ssh" and not point.ssh_known_hosts:
            raise ValueError(
                f"vantage_points: {point.name!r} is an ssh host with no ssh_known_hosts "
                "(required outside a sandbox: the host key is never accepted on first use)"
            )


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
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(str(path), "expected a mapping with 'default' and 'targets'")
    targets = raw.get("targets")
    if not isinstance(targets, dict):
        shown = "missing" if "targets" not in raw else f"value: {targets!r}"
        raise ConfigError(str(path), f"expected a mapping of target names ({shown})", key="targets")
    raw = {**raw, "targets": {"none": {"kind": "none", "description": "declared evidence only"}, **targets}}
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
    from checks.report.redact import register_secret

    register_secret(value)
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

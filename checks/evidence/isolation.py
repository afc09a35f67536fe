"""Tenant-isolation evidence: what each tenant's own identity saw when it reached for another tenant's data,
in the database (rows), at the API (responses) and on the network (connections), beside the allowed side
(its own rows, resources and service) that shows the probe could have seen anything at all."""

from __future__ import annotations

from dataclasses import dataclass

from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.security import BodyKind

# -- database ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSecurity:
    """One table holding tenant data, with its row level security flags from pg_class."""

    schema: str
    table: str
    rls_enabled: bool
    rls_forced: bool

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"


@dataclass(frozen=True)
class SqlProbe:
    """One statement run as one role: what it was for, and the rows it saw (or that it was refused).

    kind: read (own role), spoofed-read (after setting another tenant's context), update (no-op UPDATE of
    foreign rows, rolled back), no-context (app role, no tenant set), app-context (app role, `tenant` set).
    """

    role: str
    tenant: str | None
    kind: str
    table: str
    sql: str
    refused: bool
    rows_seen: int = 0
    own_rows: int = 0
    foreign_rows: int = 0
    tenants_seen: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class SchemaAccess:
    """Whether a tenant's role holds USAGE on a schema that holds tenant tables."""

    role: str
    tenant: str
    schema: str
    usage: bool


@dataclass(frozen=True)
class DatabaseIsolation:
    """Everything the database probes saw on one PostgreSQL node."""

    endpoint: str
    tenants: tuple[str, ...]
    tables: tuple[TableSecurity, ...]
    probes: tuple[SqlProbe, ...]
    schema_access: tuple[SchemaAccess, ...]
    origin: Origin = UNKNOWN


# -- API --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpProbe:
    """One request made as `actor`: what it tried, what it expected (allow/refuse) and what came back.

    `other_tenant` is set on cross-tenant probes: the tenant whose data must not come back. A leak is told
    by what the answer carries (`foreign_canaries`, or `foreign_ids`: the other tenant's resource asked for
    by id), never by its status alone. `body` says whether the answer was the API's JSON.
    """

    actor: str
    kind: str
    expect: str
    method: str
    path: str
    credential: str
    status: int
    foreign_canaries: tuple[str, ...] = ()
    own_canaries: int = 0
    other_tenant: str | None = None
    foreign_ids: tuple[str, ...] = ()
    body: BodyKind = "json"

    @property
    def served(self) -> bool:
        """A 2xx answer."""
        return 200 <= self.status < 300

    @property
    def leaked(self) -> bool:
        """The answer carried another tenant's data."""
        return bool(self.foreign_canaries or self.foreign_ids)

    @property
    def text(self) -> str:
        return f"{self.actor} {self.kind} ({self.credential}) {self.path} -> {self.status}"


@dataclass(frozen=True)
class ApiIsolation:
    """Every API probe, in the order made, and what could not be probed."""

    base_url: str
    tenants: tuple[str, ...]
    probes: tuple[HttpProbe, ...]
    notes: tuple[str, ...] = ()
    origin: Origin = UNKNOWN


# -- network ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """One connection attempt from a tenant's namespace. kind: own | foreign | gateway | internal."""

    from_tenant: str
    netns: str
    kind: str
    to: str
    host: str
    port: int
    connected: bool
    answered_as: str | None = None
    error: str | None = None

    @property
    def text(self) -> str:
        got = self.answered_as and f"answered as {self.answered_as}"
        got = got or ("connected" if self.connected else self.error or "no")
        return f"{self.from_tenant} ({self.netns}) -> {self.to} {self.host}:{self.port}: {got}"


@dataclass(frozen=True)
class NetworkReachability:
    """Every attempt, per tenant namespace."""

    tenants: tuple[str, ...]
    attempts: tuple[Reach, ...]
    origin: Origin = UNKNOWN

"""The targets.yaml bindings the isolation, special-category, webhook and edge probes read.

Under a target's `bindings` (names of environment variables only, never secret values):

    isolation:
      jwt_secret_env: CLAIMCHECK_LOCAL_JWT_SECRET
      jwt_tenant_claim: tenant
      tenant_service_port: 8080
      resources:
        - {name: provider, list: /api/v1/providers, field: providers, item: "/api/v1/providers/{id}"}
    special_category: {tenant: psico-palermo, create: ..., item: ..., refs: {...}, body: {...},
                       log_files: [...]}
    webhooks: {route: ..., secret_env: ..., signature_header: ..., timestamp_header: ...}
    edge: {auth_routes: [...], waf: false}
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checks.errors import ConfigError
from checks.targets import Target, Tenant


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResourceRef(_Strict):
    """Where ids of one kind of tenant resource are listed: `GET list` -> body[field][*][id_field]."""

    list: str
    field: str
    id_field: str = "id"


class TenantResource(ResourceRef):
    """A tenant resource an IDOR probe asks for by id (`item` holds `{id}`)."""

    name: str
    item: str = Field(pattern=r"\{id\}")


class IsolationBinding(_Strict):
    """How tenant identities are crafted and which resources are asked for across tenants."""

    jwt_secret_env: str | None = None
    jwt_tenant_claim: str = "tenant"
    jwt_subject_claim: str = "sub"
    tenant_header: str = "X-Tenant-ID"  # a client-supplied tenant header a spoofing probe sends
    tenant_column: str = "tenant_id"
    context_setting: str | None = None  # the session setting that carries the tenant (e.g. app.tenant_id)
    tenant_service_port: int | None = Field(default=None, ge=1, le=65535)
    resources: tuple[TenantResource, ...] = ()
    probe_timeout_s: float = Field(default=3.0, gt=0)


class SpecialCategoryBinding(_Strict):
    """Where synthetic special-category records are written, read back and looked for afterwards."""

    tenant: str
    create: str
    item: str = Field(pattern=r"\{id\}")
    refs: dict[str, ResourceRef] = Field(default_factory=dict)
    body: dict[str, Any]
    log_files: tuple[str, ...] = ()
    scrape_wait_s: float = Field(default=0.0, ge=0)
    max_redis_keys: int = Field(default=200_000, ge=1)


class WebhookBinding(_Strict):
    """An incoming-webhook route and how its deliveries are signed (HMAC-SHA256)."""

    route: str
    secret_env: str
    signature_header: str
    timestamp_header: str | None = None
    signature_prefix: str = ""
    signed_payload: str = "{body}"  # or "{timestamp}.{body}"


class EdgeBinding(_Strict):
    """Routes that must demand credentials, and whether the target has a WAF in front of it."""

    auth_routes: tuple[str, ...] = ()
    waf: bool = False
    oauth2_discovery: str = "/.well-known/oauth-authorization-server"


M = TypeVar("M", bound=BaseModel)


def parse_binding(target: Target, name: str, model: type[M]) -> M | None:
    """The validated binding `name` of the target, or None when the target has none."""
    raw = target.bindings.get(name)
    if raw is None:
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = f"bindings.{name}." + ".".join(str(p) for p in err["loc"])
        raise ConfigError("targets.yaml", err["msg"], key=key) from None


def isolation_binding(target: Target) -> IsolationBinding:
    """The target's `isolation` binding, or the defaults (no JWT secret, no resources, no service port)."""
    return parse_binding(target, "isolation", IsolationBinding) or IsolationBinding()


def tenant_named(target: Target, slug: str) -> Tenant | None:
    """The target's test tenant with this slug."""
    return next((t for t in target.tenants if t.slug == slug), None)

"""API isolation probes: with tenant A's credentials, ask for tenant B's resources by id, spoof the tenant
header, and present tampered JWTs (forged ones name tenant B). Every response body is scanned for other
tenants' canary strings, and an answer to a request for B's resource by id for that resource's id: what a
response carries, not its status, shows a leak.

The allowed side is probed first and kept in the evidence: each tenant lists and fetches its own resources
with its own key (their ids are what the other tenants then ask for), and a valid JWT is accepted.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import requests

from checks.collect.isolation import tokens
from checks.collect.isolation.bindings import IsolationBinding, TenantResource
from checks.collect.isolation.web import Reply, ids_in, send, session_for
from checks.errors import CollectionError
from checks.targets import HttpEndpoint, Tenant, secret

CANARY_PREFIX = "CANARY-"


@dataclass(frozen=True)
class HttpProbe:
    """One request made as `actor`: what it tried, what it expected (allow/refuse) and what came back."""

    actor: str
    kind: str
    expect: str
    method: str
    path: str
    credential: str
    status: int
    foreign_canaries: tuple[str, ...] = ()
    own_canaries: int = 0
    other_tenant: str | None = None  # set on cross-tenant probes: the tenant whose data must not come back
    foreign_ids: tuple[str, ...] = ()  # the other tenant's resource ids a successful answer carried


@dataclass(frozen=True)
class ApiIsolation:
    """Every API probe, in the order made, and what could not be probed."""

    base_url: str
    tenants: tuple[str, ...]
    probes: tuple[HttpProbe, ...]
    notes: tuple[str, ...] = ()


def canaries_in(text: str, own: str, tenants: Sequence[str]) -> tuple[tuple[str, ...], int]:
    """(other tenants whose canary appears in `text`, how many of `own`'s canaries appear)."""
    foreign = tuple(t for t in tenants if t != own and f"{CANARY_PREFIX}{t}-" in text)
    return foreign, text.count(f"{CANARY_PREFIX}{own}-")


@dataclass
class _Prober:
    """Sends the probes of one run and records them (the only mutable state, local to one collection)."""

    session: requests.Session
    http: HttpEndpoint
    slugs: tuple[str, ...]
    probes: list[HttpProbe] = field(default_factory=list)
    lists: dict[tuple[str, str], Reply] = field(default_factory=dict)

    def probe(
        self,
        actor: str,
        kind: str,
        expect: str,
        path: str,
        headers: dict[str, str],
        credential: str,
        other: str | None = None,
        foreign_id: str | None = None,
    ) -> Reply:
        reply = send(self.session, self.http, "GET", path, headers)
        foreign, own = canaries_in(reply.text, actor, self.slugs)
        served = 200 <= reply.status < 300 and foreign_id is not None and foreign_id in reply.text
        ids = (foreign_id,) if served and foreign_id else ()
        self.probes.append(
            HttpProbe(actor, kind, expect, "GET", path, credential, reply.status, foreign, own, other, ids)
        )
        return reply

    def own_list(self, tenant: str, path: str, headers: dict[str, str]) -> Reply:
        if (tenant, path) not in self.lists:
            self.lists[(tenant, path)] = self.probe(tenant, "own-list", "allow", path, headers, "own API key")
        return self.lists[(tenant, path)]


def _key_headers(tenant: Tenant) -> dict[str, str]:
    return {"X-API-Key": secret(tenant.api_key_env, key=f"tenants.{tenant.slug}.api_key_env")}


def _own_ids(prober: _Prober, tenant: Tenant, resources: Sequence[TenantResource]) -> dict[str, str]:
    """Per resource, one id of `tenant`'s own (listed, then fetched by id as the allowed side)."""
    found = {}
    for res in resources:
        ids = ids_in(
            prober.own_list(tenant.slug, res.list, _key_headers(tenant)).json(), res.field, res.id_field
        )
        if ids:
            found[res.name] = ids[0]
            prober.probe(
                tenant.slug,
                "own-item",
                "allow",
                res.item.format(id=ids[0]),
                _key_headers(tenant),
                "own API key",
            )
    return found


def _cross_tenant(
    prober: _Prober, a: Tenant, b: Tenant, ids: dict[str, str], binding: IsolationBinding
) -> None:
    resources, header = binding.resources, binding.tenant_header
    for res in resources:
        if res.name in ids:
            prober.probe(
                a.slug,
                "idor",
                "refuse",
                res.item.format(id=ids[res.name]),
                _key_headers(a),
                f"own API key, {b.slug}'s {res.name} id",
                b.slug,
                ids[res.name],
            )
    spoofed = {**_key_headers(a), header: b.slug}
    prober.probe(
        a.slug,
        "spoofed-header",
        "refuse",
        resources[0].list,
        spoofed,
        f"own API key + {header}: {b.slug}",
        b.slug,
    )


def _bad_tokens(
    tenant: str, other: str, key: str | None, names: tokens.TokenClaims, now: float
) -> list[tuple[str, str, str]]:
    """(kind, description, token) of every tampered JWT presented as `tenant`. The forged ones (no
    signature, a random key) name `other`: accepted, they answer with the other tenant's data."""
    bad = [
        ("jwt-alg-none", f"JWT alg none naming {other}", tokens.unsigned_token(other, now, names)),
        (
            "jwt-wrong-key",
            f"JWT signed with a random key naming {other}",
            tokens.wrong_key_token(other, now, names),
        ),
    ]
    if key is not None:
        valid = tokens.valid_token(key, tenant, now, names)
        bad += [
            ("jwt-expired", "expired JWT", tokens.expired_token(key, tenant, now, names)),
            (
                "jwt-foreign-claims",
                f"own JWT, tenant claim rewritten to {other}",
                tokens.with_foreign_tenant(valid, other, names),
            ),
        ]
    return bad


def _jwt_probes(
    prober: _Prober,
    tenants: Sequence[Tenant],
    path: str,
    key: str | None,
    names: tokens.TokenClaims,
    now: float,
) -> None:
    for i, tenant in enumerate(tenants):
        other = tenants[(i + 1) % len(tenants)].slug
        if key is not None:
            token = tokens.valid_token(key, tenant.slug, now, names)
            prober.probe(
                tenant.slug, "jwt-valid", "allow", path, {"Authorization": f"Bearer {token}"}, "valid JWT"
            )
        for kind, credential, token in _bad_tokens(tenant.slug, other, key, names, now):
            foreign = None if kind == "jwt-expired" else other
            headers = {"Authorization": f"Bearer {token}"}
            prober.probe(tenant.slug, kind, "refuse", path, headers, credential, foreign)


def collect_api_isolation(
    http: HttpEndpoint, tenants: Sequence[Tenant], binding: IsolationBinding, now: float | None = None
) -> ApiIsolation:
    """Probe the API as each tenant: own resources (allowed), other tenants' by id, spoofed header, JWTs."""
    if len(tenants) < 2 or not binding.resources:
        raise CollectionError(
            http.base_url, "need two tenants and at least one resource (bindings.isolation)"
        )
    slugs = tuple(t.slug for t in tenants)
    notes = []
    with session_for(http) as session:
        prober = _Prober(session, http, slugs)
        own = {t.slug: _own_ids(prober, t, binding.resources) for t in tenants}
        for a in tenants:
            for b in tenants:
                if a is not b:
                    _cross_tenant(prober, a, b, own[b.slug], binding)
        key = (
            secret(binding.jwt_secret_env, key="bindings.isolation.jwt_secret_env")
            if binding.jwt_secret_env
            else None
        )
        if key is None:
            notes.append(
                "no JWT secret bound (bindings.isolation.jwt_secret_env): "
                "valid/expired/rewritten JWTs not tried"
            )
        names = tokens.TokenClaims(binding.jwt_tenant_claim, binding.jwt_subject_claim)
        _jwt_probes(
            prober, tenants, binding.resources[0].list, key, names, time.time() if now is None else now
        )
    return ApiIsolation(http.base_url, slugs, tuple(prober.probes), tuple(notes))

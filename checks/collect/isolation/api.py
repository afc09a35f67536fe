"""API isolation probes: with tenant A's credentials, ask for tenant B's resources by id, spoof the tenant
header, and present tampered JWTs (forged ones name tenant B). Every response body is scanned for other
tenants' canary strings, and an answer to a request for B's resource by id for that resource itself: what a
response carries, not its status, shows a leak.

The allowed side is probed first and kept in the evidence: each tenant lists and fetches its own resources
with its own key (their ids are what the other tenants then ask for), and a valid JWT is accepted.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from checks.collect.isolation import tokens
from checks.collect.isolation.bindings import IsolationBinding, TenantResource
from checks.collect.isolation.web import Reply, ids_in, send, session_for
from checks.errors import CollectionError
from checks.evidence.isolation import ApiIsolation as ApiIsolation
from checks.evidence.isolation import HttpProbe as HttpProbe
from checks.evidence.origin import UNKNOWN, Origin
from checks.targets import HttpEndpoint, Tenant, secret

CANARY_PREFIX = "CANARY-"


def canaries_in(text: str, own: str, tenants: Sequence[str]) -> tuple[tuple[str, ...], int]:
    """(other tenants whose canary appears in `text`, how many of `own`'s canaries appear)."""
    foreign = tuple(t for t in tenants if t != own and f"{CANARY_PREFIX}{t}-" in text)
    return foreign, text.count(f"{CANARY_PREFIX}{own}-")


def carries_id(body: Any, id_field: str, wanted: str) -> bool:
    """True when any object in the JSON `body` has `id_field` (or `id`) equal to `wanted`."""
    if isinstance(body, dict):
        if any(str(body.get(k)) == wanted for k in {id_field, "id"} if k in body):
            return True
        return any(carries_id(v, id_field, wanted) for v in body.values())
    if isinstance(body, list):
        return any(carries_id(v, id_field, wanted) for v in body)
    return False


@dataclass(frozen=True)
class Ask:
    """One request to make: who, what for, what should happen, and whose data must not come back."""

    actor: str
    kind: str
    expect: str
    path: str
    headers: dict[str, str]
    credential: str
    other: str | None = None
    foreign: tuple[str, str] | None = None  # (id, id field) of the other tenant's resource asked for


@dataclass
class _Prober:
    """Sends the probes of one run and records them (the only mutable state, local to one collection)."""

    session: requests.Session
    http: HttpEndpoint
    slugs: tuple[str, ...]
    probes: list[HttpProbe] = field(default_factory=list)
    lists: dict[tuple[str, str], Reply] = field(default_factory=dict)

    def probe(self, ask: Ask) -> Reply:
        reply = send(self.session, self.http, "GET", ask.path, ask.headers)
        foreign, own = canaries_in(reply.text, ask.actor, self.slugs)
        ids = self._foreign_ids(reply, ask.foreign)
        self.probes.append(
            HttpProbe(ask.actor, ask.kind, ask.expect, "GET", ask.path, ask.credential, reply.status, foreign,
                      own, ask.other, ids, reply.body_kind)
        )  # fmt: skip
        return reply

    @staticmethod
    def _foreign_ids(reply: Reply, foreign: tuple[str, str] | None) -> tuple[str, ...]:
        """The other tenant's resource id, when a served answer carries that resource."""
        if foreign is None or not 200 <= reply.status < 300:
            return ()
        wanted, id_field = foreign
        return (wanted,) if carries_id(reply.json(), id_field, wanted) else ()

    def own_list(self, tenant: Tenant, path: str) -> Reply:
        if (tenant.slug, path) not in self.lists:
            ask = Ask(tenant.slug, "own-list", "allow", path, _key_headers(tenant), "own API key")
            self.lists[(tenant.slug, path)] = self.probe(ask)
        return self.lists[(tenant.slug, path)]


def _key_headers(tenant: Tenant) -> dict[str, str]:
    return {"X-API-Key": secret(tenant.api_key_env, key=f"tenants.{tenant.slug}.api_key_env")}


def _own_ids(prober: _Prober, tenant: Tenant, resources: Sequence[TenantResource]) -> dict[str, str]:
    """Per resource, one id of `tenant`'s own (listed, then fetched by id as the allowed side)."""
    found = {}
    for res in resources:
        ids = ids_in(prober.own_list(tenant, res.list).json(), res.field, res.id_field)
        if ids:
            found[res.name] = ids[0]
            item = res.item.format(id=ids[0])
            prober.probe(Ask(tenant.slug, "own-item", "allow", item, _key_headers(tenant), "own API key"))
    return found


def _cross_tenant(
    prober: _Prober, a: Tenant, b: Tenant, ids: dict[str, str], binding: IsolationBinding
) -> None:
    for res in (r for r in binding.resources if r.name in ids):
        credential = f"own API key, {b.slug}'s {res.name} id"
        path = res.item.format(id=ids[res.name])
        prober.probe(
            Ask(
                a.slug,
                "idor",
                "refuse",
                path,
                _key_headers(a),
                credential,
                b.slug,
                (ids[res.name], res.id_field),
            )
        )
    header = binding.tenant_header
    spoofed = {**_key_headers(a), header: b.slug}
    credential = f"own API key + {header}: {b.slug}"
    prober.probe(
        Ask(a.slug, "spoofed-header", "refuse", binding.resources[0].list, spoofed, credential, b.slug)
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
        rewritten = tokens.with_foreign_tenant(tokens.valid_token(key, tenant, now, names), other, names)
        bad += [
            ("jwt-expired", "expired JWT", tokens.expired_token(key, tenant, now, names)),
            ("jwt-foreign-claims", f"own JWT, tenant claim rewritten to {other}", rewritten),
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
            bearer = {"Authorization": f"Bearer {tokens.valid_token(key, tenant.slug, now, names)}"}
            prober.probe(Ask(tenant.slug, "jwt-valid", "allow", path, bearer, "valid JWT"))
        for kind, credential, token in _bad_tokens(tenant.slug, other, key, names, now):
            foreign = None if kind == "jwt-expired" else other
            bearer = {"Authorization": f"Bearer {token}"}
            prober.probe(Ask(tenant.slug, kind, "refuse", path, bearer, credential, foreign))


def _jwt_key(binding: IsolationBinding) -> str | None:
    if not binding.jwt_secret_env:
        return None
    return secret(binding.jwt_secret_env, key="bindings.isolation.jwt_secret_env")


NO_JWT_NOTE = (
    "no JWT secret bound (bindings.isolation.jwt_secret_env): valid/expired/rewritten JWTs not tried"
)


def collect_api_isolation(
    http: HttpEndpoint,
    tenants: Sequence[Tenant],
    binding: IsolationBinding,
    now: float | None = None,
    *,
    origin: Origin = UNKNOWN,
) -> ApiIsolation:
    """Probe the API as each tenant: own resources (allowed), other tenants' by id, spoofed header, JWTs."""
    if len(tenants) < 2 or not binding.resources:
        raise CollectionError(
            http.base_url, "need two tenants and at least one resource (bindings.isolation)"
        )
    slugs, key = tuple(t.slug for t in tenants), _jwt_key(binding)
    with session_for(http) as session:
        prober = _Prober(session, http, slugs)
        own = {t.slug: _own_ids(prober, t, binding.resources) for t in tenants}
        for a in tenants:
            for b in (b for b in tenants if b is not a):
                _cross_tenant(prober, a, b, own[b.slug], binding)
        names = tokens.TokenClaims(binding.jwt_tenant_claim, binding.jwt_subject_claim)
        _jwt_probes(
            prober, tenants, binding.resources[0].list, key, names, time.time() if now is None else now
        )
    notes = () if key is not None else (NO_JWT_NOTE,)
    return ApiIsolation(http.base_url, slugs, tuple(prober.probes), notes, origin)

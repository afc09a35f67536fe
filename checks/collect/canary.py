"""Follow a synthetic special-category record: write it through the API with a unique canary, read it back,
then look for the canary where it must not be (Redis, log files, Prometheus labels; HTTP cache headers
are kept).

The canary is `CANARY-<tenant>-<run id>-<random>`: unique per run, and recognisable as that tenant's by the
API isolation probes too. Records are deleted afterwards when the API allows it (the evidence says whether).
"""

from __future__ import annotations

import glob
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis
import requests

from checks.collect.clients import redis_address, redis_client, redis_failures
from checks.collect.isolation.bindings import SpecialCategoryBinding
from checks.collect.isolation.web import ids_in, send, session_for
from checks.collect.prometheus import query
from checks.errors import CollectionError, TargetUnreachable
from checks.evidence.compliance import CanaryTrail as CanaryTrail
from checks.evidence.compliance import PlaceSearch as PlaceSearch
from checks.evidence.origin import UNKNOWN, Origin
from checks.ledger import project_root
from checks.targets import HttpEndpoint, Prometheus, RedisNode, Target, Tenant, secret

CACHE_HEADERS = ("cache-control", "age", "x-cache", "expires", "pragma")
REDIS_BATCH = 500


def make_canary(tenant: str, run_id: str) -> str:
    """A canary unique to this run."""
    return f"CANARY-{tenant}-{run_id}-{secrets.token_hex(4)}"


def fill(template: Any, values: dict[str, str]) -> Any:
    """`template` with every `{name}` in its strings replaced by values[name] (nested dicts/lists too)."""
    if isinstance(template, str):
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
        return template
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, values) for v in template]
    return template


def _queue_read(pipe: Any, key: bytes, kind: bytes) -> None:
    """Queue the command that reads a key of this type whole."""
    if kind == b"string":
        pipe.get(key)
    elif kind == b"hash":
        pipe.hgetall(key)
    elif kind in (b"list", b"zset"):
        (pipe.lrange if kind == b"list" else pipe.zrange)(key, 0, -1)
    elif kind == b"set":
        pipe.smembers(key)
    elif kind == b"stream":
        pipe.xrange(key)
    else:
        pipe.type(key)


def _redis_values(client: redis.Redis, keys: list[bytes]) -> list[Any]:
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.type(key)
    kinds = pipe.execute()
    for key, kind in zip(keys, kinds, strict=True):
        _queue_read(pipe, key, kind)
    return list(pipe.execute())


def _batches(client: redis.Redis, limit: int) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for n, key in enumerate(client.scan_iter(count=REDIS_BATCH)):
        if n >= limit:
            break
        batch.append(key)
        if len(batch) == REDIS_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def search_redis(node: RedisNode, canary: str, max_keys: int) -> PlaceSearch:
    """SCAN every key; the canary in a key name or in any value (string, hash, list, set, zset, stream)."""
    name, needle = redis_address(node), canary.encode()
    password = secret(node.password_env, key="redis.primary.password_env") if node.password_env else None
    client = redis_client(node, password)
    found, scanned = [], 0
    try:
        with redis_failures(node):
            for keys in _batches(client, max_keys + 1):
                scanned += len(keys)
                found += [
                    k.decode(errors="replace")
                    for k, v in zip(keys, _redis_values(client, keys), strict=True)
                    if needle in k or needle in repr(v).encode()
                ]
    finally:
        client.close()
    full = scanned <= max_keys
    note = f"{min(scanned, max_keys)} keys scanned" + (
        "" if full else f" (stopped at max_redis_keys={max_keys})"
    )
    return PlaceSearch("redis", name, full, tuple(found), note)


def search_logs(patterns: tuple[str, ...], canary: str) -> list[PlaceSearch]:
    """Every file the patterns match (relative to the project root): `file:line` of each canary occurrence."""
    root = project_root()
    paths = sorted(
        {p for pat in patterns for p in glob.glob(str(pat if Path(pat).is_absolute() else root / pat))}
    )
    if not paths:
        return [PlaceSearch("log", ", ".join(patterns), False, note="no log file matches")]
    out = []
    for path in paths:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        hits = tuple(f"{path}:{n}" for n, line in enumerate(text.splitlines(), 1) if canary in line)
        out.append(PlaceSearch("log", path, True, hits, f"{len(text.encode())} bytes"))
    return out


def _prom_get(prom: Prometheus, path: str) -> list[str]:
    url = prom.url.rstrip("/") + path
    headers = {}
    if prom.bearer_token_env:
        headers["Authorization"] = "Bearer " + secret(
            prom.bearer_token_env, key="prometheus.bearer_token_env"
        )
    try:
        body = requests.get(url, headers=headers, timeout=15).json()
    except (requests.RequestException, ValueError) as exc:
        raise TargetUnreachable(url, f"no usable answer: {exc}") from exc
    if body.get("status") != "success":
        raise CollectionError(url, f"query failed: {body.get('error')}")
    return [str(v) for v in body["data"]]


def wait_for_scrape(prom: Prometheus, since: float, timeout_s: float) -> bool:
    """True once every `up` series has a sample newer than `since` (waits at most `timeout_s`)."""
    deadline = time.monotonic() + timeout_s
    while True:
        rows = query(prom, "min(timestamp(up))")
        if rows and rows[0][1] >= since:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(1.0)


def search_prometheus(prom: Prometheus, canary: str, scraped: bool) -> PlaceSearch:
    """Every label name and every value of every label (metric names included: `__name__`)."""
    found = []
    names = _prom_get(prom, "/api/v1/labels")
    for name in names:
        found += [
            f"{name}={value}" for value in _prom_get(prom, f"/api/v1/label/{name}/values") if canary in value
        ]
    note = f"{len(names)} label names" + ("" if scraped else "; no scrape seen after the write")
    return PlaceSearch("prometheus", prom.url, scraped, tuple(found), note)


def _reference_ids(
    session: requests.Session, http: HttpEndpoint, binding: SpecialCategoryBinding, headers: dict[str, str]
) -> dict[str, str]:
    values = {}
    for name, ref in binding.refs.items():
        ids = ids_in(send(session, http, "GET", ref.list, headers).json(), ref.field, ref.id_field)
        if not ids:
            raise CollectionError(
                http.base_url + ref.list, f"the tenant has no {ref.field} to use for {name}"
            )
        values[name] = ids[0]
    return values


def _write_and_read(
    http: HttpEndpoint, binding: SpecialCategoryBinding, headers: dict[str, str], canary: str
) -> tuple[str | None, int, list[Any], str]:
    with session_for(http) as session:
        body = fill(binding.body, {**_reference_ids(session, http, binding, headers), "canary": canary})
        created = send(session, http, "POST", binding.create, headers, json=body)
        record = created.json() if 200 <= created.status < 300 else None
        record_id = str(record["id"]) if isinstance(record, dict) and "id" in record else None
        if record_id is None:
            return None, created.status, [], "nothing to clean: the write did not return an id"
        item = binding.item.format(id=record_id)
        reads = [send(session, http, "GET", item, headers) for _ in range(2)]
        deleted = send(session, http, "DELETE", item, headers)
    cleanup = (
        "deleted"
        if 200 <= deleted.status < 300
        else f"not deleted: DELETE {binding.item} answered {deleted.status} (the API offers no delete)"
    )
    return record_id, created.status, reads, cleanup


NO_LOGS = PlaceSearch(
    "log", "(none bound)", False, note="no log files bound (bindings.special_category.log_files)"
)


def _places(
    target: Target, binding: SpecialCategoryBinding, canary: str, written_at: float
) -> list[PlaceSearch]:
    """Every place the target exposes, searched for the canary: metric labels, Redis, log files."""
    places: list[PlaceSearch] = []
    if target.prometheus is not None:
        scraped = wait_for_scrape(target.prometheus, written_at, binding.scrape_wait_s)
        places.append(search_prometheus(target.prometheus, canary, scraped))
    if target.redis is not None:
        places.append(search_redis(target.redis.primary, canary, binding.max_redis_keys))
    return places + (search_logs(binding.log_files, canary) if binding.log_files else [NO_LOGS])


def collect_canary_trail(
    target: Target, tenant: Tenant, binding: SpecialCategoryBinding, run_id: str, *, origin: Origin = UNKNOWN
) -> CanaryTrail:
    """Write one canary record as `tenant`, read it twice, then search every place the target exposes."""
    http = target.http
    if http is None:
        raise CollectionError("targets.yaml", "target has no HTTP endpoint")
    headers = {"X-API-Key": secret(tenant.api_key_env, key=f"tenants.{tenant.slug}.api_key_env")}
    canary, written_at = make_canary(tenant.slug, run_id), time.time()
    record_id, status, reads, cleanup = _write_and_read(http, binding, headers, canary)
    return CanaryTrail(
        canary,
        tenant.slug,
        record_id,
        status,
        tuple(r.status for r in reads),
        any(canary in r.text for r in reads),
        tuple({h: r.headers[h] for h in CACHE_HEADERS if h in r.headers} for r in reads),
        tuple(_places(target, binding, canary, written_at)),
        cleanup,
        origin,
    )

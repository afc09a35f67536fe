"""What the target actually runs: one value per inventory binding (counts, settings, regions, endpoints).

A binding in targets.yaml says where a claim's component is counted on that target, e.g.
`bindings: {BP-D08-INV-05: {source: redis_data_nodes}}`. Sources are listed in SOURCES; EVIDENCE_SOURCES
names the part of the target each one reads (for provenance: a sandbox's cloud account is set up by
claimcheck from the documents, so `aws.rds` evidence decides nothing there).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from checks.bindings import InventoryBinding
from checks.collect import postgres, prometheus
from checks.collect.aws import collect_db_instances
from checks.collect.clients import redis_address, redis_client, redis_failures
from checks.collect.cloud import AwsClients
from checks.errors import CollectionError, TargetUnreachable
from checks.evidence.inventory import InventoryValue as InventoryValue
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.storage import DbInstance, DbInventory
from checks.targets import Target, secret

T = TypeVar("T")
EVIDENCE_SOURCES = {
    "pg_setting": "postgres.settings",
    "pg_streaming_replicas": "postgres.replication",
    "redis_data_nodes": "redis.replication",
    "rds_read_replicas": "aws.rds",
    "rds_instance_class": "aws.rds",
    "rds_regions": "aws.rds",
    "tcp_endpoint": "network",
    "prometheus_query": "prometheus.query",
}


def evidence_source(binding: InventoryBinding) -> str:
    """The part of the target a binding reads: its `evidence_source`, else its source's default."""
    return binding.evidence_source or EVIDENCE_SOURCES[binding.source]


def _need(value: T | None, what: str) -> T:
    if value is None:
        raise CollectionError("targets.yaml", f"binding needs {what}, which the target does not describe")
    return value


def _pg_setting(target: Target, b: InventoryBinding) -> InventoryValue:
    pg, name = _need(target.postgres, "a postgres section"), _need(b.name, "a setting name (name)")
    value = postgres.collect_setting(pg.primary, name)
    return InventoryValue("pg_setting", value, f"SHOW {name} on {postgres.endpoint(pg.primary)}")


def _pg_replicas(target: Target, b: InventoryBinding) -> InventoryValue:
    pg = _need(target.postgres, "a postgres section")
    count = postgres.collect_streaming_replicas(pg.primary)
    return InventoryValue("pg_streaming_replicas", count, f"rows of pg_stat_replication on {pg.primary.host}")


def _redis_data_nodes(target: Target, b: InventoryBinding) -> InventoryValue:
    node = _need(target.redis, "a redis section").primary
    password = secret(node.password_env, key="redis.primary.password_env") if node.password_env else None
    with redis_failures(node):
        info = redis_client(node, password).info("replication")
    replicas = int(info.get("connected_slaves", 0))
    detail = f"{redis_address(node)} INFO replication: 1 primary + {replicas} connected replicas"
    return InventoryValue("redis_data_nodes", 1 + replicas, detail)


def _rds(target: Target) -> DbInventory:
    aws = _need(target.aws, "an aws section")
    return collect_db_instances(AwsClients(aws).per_region("rds"))


def _instance(target: Target, b: InventoryBinding) -> DbInstance:
    inventory, wanted = _rds(target), _need(b.instance, "an instance id (instance)")
    found = [i for i in inventory.instances if i.instance_id == wanted]
    if not found:
        raise CollectionError("rds", f"no instance {wanted!r} in {inventory.regions}")
    return found[0]


def _rds_read_replicas(target: Target, b: InventoryBinding) -> InventoryValue:
    found = _instance(target, b)
    detail = f"{found.instance_id} replicas: {list(found.replica_ids)}"
    return InventoryValue("rds_read_replicas", len(found.replica_ids), detail)


def _rds_instance_class(target: Target, b: InventoryBinding) -> InventoryValue:
    found = _instance(target, b)
    return InventoryValue(
        "rds_instance_class", found.instance_class, f"{found.instance_id} in {found.region}"
    )


def _rds_regions(target: Target, b: InventoryBinding) -> InventoryValue:
    prefix = b.prefix or ""
    regions = sorted({i.region for i in _rds(target).instances if i.instance_id.startswith(prefix)})
    return InventoryValue("rds_regions", regions, f"regions with RDS instances named {prefix}*")


def _tcp_endpoint(target: Target, b: InventoryBinding) -> InventoryValue:
    address = _need(b.address, "an address (host:port)")
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=3):
            listening = True
    except ConnectionRefusedError:
        listening = False  # refused: the host answers, and nothing listens on that port
    except OSError as exc:  # silent, unroutable, unknown host: whether anything listens cannot be told
        raise TargetUnreachable(address, f"TCP connect gave no answer: {exc}") from exc
    return InventoryValue("tcp_endpoint", listening, f"TCP connect to {address}")


def _prometheus_query(target: Target, b: InventoryBinding) -> InventoryValue:
    prom, expr = _need(target.prometheus, "a prometheus section"), _need(b.expr, "a PromQL expression (expr)")
    result = prometheus.query(prom, expr)
    if not result:
        raise CollectionError(prom.url, f"query {expr!r} returned no series")
    return InventoryValue("prometheus_query", result[0][1], f"{expr} = {result[0][1]}")


SOURCES: dict[str, Callable[[Target, InventoryBinding], InventoryValue]] = {
    "pg_setting": _pg_setting,
    "pg_streaming_replicas": _pg_replicas,
    "redis_data_nodes": _redis_data_nodes,
    "rds_read_replicas": _rds_read_replicas,
    "rds_instance_class": _rds_instance_class,
    "rds_regions": _rds_regions,
    "tcp_endpoint": _tcp_endpoint,
    "prometheus_query": _prometheus_query,
}


def collect_inventory_value(
    target: Target, binding: InventoryBinding, *, origin: Origin = UNKNOWN
) -> InventoryValue:
    """The value a binding points at (with `count`, the number of items of a list value)."""
    found = replace(SOURCES[binding.source](target, binding), origin=origin)
    if binding.count and isinstance(found.value, list | tuple):
        return replace(found, value=len(found.value), detail=f"{found.detail}: {list(found.value)}")
    return found

"""What the target actually runs: one value per inventory binding (counts, settings, regions, endpoints).

A binding in targets.yaml says where a claim's component is counted on that target, e.g.
`bindings: {BP-D08-INV-05: {source: redis_data_nodes}}`. Sources are listed in SOURCES.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from checks.collect import postgres, prometheus
from checks.collect.aws import collect_db_instances
from checks.collect.clients import redis_address, redis_client, redis_failures
from checks.collect.cloud import AwsClients
from checks.errors import CollectionError
from checks.targets import Target, secret


@dataclass(frozen=True)
class InventoryValue:
    """One measured inventory value and how it was obtained."""

    source: str
    value: Any
    detail: str


def _need(value: Any, what: str) -> Any:
    if value is None:
        raise CollectionError("targets.yaml", f"binding needs {what}, which the target does not describe")
    return value


def _pg_setting(target: Target, b: dict[str, Any]) -> InventoryValue:
    pg = _need(target.postgres, "a postgres section")
    value = postgres.collect_setting(pg.primary, str(b["name"]))
    return InventoryValue("pg_setting", value, f"SHOW {b['name']} on {postgres.endpoint(pg.primary)}")


def _pg_replicas(target: Target, b: dict[str, Any]) -> InventoryValue:
    pg = _need(target.postgres, "a postgres section")
    count = postgres.collect_streaming_replicas(pg.primary)
    return InventoryValue("pg_streaming_replicas", count, f"rows of pg_stat_replication on {pg.primary.host}")


def _redis_data_nodes(target: Target, b: dict[str, Any]) -> InventoryValue:
    node = _need(target.redis, "a redis section").primary
    address = redis_address(node)
    password = secret(node.password_env, key="redis.primary.password_env") if node.password_env else None
    with redis_failures(node):
        info = redis_client(node, password).info("replication")
    count = 1 + int(info.get("connected_slaves", 0))
    return InventoryValue(
        "redis_data_nodes",
        count,
        f"{address} INFO replication: 1 primary + {info.get('connected_slaves', 0)} connected replicas",
    )


def _rds(target: Target, b: dict[str, Any]) -> Any:
    aws = _need(target.aws, "an aws section")
    return collect_db_instances(AwsClients(aws).per_region("rds"))


def _rds_read_replicas(target: Target, b: dict[str, Any]) -> InventoryValue:
    inventory = _rds(target, b)
    found = [i for i in inventory.instances if i.instance_id == b["instance"]]
    if not found:
        raise CollectionError("rds", f"no instance {b['instance']!r} in {inventory.regions}")
    replicas = found[0].replica_ids
    return InventoryValue("rds_read_replicas", len(replicas), f"{b['instance']} replicas: {list(replicas)}")


def _rds_instance_class(target: Target, b: dict[str, Any]) -> InventoryValue:
    inventory = _rds(target, b)
    found = [i for i in inventory.instances if i.instance_id == b["instance"]]
    if not found:
        raise CollectionError("rds", f"no instance {b['instance']!r} in {inventory.regions}")
    return InventoryValue(
        "rds_instance_class", found[0].instance_class, f"{b['instance']} in {found[0].region}"
    )


def _rds_regions(target: Target, b: dict[str, Any]) -> InventoryValue:
    inventory = _rds(target, b)
    prefix = str(b.get("prefix", ""))
    regions = sorted({i.region for i in inventory.instances if i.instance_id.startswith(prefix)})
    return InventoryValue("rds_regions", regions, f"regions with RDS instances named {prefix}*")


def _tcp_endpoint(target: Target, b: dict[str, Any]) -> InventoryValue:
    host, _, port = str(b["address"]).rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=3):
            listening = True
    except OSError:
        listening = False
    return InventoryValue("tcp_endpoint", listening, f"TCP connect to {b['address']}")


def _prometheus_query(target: Target, b: dict[str, Any]) -> InventoryValue:
    prom = _need(target.prometheus, "a prometheus section")
    result = prometheus.query(prom, str(b["expr"]))
    if not result:
        raise CollectionError(prom.url, f"query {b['expr']!r} returned no series")
    return InventoryValue("prometheus_query", result[0][1], f"{b['expr']} = {result[0][1]}")


SOURCES: dict[str, Callable[[Target, dict[str, Any]], InventoryValue]] = {
    "pg_setting": _pg_setting,
    "pg_streaming_replicas": _pg_replicas,
    "redis_data_nodes": _redis_data_nodes,
    "rds_read_replicas": _rds_read_replicas,
    "rds_instance_class": _rds_instance_class,
    "rds_regions": _rds_regions,
    "tcp_endpoint": _tcp_endpoint,
    "prometheus_query": _prometheus_query,
}


def collect_inventory_value(target: Target, binding: dict[str, Any]) -> InventoryValue:
    """The value a binding points at; unknown sources are a CollectionError naming the known ones."""
    source = str(binding.get("source", ""))
    if source not in SOURCES:
        raise CollectionError(
            "targets.yaml bindings",
            f"unknown inventory source {source!r}; known: {', '.join(sorted(SOURCES))}",
        )
    found = SOURCES[source](target, binding)
    if binding.get("count") and isinstance(found.value, list | tuple):
        return InventoryValue(found.source, len(found.value), f"{found.detail}: {list(found.value)}")
    return found

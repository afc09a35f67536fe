"""Inventory collectors against real local servers: a password-protected Redis, TCP endpoints."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from checks.bindings import InventoryBinding
from checks.collect.inventory import collect_inventory_value, evidence_source
from checks.errors import AccessDenied
from checks.evidence.origin import Origin
from checks.targets import Redis, RedisNode, Target
from checks.verdicts import Provenance
from tests.collect.test_cache import PASSWORD, PASSWORD_ENV, redis_port  # noqa: F401  (the server fixture)

pytestmark = pytest.mark.integration


def target_with(port: int, password_env: str | None) -> Target:
    node = RedisNode(host="127.0.0.1", port=port, password_env=password_env)
    return Target(kind="staging", redis=Redis(primary=node))


def test_redis_data_nodes_authenticate_with_the_targets_password(
    redis_port: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14: one Redis client passed no password and mapped every error to 'unreachable'."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    found = collect_inventory_value(
        target_with(redis_port, PASSWORD_ENV), InventoryBinding(source="redis_data_nodes")
    )
    assert found.value == 1 and "1 primary + 0 connected replicas" in found.detail


def test_a_wrong_redis_password_is_access_denied_not_unreachable(
    redis_port: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    with pytest.raises(AccessDenied):
        collect_inventory_value(
            target_with(redis_port, PASSWORD_ENV), InventoryBinding(source="redis_data_nodes")
        )


def test_no_redis_password_where_one_is_required_is_access_denied(redis_port: int) -> None:  # noqa: F811
    with pytest.raises(AccessDenied):
        collect_inventory_value(target_with(redis_port, None), InventoryBinding(source="redis_data_nodes"))


@pytest.fixture
def listening_port() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


def test_a_tcp_endpoint_listens_or_refuses(listening_port: int) -> None:
    listening = InventoryBinding(source="tcp_endpoint", address=f"127.0.0.1:{listening_port}")
    assert collect_inventory_value(Target(kind="staging"), listening).value is True
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    refused = InventoryBinding(source="tcp_endpoint", address=f"127.0.0.1:{port}")
    assert collect_inventory_value(Target(kind="staging"), refused).value is False


def test_the_value_carries_the_origin_of_the_source_it_reads(listening_port: int) -> None:
    binding = InventoryBinding(source="tcp_endpoint", address=f"127.0.0.1:{listening_port}")
    origin = Origin("t", Provenance.CONSTRUCTED, source="network", constructed="set up from the documents")
    assert collect_inventory_value(Target(kind="staging"), binding, origin=origin).origin == origin


def test_each_source_names_the_part_of_the_target_it_reads() -> None:
    assert evidence_source(InventoryBinding(source="rds_instance_class", instance="db")) == "aws.rds"
    assert evidence_source(InventoryBinding(source="pg_setting", name="TimeZone")) == "postgres.settings"
    overridden = InventoryBinding(
        source="pg_setting", name="TimeZone", evidence_source="postgres.provisioned"
    )
    assert evidence_source(overridden) == "postgres.provisioned"

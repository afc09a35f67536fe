"""PostgreSQL collectors against a throwaway primary + streaming replica (password auth on TCP)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checks.collect.postgres import collect_query_timings, collect_setting, collect_streaming_replicas
from checks.collect.replication import collect_replication_lag
from checks.drills import pg_ops
from checks.drills.topology import PgNodeBinding
from checks.errors import AccessDenied, CollectionError, TargetUnreachable
from checks.targets import PgNode
from tests.drills import servers

pytestmark = pytest.mark.integration
PASSWORD_ENV = "CC_TEST_PG_PASSWORD"
PASSWORD = "cc-test-pg-pw"
# Sockets stay trusted (the fixture's own admin path); TCP clients, like claimcheck, must give the password.
HBA = (
    "local all all trust\nlocal replication all trust\nhost replication all 127.0.0.1/32 trust\n"
    "host all all 127.0.0.1/32 scram-sha-256\n"
)


@pytest.fixture(scope="module")
def pg() -> Iterator[dict[str, Any]]:
    """Primary + replica (pg_basebackup -R) on free ports; the primary asks TCP clients for a password."""
    if not servers.pg_bin("initdb") or not servers.pg_bin("pg_basebackup"):
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="cc-collect-pg-"))
    root.chmod(0o755)  # the postgres user must traverse it
    binding = servers.start_pg_pair(root)
    try:
        primary = PgNodeBinding(**binding["primary"])
        Path(primary.data_dir, "pg_hba.conf").write_text(HBA)
        pg_ops.query(primary, f"ALTER ROLE postgres PASSWORD '{PASSWORD}'")
        pg_ops.query(primary, "SELECT pg_reload_conf()")
        yield binding
    finally:
        servers.stop_pg_pair(binding)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def primary(pg: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> PgNode:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    return PgNode(
        host="127.0.0.1",
        port=pg["primary"]["port"],
        dbname="barberpro",
        user="postgres",
        password_env=PASSWORD_ENV,
    )


@pytest.fixture
def replica(pg: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> PgNode:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    return PgNode(
        host="127.0.0.1",
        port=pg["replica"]["port"],
        dbname="barberpro",
        user="postgres",
        password_env=PASSWORD_ENV,
    )


def test_replication_samples_see_a_streaming_replica(primary: PgNode, replica: PgNode) -> None:
    lag = collect_replication_lag(primary, replica, count=3, interval_s=0.05)
    assert len(lag.samples) == 3 and lag.replica.endswith(f":{replica.port}/barberpro")
    for sample in lag.samples:
        assert sample.in_recovery and sample.receiver_status == "streaming"
        assert sample.lag_bytes >= 0 and 0 <= sample.lag_s < 5


def test_samples_carry_the_primarys_walsender_count(primary: PgNode, replica: PgNode) -> None:
    lag = collect_replication_lag(primary, replica, count=2, interval_s=0.05)
    assert [s.primary_senders for s in lag.samples] == [1, 1] and lag.replica_error is None


def test_an_unreachable_replica_is_recorded_with_the_primarys_view(primary: PgNode) -> None:
    closed = PgNode(host="127.0.0.1", port=servers.free_port(), dbname="barberpro", user="postgres")
    lag = collect_replication_lag(primary, closed, count=2, interval_s=0.05)
    assert lag.samples == () and lag.primary_senders == (1, 1)
    assert lag.replica_error is not None and f":{closed.port}" in lag.replica_error


def test_an_unreachable_primary_still_raises(replica: PgNode) -> None:
    closed = PgNode(host="127.0.0.1", port=servers.free_port(), dbname="barberpro", user="postgres")
    with pytest.raises(TargetUnreachable):
        collect_replication_lag(closed, replica, count=1, interval_s=0)


def test_a_primary_sampled_as_replica_is_not_in_recovery(primary: PgNode) -> None:
    (sample,) = collect_replication_lag(primary, primary, count=1, interval_s=0).samples
    assert not sample.in_recovery and sample.lag_bytes == -1 and sample.lag_s == float("inf")


def test_one_streaming_replica_is_counted(primary: PgNode) -> None:
    assert collect_streaming_replicas(primary) == 1


def test_query_timings_are_one_per_run(primary: PgNode) -> None:
    timings = collect_query_timings(primary, "SELECT 1", 20)
    assert (
        timings.operation == "SELECT 1"
        and timings.where == f"postgresql://postgres@127.0.0.1:{primary.port}/barberpro"
    )
    assert len(timings.latencies_ms) == 20 and all(0 < t < 1000 for t in timings.latencies_ms)


def test_slower_queries_time_slower(primary: PgNode) -> None:
    timings = collect_query_timings(primary, "SELECT pg_sleep(0.02)", 3)
    assert min(timings.latencies_ms) >= 20


def test_a_failing_query_is_a_collection_error_naming_the_sql(primary: PgNode) -> None:
    with pytest.raises(CollectionError, match="no_such_table"):
        collect_query_timings(primary, "SELECT * FROM no_such_table", 1)


def test_show_reads_a_setting(primary: PgNode) -> None:
    assert collect_setting(primary, "wal_level") == "replica"
    assert collect_setting(primary, "max_wal_senders") == "10"


def test_a_setting_name_that_is_not_a_name_is_refused(primary: PgNode) -> None:
    with pytest.raises(CollectionError, match="not a setting name"):
        collect_setting(primary, "wal_level; SELECT 1")


def test_an_unknown_setting_is_a_collection_error(primary: PgNode) -> None:
    with pytest.raises(CollectionError, match="no_such_setting"):
        collect_setting(primary, "no_such_setting")


def test_a_wrong_password_is_access_denied_naming_the_endpoint(
    primary: PgNode, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    with pytest.raises(AccessDenied) as caught:
        collect_setting(primary, "wal_level")
    assert caught.value.endpoint == f"postgresql://postgres@127.0.0.1:{primary.port}/barberpro"
    assert "not-the-password" not in str(caught.value)


def test_a_closed_port_is_target_unreachable() -> None:
    closed = PgNode(host="127.0.0.1", port=servers.free_port(), dbname="barberpro", user="postgres")
    with pytest.raises(TargetUnreachable) as caught:
        collect_setting(closed, "wal_level")
    assert caught.value.endpoint == f"postgresql://postgres@127.0.0.1:{closed.port}/barberpro"

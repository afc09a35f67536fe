"""The storage of one system in a target's cloud account: its buckets' posture, its database instances, and
(where the target allows writes) a delete probe against each locked bucket."""

from __future__ import annotations

from collections.abc import Sequence

from checks.collect.aws import (
    bucket_region,
    collect_bucket_posture,
    collect_buckets,
    collect_db_instances,
    object_lock_delete_probe,
    only_named,
)
from checks.collect.cloud import AwsClients
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.storage import BucketPosture, DbInventory, DeleteProbe, StoragePosture
from checks.targets import Aws


def _postures(clients: AwsClients, names: Sequence[str]) -> tuple[BucketPosture, ...]:
    s3 = clients.client("s3", clients.aws.regions[0] if clients.aws.regions else "us-east-1")
    out = []
    for name in names:
        region = bucket_region(s3, name)
        out.append(collect_bucket_posture(clients.client("s3", region), clients.client("kms", region), name))
    return tuple(out)


def collect_storage_posture(
    aws: Aws,
    system: str,
    buckets: Sequence[str] = (),
    *,
    with_dbs: bool = True,
    delete_probe_run: str | None = None,
    origin: Origin = UNKNOWN,
) -> StoragePosture:
    """`buckets` (else every bucket named with the system's resource prefix), the system's DB instances
    (`with_dbs`), and with `delete_probe_run` a delete probe per bucket labelled with that run id."""
    clients, prefix = AwsClients(aws), aws.resource_prefix.get(system)
    s3 = clients.client("s3", aws.regions[0] if aws.regions else "us-east-1")
    postures = _postures(clients, collect_buckets(s3, buckets, prefix))
    dbs: DbInventory | None = None
    if with_dbs:
        dbs = only_named(collect_db_instances(clients.per_region("rds")), prefix)
    probes: tuple[DeleteProbe, ...] = ()
    if delete_probe_run is not None:
        probes = tuple(
            object_lock_delete_probe(clients.client("s3", b.region), b.bucket, delete_probe_run)
            for b in postures
        )
    return StoragePosture(postures, dbs, probes, origin)

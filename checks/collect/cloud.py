"""boto3 clients for a target's AWS account (or its local moto server), built per call.

The service models a client is built from (JSON files of several megabytes) are parsed once per process: every
client is made by one botocore session (under a lock: sessions are not thread-safe, clients are), with the
target's credentials passed to each client, never kept in the session."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from checks.collect.clients import boto_config, bounded_boto_client
from checks.targets import Aws, secret

_MAKER_LOCK = threading.Lock()
_MAKER: list[Any] = []  # the one botocore session, made on first use


def _make_client(service: str, **kwargs: Any) -> Any:
    with _MAKER_LOCK:
        if not _MAKER:
            import botocore.session

            _MAKER.append(botocore.session.get_session())
        return _MAKER[0].create_client(service, **kwargs)


@dataclass(frozen=True)
class AwsClients:
    """Factory of boto3 clients for one target's account."""

    aws: Aws

    def _credentials(self) -> dict[str, str]:
        if self.aws.access_key_id_env and self.aws.secret_access_key_env:
            key_id = secret(self.aws.access_key_id_env, key="aws.access_key_id_env")
            key = secret(self.aws.secret_access_key_env, key="aws.secret_access_key_env")
            return {"aws_access_key_id": key_id, "aws_secret_access_key": key}
        return {}

    def client(self, service: str, region: str) -> Any:
        """A client of `service` in `region` (through the target's endpoint_url when it has one), with the
        target's timeout for connect and read, at most 2 attempts, and a total deadline per call."""
        made = _make_client(
            service,
            region_name=region,
            endpoint_url=self.aws.endpoint_url,
            config=boto_config(self.aws.timeout_s),
            **self._credentials(),
        )
        return bounded_boto_client(made, self.aws.timeout_s)

    def per_region(self, service: str) -> dict[str, Any]:
        """One client per region the target lists."""
        return {region: self.client(service, region) for region in self.aws.regions}

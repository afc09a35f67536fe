"""boto3 clients for a target's AWS account (or its local moto server), built per call, never module-level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

from checks.collect.clients import boto_config, bounded_boto_client
from checks.targets import Aws, secret


@dataclass(frozen=True)
class AwsClients:
    """Factory of boto3 clients for one target's account."""

    aws: Aws

    def _session(self) -> boto3.session.Session:
        if self.aws.access_key_id_env and self.aws.secret_access_key_env:
            return boto3.session.Session(
                aws_access_key_id=secret(self.aws.access_key_id_env, key="aws.access_key_id_env"),
                aws_secret_access_key=secret(self.aws.secret_access_key_env, key="aws.secret_access_key_env"),
            )
        return boto3.session.Session()

    def client(self, service: str, region: str) -> Any:
        """A client of `service` in `region` (through the target's endpoint_url when it has one), with the
        target's timeout for connect and read, at most 2 attempts, and a total deadline per call."""
        made = self._session().client(
            service,
            region_name=region,
            endpoint_url=self.aws.endpoint_url,
            config=boto_config(self.aws.timeout_s),
        )
        return bounded_boto_client(made, self.aws.timeout_s)

    def per_region(self, service: str) -> dict[str, Any]:
        """One client per region the target lists."""
        return {region: self.client(service, region) for region in self.aws.regions}

"""A pytest plugin for the identity tests: every botocore operation the suites make, one JSON line each
(`[endpoint prefix, operation, parameter names]`) appended to $CC_BOTO_RECORD, through botocore's
`before-parameter-build` event (it sees the API parameters, e.g. a VersionId)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from checks.collect import cloud


def pytest_configure(config: pytest.Config) -> None:
    path = os.environ["CC_BOTO_RECORD"]
    original = cloud.AwsClients.client

    def record(model: Any, params: Any, **kwargs: Any) -> None:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps([model.service_model.endpoint_prefix, model.name, sorted(params)]) + "\n")

    def client(self: cloud.AwsClients, service: str, region: str) -> Any:
        made = original(self, service, region)
        made.meta.events.register("before-parameter-build", record)
        return made

    cloud.AwsClients.client = client  # type: ignore[method-assign]

"""Incoming webhooks: signed deliveries accepted, unsigned and wrongly signed ones refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.collect.isolation.bindings import WebhookBinding, parse_binding
from checks.collect.isolation.webhooks import collect_webhook_deliveries
from checks.evaluate.webhooks import webhook_signatures_enforced
from checks.evidence.origin import Origin
from checks.ledger import Claim
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge


@pytest.mark.parametrize("claim", claim_params("webhook.signature"))
def test_webhook_signatures_enforced(
    claim: Claim, judge: Judge, target: Target, run_id: str, evidence_origin: Callable[[str], Origin]
) -> None:
    http = judge.need(target.http, "an HTTP endpoint")
    binding = judge.need(
        parse_binding(target, "webhooks", WebhookBinding),
        "an incoming-webhook route and its signing secret (bindings.webhooks)",
    )
    deliveries = collect_webhook_deliveries(http, binding, run_id, origin=evidence_origin("http.webhooks"))
    judge(webhook_signatures_enforced(deliveries, claim))

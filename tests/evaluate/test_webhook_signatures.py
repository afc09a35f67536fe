"""Webhook signatures: both sides (signed accepted, bad ones refused) are needed to prove."""

from __future__ import annotations

import pytest

from checks.evaluate.webhooks import webhook_signatures_enforced
from checks.evidence.security import Delivery, WebhookDeliveries
from checks.ledger import Claim, Source
from checks.verdicts import Outcome

CLAIM = Claim(
    id="BP-T-03",
    system="BarberPro",
    category="security",
    statement="Webhooks are signed.",
    sources=(Source(file="d.txt", line=1, quote="HMAC-SHA256"),),
    metric="webhook_signature",
    comparator="present",
    bound="HMAC-SHA256",
    check="webhook.signature",
    method="post deliveries",
)


def deliveries(signed: int, unsigned: int, wrong: int) -> WebhookDeliveries:
    return WebhookDeliveries(
        "https://gw/hook",
        "HMAC",
        (
            Delivery("signed", "allow", signed),
            Delivery("unsigned", "refuse", unsigned),
            Delivery("wrong-secret", "refuse", wrong),
        ),
    )


def test_proven_when_signed_accepted_and_bad_refused() -> None:
    assert webhook_signatures_enforced(deliveries(200, 401, 403), CLAIM).outcome == Outcome.PROVEN


def test_disproven_when_an_unsigned_delivery_is_accepted() -> None:
    verdict = webhook_signatures_enforced(deliveries(200, 202, 401), CLAIM)
    assert verdict.outcome == Outcome.DISPROVEN and "unsigned" in verdict.reason


@pytest.mark.parametrize("signed", [401, 500, 404])
def test_error_when_the_signed_delivery_fails(signed: int) -> None:
    assert webhook_signatures_enforced(deliveries(signed, 401, 401), CLAIM).outcome == Outcome.ERROR


def test_error_when_a_bad_delivery_gets_another_answer() -> None:
    assert webhook_signatures_enforced(deliveries(200, 429, 401), CLAIM).outcome == Outcome.ERROR

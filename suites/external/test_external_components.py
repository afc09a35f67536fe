"""Claims about components claimcheck has no collector for (Kafka, ML accuracy, third-party APIs)."""

from __future__ import annotations

import pytest

from checks.bindings import ExternalBinding
from checks.evaluate.external import external_component
from checks.ledger import Claim
from checks.registry import binding_as
from checks.targets import Target
from fixtures.claims import claim_params
from fixtures.judging import Judge


@pytest.mark.parametrize("claim", claim_params("external.component"))
def test_external_component_claim(claim: Claim, judge: Judge, target: Target) -> None:
    judge(external_component(claim, binding_as(target, claim, ExternalBinding)))

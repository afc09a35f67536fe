"""Statements that are not technical claims: reported OUT_OF_SCOPE with the waiver's reason, never dropped."""

from __future__ import annotations

import pytest

from checks.evaluate.waivers import waived
from checks.ledger import Claim
from fixtures.claims import claim_params
from fixtures.judging import Judge


@pytest.mark.parametrize("claim", claim_params("waived"))
def test_statement_is_waived(claim: Claim, judge: Judge) -> None:
    judge(waived(claim))

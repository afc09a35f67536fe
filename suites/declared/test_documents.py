"""Claims about the documents' own content, judged by declared evidence alone (arithmetic, totals)."""

from __future__ import annotations

import pytest

from checks.ledger import Claim
from fixtures.claims import claim_params
from fixtures.judging import Judge


@pytest.mark.parametrize("claim", claim_params("declared.document"))
def test_document_claim_holds(claim: Claim, judge: Judge) -> None:
    judge(judge.need(judge.declared, "a declared-evidence finding for this claim"))

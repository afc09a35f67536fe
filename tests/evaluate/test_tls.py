"""TLS evaluators on hand-built postures: both sides of every bound."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from checks.evaluate.tls import https_enforced, in_transit_as_claimed, tls_as_claimed, tls_versions_only
from checks.evidence.transport import (
    ACCEPTED,
    REFUSED,
    UNTESTABLE,
    CertInfo,
    HopTransport,
    HttpRedirect,
    TlsPosture,
    VersionResult,
)
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome


def claim(**kw: Any) -> Claim:
    base: dict[str, Any] = {
        "id": "BP-D09-SEC-02",
        "system": "BarberPro",
        "category": "security",
        "statement": "a test claim",
        "sources": [
            {"file": "001_ca4cc006242b71e0.txt", "line": 194, "quote": "TLS 1.3 encryption in transit"}
        ],
        "metric": "tls_version",
        "check": "tls.policy",
        "method": "hand-built evidence",
        "comparator": "==",
        "bound": "TLSv1.3",
    }
    return Claim.model_validate(base | kw)


def posture(
    *outcomes: str,
    hsts: str | None = "max-age=31536000",
    redirect: HttpRedirect | None = None,
    verified: bool = True,
) -> TlsPosture:
    versions = tuple(
        VersionResult(v, o, "TLS_AES_256_GCM_SHA384" if o == ACCEPTED else None, "")
        for v, o in zip(("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"), outcomes, strict=True)
    )
    leaf = CertInfo("CN=tenant.test", "CN=ca", "2030-01-01T00:00:00+00:00", ("tenant.test",), ())
    return TlsPosture(
        "127.0.0.1",
        443,
        "tenant.test",
        versions,
        (leaf,),
        verified,
        "" if verified else "bad",
        True,
        hsts,
        redirect,
    )


TLS13_ONLY = posture(REFUSED, REFUSED, REFUSED, ACCEPTED)
TLS12_13 = posture(REFUSED, REFUSED, ACCEPTED, ACCEPTED)


def test_tls13_only_server_proves_a_tls13_only_claim() -> None:
    verdict = tls_versions_only(TLS13_ONLY, claim())
    assert verdict.outcome is Outcome.PROVEN and verdict.level is EvidenceLevel.OBSERVED


def test_tls12_acceptance_disproves_a_tls13_only_claim() -> None:
    verdict = tls_versions_only(TLS12_13, claim())
    assert verdict.outcome is Outcome.DISPROVEN and "TLSv1.2" in verdict.reason


def test_explicit_allowed_set_overrides_the_claim() -> None:
    assert (
        tls_versions_only(TLS12_13, claim(), allowed=frozenset({"TLSv1.2", "TLSv1.3"})).outcome
        is Outcome.PROVEN
    )


@pytest.mark.parametrize(
    ("found", "outcome"),
    [
        (TLS12_13, Outcome.PROVEN),
        (TLS13_ONLY, Outcome.PROVEN),
        (posture(ACCEPTED, REFUSED, ACCEPTED, ACCEPTED), Outcome.DISPROVEN),
    ],
)
def test_numeric_floor_claim(found: TlsPosture, outcome: Outcome) -> None:
    assert tls_versions_only(found, claim(comparator=">=", bound=1.2)).outcome is outcome


def test_untestable_old_versions_make_it_inconclusive_not_proven() -> None:
    verdict = tls_versions_only(posture(UNTESTABLE, UNTESTABLE, REFUSED, ACCEPTED), claim())
    assert verdict.outcome is Outcome.INCONCLUSIVE and "TLSv1, TLSv1.1" in verdict.reason


def test_no_allowed_version_accepted_disproves() -> None:
    verdict = tls_versions_only(posture(REFUSED, REFUSED, REFUSED, REFUSED), claim())
    assert verdict.outcome is Outcome.DISPROVEN and "accepts none" in verdict.reason


def test_params_allowed_list_with_loose_spelling() -> None:
    loose = claim(params={"allowed": ["TLS 1.2", "1.3"]})
    assert tls_versions_only(TLS12_13, loose).outcome is Outcome.PROVEN


def test_unreadable_bound_is_an_error() -> None:
    assert tls_versions_only(TLS13_ONLY, claim(bound="SSLv3")).outcome is Outcome.ERROR


# https_enforced
REDIRECT = HttpRedirect(80, 301, "https://tenant.test/")


def hsts_claim(**params: Any) -> Claim:
    return claim(metric="encryption_in_transit", comparator="present", bound=None, params=params)


def test_hsts_valid_certificate_and_redirect_is_proven() -> None:
    assert https_enforced(replace(TLS13_ONLY, http_redirect=REDIRECT), hsts_claim()).outcome is Outcome.PROVEN


@pytest.mark.parametrize(
    "broken",
    [
        replace(TLS13_ONLY, http_redirect=REDIRECT, hsts=None),
        replace(TLS13_ONLY, http_redirect=HttpRedirect(80, 200, None)),
        replace(TLS13_ONLY, http_redirect=HttpRedirect(80, 301, "http://tenant.test/")),
        replace(TLS13_ONLY, http_redirect=REDIRECT, verified=False),
    ],
)
def test_any_missing_piece_disproves(broken: TlsPosture) -> None:
    assert https_enforced(broken, hsts_claim()).outcome is Outcome.DISPROVEN


@pytest.mark.parametrize(("min_age", "outcome"), [(31536000, Outcome.PROVEN), (31536001, Outcome.DISPROVEN)])
def test_hsts_max_age_against_the_minimum(min_age: int, outcome: Outcome) -> None:
    found = replace(TLS13_ONLY, http_redirect=REDIRECT)
    assert https_enforced(found, hsts_claim(hsts_min_age_s=min_age)).outcome is outcome


def test_http_not_probed_is_inconclusive() -> None:
    assert https_enforced(TLS13_ONLY, hsts_claim()).outcome is Outcome.INCONCLUSIVE


# ------------------------------------------------------------------ every hop ("data in transit", "all ...")
def hop(name: str, encrypted: bool, version: str | None = "TLSv1.3") -> HopTransport:
    return HopTransport(
        name, f"{name.lower()}://127.0.0.1", encrypted, version if encrypted else None, "seen"
    )


ONLY_13 = (REFUSED, REFUSED, REFUSED, ACCEPTED)
ALL = {"params": {"hops": "all"}}


def test_a_plaintext_database_disproves_all_communications_whatever_the_gateway_says() -> None:
    verdict = in_transit_as_claimed(
        posture(*ONLY_13), [hop("PostgreSQL primary", False), hop("Redis primary", True)], [], claim(**ALL)
    )
    assert verdict.outcome is Outcome.DISPROVEN
    assert "PostgreSQL primary" in verdict.reason and "not encrypted" in verdict.reason
    assert "Redis" not in verdict.reason  # only the hop that contradicts the claim is named


def test_a_hop_on_an_older_version_disproves_a_version_claim() -> None:
    verdict = in_transit_as_claimed(
        posture(*ONLY_13), [hop("PostgreSQL primary", True, "TLSv1.2")], [], claim(**ALL)
    )
    assert verdict.outcome is Outcome.DISPROVEN and "TLSv1.2" in verdict.reason


def test_every_hop_encrypted_is_still_not_all_of_them() -> None:
    """The gateway's TLS 1.3 alone PROVES the edge claim, never the every-hop claim (BB-ENC-03)."""
    hops = [hop("PostgreSQL primary", True), hop("Redis primary", True)]
    assert tls_as_claimed(posture(*ONLY_13), claim()).outcome is Outcome.PROVEN
    verdict = in_transit_as_claimed(posture(*ONLY_13), hops, [], claim(**ALL))
    assert verdict.outcome is Outcome.INCONCLUSIVE and "not observed" in verdict.reason
    assert in_transit_as_claimed(posture(*ONLY_13), [], [], claim(**ALL)).outcome is Outcome.INCONCLUSIVE


def test_a_hop_that_could_not_be_reached_is_error_unless_another_disproves() -> None:
    reached = [hop("Redis primary", True)]
    failed = ["PostgreSQL primary: no answer within 10 s"]
    verdict = in_transit_as_claimed(posture(*ONLY_13), reached, failed, claim(**ALL))
    assert verdict.outcome is Outcome.ERROR and "PostgreSQL primary" in verdict.reason
    plaintext = [hop("Redis primary", False)]
    assert (
        in_transit_as_claimed(posture(*ONLY_13), plaintext, failed, claim(**ALL)).outcome is Outcome.DISPROVEN
    )


def test_the_gateway_accepting_an_old_version_disproves_every_hop_claim_too() -> None:
    verdict = in_transit_as_claimed(posture(REFUSED, REFUSED, ACCEPTED, ACCEPTED), [], [], claim(**ALL))
    assert verdict.outcome is Outcome.DISPROVEN and verdict.reason.startswith("the gateway:")

"""Edge controls: credentials demanded on every route, claimed auth methods, headers, WAF live part."""

from __future__ import annotations

from dataclasses import replace

from checks.evaluate.edge import edge_controls_hold, is_waf_claim, waf_live_part
from checks.evidence.security import AuthAttempt, ClientCertCheck, EdgeObservation, OAuthDiscovery
from checks.ledger import Claim, Source
from checks.verdicts import Outcome, Provenance
from tests.evaluate.evidence_factories import CONSTRUCTED, INDEPENDENT

SRC = (Source(file="d.txt", line=1, quote="authentication"),)


def claim(metric: str, bound: object = None, comparator: str = "present") -> Claim:
    return Claim.model_validate(
        {
            "id": "BP-T-04",
            "system": "BarberPro",
            "category": "security",
            "sources": SRC,
            "statement": "Edge controls hold.",
            "metric": metric,
            "comparator": comparator,
            "bound": bound,
            "check": "security.headers",
            "method": "probe the edge",
        }
    )


HEADERS = {
    "strict-transport-security": "max-age=31536000",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}
ATTEMPTS = (
    AuthAttempt("/r", "none", "no credential", "refuse", 401, "json", "sur"),
    AuthAttempt("/r", "api_key", "valid API key", "allow", 200, "json", "sur"),
    AuthAttempt("/r", "api_key", "unknown API key", "refuse", 401, "json", "sur"),
    AuthAttempt("/r", "jwt", "valid JWT", "allow", 200, "json", "sur"),
    AuthAttempt("/r", "jwt", "expired JWT", "refuse", 401, "json", "sur"),
)
NO_OAUTH = OAuthDiscovery("/.well-known/x", 404)
NO_MTLS = ClientCertCheck(False, "no CertificateRequest")
EDGE = EdgeObservation("https://gw", ATTEMPTS, {"/r": HEADERS}, NO_OAUTH, NO_MTLS, origin=INDEPENDENT)
ACCESS = claim("access_control")
METHODS = claim("auth_methods", ["JWT", "API Keys"], "==")


def with_status(index: int, status: int, body: str = "json") -> EdgeObservation:
    attempts = list(ATTEMPTS)
    attempts[index] = replace(attempts[index], status=status, body=body)
    return replace(EDGE, attempts=tuple(attempts))


def test_access_control_proven() -> None:
    assert edge_controls_hold(EDGE, ACCESS).outcome == Outcome.PROVEN


def test_access_control_disproven_when_no_credential_is_accepted() -> None:
    verdict = edge_controls_hold(with_status(0, 200), ACCESS)
    assert verdict.outcome == Outcome.DISPROVEN and "no credential" in verdict.reason


def test_access_control_error_when_valid_key_refused_names_identity_and_endpoint() -> None:
    verdict = edge_controls_hold(with_status(1, 401), ACCESS)
    assert (
        verdict.outcome == Outcome.ERROR
        and "sur with its valid API key at https://gw/r: 401" in verdict.reason
    )


def test_a_bad_credential_answered_200_with_an_html_page_is_an_error_not_an_acceptance() -> None:
    verdict = edge_controls_hold(with_status(0, 200, "other"), ACCESS)
    assert verdict.outcome == Outcome.ERROR and "200 (other body)" in verdict.reason


def test_a_valid_credential_answered_with_empty_json_is_no_control() -> None:
    assert edge_controls_hold(with_status(1, 200, "empty"), ACCESS).outcome == Outcome.ERROR


def test_access_control_error_when_rate_limited() -> None:
    assert edge_controls_hold(with_status(2, 429), ACCESS).outcome == Outcome.ERROR


def test_auth_methods_proven_when_each_works() -> None:
    verdict = edge_controls_hold(EDGE, METHODS)
    assert verdict.outcome == Outcome.PROVEN and verdict.measured == ["JWT", "API Keys"]


def test_auth_methods_disproven_when_expired_jwt_accepted() -> None:
    assert edge_controls_hold(with_status(4, 200), METHODS).outcome == Outcome.DISPROVEN


def test_auth_methods_inconclusive_when_target_lacks_some() -> None:
    verdict = edge_controls_hold(EDGE, claim("auth_methods", ["JWT", "OAuth2", "Mutual TLS"], "=="))
    assert verdict.outcome == Outcome.INCONCLUSIVE and "OAuth2, Mutual TLS" in verdict.reason


OAUTH_AND_MTLS = claim("auth_methods", ["OAuth2", "Mutual TLS"], "==")


def test_auth_methods_oauth2_and_mtls_seen() -> None:
    edge = replace(
        EDGE,
        oauth2=OAuthDiscovery("/.well-known/x", 200, "https://gw"),
        client_cert=ClientCertCheck(True, "CertificateRequest in the handshake"),
    )
    assert edge_controls_hold(edge, OAUTH_AND_MTLS).outcome == Outcome.PROVEN


def test_a_handshake_that_could_not_be_inspected_is_an_error_not_an_absent_mtls() -> None:
    """Issue 10/14: an openssl timeout became None and read as "target does not offer mTLS"."""
    edge = replace(EDGE, client_cert=ClientCertCheck(None, "openssl s_client gave no answer within 10 s"))
    verdict = edge_controls_hold(edge, claim("auth_methods", ["Mutual TLS"], "=="))
    assert verdict.outcome == Outcome.ERROR and "gave no answer within 10 s" in verdict.reason


def test_a_discovery_url_answering_an_html_page_is_an_error_not_oauth2() -> None:
    edge = replace(EDGE, oauth2=OAuthDiscovery("/.well-known/x", 200, None))
    verdict = edge_controls_hold(edge, claim("auth_methods", ["OAuth2"], "=="))
    assert verdict.outcome == Outcome.ERROR and "not a discovery document" in verdict.reason


def test_security_headers_both_sides() -> None:
    headers = claim("security_headers")
    assert edge_controls_hold(EDGE, headers).outcome == Outcome.PROVEN
    missing = replace(EDGE, security_headers={"/r": {"x-frame-options": "DENY"}})
    verdict = edge_controls_hold(missing, headers)
    assert verdict.outcome == Outcome.DISPROVEN and "strict-transport-security" in verdict.reason


def test_waf_live_part() -> None:
    waf = claim("waf_geo_block", ["AR"], "==")
    assert is_waf_claim(waf) and not is_waf_claim(ACCESS)
    assert waf_live_part(waf, has_waf=False).outcome == Outcome.NOT_APPLICABLE
    assert waf_live_part(waf, has_waf=True).outcome == Outcome.INCONCLUSIVE


def test_the_evidence_provenance_travels_with_every_decided_verdict() -> None:
    assert edge_controls_hold(EDGE, ACCESS).provenance is Provenance.INDEPENDENT
    constructed = edge_controls_hold(replace(EDGE, origin=CONSTRUCTED), ACCESS)
    assert constructed.provenance is Provenance.CONSTRUCTED and "constructed" in constructed.evidence

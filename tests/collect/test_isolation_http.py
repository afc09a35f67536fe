"""The HTTP isolation collectors (API, webhooks, edge, canary trail) against a real local server, strict and
leaky: the strict one must come out PROVEN and the leaky one DISPROVEN, through the real evaluators."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.collect.canary import collect_canary_trail, fill
from checks.collect.isolation.api import collect_api_isolation
from checks.collect.isolation.bindings import IsolationBinding, SpecialCategoryBinding, WebhookBinding
from checks.collect.isolation.edge import client_cert_requested, collect_edge_controls
from checks.collect.isolation.tokens import TokenClaims
from checks.collect.isolation.webhooks import collect_webhook_deliveries
from checks.errors import TargetUnreachable
from checks.evaluate.edge import edge_controls_hold
from checks.evaluate.isolation import tenants_isolated_at_api
from checks.evaluate.special_category import special_category_contained
from checks.evaluate.webhooks import webhook_signatures_enforced
from checks.ledger import Claim, Source
from checks.targets import HttpEndpoint, Target, Tenant
from checks.verdicts import Outcome
from tests.collect import fake_tenant_api as fake

TENANTS = (Tenant(slug="a", api_key_env="CC_T_KEY_A"), Tenant(slug="b", api_key_env="CC_T_KEY_B"))
BINDING = IsolationBinding(
    jwt_secret_env="CC_T_JWT",
    resources=({"name": "item", "list": "/items", "field": "items", "item": "/items/{id}"},),
)  # type: ignore[arg-type]
CLAIM = Claim(
    id="BP-T-05",
    system="BarberPro",
    category="isolation",
    statement="Tenants isolated at the API.",
    sources=(Source(file="d.txt", line=1, quote="isolation"),),
    metric="tenant_isolation",
    comparator="present",
    bound=True,
    check="isolation.api",
    method="probe",
)

ACCESS = CLAIM.model_copy(update={"metric": "access_control", "check": "security.headers"})


@pytest.fixture(autouse=True)
def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "CC_T_KEY_A": "key-a",
        "CC_T_KEY_B": "key-b",
        "CC_T_JWT": fake.JWT_SECRET,
        "CC_T_HOOK": fake.WEBHOOK_SECRET,
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(params=[False, True], ids=["strict", "leaky"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[bool, HttpEndpoint, Path]]:
    log = tmp_path / "api.log"
    with fake.serve(request.param, log) as url:
        yield request.param, HttpEndpoint(base_url=url, timeout_s=5), log


def test_api_isolation(server: tuple[bool, HttpEndpoint, Path]) -> None:
    leaky, http, _ = server
    evidence = collect_api_isolation(http, TENANTS, BINDING)
    kinds = {p.kind for p in evidence.probes}
    assert {
        "own-list",
        "own-item",
        "idor",
        "spoofed-header",
        "jwt-valid",
        "jwt-alg-none",
        "jwt-foreign-claims",
    } <= kinds
    verdict = tenants_isolated_at_api(evidence, CLAIM)
    assert verdict.outcome == (Outcome.DISPROVEN if leaky else Outcome.PROVEN), verdict.reason
    assert any(p.foreign_canaries for p in evidence.probes) == leaky
    # an item asked for by id is a leak by what the answer carries: the other tenant's resource id
    assert any(p.foreign_ids for p in evidence.probes if p.kind == "idor") == leaky
    forged = [p for p in evidence.probes if p.kind in ("jwt-alg-none", "jwt-wrong-key")]
    assert forged and all(p.other_tenant and p.other_tenant in p.credential for p in forged)


def test_an_api_answering_html_pages_is_an_error_never_isolation(tmp_path: Path) -> None:
    """Issue 10: an answer that is not what the check expects (an HTML error page) is not a data point."""
    with fake.serve(False, tmp_path / "api.log", garbage=True) as url:
        evidence = collect_api_isolation(HttpEndpoint(base_url=url, timeout_s=5), TENANTS, BINDING)
    assert {p.body for p in evidence.probes} == {"other"}
    verdict = tenants_isolated_at_api(evidence, CLAIM)
    assert verdict.outcome == Outcome.ERROR and "allowed side failed" in verdict.reason


def test_api_isolation_unreachable() -> None:
    with pytest.raises(TargetUnreachable):
        collect_api_isolation(HttpEndpoint(base_url="http://127.0.0.1:9", timeout_s=2), TENANTS, BINDING)


def test_webhook_deliveries(server: tuple[bool, HttpEndpoint, Path]) -> None:
    leaky, http, _ = server
    binding = WebhookBinding(
        route="/hook",
        secret_env="CC_T_HOOK",
        signature_header="X-Signature",
        timestamp_header="X-Timestamp",
        signature_prefix="sha256=",
        signed_payload="{timestamp}.{body}",
    )
    evidence = collect_webhook_deliveries(http, binding, "run-1")
    statuses = [d.status for d in evidence.deliveries]
    assert statuses == ([200, 200, 200, 200] if leaky else [200, 401, 401, 401])
    assert webhook_signatures_enforced(evidence, CLAIM).outcome == (
        Outcome.DISPROVEN if leaky else Outcome.PROVEN
    )


def test_edge_controls(server: tuple[bool, HttpEndpoint, Path]) -> None:
    leaky, http, _ = server
    ev = collect_edge_controls(
        http, TENANTS[0], ["/items"], fake.JWT_SECRET, TokenClaims(), "/.well-known/oauth"
    )
    by_credential = {a.credential: a.status for a in ev.attempts}
    assert by_credential["no credential"] == 401 and by_credential["valid API key"] == 200
    assert by_credential["JWT signed with a random key"] == (200 if leaky else 401)
    assert ev.security_headers["/items"]["x-frame-options"] == "DENY"
    assert ev.client_cert.requested is False  # plain HTTP: no TLS handshake, so no client certificate
    assert ev.oauth2.issuer == "http://fake" and ev.oauth2.offered is True


def test_edge_controls_read_the_oauth2_discovery_document(tmp_path: Path) -> None:
    with fake.serve(False, tmp_path / "api.log") as url:
        ev = collect_edge_controls(
            HttpEndpoint(base_url=url, timeout_s=5),
            TENANTS[0],
            ["/items"],
            None,
            TokenClaims(),
            fake.OAUTH_DISCOVERY,
        )
    assert ev.oauth2.issuer == "http://fake" and ev.oauth2.offered is True


def test_edge_controls_against_html_pages_are_an_error(tmp_path: Path) -> None:
    with fake.serve(False, tmp_path / "api.log", garbage=True) as url:
        ev = collect_edge_controls(
            HttpEndpoint(base_url=url, timeout_s=5),
            TENANTS[0],
            ["/items"],
            None,
            TokenClaims(),
            fake.OAUTH_DISCOVERY,
        )
    assert ev.oauth2.offered is None and all(a.body == "other" for a in ev.attempts)
    verdict = edge_controls_hold(ev, ACCESS)
    assert verdict.outcome == Outcome.ERROR, verdict.reason


@pytest.fixture
def silent_tls_port() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word (a stalled TLS terminator)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_an_openssl_timeout_is_unknown_never_no_mtls(silent_tls_port: int) -> None:
    """Issue 14: an openssl timeout became None and read as 'target does not offer mTLS'."""
    http = HttpEndpoint(base_url=f"https://127.0.0.1:{silent_tls_port}", timeout_s=1)
    found = client_cert_requested(http)
    assert found.requested is None and "no answer within 1 s" in found.detail


def test_canary_trail(server: tuple[bool, HttpEndpoint, Path], tmp_path: Path) -> None:
    leaky, http, _ = server
    binding = SpecialCategoryBinding(
        tenant="a",
        create="/sessions",
        item="/sessions/{id}",
        refs={"item": {"list": "/items", "field": "items"}},  # type: ignore[dict-item]
        body={"item": "{item}", "notes": "{canary} follow-up"},
        log_files=(str(tmp_path / "*.log"),),
    )
    trail = collect_canary_trail(
        Target(kind="staging", http=http, tenants=TENANTS), TENANTS[0], binding, "run-7"
    )
    assert trail.read_contains_canary and "run-7" in trail.canary and trail.cleanup.startswith("not deleted")
    logs = [p for p in trail.places if p.kind == "log"]
    assert logs and all(p.searched for p in logs) and any(p.found for p in logs) == leaky
    verdict = special_category_contained(trail, CLAIM)
    assert verdict.outcome == (Outcome.DISPROVEN if leaky else Outcome.PROVEN), verdict.reason


def test_fill_replaces_placeholders_in_nested_values() -> None:
    assert fill({"a": ["{x}-1", 3], "b": "{y}"}, {"x": "X", "y": "Y"}) == {"a": ["X-1", 3], "b": "Y"}

"""The HTTP isolation collectors (API, webhooks, edge, canary trail) against a real local server, strict and
leaky: the strict one must come out PROVEN and the leaky one DISPROVEN, through the real evaluators."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.collect.canary import collect_canary_trail, fill
from checks.collect.isolation.api import collect_api_isolation
from checks.collect.isolation.bindings import IsolationBinding, SpecialCategoryBinding, WebhookBinding
from checks.collect.isolation.edge import collect_edge_controls
from checks.collect.isolation.tokens import TokenClaims
from checks.collect.isolation.webhooks import collect_webhook_deliveries
from checks.errors import TargetUnreachable
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
    assert ev.client_cert_requested is None  # plain HTTP: no TLS handshake to look at


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
        Target(kind="staging", http=http, tenants=TENANTS, allow_plaintext=True), TENANTS[0], binding, "run-7"
    )
    assert trail.read_contains_canary and "run-7" in trail.canary and trail.cleanup.startswith("not deleted")
    logs = [p for p in trail.places if p.kind == "log"]
    assert logs and all(p.searched for p in logs) and any(p.found for p in logs) == leaky
    verdict = special_category_contained(trail, CLAIM)
    assert verdict.outcome == (Outcome.DISPROVEN if leaky else Outcome.PROVEN), verdict.reason


def test_fill_replaces_placeholders_in_nested_values() -> None:
    assert fill({"a": ["{x}-1", 3], "b": "{y}"}, {"x": "X", "y": "Y"}) == {"a": ["X-1", 3], "b": "Y"}

"""A document's blocks serve only the systems whose ledgers cite it; an unowned document leaks nothing."""

from __future__ import annotations

from checks.collect.documents import make_block, parse_document
from checks.evaluate.declared.common import DeclaredConfig, document_systems
from tests.evaluate.declared.factories import claim

HPA = (
    "```yaml\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
    "spec: {minReplicas: 2, maxReplicas: 4}\n```\n"
)


def test_a_document_no_ledger_cites_serves_no_system() -> None:
    blocks = parse_document("orphan.md", HPA)
    config = DeclaredConfig(blocks, document_systems([claim(file="mine.md")]))
    assert config.objects("HorizontalPodAutoscaler", "BarberPro") == []


def test_a_cited_document_serves_exactly_the_systems_citing_it() -> None:
    blocks = parse_document("shared.md", HPA)
    claims = [claim("AA-X-01", system="A", file="shared.md"), claim("BB-X-01", system="B", file="shared.md")]
    config = DeclaredConfig(blocks, document_systems(claims))
    assert [o.name for o in config.objects("HorizontalPodAutoscaler", "A")] == ["web"]
    assert [o.name for o in config.objects("HorizontalPodAutoscaler", "B")] == ["web"]
    assert config.objects("HorizontalPodAutoscaler", "C") == []


def test_a_target_manifest_serves_every_system() -> None:
    numbered = tuple(enumerate(HPA.splitlines()[1:-1], start=1))
    config = DeclaredConfig((make_block("k8s/hpa.yaml", numbered, "yaml"),), {})
    assert [o.name for o in config.objects("HorizontalPodAutoscaler", "Anyone")] == ["web"]

"""Claims about components the target does not expose, and waived (non-technical) statements."""

from __future__ import annotations

from checks.bindings import ExternalBinding
from checks.evaluate.external import external_component
from checks.evaluate.waivers import waived
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome

EXTERNAL = Claim(
    id="BB-T-EXT-01",
    system="BookedBarber V2",
    category="integration",
    statement="Kafka keeps 7 days of events.",
    sources=[{"file": "002_08221f940f310389.txt", "line": 1, "quote": "Kafka 7 days"}],
    metric="kafka_retention",
    comparator=">=",
    bound=7,
    unit="d",
    scope={"component": "kafka"},
    check="external.component",
    method="Needs a Kafka binding.",
)
WAIVED = EXTERNAL.model_copy(update={"check": "waived", "waiver": "A roadmap statement, not a property."})


def test_without_a_binding_it_is_not_applicable_and_says_how_to_bind() -> None:
    verdict = external_component(EXTERNAL, None)
    assert verdict.outcome == Outcome.NOT_APPLICABLE and verdict.level == EvidenceLevel.NONE
    assert "'kafka'" in verdict.reason and "bindings.BB-T-EXT-01" in verdict.reason
    assert verdict.bound == ">= 7 d"


def test_with_a_binding_it_is_inconclusive_until_a_collector_exists() -> None:
    verdict = external_component(
        EXTERNAL, ExternalBinding(system="kafka-staging", note="brokers 127.0.0.1:9092")
    )
    assert verdict.outcome == Outcome.INCONCLUSIVE and "['note', 'system']" in verdict.reason


def test_without_a_component_scope_the_metric_names_it() -> None:
    bare = EXTERNAL.model_copy(update={"scope": EXTERNAL.scope.model_copy(update={"component": None})})
    assert "'kafka_retention'" in external_component(bare, None).reason


def test_a_waiver_is_out_of_scope_with_its_reason() -> None:
    verdict = waived(WAIVED)
    assert verdict.outcome == Outcome.OUT_OF_SCOPE and verdict.level == EvidenceLevel.DECLARED
    assert verdict.reason == "A roadmap statement, not a property."


def test_a_claim_without_a_waiver_is_never_silently_waived() -> None:
    verdict = waived(EXTERNAL)
    assert verdict.outcome == Outcome.ERROR and "no waiver reason" in verdict.reason

"""Which document lines carry a quantitative or checkable statement, and which ledger entry covers each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from checks.ledger import Ledger
from checks.project import document_paths

_UNITS = (
    r"%|ms\b|s\b|sec\b|secs?\b|seconds?\b|min\b|mins?\b|minutes?\b|m\b|h\b|hrs?\b|hours?\b|d\b|days?\b|weeks?\b|"
    r"months?\b|years?\b|y\b|[KMGT]B\b|Gi\b|Mi\b|RPS\b|rps\b|TPS\b|users?\b|pods?\b|instances?\b|replicas?\b|"
    r"nodes?\b|regions?\b|cities\b|cores?\b|vCPU\b|connections?\b|requests?\b|messages?\b|events?\b|logs?\b|"
    r"metrics?\b|ops\b|locations?\b|shards?\b|workers?\b|partitions?\b|x\b|[kKM]\b|TTL\b|stages?\b|"
    r"verticals?\b|clients?\b|therapists?\b|providers?\b|sessions?\b|checks?\b|predictions?\b|edges?\b"
)
NUMERIC = re.compile(rf"(?:[<>≤≥~]\s*)?\$?\d[\d,]*(?:\.\d+)?\s*(?:-\s*\d[\d,]*(?:\.\d+)?\s*)?(?:{_UNITS})")
MONEY = re.compile(r"\$\d")
COMPARATOR = re.compile(r"(?:^|[\s(])(?:<|>|≤|≥|Sub-|sub-)\s*\d")
KEYWORDS = re.compile(
    r"TLS|mTLS|SSL|encrypt|AES|HMAC|RLS|row-level|namespace|isolat|GDPR|PDPA|PCI|SOC 2|SOX|CCPA|replica|"
    r"\bregion|retention|rate limit|rate-limit|failover|\bRTO\b|\bRPO\b|uptime|availability|cache|backup|"
    r"sentinel|RBAC|JWT|OAuth|network polic|segmentation|zero-downtime|zero downtime|blue-green|canary|"
    r"residency|locali[sz]|sovereignty|immutable|audit|circuit breaker|auto-?scal|HorizontalPodAutoscaler|"
    r"shard|latency|replication|"
    r"least privilege|Secrets Manager|KMS|WAF|geo|mutual tls|zero-trust|Zero-Trust",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DocumentLine:
    """One line of a source document that needs a ledger entry or a waiver."""

    file: str
    line: int
    text: str


@dataclass(frozen=True)
class LineCoverage:
    """A line that needs covering and the ledger ids that cover it (empty: uncovered)."""

    where: DocumentLine
    claim_ids: tuple[str, ...]

    @property
    def covered(self) -> bool:
        return bool(self.claim_ids)


def is_checkable(text: str) -> bool:
    """True when a line states a number with a unit, a comparator, money, or a checkable property."""
    return bool(
        NUMERIC.search(text) or MONEY.search(text) or COMPARATOR.search(text) or KEYWORDS.search(text)
    )


def read_lines(path: Path) -> list[str]:
    """A document's lines as stored (000_* is double-encoded UTF-8 and is cited as it is)."""
    return path.read_text(encoding="utf-8").splitlines()


def checkable_lines(documents_dir: Path) -> list[DocumentLine]:
    """Every line of every document that carries a quantitative or checkable statement."""
    found: list[DocumentLine] = []
    for path in document_paths(documents_dir):
        for number, text in enumerate(read_lines(path), start=1):
            if is_checkable(text):
                found.append(DocumentLine(path.name, number, text))
    return found


def covering_ids(ledger: Ledger) -> dict[tuple[str, int], list[str]]:
    """(file, line) -> ids of the ledger entries whose sources cite that line (blocks cite ranges)."""
    index: dict[tuple[str, int], list[str]] = {}
    for claim in ledger:
        for source in claim.sources:
            last = source.end_line or source.line
            for number in range(source.line, last + 1):
                index.setdefault((source.file, number), []).append(claim.id)
    return index


def coverage(ledger: Ledger) -> list[LineCoverage]:
    """Every checkable line with the entries that cover it."""
    index = covering_ids(ledger)
    return [
        LineCoverage(line, tuple(dict.fromkeys(index.get((line.file, line.line), ()))))
        for line in checkable_lines(ledger.documents_dir)
    ]


@dataclass(frozen=True)
class QuoteProblem:
    """A source whose quote is not found verbatim at its cited line."""

    claim_id: str
    cite: str
    quote: str
    found: str


def quote_problems(ledger: Ledger) -> list[QuoteProblem]:
    """Every source whose file is missing, whose line is out of range, or whose quote is not on that line."""
    cache: dict[str, list[str]] = {}
    problems: list[QuoteProblem] = []
    for claim in ledger:
        for source in claim.sources:
            path = ledger.documents_dir / source.file
            if source.file not in cache:
                cache[source.file] = read_lines(path) if path.is_file() else []
            lines = cache[source.file]
            text = lines[source.line - 1] if 0 < source.line <= len(lines) else "<no such line>"
            too_far = source.end_line is not None and source.end_line > len(lines)
            if source.quote not in text or too_far:
                problems.append(QuoteProblem(claim.id, source.cite, source.quote, text))
    return problems


def uncovered_report(
    ledger: Ledger, documents: set[str] | None = None
) -> tuple[list[LineCoverage], list[QuoteProblem]]:
    """Uncovered checkable lines (optionally of some documents only) and misquoted sources."""
    rows = [r for r in coverage(ledger) if documents is None or r.where.file in documents]
    return [r for r in rows if not r.covered], quote_problems(ledger)

"""Shared pieces of the declared-evidence analyzers: units, numbers, the config index, finding builders."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from checks.blocks import BlockReading, read_blocks
from checks.blocks.model import RateLimitRule, WafRule
from checks.collect.documents import ConfigBlock, ConfigObject
from checks.ledger import Claim
from checks.verdicts import EvidenceLevel, Outcome, Verdict

DECLARED = EvidenceLevel.DECLARED
DURATION_S = {
    "ms": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "min": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "w": 604800.0,
    "y": 31536000.0,
}
RATE_PER_S = {
    "rps": 1.0,
    "requests/s": 1.0,
    "events/s": 1.0,
    "metrics/s": 1.0,
    "logs/s": 1.0,
    "requests/min": 1 / 60,
    "messages/min": 1 / 60,
    "requests/hour": 1 / 3600,
    "requests/h": 1 / 3600,
}
PROM_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
PROM_UNIT = {"ms": "ms", "s": "s", "m": "min", "h": "h", "d": "d", "w": "w", "y": "y"}
RANGE_REF = re.compile(r"^(?P<file>[^:]+):(?P<start>\d+)(?:-(?P<end>\d+))?$")


def number(value: Any) -> float | None:
    """A number from a ledger scalar ("10,000+", "<1", 142): None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return None
    text = value.strip().lstrip("<>~≤≥=").rstrip("+").replace(",", "").strip()
    try:
        return float(text)
    except ValueError:
        return None


def seconds(value: float, unit: str | None) -> float | None:
    """A duration in seconds; None when `unit` is not a duration unit."""
    factor = DURATION_S.get((unit or "").strip())
    return None if factor is None else value * factor


def per_second(value: float, unit: str | None) -> float | None:
    """A rate in events per second; None when `unit` is not a rate unit."""
    factor = RATE_PER_S.get((unit or "").strip())
    return None if factor is None else value * factor


def prom_seconds(text: Any, default: float) -> float:
    """A Prometheus duration ("1m", "1h30m", "15s") in seconds; `default` when absent."""
    if text is None:
        return default
    parts = PROM_DURATION.findall(str(text))
    if not parts:
        raise ValueError(f"not a Prometheus duration: {text!r}")
    return sum(float(v) * DURATION_S[PROM_UNIT[u]] for v, u in parts)


def holds(value: float, comparator: str | None, bound: float) -> bool | None:
    """`value <comparator> bound`; None for comparators that do not compare numbers."""
    ops = {
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
        "==": value == bound,
    }
    return ops.get(comparator or "")


def fmt(value: float) -> str:
    """A number as a reader writes it: 105, 4.32, 0.86."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def claim_bound(claim: Claim) -> float | None:
    return number(claim.bound) if claim.comparator in ("<", "<=", ">", ">=", "==") else None


def text_of(claim: Claim) -> str:
    """The claim's words (statement and quotes), lower-cased, for keyword tests."""
    return " ".join([claim.statement, *(s.quote for s in claim.sources)]).lower()


def finding(
    claim: Claim,
    outcome: Outcome,
    analyzer: str,
    reason: str,
    *,
    other: Iterable[str] = (),
    measured: Any = None,
    bound: Any = None,
    **inputs: Any,
) -> Verdict:
    """One analyzer's finding about one claim: declared level, both sides cited, inputs kept as evidence."""
    cites = tuple(dict.fromkeys([*claim.cites, *other]))
    evidence = {"analyzer": analyzer, **inputs}
    return Verdict(
        claim.id,
        outcome,
        DECLARED,
        reason,
        measured=measured,
        bound=bound if bound is not None else claim.bound_text(),
        evidence=evidence,
        cites=cites,
    )


Owners = str | frozenset[str]


@dataclass(frozen=True)
class DeclaredConfig:
    """The configuration the documents (or a repository) declare, indexed by kind and by system served.

    A block serves: the system it names (`block.system`, e.g. a target's manifests for one system); else the
    systems whose claims cite its document (`systems`: document -> system or systems). A document's block
    that no claim cites serves nobody, so a document without a ledger file leaks nothing into other systems'
    claims. Any other block (a target's manifests, a loose file) serves every system.
    """

    blocks: tuple[ConfigBlock, ...]
    systems: Mapping[str, Owners]  # document file -> the system(s) whose claims cite it

    def owners(self, block: ConfigBlock) -> frozenset[str] | None:
        """The systems a block serves; None: every system."""
        if block.system:
            return frozenset([block.system])
        named = self.systems.get(block.file)
        if named:
            return frozenset([named]) if isinstance(named, str) else frozenset(named)
        return frozenset() if block.from_document else None

    def serves(self, block: ConfigBlock, system: str | None) -> bool:
        owners = self.owners(block)
        return system is None or owners is None or system in owners

    def system_of(self, block_or_object: ConfigBlock | ConfigObject) -> str | None:
        """The one system a block or object belongs to (None: shared or unknown)."""
        block = next((b for b in self.blocks if b.file == block_or_object.file), None)
        owners = self.owners(block) if block is not None else None
        return next(iter(owners)) if owners and len(owners) == 1 else None

    def objects(self, kind: str, system: str | None = None) -> list[ConfigObject]:
        """Objects of a kind declared for `system` (see the class docstring for which blocks serve whom)."""
        return [o for b in self.blocks if self.serves(b, system) for o in b.objects if o.kind == kind]

    def scripts(self, system: str | None = None) -> list[ConfigBlock]:
        return [b for b in self.blocks if b.kind in ("bash", "sh", "shell") and self.serves(b, system)]

    def served(self, system: str | None = None) -> list[ConfigBlock]:
        """The blocks that serve `system`."""
        return [b for b in self.blocks if self.serves(b, system)]

    @cached_property
    def readings(self) -> tuple[BlockReading, ...]:
        """What the block parsers (checks/blocks/) read from every block, once."""
        return read_blocks(self.blocks)

    def rate_limits(self, system: str | None = None) -> list[RateLimitRule]:
        """Rate-limit rules of the blocks serving `system`, whatever their format."""
        return [r for x in self.readings if self.serves(x.block, system) for r in x.rate_limits]

    def waf_rules(self, system: str | None = None) -> list[WafRule]:
        """WAF rules of the blocks serving `system`, whatever their format."""
        return [r for x in self.readings if self.serves(x.block, system) for r in x.waf_rules]


def referenced(claim: Claim) -> tuple[str, int, int] | None:
    """`params.config_block` as (file, start, end); None when the claim does not name one."""
    raw = claim.params.get("config_block")
    match = RANGE_REF.match(str(raw).strip()) if raw else None
    if not match:
        return None
    start = int(match["start"])
    return match["file"], start, int(match["end"] or start)


def linked(claim: Claim, candidates: Sequence[ConfigObject]) -> tuple[list[ConfigObject], bool]:
    """The candidates a claim is about, and whether the link is explicit (params.config_block).

    With a config_block: the candidates overlapping it (possibly none). Without: every candidate (the caller
    decides whether an unnamed link is unambiguous enough).
    """
    ref = referenced(claim)
    if ref is None:
        return list(candidates), False
    return [o for o in candidates if o.overlaps(*ref)], True


def same_document(claim: Claim, obj: ConfigObject) -> bool:
    return any(s.file == obj.file for s in claim.sources)


def stated_at(claim: Claim) -> tuple[str, ...]:
    """Where a claim is stated: its claim-role sources (not the lines cited as evidence for it)."""
    own = tuple(s.cite for s in claim.sources if s.role == "claim")
    return own or claim.cites


def source_files(claim: Claim) -> set[str]:
    return {s.file for s in claim.sources}


def cite_file(cite: str) -> str:
    """The document of a `file:line` citation."""
    match = RANGE_REF.match(cite.strip())
    return match["file"] if match else cite


def config_documents(claim: Claim) -> set[str]:
    """Documents whose configuration the claim's document says applies to it (`params.config_document`)."""
    raw = claim.params.get("config_document")
    named = raw if isinstance(raw, list | tuple) else [raw] if raw else []
    return {str(n) for n in named}


def own_documents(claim: Claim) -> set[str]:
    """The documents whose declarations may decide a claim: its own, plus any it says apply."""
    return source_files(claim) | config_documents(claim)


def foreign_evidence(
    claim: Claim, cites: Iterable[str], documents: Collection[str] | None = None
) -> list[str]:
    """The evidence files among `cites` (beyond the claim's own lines) that are other documents: outside
    `own_documents`, and among `documents` when given (a target's manifest file is not another document)."""
    own = own_documents(claim)
    files = {cite_file(c) for c in cites if c not in claim.cites}
    return sorted(f for f in files if f not in own and (documents is None or f in documents))


def confined(claim: Claim, verdict: Verdict, documents: Collection[str] | None = None) -> Verdict:
    """A finding that may decide only from the claim's own document(s).

    A DISPROVEN finding whose evidence lies in another document of the same system (another sprint day) and
    in none of the claim's own documents is a conflict, not a contradiction: INCONCLUSIVE, both sides cited.
    The later document decides only when the claim's document says its configuration applies
    (`params.config_document`).
    """
    evidence = [c for c in verdict.cites if c not in claim.cites]
    foreign = foreign_evidence(claim, evidence, documents)
    if not evidence or len(foreign) < len({cite_file(c) for c in evidence}):
        return verdict
    if verdict.outcome != Outcome.DISPROVEN:
        if verdict.outcome != Outcome.INCONCLUSIVE:
            return verdict
        said = f"in another document of {claim.system} ({', '.join(foreign)}): {verdict.reason}"
        return replace(verdict, reason=said, evidence={**verdict.evidence, "cross_document": foreign})
    reason = (
        f"conflicts with another document of {claim.system} ({', '.join(foreign)}): {verdict.reason}; "
        f"that document's configuration decides this claim only if the claim's own document says it "
        f"applies, so which holds needs configured evidence"
    )
    return Verdict(
        verdict.claim_id,
        Outcome.INCONCLUSIVE,
        verdict.level,
        reason,
        verdict.measured,
        verdict.bound,
        {**verdict.evidence, "cross_document": foreign},
        verdict.cites,
    )


def same_documents(claim: Claim, objects: Sequence[ConfigObject]) -> list[ConfigObject]:
    """The objects declared in the claim's own document(s); all of them when none are."""
    own = [o for o in objects if o.file in own_documents(claim)]
    return own or list(objects)


def document_systems(claims: Iterable[Claim]) -> dict[str, frozenset[str]]:
    """Document file -> the systems whose claims cite it."""
    out: dict[str, set[str]] = {}
    for claim in claims:
        for source in claim.sources:
            out.setdefault(source.file, set()).add(claim.system)
    return {file: frozenset(systems) for file, systems in out.items()}

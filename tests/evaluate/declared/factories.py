"""Small evidence factories for the declared-evidence analyzer tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from checks.collect.documents import ConfigBlock, collect_document_blocks, make_block
from checks.evaluate.declared.common import DeclaredConfig
from checks.ledger import Claim

DOCS = Path(__file__).resolve().parents[3] / "claims" / "documents"
DAY14 = "004_51559c022b15dff1.txt"
DAY08 = "003_05e30b35ee0cdd0e.txt"


def claim(
    claim_id: str = "BP-T-01",
    *,
    system: str = "BarberPro",
    file: str = DAY14,
    line: int = 1,
    end_line: int | None = None,
    check: str = "http.latency",
    category: str = "latency",
    **fields: Any,
) -> Claim:
    """A valid claim with one source; any Claim field may be overridden."""
    data: dict[str, Any] = {
        "id": claim_id,
        "system": system,
        "category": category,
        "statement": "A test claim.",
        "sources": [{"file": file, "line": line, "end_line": end_line, "quote": "quote"}],
        "metric": "api_response_time",
        "check": check,
        "method": "A test method.",
    }
    data.update(fields)
    return Claim.model_validate(data)


@cache
def real_blocks() -> tuple[ConfigBlock, ...]:
    """The fenced blocks of the five real documents."""
    return collect_document_blocks(DOCS)


def real_config(system: str = "BarberPro") -> DeclaredConfig:
    """The real documents' blocks, day 8-14 documents belonging to `system`."""
    owners = {b.file: system for b in real_blocks() if not b.file.startswith("002_")}
    return DeclaredConfig(real_blocks(), owners)


def yaml_config(
    text: str, file: str = "test.yaml", system: str | None = None, kind: str = "yaml", first_line: int = 1
) -> DeclaredConfig:
    """A config index holding one block made from text (lines numbered from `first_line`)."""
    numbered = tuple((first_line + i, t) for i, t in enumerate(text.splitlines()))
    return DeclaredConfig((make_block(file, numbered, kind, system),), {})


def real_object(kind: str, name_part: str = "") -> Any:
    """The first object of a kind (and name) in the real documents."""
    return next(o for b in real_blocks() for o in b.objects if o.kind == kind and name_part in o.name)

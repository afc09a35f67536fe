"""`claimcheck claims draft`: a reviewed-not-written ledger for a new document.

`draft(text, file, system, prefix, taken)` returns the entries with their ids and comments; `render` writes
them as ledger YAML (valid as it stands: `claims coverage` and `run --target none` take it unchanged);
`onboard` copies the document into the project's `claims/documents/` and writes the draft next to the ledger.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from checks.blocks import BlockReading
from checks.draft.builder import Entry, document_entries
from checks.draft.readers import WHAT, readers
from checks.errors import ConfigError
from checks.ledger import Claim, Ledger, LedgerFile, load_ledger_file
from checks.project import DOCUMENT_SUFFIXES

FIELD_ORDER = (
    "id",
    "system",
    "category",
    "statement",
    "sources",
    "metric",
    "comparator",
    "bound",
    "unit",
    "stated_value",
    "scope",
    "check",
    "params",
    "method",
    "severity",
    "waiver",
)


@dataclass(frozen=True)
class Draft:
    """A draft ledger file: header, entries (with their reviewer notes) and the document's blocks."""

    system: str
    prefix: str
    document: str
    entries: tuple[Entry, ...]
    blocks: tuple[BlockReading, ...]

    def header(self) -> dict[str, Any]:
        return {"system": self.system, "id_prefix": self.prefix, "documents": [self.document]}

    def ledger_dict(self) -> dict[str, Any]:
        return {**self.header(), "claims": [_ordered(e.fields) for e in self.entries]}

    def validate(self) -> LedgerFile:
        """The draft as a validated ledger file (a ConfigError would be a drafting bug)."""
        return LedgerFile.model_validate(self.ledger_dict())


def _ordered(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: fields[k] for k in FIELD_ORDER if k in fields}


def derive_prefix(system: str, taken: Iterable[str]) -> str:
    """An id prefix from a system's name ("Acme Payments" -> "AP", "Acme" -> "ACME"), unique."""
    words = re.findall(r"[A-Za-z0-9]+", system)
    base = (
        "".join(w[0] for w in words).upper() if len(words) > 1 else (words[0][:4].upper() if words else "X")
    )
    base = base if base[:1].isalpha() else f"S{base}"
    used = set(taken)
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}{n}", n + 1
    return candidate


def draft(text: str, file: str, system: str, prefix: str, taken: Iterable[str] = ()) -> Draft:
    """Draft entries for one document: ids assigned, each entry told which analyzers will read it."""
    entries, readings = document_entries(file, text)
    used = set(taken)
    counters: dict[str, int] = {}
    for entry in entries:
        while True:
            counters[entry.area] = counters.get(entry.area, 0) + 1
            candidate = f"{prefix}-{entry.area}-{counters[entry.area]:02d}"
            if candidate not in used:
                break
        used.add(candidate)
        entry.fields = {"id": candidate, **entry.fields}
    result = Draft(system, prefix, file, tuple(entries), readings)
    _note_readers(result)
    return result


def _note_readers(result: Draft) -> None:
    claims = list(result.validate().claims)
    found = readers(claims, [r.block for r in result.blocks])
    for entry in result.entries:
        if entry.fields["check"] == "waived":
            continue
        names = found.get(entry.id, [])
        if names:
            entry.notes.insert(0, "read by: " + "; ".join(f"{n} ({WHAT.get(n, n)})" for n in names))
        else:
            entry.notes.insert(
                0,
                f"WARNING: no declared analyzer reads this entry; `--target none` leaves it open "
                f"(check {entry.fields['check']} needs a live target)",
            )


def render(result: Draft) -> str:
    """The draft as ledger YAML with the reviewer's notes as comments."""
    document = result.document
    lines = [
        f"# Draft ledger for {result.system}, document {document} (written by `claimcheck claims draft`).",
        "# Review each entry: keep it, edit it (bound, scope, check, params) or delete it.",
        "# Waiver stubs: confirm the reason or make the line a claim. Format: claims/SCHEMA.md. Then:",
        f"#   claimcheck claims coverage --document {document}      (0 uncovered)",
        f"#   claimcheck run --target none --document {document}",
    ]
    for reading in result.blocks:
        lines.append(
            f"# block {reading.block.start}-{reading.block.end} ({reading.block.kind}): {reading.status}"
        )
    lines.append(yaml.safe_dump(result.header(), sort_keys=False, allow_unicode=True, width=110).rstrip())
    lines.append("claims:")
    for entry in result.entries:
        lines.append("")
        lines.extend(f"  # {note}" for note in entry.notes)
        dumped = yaml.safe_dump(
            [_ordered(entry.fields)], sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None
        )
        lines.extend(f"  {t}" if t else t for t in dumped.rstrip().splitlines())
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Onboarded:
    """What `onboard` wrote."""

    document: Path
    ledger_file: Path
    draft: Draft


def onboard(
    source: Path,
    claims_dir: Path,
    system: str,
    prefix: str | None = None,
    out: Path | None = None,
    force: bool = False,
) -> Onboarded:
    """Copy a document into `claims/documents/` and write its draft ledger file (never over another)."""
    if not source.is_file():
        raise ConfigError(str(source), "no such document")
    if source.suffix.lower() not in DOCUMENT_SUFFIXES:
        raise ConfigError(str(source), f"not a document claimcheck reads ({', '.join(DOCUMENT_SUFFIXES)})")
    documents = claims_dir / "documents"
    target = documents / source.name
    out = out or claims_dir / f"{re.sub(r'[^a-z0-9]+', '_', source.stem.lower()).strip('_')}.yaml"
    existing = _existing(claims_dir, out if force else None)
    prefix = _prefix_for(system, prefix, existing)
    if target.exists() and target.read_bytes() != source.read_bytes() and not force:
        raise ConfigError(str(target), "a different document of that name is already in the ledger (--force)")
    if existing is not None and existing.owners(source.name) and not force:
        raise ConfigError(str(target), "this document already has a ledger file (--force drafts it again)")
    if out.exists() and not force:
        raise ConfigError(str(out), "exists: a draft never overwrites a ledger file (--force, or --out FILE)")
    taken = [c.id for c in existing] if existing is not None else []
    result = draft(source.read_text(encoding="utf-8"), source.name, system, prefix, taken)
    documents.mkdir(parents=True, exist_ok=True)
    if target.resolve() != source.resolve():
        shutil.copyfile(source, target)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(result), encoding="utf-8")
    return Onboarded(target, out, result)


def _existing(claims_dir: Path, replaced: Path | None = None) -> Ledger | None:
    """The ledger without the file a forced draft replaces (None: no ledger file yet)."""
    files = [
        f for f in sorted(claims_dir.glob("*.yaml")) if replaced is None or f.resolve() != replaced.resolve()
    ]
    if not files:
        return None
    headers = [load_ledger_file(f) for f in files]
    return Ledger([c for h in headers for c in h.claims], files, claims_dir / "documents", headers)


def _prefix_for(system: str, prefix: str | None, existing: Ledger | None) -> str:
    known = existing.prefixes if existing is not None else {}
    if system in known:
        if prefix and prefix != known[system]:
            raise ConfigError(
                "command line",
                f"system {system!r} already has id prefix {known[system]!r}",
                key="--id-prefix",
            )
        return known[system]
    if prefix:
        owner = next((s for s, p in known.items() if p == prefix), None)
        if owner:
            raise ConfigError(
                "command line", f"id prefix {prefix!r} is already {owner!r}'s", key="--id-prefix"
            )
        if not re.fullmatch(r"[A-Z][A-Z0-9]*", prefix):
            raise ConfigError("command line", f"id prefix {prefix!r}: capitals and digits", key="--id-prefix")
        return prefix
    return derive_prefix(system, known.values())


def claims_of(result: Draft) -> list[Claim]:
    """The draft's entries as validated claims."""
    return list(result.validate().claims)

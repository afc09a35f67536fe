"""`claimcheck claims list|coverage|draft` and `claimcheck init`: the ledger commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from checks.blocks import read_blocks
from checks.collect.documents import ConfigBlock, collect_document_blocks
from checks.coverage import coverage, quote_problems
from checks.ledger import Ledger, default_ledger
from checks.project import document_paths, ledger_dir, project_dir
from checks.selection import Selection

console = Console(stderr=False)


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `claims` and `init` subcommands."""
    claims = sub.add_parser("claims", help="the ledger: list, coverage, draft a new document")
    actions = claims.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="the ledger's entries")
    listing.add_argument("--category", default=None)
    listing.add_argument("--system", default=None)
    listing.add_argument("--document", default=None, help="only entries citing this document")
    cover = actions.add_parser("coverage", help="every checkable line and block of every document")
    cover.add_argument("--system", default=None)
    cover.add_argument("--document", default=None)
    draft = actions.add_parser("draft", help="copy a document into the ledger and draft its entries")
    draft.add_argument("path", type=Path, help="the document (.txt, .md, .rst, .adoc)")
    draft.add_argument("--system", required=True, help="the system the document describes")
    draft.add_argument("--id-prefix", default=None, help="the system's id prefix (default: its initials)")
    draft.add_argument("--out", type=Path, default=None, help="the ledger file to write (claims/<doc>.yaml)")
    draft.add_argument("--force", action="store_true", help="overwrite an existing draft or document")
    init = sub.add_parser("init", help="scaffold claims/, targets.yaml and a CI workflow in a directory")
    init.add_argument("directory", nargs="?", type=Path, default=None, help="default: the current one")
    init.add_argument(
        "--ci",
        choices=("github", "gitlab", "none"),
        default="github",
        help="the CI template to write: GitHub Actions (default), GitLab CI, or none",
    )


def claims_command(args: argparse.Namespace) -> int:
    """`claimcheck claims list|coverage|draft`."""
    if args.action == "draft":
        return draft_command(args)
    ledger = default_ledger()
    wanted = Selection.of(
        categories=[args.category] if getattr(args, "category", None) else [],
        systems=[args.system],
        documents=[args.document],
    )
    wanted.validate(ledger)
    if args.action == "list":
        for claim in wanted.of_ledger(ledger):
            console.print(
                f"{claim.id:<18} {claim.category:<12} {claim.check:<26} {claim.bound_text():<16} "
                f"{', '.join(claim.cites)}",
                highlight=False,
                soft_wrap=True,
            )
        return 0
    return coverage_command(ledger, wanted)


def _documents_of(ledger: Ledger, wanted: Selection) -> set[str] | None:
    if wanted.documents:
        return set(wanted.documents)
    if wanted.systems:
        return {d for d in ledger.documents if ledger.owners(d) & set(wanted.systems)}
    return None


def coverage_command(ledger: Ledger, wanted: Selection) -> int:
    """Every checkable line with what covers it, every block with the parsers that read it."""
    documents = _documents_of(ledger, wanted)
    rows = [r for r in coverage(ledger) if documents is None or r.where.file in documents]
    problems = quote_problems(ledger)
    for row in rows:
        mark = ",".join(row.claim_ids) if row.covered else "UNCOVERED"
        console.print(
            f"{row.where.file}:{row.where.line:<5} {mark:<32} {row.where.text.strip()[:80]}",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
    readings = [r for r in read_blocks(_blocks(ledger)) if documents is None or r.block.file in documents]
    for reading in readings:
        console.print(f"block {reading.block.cite:<34} {reading.status}", highlight=False, markup=False)
    for p in problems:
        console.print(f"QUOTE {p.claim_id} {p.cite}: {p.quote!r} not found on that line", markup=False)
    uncovered = sum(1 for r in rows if not r.covered)
    opaque = sum(1 for r in readings if r.not_understood)
    console.print(
        f"{len(rows)} checkable lines, {uncovered} uncovered, {len(problems)} quote problems, "
        f"{len(readings)} blocks ({opaque} not understood), "
        f"{len(ledger)} ledger entries ({sum(c.is_waived for c in ledger)} waivers)"
    )
    return 1 if uncovered or problems else 0


def _blocks(ledger: Ledger) -> tuple[ConfigBlock, ...]:
    return collect_document_blocks(ledger.documents_dir) if document_paths(ledger.documents_dir) else ()


def draft_command(args: argparse.Namespace) -> int:
    """`claimcheck claims draft PATH --system NAME`: copy, draft, say what to review."""
    from checks.draft import onboard

    done = onboard(args.path, ledger_dir(), args.system, args.id_prefix, args.out, args.force)
    entries = done.draft.entries
    waivers = sum(1 for e in entries if e.fields["check"] == "waived")
    unread = sum(1 for e in entries if any(n.startswith("WARNING") for n in e.notes))
    opaque = [r for r in done.draft.blocks if r.not_understood]
    console.print(f"copied {args.path} -> {done.document}", highlight=False, markup=False)
    console.print(
        f"wrote {done.ledger_file}: {len(entries)} entries ({waivers} waiver stubs, {unread} read by no "
        f"declared analyzer), {len(done.draft.blocks)} blocks ({len(opaque)} not understood)",
        highlight=False,
        markup=False,
    )
    for reading in opaque:
        console.print(f"  block {reading.block.cite}: {reading.status}", highlight=False, markup=False)
    console.print(
        f"next: review {done.ledger_file.name}, then `claimcheck claims coverage --document "
        f"{done.document.name}` and `claimcheck run --target none --document {done.document.name}`",
        highlight=False,
        markup=False,
    )
    return 0


def init_command(args: argparse.Namespace) -> int:
    """`claimcheck init [DIR]`: scaffold a project that keeps only data."""
    from checks.scaffold import scaffold

    root = (args.directory or project_dir()).resolve()
    for line in scaffold(root, None if args.ci == "none" else args.ci):
        console.print(line, highlight=False, markup=False)
    return 0

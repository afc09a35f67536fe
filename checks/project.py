"""Where a project's data lives: the ledger (`claims/`), `targets.yaml` and `reports/`.

claimcheck is installed as a package; the data is the user's. The project directory is, in order:
1. `claimcheck --project DIR` (the CLI exports it as `$CLAIMCHECK_PROJECT` for the suites it runs);
2. `$CLAIMCHECK_PROJECT`;
3. the nearest directory at or above the current one that holds `claims/` or `targets.yaml`;
4. the current directory.
Inside it, `$CLAIMCHECK_LEDGER_DIR` may point the ledger elsewhere (default `<project>/claims`).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ENV = "CLAIMCHECK_PROJECT"
LEDGER_DIR_ENV = "CLAIMCHECK_LEDGER_DIR"
DOCUMENT_SUFFIXES = (".txt", ".md", ".rst", ".adoc")
MARKERS = ("claims", "targets.yaml")


def project_dir() -> Path:
    """The project directory (see the module docstring for the precedence)."""
    named = os.environ.get(PROJECT_ENV)
    if named:
        return Path(named).expanduser().resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if any((candidate / marker).exists() for marker in MARKERS):
            return candidate
    return here


def ledger_dir() -> Path:
    """The ledger directory: `$CLAIMCHECK_LEDGER_DIR`, else `<project>/claims`."""
    override = os.environ.get(LEDGER_DIR_ENV)
    return Path(override).expanduser().resolve() if override else project_dir() / "claims"


def is_document(path: Path) -> bool:
    """Whether a file is a document claimcheck reads (by its suffix)."""
    return path.is_file() and path.suffix.lower() in DOCUMENT_SUFFIXES


def document_paths(documents_dir: Path) -> list[Path]:
    """Every document in a documents folder, sorted by name (`.txt`, `.md`, `.rst`, `.adoc`)."""
    if not documents_dir.is_dir():
        return []
    return sorted(p for p in documents_dir.iterdir() if is_document(p))


def package_dir(name: str) -> Path:
    """The installed directory of one of claimcheck's own packages (`suites`, `fixtures`, `sandbox`)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"claimcheck's package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations))).resolve()

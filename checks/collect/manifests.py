"""Configuration a target's repository declares: a folder of YAML/JSON manifests, or one Prometheus file.

Each file becomes one `ConfigBlock` (lines 1..n) with the same objects the document blocks carry: Kubernetes
manifests (multi-document YAML, `kind: List` expanded), ConfigMaps with their embedded files, PrometheusRule
resources, and bare Prometheus configuration / rules files (recognised by shape: `scrape_configs`, `groups`).
"""

from __future__ import annotations

from pathlib import Path

from checks.collect.documents import ConfigBlock, DocumentError, make_block

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


class ManifestError(DocumentError):
    """A manifest path is missing, unreadable or not YAML/JSON."""


def collect_manifests(path: Path, system: str | None = None) -> tuple[ConfigBlock, ...]:
    """Blocks of every manifest under `path` (a folder, searched recursively, or one file).

    `system` names the system these manifests belong to (None: whichever system the claims name).
    A file that is not valid YAML/JSON raises ManifestError: a broken manifest is not "no configuration".
    """
    if not path.exists():
        raise ManifestError(str(path), "no such file or directory")
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES)
    if not files:
        raise ManifestError(str(path), "no *.yaml, *.yml or *.json files")
    root = path if path.is_dir() else path.parent
    return tuple(_block(f, f.relative_to(root).as_posix(), system) for f in files)


def _block(path: Path, name: str, system: str | None) -> ConfigBlock:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(str(path), f"cannot read: {exc}") from exc
    numbered = tuple((n, line) for n, line in enumerate(text.splitlines(), start=1))
    block = make_block(name, numbered, SUFFIXES.get(path.suffix, "yaml"), system, lenient=False)
    if block.parse_error:
        raise ManifestError(str(path), block.parse_error)
    return block

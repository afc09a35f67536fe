"""Configuration embedded in the source documents: blocks and the objects parsed from them, with lines.

A block is one fenced, indented or delimited region (by the document's markup: checks/collect/markup.py) with
its file, first and last content line and its language (`kind`). YAML blocks are parsed into objects:
Kubernetes manifests (the line of their `kind:`), the files a ConfigMap carries (prometheus.yml, alert rules,
WAF rules.json, Kafka topics.json, each an object of its own whose lines are the document's), and plain "Key:
value" declarations ("Web Servers: 5-25 instances"). Bodies are plain camelCase dicts, so live objects from
the kubernetes client (`ApiClient().sanitize_for_serialization(obj)`) can be fed the same way through
`objects_from_dicts`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from checks.collect.markup import regions
from checks.errors import CollectionError
from checks.project import DOCUMENT_SUFFIXES, document_paths

SEPARATOR = re.compile(r"^---\s*$")
DECLARATION = re.compile(r"^\s*-?\s*([^:#][^:]*?):\s+(.+)$")
Numbered = tuple[tuple[int, str], ...]


class DocumentError(CollectionError):
    """A document or manifest could not be read."""


@dataclass(frozen=True, eq=False)
class ConfigObject:
    """One parsed object: its kind, name, body, and the document lines it spans (`line` is its `kind:`)."""

    file: str
    line: int
    start: int
    end: int
    kind: str
    name: str
    body: Mapping[str, Any]
    lines: Numbered = ()

    @property
    def cite(self) -> str:
        return f"{self.file}:{self.start}-{self.end}" if self.end > self.start else f"{self.file}:{self.line}"

    def find_line(self, needle: str) -> int | None:
        """The first line of this object containing `needle`; None if absent (live objects have none)."""
        return next((n for n, text in self.lines if needle in text), None)

    def cite_of(self, needle: str) -> str:
        """`file:line` of the first line containing `needle`, falling back to the object's own range."""
        line = self.find_line(needle)
        return f"{self.file}:{line}" if line is not None else self.cite

    def overlaps(self, file: str, start: int, end: int) -> bool:
        return self.file == file and self.start <= end and start <= self.end


@dataclass(frozen=True, eq=False)
class ConfigBlock:
    """One fenced block of a document (or one manifest file): lines, language, parsed objects."""

    file: str
    start: int
    end: int
    kind: str
    text: str
    objects: tuple[ConfigObject, ...] = ()
    system: str | None = None
    parse_error: str | None = None
    numbered: Numbered = field(default=())
    from_document: bool = False  # a document's block serves only the systems whose ledgers cite the document

    @property
    def cite(self) -> str:
        return f"{self.file}:{self.start}-{self.end}"

    def overlaps(self, file: str, start: int, end: int) -> bool:
        return self.file == file and self.start <= end and start <= self.end


def parse_document(file: str, text: str) -> tuple[ConfigBlock, ...]:
    """Every block of a document (by its markup), YAML/JSON ones parsed into objects. Pure."""
    return tuple(
        replace(make_block(file, region.numbered, region.language or "text"), from_document=True)
        for region in regions(file, text)
    )


def make_block(
    file: str, numbered: Numbered, kind: str, system: str | None = None, *, lenient: bool = True
) -> ConfigBlock:
    """A block from numbered lines; YAML is parsed into objects (a parse problem is kept, not raised).

    `lenient` reads pseudo-YAML that does not parse ("Key: text (Target: <x)") as flat declarations.
    """
    start = numbered[0][0] if numbered else 1
    end = numbered[-1][0] if numbered else start
    text = "\n".join(t for _, t in numbered)
    objects: tuple[ConfigObject, ...] = ()
    problem = None
    if kind in ("yaml", "yml", "json"):
        objects, problem = parse_objects(file, numbered, lenient=lenient)
    return ConfigBlock(file, start, end, kind, text, objects, system, problem, numbered)


def parse_objects(
    file: str, numbered: Numbered, *, lenient: bool = True
) -> tuple[tuple[ConfigObject, ...], str | None]:
    """Objects of a (multi-document) YAML/JSON text; the first parse problem is returned beside them."""
    objects: list[ConfigObject] = []
    problem = None
    for chunk in _split_documents(numbered):
        try:
            body = yaml.safe_load("\n".join(t for _, t in chunk))
        except yaml.YAMLError as exc:
            body = lenient_declarations(chunk) if lenient else {}
            if not body:
                problem = problem or f"{file}:{chunk[0][0]}: not YAML: {str(exc).splitlines()[0]}"
        if isinstance(body, dict):
            objects.extend(_objects_of(file, body, chunk))
    return tuple(objects), problem


def objects_from_dicts(items: Iterable[Mapping[str, Any]], source: str) -> tuple[ConfigObject, ...]:
    """Objects from plain dicts (e.g. live Kubernetes objects via sanitize_for_serialization); no lines."""
    out: list[ConfigObject] = []
    for item in items:
        out.extend(_objects_of(source, dict(item), ()))
    return tuple(out)


def collect_document_blocks(documents_dir: Path) -> tuple[ConfigBlock, ...]:
    """Every block of every document in `documents_dir` (file names as the ledger cites them)."""
    paths = document_paths(documents_dir)
    if not paths:
        raise DocumentError(str(documents_dir), f"no documents ({', '.join(DOCUMENT_SUFFIXES)})")
    blocks: list[ConfigBlock] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DocumentError(str(path), f"cannot read: {exc}") from exc
        blocks.extend(parse_document(path.name, text))
    return tuple(blocks)


def lenient_declarations(chunk: Numbered) -> dict[str, str]:
    """Pseudo-YAML ("Average Deployment Time: 120 minutes (Target: <120 minutes)") as flat key -> text."""
    out: dict[str, str] = {}
    for _, text in chunk:
        match = DECLARATION.match(text)
        if match and not text.lstrip().startswith("#"):
            out[match.group(1).strip()] = match.group(2).strip()
    return out


def _split_documents(numbered: Numbered) -> list[Numbered]:
    chunks: list[list[tuple[int, str]]] = [[]]
    for n, text in numbered:
        if SEPARATOR.match(text):
            chunks.append([])
        else:
            chunks[-1].append((n, text))
    return [t for t in (_trim(c) for c in chunks) if t]


def _trim(chunk: list[tuple[int, str]]) -> Numbered:
    """Drop leading comments/blank lines and trailing blank lines: the object starts at its first key."""

    def meaningful(text: str) -> bool:
        return bool(text.strip()) and not text.lstrip().startswith("#")

    first = next((i for i, (_, t) in enumerate(chunk) if meaningful(t)), None)
    if first is None:
        return ()
    last = max(i for i, (_, t) in enumerate(chunk) if t.strip())
    return tuple(chunk[first : last + 1])


def _objects_of(file: str, body: dict[str, Any], chunk: Numbered) -> list[ConfigObject]:
    if body.get("kind") == "List" and isinstance(body.get("items"), list):
        return [o for item in body["items"] if isinstance(item, dict) for o in _objects_of(file, item, chunk)]
    start = chunk[0][0] if chunk else 0
    end = chunk[-1][0] if chunk else 0
    kind_line = next((n for n, t in chunk if t.startswith("kind:")), start)
    kind = str(body.get("kind") or classify_plain(body))
    name = str((body.get("metadata") or {}).get("name", "")) if isinstance(body.get("metadata"), dict) else ""
    obj = ConfigObject(file, kind_line, start, end, kind, name, body, chunk)
    return [obj, *_embedded(obj)]


def classify_plain(body: Mapping[str, Any]) -> str:
    """The kind of a dict that is not a Kubernetes object, from its shape."""
    if "scrape_configs" in body or isinstance(body.get("global"), dict):
        return "PrometheusConfig"
    if isinstance(body.get("groups"), list):
        return "PrometheusRules"
    rules = body.get("rules")
    if isinstance(rules, list) and any(isinstance(r, dict) and "expression" in r for r in rules):
        return "WafRules"
    if isinstance(body.get("topics"), list):
        return "KafkaTopics"
    return "Declarations"


def _embedded(obj: ConfigObject) -> list[ConfigObject]:
    """The files a ConfigMap carries (and a PrometheusRule's groups), each as an object with its own lines."""
    if obj.kind == "PrometheusRule" and isinstance(obj.body.get("spec"), dict):
        spec = obj.body["spec"]
        return [
            ConfigObject(obj.file, obj.line, obj.start, obj.end, "PrometheusRules", obj.name, spec, obj.lines)
        ]
    data = obj.body.get("data") if obj.kind == "ConfigMap" else None
    if not isinstance(data, dict):
        return []
    out = []
    for key, value in data.items():
        parsed = _parse_file(str(key), value)
        if isinstance(parsed, dict):
            lines = _scalar_lines(obj.lines, str(key))
            start = lines[0][0] if lines else obj.start
            end = lines[-1][0] if lines else obj.end
            kind = classify_plain(parsed)
            out.append(ConfigObject(obj.file, start, start, end, kind, f"{obj.name}/{key}", parsed, lines))
    return out


def _parse_file(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return None
    try:
        return json.loads(value) if key.endswith(".json") else yaml.safe_load(value)
    except (ValueError, yaml.YAMLError):
        return None


def _scalar_lines(lines: Numbered, key: str) -> Numbered:
    """The document lines of a ConfigMap data entry `key: |` (its block scalar)."""
    head = re.compile(rf"^(\s*){re.escape(key)}:\s*[|>]")
    for i, (_, text) in enumerate(lines):
        match = head.match(text)
        if not match:
            continue
        indent = len(match.group(1))
        body = []
        for n, t in lines[i + 1 :]:
            if t.strip() and len(t) - len(t.lstrip()) <= indent:
                break
            body.append((n, t))
        while body and not body[-1][1].strip():
            body.pop()
        return tuple(body)
    return ()

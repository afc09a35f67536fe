"""Where a document's blocks are, by the document's markup: the line ranges of its code and config blocks.

- every format: fenced blocks (```yaml ... ``` or ~~~), the language from the info string;
- `.md`, `.txt`: indented blocks (4 spaces or a tab, after a blank line, not a list's continuation);
- `.rst`: `.. code-block:: LANG` (also `code::`, `sourcecode::`) and `::` literal blocks (indented);
- `.adoc`: `[source,LANG]` then a `----` listing, bare `----` listings and `....` literal blocks.
A block without a declared language gets one guessed from its content (`guess_language`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

Numbered = tuple[tuple[int, str], ...]
FENCE = re.compile(r"^\s*(?P<mark>```+|~~~+)\s*(?P<lang>[\w+.-]*)[^`]*$")
RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+(?:code-block|code|sourcecode)::\s*(?P<lang>[\w+.-]*)\s*$")
ADOC_SOURCE = re.compile(r"^\[(?:source)?,\s*(?P<lang>[\w+.-]+)[^\]]*\]\s*$")
ADOC_DELIMITER = re.compile(r"^(?P<mark>-{4,}|\.{4,})\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
INDENTED = re.compile(r"^(?: {4}|\t)")


@dataclass(frozen=True)
class Region:
    """One block of a document: its content lines (numbered from 1) and its language."""

    language: str
    numbered: Numbered

    @property
    def start(self) -> int:
        return self.numbered[0][0]

    @property
    def end(self) -> int:
        return self.numbered[-1][0]


def regions(file: str, text: str) -> list[Region]:
    """The blocks of a document, by its suffix (`.txt` is read as Markdown), in line order."""
    lines = text.splitlines()
    suffix = file.lower().rsplit(".", 1)[-1] if "." in file else "txt"
    finders = {"rst": (_rst_blocks,), "adoc": (_adoc_blocks,)}.get(suffix, (_indented_blocks,))
    fenced, taken = _fenced(lines)
    found = list(fenced)
    for finder in finders:
        found.extend(finder(lines, taken))
    return sorted((r for r in found if r.numbered), key=lambda r: r.start)


def _numbered(lines: list[str], first: int, last: int) -> Numbered:
    """Lines first..last (0-based, inclusive) numbered from 1."""
    return tuple((n + 1, lines[n]) for n in range(first, last + 1))


def _fenced(lines: list[str]) -> tuple[list[Region], set[int]]:
    out: list[Region] = []
    taken: set[int] = set()
    open_at: int | None = None
    mark, language = "", ""
    for index, line in enumerate(lines):
        match = FENCE.match(line)
        if open_at is None and match:
            open_at, mark, language = index, match["mark"], match["lang"].lower()
        elif open_at is not None and match and match["mark"][0] == mark[0]:
            body = _numbered(lines, open_at + 1, index - 1)
            out.append(Region(language or guess_language(body), body))
            taken.update(range(open_at, index + 1))
            open_at = None
    return out, taken


def _indented_run(lines: list[str], first: int, taken: set[int]) -> int:
    """The last index of the indented run starting at `first` (blank lines inside it included)."""
    last = first
    for index in range(first, len(lines)):
        if index in taken:
            break
        if INDENTED.match(lines[index]):
            last = index
        elif lines[index].strip():
            break
    return last


def _indented_blocks(lines: list[str], taken: set[int]) -> list[Region]:
    """Markdown indented code: 4+ spaces after a blank line, unless the paragraph above is a list item."""
    out: list[Region] = []
    index = 0
    while index < len(lines):
        starts = (
            index not in taken
            and INDENTED.match(lines[index])
            and lines[index].strip()
            and (index == 0 or not lines[index - 1].strip())
            and not _continues_list(lines, index)
        )
        if not starts:
            index += 1
            continue
        last = _indented_run(lines, index, taken)
        body = dedented(_numbered(lines, index, last))
        out.append(Region(guess_language(body), body))
        index = last + 1
    return out


def _continues_list(lines: list[str], index: int) -> bool:
    """Whether the paragraph above a blank line is a list item (then the indent continues the item)."""
    above = index - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    if above < 0:
        return False
    while above > 0 and lines[above - 1].strip() and not LIST_ITEM.match(lines[above]):
        above -= 1
    return bool(LIST_ITEM.match(lines[above])) and not INDENTED.match(lines[above])


def _rst_blocks(lines: list[str], taken: set[int]) -> list[Region]:
    out: list[Region] = []
    for index, line in enumerate(lines):
        if index in taken:
            continue
        directive = RST_DIRECTIVE.match(line)
        literal = line.rstrip().endswith("::") and not line.lstrip().startswith("..")
        if not (directive or literal):
            continue
        first = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        if first is None or not lines[first][:1].isspace() or lines[first].lstrip().startswith(":"):
            first = _skip_options(lines, first) if first is not None else None
        if first is None or not lines[first][:1].isspace():
            continue
        indent = len(lines[first]) - len(lines[first].lstrip())
        last = first
        for i in range(first, len(lines)):
            if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) < indent:
                break
            if lines[i].strip():
                last = i
        body = dedented(_numbered(lines, first, last))
        language = directive["lang"].lower() if directive and directive["lang"] else guess_language(body)
        out.append(Region(language, body))
        taken.update(range(index, last + 1))
    return out


def _skip_options(lines: list[str], first: int) -> int | None:
    """Past a directive's `:option:` lines to its content."""
    index = first
    while index < len(lines) and (lines[index].lstrip().startswith(":") or not lines[index].strip()):
        index += 1
    return index if index < len(lines) else None


def _adoc_blocks(lines: list[str], taken: set[int]) -> list[Region]:
    out: list[Region] = []
    index = 0
    while index < len(lines):
        match = ADOC_DELIMITER.match(lines[index])
        if index in taken or not match:
            index += 1
            continue
        close = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == match["mark"]), None)
        if close is None:
            break
        body = _numbered(lines, index + 1, close - 1)
        source = ADOC_SOURCE.match(lines[index - 1]) if index else None
        language = source["lang"].lower() if source else guess_language(body)
        out.append(Region(language, body))
        index = close + 1
    return out


def guess_language(body: Numbered) -> str:
    """A block's language from its content: yaml/json when it parses as a mapping or list, else a config
    dialect from its first directive (nginx, modsecurity), a shell script, or plain text."""
    text = "\n".join(t for _, t in body)
    stripped = text.strip()
    if not stripped:
        return "text"
    if re.search(r"^\s*SecRule\s|^\s*SecRuleEngine\s", text, re.M):
        return "modsecurity"
    if re.search(r"^\s*(limit_req(_zone)?|location|server|upstream|http)\b[^:]*[;{]\s*$", text, re.M):
        return "nginx"
    if re.search(r"^\s*(frontend|backend|listen|defaults)\b\s*\S*\s*$", text, re.M) and re.search(
        r"^\s+(bind|mode|server|stick-table|http-request|acl|use_backend)\b", text, re.M
    ):
        return "haproxy"
    if stripped.startswith(("#!/bin/", "$ ")) or re.search(r"^\s*(kubectl|curl|helm|aws) ", text, re.M):
        return "bash"
    try:
        loaded = list(yaml.safe_load_all(_dedent(text)))
    except yaml.YAMLError:
        return "text"
    if any(_looks_like_config(d) for d in loaded):
        return "json" if stripped.startswith(("{", "[")) else "yaml"
    return "text"


def _looks_like_config(document: object) -> bool:
    """A mapping with identifier keys and not only prose values ("Target: <2 hours deployment time" is prose),
    or a list of such mappings."""
    if isinstance(document, list):
        return bool(document) and all(_looks_like_config(d) for d in document)
    if not isinstance(document, dict) or not document:
        return False
    keys_ok = all(isinstance(k, str) and " " not in k.strip() for k in document)
    prose = [v for v in document.values() if isinstance(v, str) and " " in v.strip()]
    return keys_ok and len(prose) < len(document)


def _dedent(text: str) -> str:
    lines = text.splitlines()
    indents = [len(t) - len(t.lstrip()) for t in lines if t.strip()]
    cut = min(indents, default=0)
    return "\n".join(t[cut:] for t in lines)


def dedented(numbered: Numbered) -> Numbered:
    """An indented block's lines with the common indent removed (line numbers kept)."""
    indents = [len(t) - len(t.lstrip()) for _, t in numbered if t.strip()]
    cut = min(indents, default=0)
    return tuple((n, t[cut:]) for n, t in numbered)

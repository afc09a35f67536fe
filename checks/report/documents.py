"""The source documents a run judged, read once for the reporters (quotes in full, the document view)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Documents:
    """The documents of one directory, by file name; a missing file reads as empty (old runs)."""

    folder: Path
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def lines(self, name: str) -> list[str]:
        if name not in self._lines:
            path = self.folder / name
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
            self._lines[name] = text.splitlines()
        return self._lines[name]

    def block(self, name: str, line: int, end_line: int) -> list[tuple[int, str]]:
        """Lines `line`..`end_line` (1-based, inclusive) with their numbers."""
        lines = self.lines(name)
        return [(n, lines[n - 1]) for n in range(line, min(end_line, len(lines)) + 1)]

    def title(self, name: str) -> str:
        """The document's first heading (or first non-empty line), for menus and the tree."""
        for text in self.lines(name):
            stripped = text.strip().lstrip("#").strip()
            if stripped:
                return stripped if len(stripped) <= 90 else stripped[:89] + "…"
        return name

    def exists(self, name: str) -> bool:
        return (self.folder / name).is_file()


def view_name(document: str) -> str:
    """The document view's file for a source document: `004_x.txt` -> `004_x.txt.html`."""
    return f"{document}.html"

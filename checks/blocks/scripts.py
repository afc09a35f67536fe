"""Shell scripts and code listings: read by the method-validity analyzer (literals, echoes)."""

from __future__ import annotations

from checks.blocks.model import Parsed
from checks.collect.documents import ConfigBlock

NAME = "scripts"
LANGUAGES = ("bash", "sh", "shell", "python", "typescript", "javascript")


def read(block: ConfigBlock) -> Parsed | None:
    """Understood when the block is a script or listing the method analyzer reads."""
    return Parsed(note=block.kind) if block.kind in LANGUAGES else None

"""The few static files nginx serves from RUN_DIR/static (a JS bundle, a stylesheet, a logo)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def _png(width: int = 16, height: int = 16) -> bytes:
    """A small valid RGB PNG (solid colour), built by hand so no imaging library is needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x1f\x6f\xb4" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


FILES: dict[str, bytes] = {
    "app.js": b"// claimcheck sandbox bundle\n" + b"export const booking = () => 'ok';\n" * 200,
    "style.css": b"/* claimcheck sandbox */\n" + b"body { font-family: sans-serif; margin: 0; }\n" * 100,
    "index.html": b"<!doctype html><html><head><link rel=stylesheet href=style.css></head>"
    b"<body><img src=logo.png alt=logo><script src=app.js></script></body></html>\n",
    "logo.png": _png(),
}


def write_static(static_dir: Path) -> list[str]:
    """Create (or refresh) the static files; returns their names."""
    static_dir.mkdir(parents=True, exist_ok=True)
    static_dir.chmod(0o755)
    for name, content in FILES.items():
        path = static_dir / name
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)
        path.chmod(0o644)
    return sorted(FILES)

"""A content-addressed cache of what a run parses: ledger files, document blocks, declared findings.

Entries live in `<project>/.claimcheck-cache/` (ignored by git; `$CLAIMCHECK_CACHE_DIR` moves it,
`CLAIMCHECK_NO_CACHE=1` turns it off). A key is a SHA-256 over:
- claimcheck's own code and data files (every `*.py` and `*.yaml` of its packages) and the Python version,
  so an edited analyzer or parser invalidates everything it could have produced;
- the bytes of the inputs (a ledger file, every document), so an edited input is read again.

Entries are pickles, so each is signed (HMAC-SHA256) with a key kept outside the project
(`$XDG_CACHE_HOME/claimcheck/cache.key`, mode 0600): a cache directory committed to a repository or copied
from another machine is ignored, never unpickled. A missing, stale, unsigned or unreadable entry is
recomputed; a cache that cannot be written is skipped. Nothing here decides a verdict.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from checks.project import package_dir, project_dir

CACHE_DIR_ENV = "CLAIMCHECK_CACHE_DIR"
NO_CACHE_ENV = "CLAIMCHECK_NO_CACHE"
CACHE_DIR = ".claimcheck-cache"
PACKAGES = ("checks", "fixtures", "suites")
CODE_SUFFIXES = (".py", ".yaml", ".yml", ".ini")
SIGNATURE = 32  # bytes of HMAC-SHA256 before each pickle

T = TypeVar("T")


def enabled() -> bool:
    """Whether the cache is used (`CLAIMCHECK_NO_CACHE=1` turns it off)."""
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def cache_dir() -> Path:
    """Where entries live: `$CLAIMCHECK_CACHE_DIR`, else `<project>/.claimcheck-cache`."""
    named = os.environ.get(CACHE_DIR_ENV)
    return Path(named).expanduser() if named else project_dir() / CACHE_DIR


def _code_files() -> Iterable[Path]:
    for name in PACKAGES:
        try:
            root = package_dir(name)
        except ModuleNotFoundError:
            continue
        yield from sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file())


@cache
def code_fingerprint() -> str:
    """A hash of claimcheck's own source and data files and the interpreter (computed once per process)."""
    h = hashlib.sha256(sys.version.encode())
    for path in _code_files():
        h.update(str(path.name).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def key_of(kind: str, *parts: bytes | str) -> str:
    """The entry name of `kind` over the code fingerprint and `parts` (each length-prefixed)."""
    h = hashlib.sha256(kind.encode())
    h.update(code_fingerprint().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return f"{kind}-{h.hexdigest()[:40]}"


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claimcheck" / "cache.key"


@cache
def _signing_key() -> bytes | None:
    path = _key_file()
    try:
        if path.is_file():
            return path.read_bytes()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        return path.read_bytes()
    except OSError:
        return None  # no private place for a key: no cache


def load(name: str, folder: Path | None = None) -> Any | None:
    """The value stored under `name` (in `folder`, default `cache_dir()`), or None (absent, disabled,
    unsigned, unreadable)."""
    secret = _signing_key()
    if not enabled() or secret is None:
        return None
    try:
        data = ((folder or cache_dir()) / name).read_bytes()
    except OSError:
        return None
    signature, body = data[:SIGNATURE], data[SIGNATURE:]
    if not hmac.compare_digest(signature, hmac.digest(secret, body, "sha256")):
        return None
    try:
        return pickle.loads(body)
    except Exception:
        return None


def store(name: str, value: Any) -> None:
    """Store `value` under `name` (atomically); a cache that cannot be written is skipped."""
    secret = _signing_key()
    if not enabled() or secret is None:
        return
    folder = cache_dir()
    try:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(hmac.digest(secret, body, "sha256") + body)
        os.replace(tmp, folder / name)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return


def cached(name: str, compute: Callable[[], T]) -> T:
    """The value stored under `name`, else `compute()` stored there. Exceptions are never cached."""
    found = load(name)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = compute()
    store(name, value)
    return value


def files_digest(paths: Iterable[Path]) -> bytes:
    """A digest of files' names and contents, in the order given."""
    h = hashlib.sha256()
    for path in paths:
        data = path.read_bytes()
        h.update(path.name.encode())
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.digest()

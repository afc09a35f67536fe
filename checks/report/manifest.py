"""reports/MANIFEST.sha256: the evidence bundle's integrity, optionally signed with Ed25519.

The manifest is `sha256sum` format (`<hex>  <path>` per file, paths relative to the reports folder), so an
auditor can check it with `sha256sum -c MANIFEST.sha256` as well as with `claimcheck verify`. Its `#` lines
name the run: run id, target, profile, git SHA, ledger hash, claimcheck version. It covers every file of the
bundle (verdicts.json, JUnit, SARIF, Allure results and report, the documents and their view, the ledger, the
evidence) except itself, its signature, the cross-run history file and hidden files.

With `CLAIMCHECK_SIGNING_KEY` naming an Ed25519 private key (a PEM file, or the PEM text itself), the manifest
is signed: `MANIFEST.sha256.sig` (base64) and the public key `MANIFEST.sha256.pub` (PEM). The bundled public
key proves nothing by itself: compare its fingerprint, printed by `claimcheck verify`, with the one you were
given.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks.errors import ClaimcheckError

MANIFEST = "MANIFEST.sha256"
SIGNATURE = "MANIFEST.sha256.sig"
PUBLIC_KEY = "MANIFEST.sha256.pub"
SIGNING_KEY_ENV = "CLAIMCHECK_SIGNING_KEY"
HISTORY = "history.jsonl"
NOT_COVERED = {MANIFEST, SIGNATURE, PUBLIC_KEY, HISTORY}
HEADER_KEYS = ("run_id", "target", "target_kind", "profile", "git_sha", "ledger_hash", "claimcheck_version")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def covered(reports_dir: Path) -> Iterator[Path]:
    """Every file the manifest covers, sorted (relative paths)."""
    for path in sorted(reports_dir.rglob("*")):
        rel = path.relative_to(reports_dir)
        if (
            path.is_file()
            and not any(part.startswith(".") for part in rel.parts)
            and str(rel) not in NOT_COVERED
        ):
            yield rel


def manifest_text(reports_dir: Path, run: dict[str, Any], key_fingerprint: str | None = None) -> str:
    header = [
        "# claimcheck evidence bundle; check with `claimcheck verify` or `sha256sum -c MANIFEST.sha256`"
    ]
    header += [f"# {k}: {run.get(k)}" for k in HEADER_KEYS]
    if key_fingerprint:
        header.append(f"# signed by ed25519 key {key_fingerprint}")
    lines = [f"{sha256(reports_dir / rel)}  {rel.as_posix()}" for rel in covered(reports_dir)]
    return "\n".join(header + lines) + "\n"


def _private_key() -> Any:
    value = os.environ.get(SIGNING_KEY_ENV)
    if not value:
        return None
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    pem = value.encode() if value.lstrip().startswith("-----BEGIN") else Path(value).read_bytes()
    key = load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ClaimcheckError(f"{SIGNING_KEY_ENV}: not an Ed25519 private key")
    return key


def public_pem(public_key: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return bytes(public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))


def fingerprint(public_key: Any) -> str:
    """sha256 of the raw public key, the form to compare out of band."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def write_manifest(reports_dir: Path, run: dict[str, Any]) -> Path:
    """Write MANIFEST.sha256 (and its signature when a signing key is named); returns the manifest path."""
    for stale in (SIGNATURE, PUBLIC_KEY):
        (reports_dir / stale).unlink(missing_ok=True)
    key = _private_key()
    text = manifest_text(reports_dir, run, fingerprint(key.public_key()) if key else None)
    path = reports_dir / MANIFEST
    path.write_text(text, encoding="utf-8")
    if key is not None:
        (reports_dir / SIGNATURE).write_text(base64.b64encode(key.sign(text.encode())).decode() + "\n")
        (reports_dir / PUBLIC_KEY).write_bytes(public_pem(key.public_key()))
    return path


@dataclass
class Verification:
    """What `claimcheck verify` found: problems name files; `signed_by` the key's fingerprint."""

    problems: list[str] = field(default_factory=list)
    checked: int = 0
    header: dict[str, str] = field(default_factory=dict)
    signed_by: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _parse(text: str) -> tuple[dict[str, str], dict[str, str]]:
    header: dict[str, str] = {}
    entries: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("# ") and ": " in line:
            key, _, value = line[2:].partition(": ")
            header[key] = value
        elif line and not line.startswith("#"):
            digest, _, rel = line.partition("  ")
            entries[rel] = digest
    return header, entries


def _check_signature(reports_dir: Path, text: str, public_key_file: Path | None, found: Verification) -> None:
    sig_path = reports_dir / SIGNATURE
    if not sig_path.is_file():
        found.notes.append(
            "unsigned: the manifest shows the files are unchanged since it was written, not who wrote it"
        )
        return
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    key_file = public_key_file or reports_dir / PUBLIC_KEY
    if public_key_file is None:
        found.notes.append(
            f"signature checked against the bundle's own {PUBLIC_KEY}: compare its fingerprint"
        )
    key = load_pem_public_key(key_file.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        found.problems.append(f"{key_file}: not an Ed25519 public key")
        return
    try:
        key.verify(base64.b64decode(sig_path.read_text()), text.encode())
    except (InvalidSignature, ValueError):
        found.problems.append(f"{MANIFEST}: signature does not match ({SIGNATURE}, key {fingerprint(key)})")
        return
    found.signed_by = fingerprint(key)


def verify(reports_dir: Path, public_key_file: Path | None = None) -> Verification:
    """Check every file against the manifest, files added since, the signature and the run it names."""
    path = reports_dir / MANIFEST
    if not path.is_file():
        return Verification(problems=[f"{path}: no manifest"])
    text = path.read_text(encoding="utf-8")
    header, entries = _parse(text)
    found = Verification(header=header)
    for rel, digest in entries.items():
        file = reports_dir / rel
        if not file.is_file():
            found.problems.append(f"missing: {rel}")
        elif sha256(file) != digest:
            found.problems.append(f"changed: {rel}")
        found.checked += 1
    for path in covered(reports_dir):
        if path.as_posix() not in entries:
            found.problems.append(f"added (not in the manifest): {path.as_posix()}")
    _check_signature(reports_dir, text, public_key_file, found)
    _check_run(reports_dir, header, found)
    return found


def _check_run(reports_dir: Path, header: dict[str, str], found: Verification) -> None:
    """The manifest's header must name the run verdicts.json records, and the shipped ledger its hash."""
    import json

    verdicts = reports_dir / "verdicts.json"
    if not verdicts.is_file():
        return
    try:
        run = json.loads(verdicts.read_text(encoding="utf-8")).get("run", {})
    except (ValueError, AttributeError):
        found.problems.append("verdicts.json: not a verdicts document any more")
        return
    for key in HEADER_KEYS:
        if key in header and header[key] != str(run.get(key)):
            found.problems.append(
                f"{MANIFEST}: header {key} {header[key]!r} but verdicts.json says {run.get(key)!r}"
            )
    ledger = sorted((reports_dir / "ledger").glob("*.yaml"))
    if ledger:
        h = hashlib.sha256()
        for f in ledger:
            h.update(f.name.encode())
            h.update(f.read_bytes())
        if h.hexdigest()[:16] != str(run.get("ledger_hash")):
            found.problems.append(
                f"ledger/: its hash {h.hexdigest()[:16]} is not the run's {run.get('ledger_hash')}"
            )

"""Generated secrets of the sandbox, kept in RUN_DIR/secrets.env (mode 0600) as `export NAME=value`.

Generated once and reused on every later `up`, because the database keeps the passwords it was given.
Values are URL-safe tokens, so the file can be sourced by a shell as is. Never print them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sandbox.config import SandboxConfig

APP_DB_PASSWORD = "CLAIMCHECK_LOCAL_APP_DB_PASSWORD"
JWT_SECRET = "CLAIMCHECK_LOCAL_JWT_SECRET"
WEBHOOK_SECRET = "CLAIMCHECK_LOCAL_WEBHOOK_SECRET"
REPLICATION_PASSWORD = "CLAIMCHECK_LOCAL_REPLICATION_PASSWORD"
# The local cloud account (moto) accepts any key pair; the suites still read it from the environment,
# exactly as they would a real account's.
AWS_ACCESS_KEY_ID = "CLAIMCHECK_LOCAL_AWS_ACCESS_KEY_ID"
AWS_SECRET_ACCESS_KEY = "CLAIMCHECK_LOCAL_AWS_SECRET_ACCESS_KEY"


def secret_names(cfg: SandboxConfig) -> list[str]:
    """Every variable the secrets file must define for this configuration."""
    names = [
        APP_DB_PASSWORD,
        JWT_SECRET,
        WEBHOOK_SECRET,
        REPLICATION_PASSWORD,
        AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY,
    ]
    for tenant in cfg.tenants:
        names += [f"{tenant.env_prefix}_API_KEY", f"{tenant.env_prefix}_DB_PASSWORD"]
    return names


def parse_env_file(path: Path) -> dict[str, str]:
    """Read `export NAME=value` lines (missing file: empty mapping)."""
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for line in path.read_text().splitlines():
        line = line.strip().removeprefix("export ").strip()
        if "=" in line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip().strip("'\"")
    return values


def load_or_create(cfg: SandboxConfig) -> dict[str, str]:
    """The secrets of this run dir, generating (and persisting) any that are missing."""
    path = cfg.path("secrets.env")
    values = parse_env_file(path)
    missing = [name for name in secret_names(cfg) if name not in values]
    for name in missing:
        values[name] = secrets.token_urlsafe(24)
    if missing or not path.exists():
        _write_private(path, "".join(f"export {k}={v}\n" for k, v in values.items()))
    os.chmod(path, 0o600)
    return values


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)

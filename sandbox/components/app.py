"""The application: two uvicorn instances of sandbox.app behind nginx, one config file per instance.

Config schema: sandbox/README.md. The files hold secrets, so they are written with mode 0600.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path
from typing import Any

from sandbox import procs
from sandbox.components.base import ProcessComponent, RunContext
from sandbox.config import REPO_ROOT
from sandbox.secrets_env import APP_DB_PASSWORD, JWT_SECRET, WEBHOOK_SECRET


def app_config(ctx: RunContext, instance: str) -> dict[str, Any]:
    """The JSON document `python -m sandbox.app --config` reads."""
    cfg, sec = ctx.cfg, ctx.secrets
    auth = f"{cfg.app_role}:{sec[APP_DB_PASSWORD]}"
    return {
        "instance": instance,
        "pg_dsn": f"postgresql://{auth}@127.0.0.1:{cfg.ports.pg_primary}/{cfg.database}",
        "pg_replica_dsn": f"postgresql://{auth}@127.0.0.1:{cfg.ports.pg_replica}/{cfg.database}",
        "redis_url": f"redis://127.0.0.1:{cfg.ports.redis_primary}/0",
        "jwt_secret": sec[JWT_SECRET],
        "webhook_secret": sec[WEBHOOK_SECRET],
        "webhook_target_url": f"http://127.0.0.1:{cfg.ports.app_a}/api/v1/webhooks/incoming",
        "tenants": [
            {
                "slug": t.slug,
                "name": t.name,
                "tier": t.tier,
                "vertical": t.vertical,
                "db_role": t.db_role,
                "db_password": sec[f"{t.env_prefix}_DB_PASSWORD"],
                "api_key": sec[f"{t.env_prefix}_API_KEY"],
            }
            for t in cfg.tenants
        ],
        "rate_limits_per_hour": dict(cfg.rate_limits_per_hour),
        "unlimited_tenants": [cfg.load_test_tenant],
        "access_log": str(cfg.path("logs", f"app-{instance}.log")),
        "fault_injection": True,
    }


def write_private_json(path: Path, document: dict[str, Any]) -> None:
    """Write JSON readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2, ensure_ascii=False)
    path.chmod(0o600)


class AppInstance(ProcessComponent):
    """`python -m sandbox.app --config RUN_DIR/app/config-<instance>.json --port P`."""

    def __init__(self, instance: str) -> None:
        self.instance = instance
        self.name = f"app-{instance}"

    def port(self, ctx: RunContext) -> int:
        return ctx.cfg.ports.app_a if self.instance == "a" else ctx.cfg.ports.app_b

    def address(self, ctx: RunContext) -> str:
        return f"http://127.0.0.1:{self.port(ctx)}"

    def listen_ports(self, ctx: RunContext) -> list[int]:
        return [self.port(ctx)]

    def config_path(self, ctx: RunContext) -> Path:
        return ctx.cfg.path("app", f"config-{self.instance}.json")

    def prepare(self, ctx: RunContext) -> None:
        write_private_json(self.config_path(ctx), app_config(ctx, self.instance))

    def spec(self, ctx: RunContext) -> procs.ProcSpec:
        config, port = self.config_path(ctx), str(self.port(ctx))
        argv = [sys.executable, "-m", "sandbox.app", "--config", str(config), "--port", port]
        return procs.ProcSpec(
            self.name,
            argv,
            ("sandbox.app", str(config), f"--port {port}"),
            ctx.cfg.path("logs", f"{self.name}.stdout.log"),
            cwd=REPO_ROOT,
            env={"PYTHONPATH": str(REPO_ROOT)},
        )

    def check(self, ctx: RunContext) -> str:
        with urllib.request.urlopen(f"{self.address(ctx)}/health", timeout=3) as resp:
            return f"/health {resp.status}"

"""Prometheus scraping both app instances every 5 s, with recording and alert rules
(sandbox/templates/prometheus-rules.yml), storage and retention inside the run dir."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path
from typing import Any

from sandbox import procs
from sandbox.components.base import ProcessComponent, RunContext
from sandbox.errors import SandboxError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
RETENTION = "30d"
SCRAPE_INTERVAL = "5s"
APP_JOB = "claimcheck-app"
NEVER_SCRAPED = "0001-01-01T00:00:00Z"


def prom_bin(tool: str = "prometheus") -> str:
    """Absolute path of prometheus / promtool."""
    path = shutil.which(tool)
    if not path:
        raise SandboxError("prometheus", f"{tool} not found (install the prometheus package)")
    return path


def render_config(ctx: RunContext, rules: Path) -> str:
    """prometheus.yml: the app job (both instances) and Prometheus itself."""
    ports = ctx.cfg.ports
    return (
        f"global:\n  scrape_interval: {SCRAPE_INTERVAL}\n  evaluation_interval: {SCRAPE_INTERVAL}\n"
        f"  external_labels:\n    sandbox: claimcheck\n"
        f"rule_files:\n  - {rules}\n"
        f"scrape_configs:\n"
        f"  - job_name: {APP_JOB}\n    metrics_path: /metrics\n    static_configs:\n"
        f"      - targets: ['127.0.0.1:{ports.app_a}']\n        labels: {{app_instance: a}}\n"
        f"      - targets: ['127.0.0.1:{ports.app_b}']\n        labels: {{app_instance: b}}\n"
        f"  - job_name: prometheus\n    static_configs:\n      - targets: ['127.0.0.1:{ports.prometheus}']\n"
    )


class Prometheus(ProcessComponent):
    """The monitoring server of the sandbox."""

    name = "prometheus"

    def address(self, ctx: RunContext) -> str:
        return f"http://127.0.0.1:{ctx.cfg.ports.prometheus}"

    def listen_ports(self, ctx: RunContext) -> list[int]:
        return [ctx.cfg.ports.prometheus]

    def conf(self, ctx: RunContext) -> Path:
        return ctx.cfg.path("prometheus", "prometheus.yml")

    def prepare(self, ctx: RunContext) -> None:
        """Config and rules, both checked with promtool when it is installed."""
        home = ctx.cfg.path("prometheus")
        (home / "data").mkdir(parents=True, exist_ok=True)
        rules = home / "rules.yml"
        shutil.copyfile(TEMPLATES / "prometheus-rules.yml", rules)
        self.conf(ctx).write_text(render_config(ctx, rules))
        if shutil.which("promtool"):
            procs.run([prom_bin("promtool"), "check", "config", str(self.conf(ctx))])

    def spec(self, ctx: RunContext) -> procs.ProcSpec:
        conf = self.conf(ctx)
        argv = [
            prom_bin(),
            f"--config.file={conf}",
            f"--storage.tsdb.path={ctx.cfg.path('prometheus', 'data')}",
            f"--storage.tsdb.retention.time={RETENTION}",
            f"--web.listen-address=127.0.0.1:{ctx.cfg.ports.prometheus}",
            "--web.enable-lifecycle",
        ]
        return procs.ProcSpec(
            self.name, argv, ("prometheus", f"--config.file={conf}"), ctx.cfg.path("logs", "prometheus.log")
        )

    def app_targets(self, ctx: RunContext) -> list[dict[str, Any]]:
        """The active scrape targets of the app job (after /-/ready answers)."""
        with urllib.request.urlopen(f"{self.address(ctx)}/-/ready", timeout=3):
            pass
        with urllib.request.urlopen(f"{self.address(ctx)}/api/v1/targets?state=active", timeout=3) as resp:
            targets = json.loads(resp.read())["data"]["activeTargets"]
        return [t for t in targets if t.get("labels", {}).get("job") == APP_JOB]

    def check(self, ctx: RunContext) -> str:
        """Ready, and every app instance scraped at least once: until then the `up` series the availability
        claims read does not exist (a fresh Prometheus needs about one scrape interval)."""
        targets = self.app_targets(ctx)
        unscraped = [t["scrapeUrl"] for t in targets if t.get("lastScrape", NEVER_SCRAPED) == NEVER_SCRAPED]
        if not targets or unscraped:
            raise SandboxError(self.name, f"app not scraped yet: {unscraped or 'no app targets'}")
        up = sum(1 for t in targets if t.get("health") == "up")
        return f"ready, {up}/{len(targets)} app targets up, retention {RETENTION}"

    def _ready(self, ctx: RunContext, spec: procs.ProcSpec) -> bool:
        """Start-up readiness: the first scrape of every app instance succeeded."""
        super()._ready(ctx, spec)
        down = [t["scrapeUrl"] for t in self.app_targets(ctx) if t.get("health") != "up"]
        if down:
            raise SandboxError(self.name, f"first scrape not successful yet: {down}")
        return True

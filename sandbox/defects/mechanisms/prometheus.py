"""Defects in the monitoring server: a shorter retention (a restart with another flag) and slower alerts
(every rule's `for:`, then a config reload). Read back from Prometheus's own API."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import urllib.request
from pathlib import Path
from typing import Any, ClassVar

from sandbox import procs
from sandbox.components.prometheus import RETENTION, TEMPLATES, Prometheus
from sandbox.defects.live import Live, wait_for
from sandbox.defects.mechanism import Mechanism, Saved, mechanism


def _api(live: Live, path: str, method: str = "GET") -> Any:
    url = f"http://127.0.0.1:{live.cfg.ports.prometheus}{path}"
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=5) as resp:
        body = resp.read()
    return json.loads(body) if body.strip().startswith(b"{") else body


@mechanism("prometheus.retention")
class Retention(Mechanism):
    """Prometheus restarted with a shorter `--storage.tsdb.retention.time`."""

    touches: ClassVar[tuple[str, ...]] = ("prometheus",)
    plant_timeout_s: ClassVar[float] = 40.0

    def __init__(self, retention: str) -> None:
        self.retention = retention

    def apply(self, live: Live, saved: Saved) -> None:
        prom = Prometheus()
        spec = prom.spec(live.ctx)
        flag = f"--storage.tsdb.retention.time={RETENTION}"
        argv = [f"--storage.tsdb.retention.time={self.retention}" if a == flag else a for a in spec.argv]
        prom.stop(live.ctx)
        procs.spawn(dataclasses.replace(spec, argv=argv), prom.pidfile(live.ctx))
        # answering is enough for the claims this defect is judged on (its flags and rules); the undo's
        # start waits for the first scrapes as well, as every start of the sandbox does
        wait_for("prometheus answers", lambda: _api(live, "/-/ready") is not None, 40)

    def restore(self, live: Live, saved: Saved) -> None:
        Prometheus().start(live.ctx)

    def present(self, live: Live) -> bool:
        flags = _api(live, "/api/v1/status/flags")["data"]
        return bool(flags["storage.tsdb.retention.time"] == self.retention)


@mechanism("prometheus.alerts_wait")
class AlertsWait(Mechanism):
    """Every alerting rule made to hold its condition for `duration` before firing (then `POST /-/reload`)."""

    touches: ClassVar[tuple[str, ...]] = ("prometheus",)

    def __init__(self, duration: str) -> None:
        self.duration = duration

    def rules_file(self, live: Live) -> Path:
        return live.cfg.path("prometheus", "rules.yml")

    def apply(self, live: Live, saved: Saved) -> None:
        path = self.rules_file(live)
        path.write_text(re.sub(r"(?m)^(\s+for:) \S+$", rf"\1 {self.duration}", path.read_text()))
        _api(live, "/-/reload", method="POST")

    def restore(self, live: Live, saved: Saved) -> None:
        shutil.copyfile(TEMPLATES / "prometheus-rules.yml", self.rules_file(live))
        _api(live, "/-/reload", method="POST")

    def present(self, live: Live) -> bool:
        groups = _api(live, "/api/v1/rules")["data"]["groups"]
        durations = [r.get("duration") for g in groups for r in g["rules"] if r.get("type") == "alerting"]
        return bool(durations) and all(d == _seconds(self.duration) for d in durations)


def _seconds(duration: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return int(duration[:-1]) * units[duration[-1]]

"""Headless Chromium for the report tests: a page's DOM after its scripts ran, and every request it made.

Requests come from Chromium's own network log (`--log-net-log`): every URL the network stack was asked
for and every host it tried to resolve, whichever frame, script or worker asked. No DevTools client needed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-default-apps",
    # the browser's own services, not the page's: form-field lookups (the report has a search box), model
    # downloads and time queries would otherwise go out from the page's network context
    "--disable-features=AutofillServerCommunication,OptimizationHints,NetworkTimeServiceQuerying,MediaRouter",
)
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "file", "chrome-extension", "devtools"}


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@dataclass(frozen=True)
class Request:
    url: str
    isolation_key: str
    initiator: str


@dataclass
class Page:
    dom: str
    requests: list[Request]

    def made_by(self, origin: str) -> list[Request]:
        """The requests the page (any frame or script of `origin`'s site) made: its network isolation key is
        the page's site, or the page is their initiator. Chromium's own background traffic (updates, time)
        has another key and no initiator."""
        site = f"{urlsplit(origin).scheme}://{urlsplit(origin).hostname}"
        return [
            r for r in self.requests if r.isolation_key.startswith(site) or r.initiator.startswith(origin)
        ]

    def external(self, origin: str) -> list[str]:
        """Every URL the page asked for outside 127.0.0.1."""
        return sorted({r.url for r in self.made_by(origin) if not _local(r.url)})

    def background(self, origin: str) -> list[str]:
        """What Chromium itself asked for (not the page): shown, never counted against the report."""
        mine = set(self.made_by(origin))
        return sorted({r.url for r in self.requests if r not in mine})


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in ("127.0.0.1", "localhost")


def requests_in(netlog: Path) -> list[Request]:
    """Every URL request Chromium's network stack started, from its log (tolerates a log cut short)."""
    text = netlog.read_text(encoding="utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = json.loads(text.rstrip(",\n") + "]}")
    names = {v: k for k, v in data["constants"]["logEventTypes"].items()}
    found = []
    for event in data.get("events", []):
        params: dict[str, Any] = event.get("params") or {}
        if names.get(event.get("type")) == "URL_REQUEST_START_JOB" and "url" in params:
            found.append(
                Request(
                    params["url"],
                    str(params.get("network_isolation_key", "")),
                    str(params.get("initiator", "")),
                )
            )
    return found


def load(url: str, *, budget_ms: int = 15000) -> Page:
    """Open `url` headless, let its scripts run for `budget_ms` of virtual time, return DOM and requests."""
    binary = chromium()
    if binary is None:
        raise RuntimeError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="claimcheck-chromium-") as scratch:
        netlog = Path(scratch) / "net.json"
        cmd = [
            binary,
            *FLAGS,
            f"--user-data-dir={scratch}/profile",
            f"--log-net-log={netlog}",
            "--net-log-capture-mode=Default",
            f"--virtual-time-budget={budget_ms}",
            "--dump-dom",
            url,
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr[-800:]}")
        return Page(done.stdout, requests_in(netlog))

"""`claimcheck report --serve` serves the reports on 127.0.0.1 only and prints the address to open."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from checks.ledger import project_root


def test_report_serve_prints_a_loopback_url_that_serves_the_report(bundle_copy: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "checks.cli",
        "report",
        "--serve",
        "--no-html",
        "--reports-dir",
        str(bundle_copy),
    ]
    proc = subprocess.Popen(
        cmd, cwd=project_root(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 120
        url = None
        assert proc.stdout is not None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if m := re.search(r"documents: (http://\S+)", line):
                url = m[1]
        assert url is not None and url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200 and b"Documents judged" in response.read()
    finally:
        proc.terminate()
        proc.wait(timeout=30)

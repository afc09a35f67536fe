"""`claimcheck report --serve`: the reports folder over HTTP on 127.0.0.1 only (Allure 3 cannot open from file://)."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def report_server(reports_dir: Path, port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for `reports_dir`, bound to 127.0.0.1 (`port` 0: any free port). Not started."""
    handler = functools.partial(_Quiet, directory=str(reports_dir))
    return ThreadingHTTPServer((LOOPBACK, port), handler)


def urls(server: ThreadingHTTPServer) -> dict[str, str]:
    port = server.server_address[1]
    base = f"http://{LOOPBACK}:{port}"
    return {"report": f"{base}/allure-report/index.html", "documents": f"{base}/documents/index.html"}


def serve_in_thread(reports_dir: Path, port: int = 0) -> ThreadingHTTPServer:
    """Start a report server in a daemon thread (tests); stop it with `.shutdown()`."""
    server = report_server(reports_dir, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

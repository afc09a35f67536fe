"""A tenant's own service, run inside the tenant's network namespace: answers who it belongs to.

Usage: `ip netns exec NS python -m sandbox.tenant_service --tenant SLUG --netns NS --port 8080`.
"""

from __future__ import annotations

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def handler_for(tenant: str, netns: str) -> type[BaseHTTPRequestHandler]:
    """A request handler class that answers every GET with the tenant identity."""

    class TenantHandler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True  # otherwise Nagle + delayed ACK add ~40 ms per request

        def do_GET(self) -> None:
            body = json.dumps({"tenant": tenant, "netns": netns, "path": self.path}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    return TenantHandler


def main(argv: list[str] | None = None) -> int:
    """Serve until killed."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.tenant_service")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--netns", required=True)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("0.0.0.0", args.port), handler_for(args.tenant, args.netns))
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())

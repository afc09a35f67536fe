"""A self-contained latency probe, run inside a vantage point (network namespace, ssh host) as a script.

    python -m checks.collect.geo_probe URL COUNT SERVER_HOSTNAME CA_FILE HEADER_NAME HEADER_ENV [INTERVAL_S]

Prints one JSON object: per request, TCP connect time, TLS handshake time and time to first byte (ms).
Standard library only, so it runs on any host with Python 3.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import sys
import time
from urllib.parse import urlparse

CA_ENV = "CLAIMCHECK_PROBE_CA_PEM"


def one_request(
    url: str, server_hostname: str, context: ssl.SSLContext, headers: dict[str, str]
) -> dict[str, float]:
    parts = urlparse(url)
    started = time.perf_counter()
    sock = socket.create_connection((parts.hostname, parts.port or 443), timeout=10)
    connected = time.perf_counter()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    tls = context.wrap_socket(sock, server_hostname=server_hostname)
    handshaken = time.perf_counter()
    lines = [f"GET {parts.path or '/'} HTTP/1.1", f"Host: {server_hostname}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    tls.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    first = tls.recv(1)
    ttfb = time.perf_counter()
    status = tls.recv(64)
    tls.close()
    code = int((first + status).split(b" ")[1]) if first else 0
    return {
        "connect_ms": (connected - started) * 1000,
        "tls_ms": (handshaken - connected) * 1000,
        "ttfb_ms": (ttfb - handshaken) * 1000,
        "total_ms": (ttfb - started) * 1000,
        "status": code,
    }


def main(argv: list[str]) -> int:
    url, count, server_hostname, ca_file, header, header_env = argv[:6]
    # requests start at least this far apart (s): a probe beside others keeps to its share of max_rps
    interval = float(argv[6]) if len(argv) > 6 and argv[6] else 0.0
    # On a remote vantage point the CA travels in the environment ("-"), as the file is not there.
    if ca_file == "-":
        context = ssl.create_default_context(cadata=os.environ[CA_ENV])
    else:
        context = ssl.create_default_context(cafile=ca_file or None)
    headers = {header: os.environ[header_env]} if header and header_env in os.environ else {}
    samples, errors = [], []
    next_start = time.perf_counter()
    for _ in range(int(count)):
        time.sleep(max(0.0, next_start - time.perf_counter()))
        next_start = time.perf_counter() + interval
        try:
            samples.append(one_request(url, server_hostname, context, headers))
        except OSError as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    json.dump({"samples": samples, "errors": errors}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

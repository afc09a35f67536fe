"""Servers shared by the collector tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.collect.test_http import TlsServer, make_pki, serve_tls


@pytest.fixture(scope="module")
def gateway() -> Iterator[TlsServer]:
    """A throwaway HTTPS server with its own CA (the certificate names NAME and 127.0.0.1)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed (apt-get install openssl)")
    d = Path(tempfile.mkdtemp(prefix="cc-geo-"))
    make_pki(d)
    server, thread = serve_tls(d)
    yield TlsServer(server.server_address[1], str(d / "ca.crt"), str(d / "other-ca.crt"))
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    shutil.rmtree(d, ignore_errors=True)

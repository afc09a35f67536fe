"""TLS collector against local nginx servers this module starts with a CA and certificate made by openssl."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from checks.collect.tls import ACCEPTED, REFUSED, collect_tls_posture
from checks.errors import TargetUnreachable

pytestmark = pytest.mark.integration
NAME = "tenant.test"


@dataclass(frozen=True)
class Nginx:
    tls13_only: int
    tls12_13: int
    legacy: int
    http: int
    ca_file: str
    other_ca_file: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(d: Path) -> None:
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "other-ca"):
        openssl(
            "req",
            "-x509",
            *ec,
            "-keyout",
            f"{ca}.key",
            "-out",
            f"{ca}.crt",
            "-days",
            "2",
            "-subj",
            f"/CN=claimcheck {ca}",
            cwd=d,
        )
    openssl("req", *ec, "-keyout", "srv.key", "-out", "srv.csr", "-subj", f"/CN={NAME}", cwd=d)
    (d / "ext.cnf").write_text(f"subjectAltName=DNS:{NAME},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl(
        "x509",
        "-req",
        "-in",
        "srv.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "srv.crt",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        cwd=d,
    )


def server_block(port: int, protocols: str, extra: str = "") -> str:
    return (
        f"server {{ listen 127.0.0.1:{port} ssl; server_name {NAME}; ssl_certificate srv.crt; "
        f"ssl_certificate_key srv.key; ssl_protocols {protocols}; {extra}"
        'add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always; '
        'location / { return 200 "ok\\n"; } }\n'
    )


def nginx_conf(d: Path, n: Nginx) -> str:
    temp = " ".join(f"{k}_temp_path {d}/tmp;" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    redirect = f"return 301 https://$host:{n.tls13_only}$request_uri;"
    return "\n".join(
        [
            f"worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log;",
            "events { worker_connections 64; }",
            f"http {{ access_log off; {temp}",
            server_block(n.tls13_only, "TLSv1.3"),
            server_block(n.tls12_13, "TLSv1.2 TLSv1.3"),
            server_block(n.legacy, "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3", "ssl_ciphers DEFAULT:@SECLEVEL=0; "),
            f"server {{ listen 127.0.0.1:{n.http}; location / {{ {redirect} }} }}",
            "}",
        ]
    )


def wait_for_ports(ports: list[int], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    for port in ports:
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"nginx did not listen on 127.0.0.1:{port} within {timeout_s} s")
            time.sleep(0.05)


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    binary, openssl_bin = shutil.which("nginx") or "/usr/sbin/nginx", shutil.which("openssl")
    if not Path(binary).exists() or openssl_bin is None:
        pytest.skip("nginx or openssl missing (apt-get install -y nginx openssl)")
    d = tmp_path_factory.mktemp("nginx-tls")
    (d / "tmp").mkdir()
    make_pki(d)
    n = Nginx(free_port(), free_port(), free_port(), free_port(), str(d / "ca.crt"), str(d / "other-ca.crt"))
    (d / "nginx.conf").write_text(nginx_conf(d, n))
    subprocess.run([binary, "-c", str(d / "nginx.conf"), "-p", str(d)], check=True, capture_output=True)
    try:
        wait_for_ports([n.tls13_only, n.tls12_13, n.legacy, n.http], 10.0)
        yield n
    finally:
        subprocess.run(
            [binary, "-c", str(d / "nginx.conf"), "-p", str(d), "-s", "stop"],
            check=False,
            capture_output=True,
        )


def outcomes(port: int, n: Nginx) -> dict[str, str]:
    posture = collect_tls_posture("127.0.0.1", port, NAME, n.ca_file)
    return {v.version: v.outcome for v in posture.versions}


def test_tls13_only_server_refuses_everything_older(nginx: Nginx) -> None:
    assert outcomes(nginx.tls13_only, nginx) == {
        "TLSv1": REFUSED,
        "TLSv1.1": REFUSED,
        "TLSv1.2": REFUSED,
        "TLSv1.3": ACCEPTED,
    }


def test_tls12_13_server_accepts_both(nginx: Nginx) -> None:
    assert outcomes(nginx.tls12_13, nginx) == {
        "TLSv1": REFUSED,
        "TLSv1.1": REFUSED,
        "TLSv1.2": ACCEPTED,
        "TLSv1.3": ACCEPTED,
    }


def test_legacy_versions_are_testable_by_lowering_the_client_security_level(nginx: Nginx) -> None:
    posture = collect_tls_posture("127.0.0.1", nginx.legacy, NAME, nginx.ca_file)
    assert all(v.outcome == ACCEPTED for v in posture.versions)
    assert posture.versions[0].detail == "TLSv1" and posture.versions[3].cipher == "TLS_AES_256_GCM_SHA384"


def test_certificate_hsts_and_redirect(nginx: Nginx) -> None:
    posture = collect_tls_posture("127.0.0.1", nginx.tls13_only, NAME, nginx.ca_file, http_port=nginx.http)
    leaf = posture.chain[0]
    assert (leaf.subject, leaf.issuer, leaf.dns_names) == (f"CN={NAME}", "CN=claimcheck ca", (NAME,))
    assert leaf.not_after.startswith("20") and posture.verified and posture.hostname_match
    assert posture.hsts == "max-age=63072000; includeSubDomains"
    assert posture.http_redirect is not None and posture.http_redirect.status == 301
    assert (
        posture.http_redirect.to_https
        and posture.http_redirect.location == f"https://{NAME}:{nginx.tls13_only}/"
    )


def test_wrong_name_fails_hostname_match(nginx: Nginx) -> None:
    posture = collect_tls_posture("127.0.0.1", nginx.tls13_only, "other.test", nginx.ca_file)
    assert not posture.hostname_match and not posture.verified and "Hostname mismatch" in posture.verify_error


def test_untrusted_ca_fails_verification_but_name_matches(nginx: Nginx) -> None:
    posture = collect_tls_posture("127.0.0.1", nginx.tls13_only, NAME, nginx.other_ca_file)
    assert (
        posture.hostname_match
        and not posture.verified
        and "unable to get local issuer" in posture.verify_error
    )


def test_closed_port_is_target_unreachable() -> None:
    with pytest.raises(TargetUnreachable):
        collect_tls_posture("127.0.0.1", free_port(), NAME, None, timeout_s=1.0)

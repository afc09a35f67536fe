"""Defects in the gateway: nginx's rendered configuration edited, then reloaded (no connection is dropped).

The undo renders the template again, as `sandbox up` would: the reference state is the template itself.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import signal
import ssl
from pathlib import Path
from typing import ClassVar

from sandbox import procs
from sandbox.components.nginx import TEMPLATES, Nginx, nginx_bin, render
from sandbox.components.tls import tls_files
from sandbox.defects.live import Live, wait_for
from sandbox.defects.mechanism import Mechanism, Saved, mechanism
from sandbox.errors import SandboxError

PSYCHOLOGY = "location /api/v1/psychology/ {"
NO_STORE = 'add_header Cache-Control "no-store" always;'


def reload(live: Live) -> None:
    """`nginx -t` on the files as they are now, then SIGHUP to the master (a graceful reload)."""
    nginx = Nginx()
    conf = nginx.conf(live.ctx)
    procs.run([nginx_bin(), "-p", str(live.cfg.path("nginx")), "-c", str(conf), "-t"])
    pid = nginx.pid(live.ctx)
    if pid is None:
        raise SandboxError("defects", "nginx is not running")
    os.kill(pid, signal.SIGHUP)


def in_block(text: str, opening: str, old: str, new: str) -> str:
    """`text` with the first `old` after `opening` replaced by `new` (one location block)."""
    start = text.index(opening)
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :]


class ConfEdit(Mechanism):
    """An edit of nginx.conf; the undo renders the template again."""

    touches: ClassVar[tuple[str, ...]] = ("nginx",)

    def edit(self, text: str, live: Live) -> str:
        raise NotImplementedError

    def apply(self, live: Live, saved: Saved) -> None:
        conf = Nginx().conf(live.ctx)
        text = conf.read_text()
        edited = self.edit(text, live)
        if edited == text:
            raise SandboxError("defects", f"{type(self).__name__}: the edit changed nothing in {conf}")
        conf.write_text(edited)
        reload(live)

    def restore(self, live: Live, saved: Saved) -> None:
        nginx = Nginx()
        nginx.conf(live.ctx).write_text(render(live.ctx, nginx.addresses(live.ctx)))
        shutil.copyfile(TEMPLATES / "security-headers.conf", live.cfg.path("nginx", "security-headers.conf"))
        reload(live)
        wait_for("nginx matches its template again", lambda: bool(nginx.check(live.ctx)), 10)


@mechanism("nginx.tls12")
class Tls12(ConfEdit):
    """TLS 1.2 offered beside TLS 1.3."""

    def edit(self, text: str, live: Live) -> str:
        return text.replace("ssl_protocols TLSv1.3;", "ssl_protocols TLSv1.2 TLSv1.3;")

    def present(self, live: Live) -> bool:
        try:
            return live.tls_handshake(maximum_version=ssl.TLSVersion.TLSv1_2) == "TLSv1.2"
        except ssl.SSLError:
            return False


@mechanism("nginx.no_https_redirect")
class NoHttpsRedirect(ConfEdit):
    """Plain HTTP serves the application instead of redirecting to HTTPS."""

    def edit(self, text: str, live: Live) -> str:
        return re.sub(r"return 301 https://\S+;", "proxy_pass http://claimcheck_app;", text, count=1)

    def present(self, live: Live) -> bool:
        answer = live.request(f"http://127.0.0.1:{live.cfg.ports.http}/health")
        return answer.status == 200


@mechanism("nginx.rate_limit_removed")
class RateLimitRemoved(ConfEdit):
    """No per-client limit on /api/ any more."""

    def edit(self, text: str, live: Live) -> str:
        return re.sub(r"\n\s*limit_req zone=per_client [^;]*;", "", text)

    def present(self, live: Live) -> bool:
        return first_refusal(live, "cc-defect-probe-" + secrets.token_hex(4), 130) is None


@mechanism("nginx.rate_limit_shared")
class RateLimitShared(ConfEdit):
    """One limiter bucket for every client: one busy client starves all the others."""

    def edit(self, text: str, live: Live) -> str:
        text = text.replace(
            "limit_req_zone $cc_client_key zone=per_client:",
            "limit_req_zone $server_name zone=per_client_shared:",
        )
        return text.replace("limit_req zone=per_client ", "limit_req zone=per_client_shared ")

    def present(self, live: Live) -> bool:
        if first_refusal(live, "cc-defect-probe-" + secrets.token_hex(4), 130) is None:
            return False
        return first_refusal(live, "cc-defect-probe-" + secrets.token_hex(4), 1) == 1


def first_refusal(live: Live, key: str, limit: int) -> int | None:
    """1-based index of the first 429 among up to `limit` requests with an unknown API key (the app answers
    401 without counting; nginx counts every request per key before the app sees it)."""
    for n in range(1, limit + 1):
        if live.gateway("/api/v1/providers", headers={"X-API-Key": key}).status == 429:
            return n
    return None


@mechanism("nginx.psychology_cacheable")
class PsychologyCacheable(ConfEdit):
    """The gateway marks psychology responses cacheable for 10 minutes."""

    def edit(self, text: str, live: Live) -> str:
        return in_block(text, PSYCHOLOGY, NO_STORE, 'add_header Cache-Control "private, max-age=600" always;')

    def present(self, live: Live) -> bool:
        key = live.api_key(live.cfg.load_test_tenant)
        answer = live.gateway("/api/v1/psychology/sessions", headers={"X-API-Key": key})
        return "no-store" not in answer.headers.get("cache-control", "")


@mechanism("nginx.bodies_logged")
class BodiesLogged(ConfEdit):
    """Request bodies of the psychology routes (clinical notes) written to an access log."""

    def log(self, live: Live) -> Path:
        return live.cfg.path("logs", "nginx-psychology-bodies.log")

    def edit(self, text: str, live: Live) -> str:
        fmt = (
            '    log_format cc_bodies \'$remote_addr [$time_iso8601] "$request" $status '
            "body=$request_body';\n"
        )
        text = text.replace("    access_log ", fmt + "    access_log ", 1)
        logs = (
            f"access_log {live.cfg.path('logs', 'nginx-access.log')} timed;\n"
            f"            access_log {self.log(live)} cc_bodies;\n            "
        )
        return in_block(text, PSYCHOLOGY, "proxy_pass", logs + "proxy_pass")

    def restore(self, live: Live, saved: Saved) -> None:
        super().restore(live, saved)
        self.log(live).unlink(missing_ok=True)

    def residue(self, live: Live) -> list[str]:
        return [f"{self.log(live)} (request bodies)"] if self.log(live).exists() else []

    def present(self, live: Live) -> bool:
        marker = "cc-defect-marker-" + secrets.token_hex(6)
        body = f'{{"clinical_notes": "{marker}"}}'.encode()
        live.gateway(
            "/api/v1/psychology/sessions",
            method="POST",
            headers={"X-API-Key": "cc-defect-probe", "Content-Type": "application/json"},
            body=body,
        )
        # nginx writes the access line after the response: give it a moment
        try:
            wait_for("body logged", lambda: marker in self.log(live).read_text(errors="replace"), 2)
        except SandboxError:
            return False
        return True


@mechanism("nginx.certificate_expired")
class CertificateExpired(ConfEdit):
    """The gateway serves a certificate (same CA, same names) that expired yesterday."""

    def files(self, live: Live) -> tuple[Path, Path]:
        return live.cfg.path("tls", "expired.crt"), live.cfg.path("tls", "expired.key")

    def apply(self, live: Live, saved: Saved) -> None:
        issue_expired(live.cfg.path("tls"), *self.files(live))
        super().apply(live, saved)

    def edit(self, text: str, live: Live) -> str:
        files = tls_files(live.cfg.path("tls"))
        cert, key = self.files(live)
        text = text.replace(f"ssl_certificate {files.server_cert};", f"ssl_certificate {cert};")
        return text.replace(f"ssl_certificate_key {files.server_key};", f"ssl_certificate_key {key};")

    def restore(self, live: Live, saved: Saved) -> None:
        super().restore(live, saved)
        for path in self.files(live):
            path.unlink(missing_ok=True)

    def present(self, live: Live) -> bool:
        try:
            live.tls_handshake()
        except ssl.SSLCertVerificationError as exc:
            return "expired" in str(exc)
        return False


def issue_expired(tls_dir: Path, cert_path: Path, key_path: Path) -> None:
    """A server certificate for the gateway's names, signed by the sandbox CA, expired a day ago."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    files = tls_files(tls_dir)
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    ca_key = serialization.load_pem_private_key((tls_dir / "ca.key").read_bytes(), None)
    current = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    san = current.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(current.subject)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=30))
        .not_valid_after(now - dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(san, critical=False)
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    key_path.write_bytes(key_pem)
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


@mechanism("nginx.hsts_dropped")
class HstsDropped(Mechanism):
    """The Strict-Transport-Security header is no longer sent."""

    touches: ClassVar[tuple[str, ...]] = ("nginx",)

    def headers_file(self, live: Live) -> Path:
        return live.cfg.path("nginx", "security-headers.conf")

    def apply(self, live: Live, saved: Saved) -> None:
        path = self.headers_file(live)
        kept = [line for line in path.read_text().splitlines() if "Strict-Transport-Security" not in line]
        path.write_text("\n".join(kept) + "\n")
        reload(live)

    def restore(self, live: Live, saved: Saved) -> None:
        shutil.copyfile(TEMPLATES / "security-headers.conf", self.headers_file(live))
        reload(live)

    def present(self, live: Live) -> bool:
        return "strict-transport-security" not in live.gateway("/health").headers

"""TLS posture of an endpoint: protocol versions accepted, certificate chain, HSTS, HTTP->HTTPS redirect."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import warnings

from cryptography import x509

from checks.errors import CollectionError, TargetUnreachable
from checks.evidence.origin import UNKNOWN, Origin
from checks.evidence.transport import ACCEPTED as ACCEPTED
from checks.evidence.transport import REFUSED as REFUSED
from checks.evidence.transport import UNTESTABLE as UNTESTABLE
from checks.evidence.transport import VERSIONS as VERSIONS
from checks.evidence.transport import CertInfo as CertInfo
from checks.evidence.transport import HttpRedirect as HttpRedirect
from checks.evidence.transport import TlsPosture as TlsPosture
from checks.evidence.transport import VersionResult as VersionResult

# Errors OpenSSL raises before a byte reaches the server: this client cannot offer that version at all.
CLIENT_SIDE = {"NO_CIPHERS_AVAILABLE", "NO_PROTOCOLS_AVAILABLE", "NO_SUITABLE_SIGNATURE_ALGORITHM"}


def _connect(host: str, port: int, timeout_s: float) -> socket.socket:
    try:
        return socket.create_connection((host, port), timeout=timeout_s)
    except OSError as exc:
        raise TargetUnreachable(f"{host}:{port}", f"TCP connect failed: {exc}") from exc


def _version_context(version: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE  # versions only; the chain is judged apart
    if version in ("TLSv1", "TLSv1.1"):
        # Debian's OpenSSL refuses to offer 1.0/1.1 at the default security level 2.
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        tls_version = {
            "TLSv1": ssl.TLSVersion.TLSv1,
            "TLSv1.1": ssl.TLSVersion.TLSv1_1,
            "TLSv1.2": ssl.TLSVersion.TLSv1_2,
            "TLSv1.3": ssl.TLSVersion.TLSv1_3,
        }[version]
        ctx.minimum_version = ctx.maximum_version = tls_version
    return ctx


def probe_version(
    host: str, port: int, server_hostname: str, version: str, timeout_s: float = 5.0
) -> VersionResult:
    """Handshake offering only `version`; tells a server refusal from a client that cannot offer it."""
    try:
        ctx = _version_context(version)
    except (ValueError, ssl.SSLError) as exc:
        return VersionResult(version, UNTESTABLE, None, f"client cannot be configured: {exc}")
    with _connect(host, port, timeout_s) as sock:
        try:
            with ctx.wrap_socket(sock, server_hostname=server_hostname) as tls:
                cipher = tls.cipher()
                return VersionResult(version, ACCEPTED, cipher[0] if cipher else None, str(tls.version()))
        except ssl.SSLError as exc:
            outcome = UNTESTABLE if exc.reason in CLIENT_SIDE else REFUSED
            return VersionResult(version, outcome, None, str(exc.reason or exc))
        except OSError as exc:  # reset or closed mid-handshake: the server would not talk this version
            return VersionResult(version, REFUSED, None, f"connection dropped during handshake: {exc}")


def _cert_info(der: bytes) -> CertInfo:
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns, ips = (
            tuple(san.get_values_for_type(x509.DNSName)),
            tuple(str(i) for i in san.get_values_for_type(x509.IPAddress)),
        )
    except x509.ExtensionNotFound:
        dns, ips = (), ()
    return CertInfo(
        cert.subject.rfc4514_string(),
        cert.issuer.rfc4514_string(),
        cert.not_valid_after_utc.isoformat(),
        dns,
        ips,
    )


def hostname_matches(cert: CertInfo, hostname: str) -> bool:
    """RFC 6125 matching of `hostname` against the SANs (one left-most wildcard label; IPs exactly)."""
    try:
        return str(ipaddress.ip_address(hostname)) in cert.ip_addresses
    except ValueError:
        pass
    name = hostname.lower().rstrip(".")
    for pattern in (d.lower().rstrip(".") for d in cert.dns_names):
        if pattern == name or (
            pattern.startswith("*.") and "." in name and name.split(".", 1)[1] == pattern[2:]
        ):
            return True
    return False


def _served_chain(host: str, port: int, server_hostname: str, timeout_s: float) -> tuple[CertInfo, ...]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    with (
        _connect(host, port, timeout_s) as sock,
        ctx.wrap_socket(sock, server_hostname=server_hostname) as tls,
    ):
        # SSLObject.get_unverified_chain is public only from Python 3.13; fall back to the leaf.
        chain = getattr(getattr(tls, "_sslobj", None), "get_unverified_chain", lambda: None)()
        if chain:
            return tuple(_cert_info(c.public_bytes(ssl._ssl.ENCODING_DER)) for c in chain)  # type: ignore[attr-defined]
        return (_cert_info(tls.getpeercert(binary_form=True) or b""),)


def _verify(
    host: str, port: int, server_hostname: str, ca_file: str | None, timeout_s: float
) -> tuple[bool, str]:
    ctx = ssl.create_default_context(cafile=ca_file)
    with _connect(host, port, timeout_s) as sock:
        try:
            with ctx.wrap_socket(sock, server_hostname=server_hostname):
                return True, ""
        except ssl.SSLCertVerificationError as exc:
            return False, str(exc.verify_message)


def _http_get(sock: socket.socket, host_header: str) -> http.client.HTTPResponse:
    request = f"GET / HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: claimcheck\r\nConnection: close\r\n\r\n"
    sock.sendall(request.encode())
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response


def _hsts(host: str, port: int, server_hostname: str, timeout_s: float) -> str | None:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    with (
        _connect(host, port, timeout_s) as sock,
        ctx.wrap_socket(sock, server_hostname=server_hostname) as tls,
    ):
        return _http_get(tls, server_hostname).getheader("Strict-Transport-Security")


def _redirect(host: str, http_port: int, server_hostname: str, timeout_s: float) -> HttpRedirect:
    with _connect(host, http_port, timeout_s) as sock:
        response = _http_get(sock, server_hostname)
        return HttpRedirect(http_port, response.status, response.getheader("Location"))


def collect_tls_posture(
    host: str,
    port: int,
    server_hostname: str,
    ca_file: str | None,
    *,
    http_port: int | None = None,
    timeout_s: float = 5.0,
    origin: Origin = UNKNOWN,
) -> TlsPosture:
    """Try TLS 1.0-1.3 one at a time, read the served chain, verify it against `ca_file` (system CAs
    when None) for `server_hostname`, read HSTS from one HTTPS GET and, given `http_port`, where plain
    HTTP sends us."""
    try:
        versions = tuple(probe_version(host, port, server_hostname, v, timeout_s) for v in VERSIONS)
        chain = _served_chain(host, port, server_hostname, timeout_s)
        verified, verify_error = _verify(host, port, server_hostname, ca_file, timeout_s)
        hsts = _hsts(host, port, server_hostname, timeout_s)
        redirect = _redirect(host, http_port, server_hostname, timeout_s) if http_port else None
    except (ssl.SSLError, http.client.HTTPException, OSError) as exc:
        if isinstance(exc, TargetUnreachable):
            raise
        raise CollectionError(f"{host}:{port}", f"TLS/HTTP exchange failed: {exc}") from exc
    return TlsPosture(
        host,
        port,
        server_hostname,
        versions,
        chain,
        verified,
        verify_error,
        hostname_matches(chain[0], server_hostname),
        hsts,
        redirect,
        origin,
    )

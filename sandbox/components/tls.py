"""A local certificate authority and the gateway's server certificate (SAN localhost, 127.0.0.1 and the
host side of every namespace veth), generated once per run dir with the `cryptography` package."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_VALIDITY = dt.timedelta(days=365)


@dataclass(frozen=True)
class TlsFiles:
    """Paths of the generated PEM files."""

    ca_cert: Path
    server_cert: Path
    server_key: Path


def tls_files(tls_dir: Path) -> TlsFiles:
    """Where the PEM files of a run dir live."""
    return TlsFiles(tls_dir / "ca.crt", tls_dir / "server.crt", tls_dir / "server.key")


def _key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "claimcheck sandbox"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(subject: Any, issuer: Any, public_key: Any) -> Any:
    from cryptography import x509

    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + _VALIDITY)
    )


def _write(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    path.chmod(mode)


def _pem_key(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    pem: bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem


def _sans(ips: Sequence[str]) -> Any:
    from cryptography import x509

    names: list[Any] = [x509.DNSName("localhost")]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ("127.0.0.1", *ips)]
    return x509.SubjectAlternativeName(names)


def cert_ips(path: Path) -> set[str]:
    """IP addresses in a certificate's SAN (empty when the file is missing)."""
    from cryptography import x509

    if not path.exists():
        return set()
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}


def ensure_tls(tls_dir: Path, extra_ips: Sequence[str] = ()) -> TlsFiles:
    """CA + server certificate; regenerated only when missing or when the SAN lacks an address."""
    files = tls_files(tls_dir)
    wanted = {"127.0.0.1", *extra_ips}
    if files.ca_cert.exists() and files.server_key.exists() and wanted <= cert_ips(files.server_cert):
        return files
    tls_dir.mkdir(parents=True, exist_ok=True)
    _issue(files, tls_dir / "ca.key", list(extra_ips))
    return files


def _issue(files: TlsFiles, ca_key_path: Path, extra_ips: list[str]) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    ca_key, ca_name = _key(), _name("claimcheck sandbox CA")
    ca = (
        _builder(ca_name, ca_name, ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = _key()
    server = (
        _builder(_name("localhost"), ca_name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_sans(extra_ips), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write(ca_key_path, _pem_key(ca_key), 0o600)
    _write(files.server_key, _pem_key(key), 0o600)
    _write(files.ca_cert, ca.public_bytes(serialization.Encoding.PEM), 0o644)
    _write(files.server_cert, server.public_bytes(serialization.Encoding.PEM), 0o644)

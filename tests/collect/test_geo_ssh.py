"""The geo probe from an ssh vantage point through testinfra, against a real sshd on loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.collect.geo import collect_vantage_latency
from checks.errors import CollectionError
from checks.targets import HttpEndpoint, VantagePoint
from tests.collect.test_geo import endpoint
from tests.collect.test_http import TlsServer
from tests.drills.servers import free_port

pytestmark = pytest.mark.integration
SSHD = "/usr/sbin/sshd"


@pytest.fixture(scope="module")
def sshd() -> Iterator[tuple[str, str]]:
    """An sshd on a free loopback port accepting one generated key for the current user: (ssh_host, key)."""
    if not (os.path.exists(SSHD) and shutil.which("ssh") and shutil.which("ssh-keygen")):
        pytest.skip("openssh-server/client not installed (apt-get install openssh-server)")
    if os.geteuid() != 0:
        pytest.skip("sshd needs root to run here")
    d = Path(tempfile.mkdtemp(prefix="cc-sshd-"))
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)], check=True)
    (d / "authorized_keys").write_text((d / "client.pub").read_text(), encoding="utf-8")
    os.chmod(d / "authorized_keys", 0o600)
    port = free_port()
    config = d / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'host'}\nPidFile {d / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {d / 'authorized_keys'}\nPasswordAuthentication no\n"
        "PermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\n",
        encoding="utf-8",
    )
    Path("/run/sshd").mkdir(exist_ok=True)
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while not (d / "sshd.pid").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    user = os.environ.get("USER", "root")
    yield f"{user}@127.0.0.1:{port}", str(d / "client")
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(d, ignore_errors=True)


def test_the_probe_runs_on_the_ssh_host_with_the_ca_sent_along(
    sshd: tuple[str, str], gateway: TlsServer
) -> None:
    vantage = VantagePoint(
        name="bastion", kind="ssh", ssh_host=sshd[0], ssh_identity_file=sshd[1], city="Rosario"
    )
    samples = collect_vantage_latency(vantage, endpoint(gateway), "/ok", 5)
    assert samples.statuses == (200,) * 5 and samples.city == "Rosario"
    assert all(t >= c for t, c in zip(samples.total_ms, samples.connect_ms, strict=True))


def test_an_ssh_host_refusing_the_key_is_a_collection_error(
    sshd: tuple[str, str], gateway: TlsServer
) -> None:
    other = Path(tempfile.mkdtemp(prefix="cc-key-")) / "k"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    vantage = VantagePoint(name="bastion", kind="ssh", ssh_host=sshd[0], ssh_identity_file=str(other))
    with pytest.raises(CollectionError, match="bastion"):
        collect_vantage_latency(vantage, endpoint(gateway), "/ok", 1)


def test_an_ssh_vantage_needs_a_host() -> None:
    with pytest.raises(CollectionError, match="ssh_host"):
        collect_vantage_latency(
            VantagePoint(name="x", kind="ssh"), HttpEndpoint(base_url="https://127.0.0.1:1"), "/ok", 1
        )

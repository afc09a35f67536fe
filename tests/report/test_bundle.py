"""The evidence bundle: MANIFEST.sha256 covers the run, `claimcheck verify` names any changed file, and an
Ed25519 signature (key named by CLAIMCHECK_SIGNING_KEY) ties it to a key."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from checks.ledger import project_root
from checks.report.manifest import MANIFEST, SIGNATURE, SIGNING_KEY_ENV, public_pem, verify, write_manifest
from tests.report.conftest import verdicts


def claimcheck_verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checks.cli", "verify", *args],
        cwd=project_root(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_the_manifest_names_the_run_and_covers_verdicts_attachments_documents_and_ledger(
    declared_run: Path,
) -> None:
    text = (declared_run / MANIFEST).read_text(encoding="utf-8")
    run = verdicts(declared_run)["run"]
    for key in ("run_id", "target", "profile", "git_sha", "ledger_hash"):
        assert f"# {key}: {run[key]}\n" in text
    listed = {line.split("  ", 1)[1] for line in text.splitlines() if not line.startswith("#")}
    assert {"verdicts.json", "junit.xml", "claimcheck.sarif", "documents/index.html"} <= listed
    assert any(p.startswith("allure-results/") and p.endswith("-attachment.json") for p in listed)
    assert any(p.startswith("documents/") and p.endswith(".txt") for p in listed)
    assert any(p.startswith("ledger/") and p.endswith(".yaml") for p in listed)


def test_verify_passes_on_the_bundle_and_sha256sum_agrees(declared_run: Path) -> None:
    done = claimcheck_verify(str(declared_run))
    assert done.returncode == 0, done.stdout
    assert "intact" in done.stdout
    if shutil.which("sha256sum"):
        assert (
            subprocess.run(["sha256sum", "-c", "--quiet", MANIFEST], cwd=declared_run, check=False).returncode
            == 0
        )


@pytest.mark.parametrize(
    "victim",
    ["verdicts.json", "documents/004_51559c022b15dff1.txt", "ledger/barberpro_day14.yaml", "junit.xml"],
)
def test_verify_fails_after_a_one_byte_change_naming_the_file(bundle_copy: Path, victim: str) -> None:
    flip_one_byte(bundle_copy / victim)
    done = claimcheck_verify(str(bundle_copy))
    assert done.returncode == 1
    assert f"changed: {victim}" in done.stdout


def test_verify_fails_on_an_attachment_changed_or_a_file_added(bundle_copy: Path) -> None:
    attachment = next((bundle_copy / "allure-results").glob("*-attachment.json"))
    flip_one_byte(attachment)
    (bundle_copy / "allure-results" / "extra-result.json").write_text("{}", encoding="utf-8")
    problems = verify(bundle_copy).problems
    assert f"changed: allure-results/{attachment.name}" in problems
    assert "added (not in the manifest): allure-results/extra-result.json" in problems


def test_a_signed_manifest_verifies_with_the_key_and_fails_when_edited(
    bundle_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = Ed25519PrivateKey.generate()
    pem = tmp_path / "signing.pem"
    pem.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public = tmp_path / "given.pub"
    public.write_bytes(public_pem(key.public_key()))
    monkeypatch.setenv(SIGNING_KEY_ENV, str(pem))
    write_manifest(bundle_copy, verdicts(bundle_copy)["run"])
    assert (bundle_copy / SIGNATURE).is_file()
    found = verify(bundle_copy, public)
    assert found.intact and found.signed_by is not None and found.signed_by.startswith("sha256:")
    manifest = bundle_copy / MANIFEST
    manifest.write_text(manifest.read_text().replace("# profile: nightly", "# profile: certification"))
    problems = verify(bundle_copy, public).problems
    assert any("signature does not match" in p for p in problems)
    assert any("header profile" in p for p in problems)
    other = tmp_path / "other.pub"
    other.write_bytes(public_pem(Ed25519PrivateKey.generate().public_key()))
    write_manifest(bundle_copy, verdicts(bundle_copy)["run"])
    assert any("signature does not match" in p for p in verify(bundle_copy, other).problems)

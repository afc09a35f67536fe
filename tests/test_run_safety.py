"""`claimcheck run` as an operator and a hostile target would try it: signals at any instant, two runs at
once, a reports directory that cannot be written, a missing Allure CLI. Each run is a real subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.ledger import project_root
from tests import hostile

EXIT_DISPROVEN, EXIT_CONFIG, EXIT_ERROR, EXIT_INTERRUPTED = 1, 2, 3, 130
KEY_ENV = "CC_T_SAFETY_KEY"


def _default_sigint() -> None:
    # a background job of a shell starts with SIGINT ignored: the child's disposition is set here
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "checks.cli", "run", *args],
        cwd=project_root(),
        env={**os.environ, KEY_ENV: "safety-key-0123456789", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )


def finish(proc: subprocess.Popen[str], timeout: float = 240) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    return finish(start(*args, env=env))


@pytest.fixture(scope="module")
def hole() -> Iterator[hostile.Server]:
    with hostile.black_hole() as server:
        yield server


@pytest.fixture
def black_hole_targets(tmp_path: Path, hole: hostile.Server) -> Path:
    """A staging target whose gateway accepts and never answers (its first call waits a 300 s deadline, so
    the run outlasts the test)."""
    path = tmp_path / "targets.yaml"
    path.write_text(
        "default: bh\ntargets:\n  bh:\n    kind: staging\n    timeout_s: 300\n    max_rps: 5\n"
        f"    http: {{base_url: 'https://127.0.0.1:{hole.port}', routes: {{api: /api, health: /health}}}}\n"
        f"    tenants: [{{slug: a, api_key_env: {KEY_ENV}}}]\n"
        "    profiles: {nightly: {latency_seconds: 1, latency_rps: 1, probe_count: 2}}\n",
        encoding="utf-8",
    )
    return path


def catching(proc: subprocess.Popen[str], timeout_s: float = 30) -> None:
    """Wait until the process catches SIGINT and SIGTERM (its handlers installed: /proc/PID/status SigCgt).
    A signal before that reaches an interpreter still starting up (0.3 s was not enough on a loaded
    machine), which no program's own code can answer."""
    wanted = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        status = Path(f"/proc/{proc.pid}/status").read_text()
        caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
        if caught & wanted == wanted:
            return
        time.sleep(0.005)
    raise AssertionError("the run never installed its signal handlers")


def leftovers(reports: Path) -> list[Path]:
    """Temporary files a run must never leave behind."""
    return [p for p in reports.rglob("*") if p.name.startswith(".verdicts-") or p.name.endswith(".tmp")]


def verdicts(reports: Path) -> dict:
    return json.loads((reports / "verdicts.json").read_text(encoding="utf-8"))


def wait_for_lock(reports: Path, timeout_s: float = 60) -> None:
    lock = reports / ".lock"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if lock.is_file() and "pid" in lock.read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError("the run never took the reports lock")


SIGNALS = [
    ("SIGINT", [0.3]),
    ("SIGINT", [1.5]),
    ("SIGINT", [4.0]),
    ("SIGTERM", [0.3]),
    ("SIGTERM", [2.0]),
    ("SIGINT", [2.5, 2.6]),
    ("SIGTERM", [1.0, 1.1]),
]


@pytest.mark.parametrize(
    ("signame", "delays"), SIGNALS, ids=[f"{s}@{'+'.join(map(str, d))}" for s, d in SIGNALS]
)
def test_a_signal_at_any_instant_leaves_a_valid_incomplete_verdicts_file(
    tmp_path: Path, black_hole_targets: Path, signame: str, delays: list[float]
) -> None:
    reports = tmp_path / "reports"
    proc = start("--targets-file", str(black_hole_targets), "--no-html", "--reports-dir", str(reports))
    catching(proc)  # the first instant claimcheck's own code can act; before it the interpreter is starting
    started = time.monotonic()
    for delay in delays:
        time.sleep(max(0.0, started + delay - time.monotonic()))
        proc.send_signal(getattr(signal, signame))
    code, out, err = finish(proc)
    assert code == EXIT_INTERRUPTED, out[-2000:] + err[-2000:]
    doc = verdicts(reports)
    assert doc["run"]["complete"] is False and doc["run"]["interrupted"] is True
    assert doc["run"]["finished"] is not None
    open_claims = [c for c in doc["claims"] if c["verdict"] == "NOT_RUN"]
    assert open_claims and all(c["reason"].startswith("selected but not reached") for c in open_claims)
    assert leftovers(reports) == []


def test_a_second_run_into_the_same_reports_dir_is_refused(tmp_path: Path, black_hole_targets: Path) -> None:
    reports = tmp_path / "reports"
    first = start("--targets-file", str(black_hole_targets), "--no-html", "--reports-dir", str(reports))
    try:
        wait_for_lock(reports)
        code, _, err = run("--target", "none", "--no-html", "--reports-dir", str(reports))
        assert code == EXIT_CONFIG
        assert "in use by another claimcheck run" in err and f"pid {first.pid}" in err
    finally:
        first.send_signal(signal.SIGINT)
        assert finish(first)[0] == EXIT_INTERRUPTED


def test_a_running_run_leaves_the_previous_results_in_place_until_it_ends(
    tmp_path: Path, black_hole_targets: Path
) -> None:
    reports = tmp_path / "reports"
    assert run("--target", "none", "--claim", "BB-DOC-01", "--no-html", "--reports-dir", str(reports))[0] in (
        0,
        1,
    )
    previous = verdicts(reports)["run"]["run_id"]
    proc = start("--targets-file", str(black_hole_targets), "--no-html", "--reports-dir", str(reports))
    wait_for_lock(reports)
    time.sleep(1.0)
    assert verdicts(reports)["run"]["run_id"] == previous  # not wiped, not mixed
    proc.send_signal(signal.SIGTERM)
    assert finish(proc)[0] == EXIT_INTERRUPTED
    now = verdicts(reports)["run"]
    assert now["run_id"] != previous and now["interrupted"] is True
    assert (reports / ".runs" / previous / "verdicts.json").is_file()  # the one before is kept, then pruned


def test_a_typo_in_a_category_is_a_config_error_and_deletes_nothing(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    run("--target", "none", "--claim", "BB-DOC-01", "--no-html", "--reports-dir", str(reports))
    before = sorted(p.name for p in (reports / "allure-results").iterdir())
    code, _, err = run("--target", "none", "--category", "latncy", "--no-html", "--reports-dir", str(reports))
    assert code == EXIT_CONFIG and "--category" in err and "latncy" in err
    assert sorted(p.name for p in (reports / "allure-results").iterdir()) == before and before


def test_a_bad_marker_expression_is_a_config_error(tmp_path: Path) -> None:
    code, _, err = run("--target", "none", "-m", "not (load", "--no-html", "--reports-dir", str(tmp_path))
    assert code == EXIT_CONFIG and "-m" in err and "not (load" in err


def test_reports_dir_pointing_at_a_file_is_one_line_and_exit_3(tmp_path: Path) -> None:
    afile = tmp_path / "reports.txt"
    afile.write_text("not a directory")
    code, _, err = run("--target", "none", "--no-html", "--reports-dir", str(afile))
    assert code == EXIT_ERROR and "is not a directory" in err
    assert err.strip().count("\n") == 0 and "Traceback" not in err


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A 5 MiB tmpfs (root only): room for a one-claim run (~2 MB), not for a whole one (~7 MB)."""
    mount = tmp_path / "fs"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_one_line_exit_3_and_the_previous_results_stay(small_fs: Path) -> None:
    reports = small_fs / "reports"
    run("--target", "none", "--claim", "BB-DOC-01", "--no-html", "--reports-dir", str(reports))
    previous = (reports / "verdicts.json").read_bytes()
    code, _, err = run("--target", "none", "--no-html", "--reports-dir", str(reports))
    assert code == EXIT_ERROR, err[-2000:]
    assert "no space left" in err.lower() and "Traceback" not in err and err.strip().count("\n") == 0
    assert (reports / "verdicts.json").read_bytes() == previous
    assert leftovers(reports) == [] and len(list((reports / ".runs").iterdir())) == 1


def test_a_read_only_reports_dir_is_one_line_exit_3_and_the_previous_results_stay(small_fs: Path) -> None:
    reports = small_fs / "reports"
    run("--target", "none", "--claim", "BB-DOC-01", "--no-html", "--reports-dir", str(reports))
    previous = (reports / "verdicts.json").read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    code, _, err = run("--target", "none", "--no-html", "--reports-dir", str(reports))
    assert code == EXIT_ERROR and "read-only" in err.lower() and "Traceback" not in err
    assert (reports / "verdicts.json").read_bytes() == previous


def test_a_missing_allure_cli_does_not_change_the_exit_code_and_says_so(tmp_path: Path) -> None:
    code, out, err = run(
        "--target", "none", "--claim", "BP-D14-SCALE-09", "--reports-dir", str(tmp_path),
        env={"CLAIMCHECK_ALLURE_CLI": str(tmp_path / "no-allure")},
    )  # fmt: skip
    assert code == EXIT_DISPROVEN
    assert "no HTML report" in out + err and "the exit code is the verdicts' own (1)" in out


def test_the_worst_case_is_stated_before_the_run_starts(tmp_path: Path) -> None:
    _, out, _ = run("--target", "none", "--claim", "BB-DOC-01", "--no-html", "--reports-dir", str(tmp_path))
    assert "worst case:" in out.split("suites finished")[0]
    assert verdicts(tmp_path)["run"]["worst_case_s"] > 0


def test_an_unset_secret_variable_is_a_config_error_before_anything_is_contacted(tmp_path: Path) -> None:
    with hostile.http_server(hostile.status("200 OK", "{}", "application/json")) as server:
        targets = tmp_path / "targets.yaml"
        targets.write_text(
            "default: s\ntargets:\n  s:\n    kind: staging\n    allow_plaintext: true\n"
            f"    http: {{base_url: '{server.url}'}}\n"
            f"    prometheus: {{url: '{server.url}', bearer_token_env: CC_T_UNSET_TOKEN}}\n",
            encoding="utf-8",
        )
        code, _, err = run("--targets-file", str(targets), "--no-html", "--reports-dir", str(tmp_path / "r"))
    assert code == EXIT_CONFIG
    assert (
        "CC_T_UNSET_TOKEN is not set" in err and "prometheus.bearer_token_env" in err and str(targets) in err
    )
    assert server.requests == [] and server.conns == []

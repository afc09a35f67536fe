"""Prometheus collectors against a real prometheus that scrapes itself, with a rules file; started here."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from checks.collect.prometheus import (
    collect_availability_history,
    collect_prometheus_settings,
    query,
    query_range,
)
from checks.errors import TargetUnreachable
from checks.targets import Prometheus
from tests.drills.servers import free_port

pytestmark = pytest.mark.integration
CONFIG = """global:
  scrape_interval: 1s
  evaluation_interval: 2s
rule_files: [rules.yml]
scrape_configs:
  - job_name: app
    static_configs: [{{targets: ["127.0.0.1:{port}"]}}]
  - job_name: down
    static_configs: [{{targets: ["127.0.0.1:{closed}"]}}]
  - job_name: slow
    scrape_interval: 30s
    static_configs: [{{targets: ["127.0.0.1:{closed}"]}}]
  - job_name: daily
    scrape_interval: 24h
    static_configs: [{{targets: ["127.0.0.1:{closed}"]}}]
"""
RULES = """groups:
  - name: availability
    interval: 10s
    rules:
      - alert: AppDown
        expr: up{job="app"} == 0
        for: 2m
        labels: {severity: critical}
      - alert: HighErrorRate
        expr: rate(prometheus_http_requests_total{code=~"5.."}[5m]) > 0.01
        for: 1m
        labels: {severity: warning}
      - record: job:up:sum
        expr: sum(up)
"""


def start(work: Path, *flags: str) -> tuple[subprocess.Popen[bytes], str]:
    """prometheus scraping itself (job app) and a closed port (job down) on a free loopback port, ready."""
    port = free_port()
    (work / "prometheus.yml").write_text(CONFIG.format(port=port, closed=free_port()))
    (work / "rules.yml").write_text(RULES)
    argv = [
        "prometheus",
        f"--config.file={work / 'prometheus.yml'}",
        f"--storage.tsdb.path={work / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        *flags,
    ]
    with (work / "log").open("wb") as log:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url)
    except BaseException:
        stop(proc, work)
        raise
    return proc, url


def wait_ready(url: str, timeout_s: float = 20) -> None:
    """The API answers 503 until the TSDB is open: poll /-/ready."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/-/ready", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} not ready after {timeout_s} s")


def stop(proc: subprocess.Popen[bytes], work: Path) -> None:
    proc.terminate()
    proc.wait(timeout=20)
    shutil.rmtree(work, ignore_errors=True)


def wait_for_up(prom: Prometheus, jobs: tuple[str, ...], timeout_s: float = 30) -> None:
    """A fresh server needs a few scrapes before `up` shows: poll, do not assert at once."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if {labels["job"] for labels, _ in query(prom, "up")} >= set(jobs):
            return
        time.sleep(0.2)
    raise TimeoutError(f"no `up` for {jobs} after {timeout_s} s")


@pytest.fixture(scope="module")
def prom() -> Iterator[Prometheus]:
    """A prometheus with 30d retention whose `up` already shows both jobs."""
    if not shutil.which("prometheus"):
        pytest.skip("prometheus not installed (apt-get install prometheus)")
    work = Path(tempfile.mkdtemp(prefix="cc-prom-"))
    proc, url = start(work, "--storage.tsdb.retention.time=30d")
    try:
        target = Prometheus(url=url, app_job="app")
        wait_for_up(target, ("app", "down"))
        yield target
    finally:
        stop(proc, work)


def test_settings_read_the_retention_flag(prom: Prometheus) -> None:
    assert collect_prometheus_settings(prom).retention == "30d"


def test_settings_read_global_and_per_job_intervals(prom: Prometheus) -> None:
    settings = collect_prometheus_settings(prom)
    assert (settings.scrape_interval_s, settings.evaluation_interval_s) == (1.0, 2.0)
    assert settings.job_scrape_s == {"app": 1.0, "down": 1.0, "slow": 30.0, "daily": 86400.0}


def test_settings_read_alerting_rules_with_for_and_group_interval(prom: Prometheus) -> None:
    rules = {r.name: r for r in collect_prometheus_settings(prom).rules}
    assert set(rules) == {"AppDown", "HighErrorRate"}  # the recording rule is not an alert
    app_down = rules["AppDown"]
    assert (app_down.group, app_down.for_s, app_down.eval_s) == ("availability", 120.0, 10.0)
    assert app_down.expr == 'up{job="app"} == 0' and app_down.labels == {"severity": "critical"}
    assert rules["HighErrorRate"].for_s == 60.0


def test_instant_query_returns_labels_and_values(prom: Prometheus) -> None:
    found = {labels["job"]: value for labels, value in query(prom, "up")}
    assert found["app"] == 1.0 and found["down"] == 0.0


def test_range_query_returns_points_at_the_step(prom: Prometheus) -> None:
    now = time.time()
    (series,) = query_range(prom, 'up{job="app"}', now - 30, now, 1.0)
    assert series.labels["job"] == "app" and series.points and all(v == 1.0 for _, v in series.points)
    times = [t for t, _ in series.points]
    assert all(b - a == pytest.approx(1.0) for a, b in itertools.pairwise(times))


def test_range_query_accepts_a_fractional_step(prom: Prometheus) -> None:
    now = time.time()
    assert query_range(prom, 'up{job="app"}', now - 10, now, 0.5)


def test_availability_history_of_a_job_that_is_up(prom: Prometheus) -> None:
    history = collect_availability_history(prom, 60, time.time())
    assert history.job == "app" and history.window_s == 60
    assert history.up_samples >= 1 and history.up_ok == history.up_samples
    assert 0 <= history.history_s <= 60


def test_a_young_history_over_a_long_window_says_how_far_back_it_reaches(prom: Prometheus) -> None:
    """A 30-day window steps its subquery by 259 s: a history of minutes had none of those steps in it and
    read as 0.00 h while Prometheus had counted its samples (BP-D14-AVAIL-09 on a fresh sandbox)."""
    deadline = time.monotonic() + 30
    while collect_availability_history(prom, 60, time.time()).up_samples < 5 and time.monotonic() < deadline:
        time.sleep(0.5)  # a history of a few seconds (a 1 s scrape)
    history = collect_availability_history(prom, 30 * 86400, time.time())
    assert history.up_samples >= 5
    assert 0 < history.history_s < 3600


def test_availability_history_of_a_job_that_is_down(prom: Prometheus) -> None:
    history = collect_availability_history(prom.model_copy(update={"app_job": "down"}), 60, time.time())
    assert history.up_samples >= 1 and history.up_ok == 0


def test_a_job_prometheus_does_not_scrape_is_reported_unknown(prom: Prometheus) -> None:
    history = collect_availability_history(prom.model_copy(update={"app_job": "billing"}), 60, time.time())
    assert not history.job_known and history.up_samples == 0


def test_a_job_not_scraped_yet_has_no_history_but_is_known(prom: Prometheus) -> None:
    # scraped once a day: its first scrape lies hours ahead (a cold start, seen from the claim's side)
    history = collect_availability_history(prom.model_copy(update={"app_job": "daily"}), 60, time.time())
    assert history.job_known and history.up_samples == 0 and history.history_s == 0.0


def test_an_unreachable_prometheus_is_target_unreachable() -> None:
    closed = Prometheus(url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(TargetUnreachable):
        collect_prometheus_settings(closed)
    with pytest.raises(TargetUnreachable):
        collect_availability_history(closed, 60, time.time())


def test_default_retention_is_reported_as_the_effective_15d() -> None:
    if not shutil.which("prometheus"):
        pytest.skip("prometheus not installed (apt-get install prometheus)")
    work = Path(tempfile.mkdtemp(prefix="cc-prom-default-"))
    proc, url = start(work)
    try:
        assert collect_prometheus_settings(Prometheus(url=url)).retention == "15d"
    finally:
        stop(proc, work)

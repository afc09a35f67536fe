"""The load engine's pure parts: plan, governor, schedule, raw log format, histogram merge, summary."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from checks.collect.load.plan import PLAN_ENV, GovernorExceeded, LoadPlan, check_governor, worker_schedule
from checks.collect.load.samples import (
    LogLine,
    histogram_of,
    histogram_value_us,
    merge_histograms,
    read_log,
    summarize,
    write_log,
)


def plan(**kw: object) -> LoadPlan:
    return LoadPlan(**{"base_url": "http://127.0.0.1:1", "path": "/x", "rate": 100.0, "duration_s": 2.0} | kw)


def test_importing_the_engine_does_not_import_locust() -> None:
    import checks.collect.load  # noqa: F401

    assert "locust" not in sys.modules


def test_the_governor_refuses_above_and_allows_at_the_limit() -> None:
    with pytest.raises(GovernorExceeded) as info:
        check_governor(plan(rate=601), 600)
    assert info.value.rate == 601 and info.value.max_rps == 600
    check_governor(plan(rate=600), 600)


def test_plan_travels_through_the_environment_and_hides_headers_from_repr() -> None:
    p = plan(headers={"X-Api-Key": "s3cret"}, ca_file="/ca.pem", workers=2)
    assert LoadPlan.from_env({PLAN_ENV: p.to_env()}) == p
    assert "s3cret" not in repr(p)


def test_invalid_plans_are_refused() -> None:
    for bad in ({"rate": 0}, {"duration_s": -1}, {"workers": 0}, {"path": "x"}):
        with pytest.raises(ValueError):
            plan(**bad)


def test_workers_split_the_schedule_with_a_staggered_phase() -> None:
    p = plan(rate=100, duration_s=0.1, workers=3)
    shares = [worker_schedule(p, k) for k in range(3)]
    assert shares == [(0, 3, 6, 9), (1, 4, 7), (2, 5, 8)]
    assert sorted(i for s in shares for i in s) == list(range(p.total_requests))


def test_log_lines_round_trip_exactly() -> None:
    lines = [
        LogLine(1700000000.123456, 1700000000.123556, 1_234_567, 200, ""),
        LogLine(1700000000.133456, 0.0, None, -1, "not sent"),
        LogLine(1700000000.143456, 1700000000.1435, 5_000_000_001, 0, "Connection\trefused"),
    ]
    parsed = [LogLine.parse(line.format()) for line in lines]
    assert [p.latency_ns for p in parsed] == [1_234_567, None, 5_000_000_001]
    assert parsed[2].error == "Connection refused" and parsed[0].status == 200
    assert lines[0].format().split("\t")[2] == "1234.567"


def test_histogram_values_round_up_to_whole_microseconds() -> None:
    assert histogram_value_us(1_000) == 1 and histogram_value_us(1_001) == 2 and histogram_value_us(5) == 1


def test_merging_encoded_histograms_equals_the_histogram_of_all_lines() -> None:
    a = [LogLine(float(i), float(i), (i * 7919) % 10**9, 200, "") for i in range(1000)]
    b = [LogLine(float(i), float(i), (i * 104729) % 10**8, 200, "") for i in range(1000, 1600)]
    merged = merge_histograms([histogram_of(a).encode(), histogram_of(b).encode()])
    whole = histogram_of(a + b)
    assert merged.get_total_count() == whole.get_total_count() == 1600
    assert all(merged.get_value_at_percentile(p) == whole.get_value_at_percentile(p) for p in range(101))


def test_summary_counts_rates_and_lateness(tmp_path: Path) -> None:
    t0 = 1000.0
    lines = [LogLine(t0 + i / 100, t0 + i / 100 + 0.0002, 2_000_000, 200, "") for i in range(190)]
    lines += [
        LogLine(t0 + i / 100, t0 + i / 100 + 0.0002, 1_000_000, 503, "HTTP 503") for i in range(190, 199)
    ]
    lines += [LogLine(t0 + 1.99, t0 + 1.9902, None, 0, "unfinished")]
    write_log(tmp_path / "r.log", lines)
    read = read_log(tmp_path / "r.log")
    s = summarize("u", 100.0, 2.0, read, histogram_of(read), str(tmp_path / "r.log"))
    assert (s.scheduled, s.sent, s.completed, s.errors) == (200, 200, 199, 10)
    assert s.status_counts == {0: 1, 200: 190, 503: 9}
    assert s.achieved_rate == pytest.approx(100.0, rel=1e-3)
    assert s.lateness_us["p50"] == pytest.approx(200, abs=1)
    assert len(s.latencies_us) == 199 and s.hdr().get_total_count() == 199
    assert s.completion_rate == pytest.approx(190 / (1.98 + 0.001), rel=1e-3)
    assert s.started_at == t0 and s.ended_at == pytest.approx(t0 + s.elapsed_s)


def test_a_lost_workers_share_is_lost_not_errors_and_says_what_was_not_sent(tmp_path: Path) -> None:
    import numpy as np

    from checks.collect.load.rows import RunInfo, WorkerRows, merged_rows
    from checks.collect.load.samples import LOST_NOT_SENT, LOST_UNKNOWN

    n = 50  # 100 requests at 100 req/s over two workers; worker 1 lost after dispatching 20 of its 50
    done = WorkerRows(
        0,
        "a",
        np.arange(n) * 20_000_000 + 100_000,
        np.full(n, 2_000_000),
        np.full(n, 200),
        np.full(n, "", dtype=object),
        0.5,
    )
    lost = {"share": 1, "label": "b", "state": "lost", "why": "gone", "dispatched": 20}
    info = RunInfo(1000.0, 2, ({"share": 0, "label": "a", "state": "done", "why": ""}, lost))
    rows = merged_rows(info, 100.0, 100, {0: done})
    s = summarize(
        "u", 100.0, 1.0, rows, histogram_of(rows.lines()), "log", 2, lost_workers=("worker 1 (b): gone",)
    )
    assert (s.scheduled, s.sent, s.errors, s.successes) == (100, 50, 0, 50)
    assert (s.lost_not_sent, s.lost_unknown) == (30, 20) and not s.complete
    assert s.not_sent_share == 0.3 and s.lost_share == 0.5
    assert list(rows.status[1::2]) == [LOST_UNKNOWN] * 20 + [LOST_NOT_SENT] * 30
    assert rows.error[-1] == "worker 1 (b) lost: gone; not sent"
    assert rows.scheduled[1] == pytest.approx(1000.01) and rows.sent[2] == pytest.approx(1000.0201)
    write_log(tmp_path / "r.log", rows.lines())
    assert [x.status for x in read_log(tmp_path / "r.log")] == list(rows.status)

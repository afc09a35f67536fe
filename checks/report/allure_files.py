"""The files Allure reads beside the results: categories, environment, executor.

Categories are the six verdicts, named and explained exactly as the README's table (records.MEANINGS).
Allure 3 matches them by the `verdict` label of each result; Allure 2 (categories.json) by the message,
which starts with the verdict.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from allure_commons import hookimpl as allure_hookimpl
from attr import asdict

from checks.report.records import MEANINGS, VERDICTS, counts, primary_source
from checks.report.redact import Redactor


def category_name(verdict: str) -> str:
    return f"{verdict}: {MEANINGS[verdict]}"


# Allure 2 reads categories.json from the results: status plus a message pattern (JS-compatible regex).
CATEGORIES: list[dict[str, Any]] = [
    {
        "name": category_name(v),
        "matchedStatuses": ["passed", "failed", "broken", "skipped"],
        "messageRegex": f"^{v}\\b[\\s\\S]*",
    }
    for v in VERDICTS
    if v != "PROVEN"
]

# Allure 3 takes categories from its config: every verdict, matched by the result's `verdict` label.
ALLURE3_CATEGORIES: list[dict[str, Any]] = [
    {"id": f"verdict-{v.lower()}", "name": category_name(v), "matchers": {"labels": {"verdict": f"^{v}$"}}}
    for v in VERDICTS
]


def verdict_summary_line(found: dict[str, int]) -> str:
    return " · ".join(f"{v} {found[v]}" for v in VERDICTS if found.get(v))


def per_document_counts(doc: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Verdict counts per document, each claim counted under the document that states it first."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in doc["claims"]:
        if record["verdict"] == "NOT_RUN":
            continue
        first = primary_source(record)
        grouped.setdefault(first.file if first else "(no source)", []).append(record)
    return {name: counts(records) for name, records in sorted(grouped.items())}


def environment_lines(
    run: dict[str, Any], target_description: str, doc: dict[str, Any] | None = None
) -> list[str]:
    keys = (
        "target",
        "target_kind",
        "profile",
        "run_id",
        "claimcheck_version",
        "git_sha",
        "ledger_hash",
        "started",
    )
    lines = [f"{k}={run.get(k)}" for k in keys]
    lines.append(f"target_description={target_description}")
    if doc is not None:
        judged = [r for r in doc["claims"] if r["verdict"] != "NOT_RUN"]
        lines.append(f"verdicts={verdict_summary_line(counts(judged))}")
        for name, found in per_document_counts(doc).items():
            lines.append(f"verdicts.{name}={verdict_summary_line(found)}")
    return lines


def executor(run: dict[str, Any]) -> dict[str, Any]:
    """executor.json: the run, and the link to the document view (shown on the report's overview)."""
    return {
        "name": "claimcheck",
        "type": "claimcheck",
        "buildName": f"{run.get('target')} {run.get('profile')} {run.get('run_id')}: document view",
        "buildUrl": "../documents/index.html",
        "reportName": report_name(run),
        "buildOrder": run.get("run_id"),
    }


def report_name(run: dict[str, Any]) -> str:
    """The report's name; it also names the run's point in the Allure history (one per run id)."""
    return f"claimcheck: {run.get('target')} ({run.get('profile')}) {run.get('run_id')}"


def write_allure_extras(
    results_dir: Path, run: dict[str, Any], target_description: str, doc: dict[str, Any] | None = None
) -> None:
    """Write categories.json, environment.properties and executor.json into the allure-results directory."""
    results_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    (results_dir / "categories.json").write_text(json.dumps(CATEGORIES, indent=1), encoding="utf-8")
    (results_dir / "environment.properties").write_text(
        "\n".join(environment_lines(run, target_description, doc)) + "\n", encoding="utf-8"
    )
    (results_dir / "executor.json").write_text(json.dumps(executor(run), indent=1), encoding="utf-8")


class SafeAllureWriter:
    """What allure-pytest writes, redacted and private: the one writer of the Allure results.

    It replaces allure-pytest's AllureFileLogger (same hooks). Every result, container and text attachment
    is passed through the run's Redactor (status messages and traces of exceptions raised anywhere, captured
    output, parameters, titles) and written with mode 0600 into a 0700 directory, through a temporary file.
    A write that fails (full disk, read-only) is handed to `on_error` instead of breaking the session.
    """

    def __init__(
        self, report_dir: Path, redactor: Callable[[], Redactor], on_error: Callable[[OSError], None]
    ) -> None:
        self._dir = Path(report_dir).absolute()
        self._redactor = redactor
        self._on_error = on_error
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self._dir, 0o700)

    def _write(self, name: str, data: bytes) -> None:
        tmp = self._dir / f".{name}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, self._dir / name)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            self._on_error(exc)
        except BaseException:  # a signal mid-write: no temporary file is left behind
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise

    def _item(self, item: Any) -> None:
        data = asdict(item, filter=lambda _, v: v or v is False)
        text = json.dumps(self._redactor().data(data), ensure_ascii=False)
        self._write(item.file_pattern.format(prefix=uuid.uuid4()), text.encode())

    def _body(self, body: str | bytes) -> bytes:
        raw = body.encode() if isinstance(body, str) else body
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw  # binary (a PNG plot): no text to leak
        return self._redactor().text(text).encode()

    @allure_hookimpl
    def report_result(self, result: Any) -> None:
        self._item(result)

    @allure_hookimpl
    def report_container(self, container: Any) -> None:
        self._item(container)

    @allure_hookimpl
    def report_globals(self, globals_item: Any) -> None:
        self._item(globals_item)

    @allure_hookimpl
    def report_attached_data(self, body: str | bytes, file_name: str) -> None:
        self._write(file_name, self._body(body))

    @allure_hookimpl
    def report_attached_file(self, source: str, file_name: str) -> None:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            self._on_error(exc)
            return
        self._write(file_name, self._body(raw))


def install_safe_writer(
    report_dir: Path, redactor: Callable[[], Redactor], on_error: Callable[[OSError], None]
) -> Callable[[], None] | None:
    """Put a SafeAllureWriter in place of allure-pytest's file logger; returns the undo to run at the end
    of the session (allure-pytest's own clean-up then finds its logger again). None: Allure is not writing."""
    import allure_commons
    from allure_commons.logger import AllureFileLogger

    manager = allure_commons.plugin_manager
    loggers = [p for p in manager.get_plugins() if isinstance(p, AllureFileLogger)]
    if not loggers:
        return None
    for logger in loggers:
        manager.unregister(logger)
    writer = SafeAllureWriter(report_dir, redactor, on_error)
    manager.register(writer)

    def undo() -> None:
        manager.unregister(writer)
        for logger in loggers:
            manager.register(logger)

    return undo

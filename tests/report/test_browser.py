"""The report and the document view in headless Chromium: they render, make no request outside 127.0.0.1,
and a DISPROVEN claim's pages show its quote, file:line, verdict and reason."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import pytest

from checks.report.allure_results import report_id
from checks.report.documents import view_name
from checks.report.html import make_private
from checks.report.serve import serve_in_thread, urls
from tests.report.browser import Page, chromium, load
from tests.report.conftest import allure_installed, verdicts

pytestmark = pytest.mark.skipif(
    chromium() is None or not allure_installed(),
    reason="needs chromium (apt) and the Allure CLI (npm install)",
)


@pytest.fixture(scope="module")
def served(declared_run: Path) -> Iterator[str]:
    server = serve_in_thread(declared_run)
    try:
        yield urls(server)["report"].rsplit("/allure-report/", 1)[0]
    finally:
        server.shutdown()
        server.server_close()


def disproven(reports: Path) -> tuple[dict[str, Any], str]:
    """A DISPROVEN claim stated on one line, and its result's id in the Allure report."""
    record = next(
        r
        for r in verdicts(reports)["claims"]
        if r["verdict"] == "DISPROVEN" and r["sources"][0]["end_line"] in (None, r["sources"][0]["line"])
    )
    for path in (reports / "allure-results").glob("*-result.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        if {"name": "claim_id", "value": record["id"]} in result["labels"]:
            return record, report_id(result["uuid"])
    raise AssertionError(f"no Allure result for {record['id']}")


def shows(page: Page, *texts: str) -> list[str]:
    """The texts the rendered DOM lacks (as the DOM serialises text: &, <, > escaped)."""
    return [t for t in texts if escape(t, quote=False) not in page.dom]


def no_external(page: Page, origin: str) -> None:
    mine = page.made_by(origin)
    assert mine, "the page made no request at all: it did not load"
    assert page.external(origin) == [], page.external(origin)
    print(
        f"{len(mine)} requests, all to {origin}; "
        f"Chromium's own background requests: {len(page.background(origin))}"
    )


def test_the_report_makes_no_request_outside_loopback(served: str) -> None:
    page = load(f"{served}/allure-report/index.html")
    no_external(page, served)
    assert "googletagmanager" not in page.dom
    assert "BarberPro" in page.dom  # the tree rendered: system > document > claim


def test_a_disproven_claims_result_shows_quote_file_line_verdict_and_reason(
    served: str, declared_run: Path
) -> None:
    record, ident = disproven(declared_run)
    page = load(f"{served}/allure-report/index.html#/{ident}")
    no_external(page, served)
    source = record["sources"][0]
    cite = f"{source['file']}:{source['line']}"
    assert shows(page, source["quote"], cite, "DISPROVEN", record["reason"], record["id"]) == []
    assert "fixtures.judging.ClaimDisproven" not in page.dom and "Claim(id=" not in page.dom


def test_the_document_view_makes_no_request_and_marks_the_claim(served: str, declared_run: Path) -> None:
    record, _ = disproven(declared_run)
    source = record["sources"][0]
    index = load(f"{served}/documents/index.html")
    no_external(index, served)
    assert source["file"] in index.dom
    page = load(f"{served}/documents/{view_name(source['file'])}#L{source['line']}")
    no_external(page, served)
    cite = f"{source['file']}:{source['line']}"
    assert shows(page, source["quote"], cite, f"DISPROVEN {record['id']}", record["reason"]) == []
    assert f'id="L{source["line"]}" class="DISPROVEN"' in page.dom


def test_the_recorder_sees_an_external_request_and_make_private_removes_it(tmp_path: Path) -> None:
    snippet = (
        "<!DOCTYPE html><html><head><title>t</title></head><body><p>control</p>"
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST"></script>'
        "<script>window.dataLayer = window.dataLayer || [];"
        " function gtag(){dataLayer.push(arguments);}</script>"
        "</body></html>"
    )
    # served from a folder of its own: the declared run is shared read-only with other workers' tests
    (tmp_path / "control.html").write_text(snippet, encoding="utf-8")
    (tmp_path / "control-private.html").write_text(make_private(snippet), encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    served = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert any("googletagmanager" in u for u in load(f"{served}/control.html").external(served))
        assert load(f"{served}/control-private.html").external(served) == []
    finally:
        server.shutdown()
        server.server_close()


def test_a_single_file_report_renders_without_any_request(declared_run: Path, tmp_path: Path) -> None:
    from checks.report.html import generate_html

    index = generate_html(
        declared_run / "allure-results",
        tmp_path / "single",
        run=verdicts(declared_run)["run"],
        single_file=True,
    )
    assert [p.name for p in index.parent.iterdir() if p.suffix in (".js", ".css")] == []
    record, _ = disproven(declared_run)
    server = serve_in_thread(tmp_path)
    try:
        origin = urls(server)["report"].rsplit("/allure-report/", 1)[0]
        page = load(f"{origin}/single/index.html")
        assert page.external(origin) == []
        assert record["id"] in page.dom
    finally:
        server.shutdown()
        server.server_close()
    shutil.rmtree(tmp_path / "single")

"""The scan dashboard in this machine's Chromium: no console error, no request but itself."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.indexserver import IndexServer, MakeIndexServer
from tests.report import test_html_browser as in_browser
from tests.scan.scan_index import write_index
from tests.scan.test_scan_cli import scan

# the browser and page fixtures of the report tests (skipped there without Chromium)
browser = in_browser.browser
open_page = in_browser.open_page


def test_dashboard_loads_clean(
    open_page: Any, tmp_path: Path, make_index_server: MakeIndexServer
) -> None:
    server: IndexServer = make_index_server(*write_index(tmp_path / "index"))
    page = tmp_path / "scan.html"
    # in a thread: Playwright's sync API holds this thread's event loop
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(scan, server, tmp_path, "--html", str(page)).result()[0] == 0
    opened = open_page(page)
    assert opened.problems() == []
    assert opened.requests == [page.resolve().as_uri()]
    # each target twice: its share of projects and the weighted one
    assert opened.page.locator("svg polyline").count() == 4
    # the shares, win-arm64's missing, and each platform's release lags
    assert opened.page.locator("table").count() == 4
    opened.screenshot("scan-dashboard")

"""The check matrix as one HTML file: the ``wheelcast.check/1`` document, drawn in the browser.

Coverage per target, the matrix with filters, and each cell's explanation; see
:mod:`wheelcast.report.page_html` for what the page may and may not load.
"""

from __future__ import annotations

from typing import TextIO

from wheelcast.forecast.check import CheckResult
from wheelcast.report.check_json import document
from wheelcast.report.page_html import render_page

__all__ = ["HtmlReporter"]


class HtmlReporter:
    """``header`` names the input, as the terminal's first line does (``input: uv.lock
    (lock file, 29 packages)``): the page's title then, else the first requirements."""

    def __init__(self, *, header: str = "") -> None:
        self.header = header

    def render(self, result: CheckResult, out: TextIO) -> None:
        doc = document(result)
        names = ", ".join(doc["requirements"][:3]) + (" …" if len(doc["requirements"]) > 3 else "")
        shown = self.header.removeprefix("input: ") or names
        render_page("check.html.j2", doc, out, title=f"wheelcast check: {shown}")

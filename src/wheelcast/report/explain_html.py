"""``wheelcast explain`` as one HTML file: the ``wheelcast.explain/1`` document, drawn in the
browser (the verdict, every file and why, the nearest wheels, what a build needs)."""

from __future__ import annotations

from typing import TextIO

from wheelcast.forecast.explanation import Explanation
from wheelcast.report.explain_json import document
from wheelcast.report.page_html import render_page

__all__ = ["render_html"]


def render_html(explanation: Explanation, out: TextIO) -> None:
    title = f"wheelcast explain: {explanation.requirement} on {explanation.target.id}"
    render_page("explain.html.j2", document(explanation), out, title=title)

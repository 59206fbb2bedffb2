"""``wheelcast doctor`` as one HTML file: the ``wheelcast.doctor/1`` document, drawn in the
browser (what installs on which interpreter, the interpreters, the toolchains)."""

from __future__ import annotations

from typing import TextIO

from wheelcast.doctor.diagnose import DoctorReport
from wheelcast.report.doctor_json import document
from wheelcast.report.page_html import render_page

__all__ = ["render_html"]


def render_html(report: DoctorReport, out: TextIO) -> None:
    wanted = f": {', '.join(report.requirements)}" if report.requirements else ""
    render_page("doctor.html.j2", document(report), out, title=f"wheelcast doctor{wanted}")

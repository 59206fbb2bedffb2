"""Every way wheelcast shows an answer: one module per command and format.

``check_text``/``check_json`` (the matrix, ``wheelcast.check/1``), ``explain_text``/
``explain_json`` (``wheelcast.explain/1``), ``doctor_text``/``doctor_json``
(``wheelcast.doctor/1``), ``targets_text``, ``wheelhouse_text``/``wheelhouse_json`` (the
manifest, ``wheelcast.wheelhouse/1``); ``console`` holds what the terminal renderers share.
``check_markdown``/``explain_markdown``/``doctor_markdown`` write GitHub Markdown, sharing
``shared_markdown`` (escaping, tables, the comment size cap).
"""

from __future__ import annotations

from typing import Protocol, TextIO

from wheelcast.forecast.check import CheckResult


class Reporter(Protocol):
    """Writes a whole check result to ``out``; never reads anything else."""

    def render(self, result: CheckResult, out: TextIO) -> None: ...

"""What a failed ``pip install`` / ``uv pip install`` log means: ``wheelcast diagnose``.

Reading the log (:mod:`.log_reader`) is pure text work; the table of what a missing
tool looks like lives in :mod:`.tool_signatures`; :mod:`.log_diagnosis` re-forecasts the
package through the public API (``wheelcast.check``) to say why no wheel fit and what
would install instead. Nothing here prints: rendering returns strings.
"""

from __future__ import annotations

from wheelcast.failure_log.log_diagnosis import (
    Diagnosis,
    diagnose,
    diagnosis_document,
    render_json,
    render_text,
)
from wheelcast.failure_log.log_reader import LogFacts, NothingRecognised, read_log
from wheelcast.failure_log.tool_signatures import SIGNATURES, ToolSignature

__all__ = [
    "SIGNATURES",
    "Diagnosis",
    "LogFacts",
    "NothingRecognised",
    "ToolSignature",
    "diagnose",
    "diagnosis_document",
    "read_log",
    "render_json",
    "render_text",
]

"""What a failed ``pip install`` / ``uv pip install`` log means: ``wheelcast diagnose``.

Reading the log (:mod:`.log_input`, :mod:`.log_reader`) is pure text work; the table of
what a missing tool looks like lives in :mod:`.tool_signatures`; :mod:`.log_diagnosis`
re-forecasts the package (``forecast.check``) to say why no wheel fit and what would
install instead. Rendering is the report stage's (``report/diagnose_*.py``).
"""

from __future__ import annotations

from wheelcast.failure_log.log_diagnosis import Diagnosis, Reforecast, diagnose
from wheelcast.failure_log.log_input import read_log_input
from wheelcast.failure_log.log_reader import LogFacts, NothingRecognised, read_log
from wheelcast.failure_log.tool_signatures import SIGNATURES, ToolSignature

__all__ = [
    "SIGNATURES",
    "Diagnosis",
    "LogFacts",
    "NothingRecognised",
    "Reforecast",
    "ToolSignature",
    "diagnose",
    "read_log",
    "read_log_input",
]

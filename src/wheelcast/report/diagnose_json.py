"""The ``wheelcast.diagnose/1`` JSON document."""

from __future__ import annotations

import json
from typing import Any

from wheelcast._version import __version__
from wheelcast.failure_log import Diagnosis, Reforecast

__all__ = ["SCHEMA", "diagnosis_document", "render_json"]

SCHEMA = "wheelcast.diagnose/1"


def diagnosis_document(diagnosis: Diagnosis) -> dict[str, Any]:
    facts = diagnosis.facts

    def forecast(item: Reforecast | None) -> dict[str, Any] | None:
        if item is None:
            return None
        return {
            "target": item.target,
            "verdict": item.verdict,
            "version": item.version,
            "detail": item.detail,
            "newer_wheel": item.newer_wheel,
            "newer_wheel_uploaded": item.newer_wheel_uploaded,
            "older_wheel": item.older_wheel,
            "interpreter": item.interpreter,
            "platform_tag": item.platform_tag,
        }

    return {
        "schema": SCHEMA,
        "wheelcast": __version__,
        "installer": facts.installer,
        "package": facts.package,
        "version": facts.version,
        "sdist": facts.sdist,
        "python": facts.python,
        "platform": facts.platform,
        "target": diagnosis.target,
        "log_date": facts.date,
        "missing_tool": None if facts.tool is None else {
            "key": facts.tool.key, "tool": facts.tool.tool, "meaning": facts.tool.meaning,
        },
        "forecast": forecast(diagnosis.forecast),
        "emulated": forecast(diagnosis.emulated),
        "toolchain": diagnosis.toolchain,
        "fixes": list(diagnosis.fixes),
        "evidence": list(facts.evidence),
    }  # fmt: skip


def render_json(diagnosis: Diagnosis) -> str:
    return json.dumps(diagnosis_document(diagnosis), indent=2) + "\n"

"""``wheelcast diagnose`` as text: what was built, where, what was missing, why, the fix."""

from __future__ import annotations

from wheelcast.failure_log import Diagnosis, LogFacts, Reforecast

__all__ = ["render_text"]


def render_text(diagnosis: Diagnosis) -> str:
    facts = diagnosis.facts
    lines: list[str] = []
    built = facts.package or "an unnamed package"
    if facts.version:
        built += f" {facts.version}"
    source = f" from {facts.sdist}" if facts.sdist else ""
    lines.append(f"{facts.installer} failed to build {built}{source}")
    where = diagnosis.target or "a platform the log does not show"
    lines.append(f"  on:      {where}" + (f" (Python {facts.python})" if facts.python else ""))
    if facts.date:
        lines.append(f"  as of:   {facts.date} (the log's date)")
    if facts.tool:
        lines.append(f"  missing: {facts.tool.tool}: {facts.tool.meaning}")
    else:
        lines.append("  missing: no known missing-tool message in the log")
    forecast = diagnosis.forecast
    if forecast is not None:
        lines.append(f"  why:     {_why(facts, forecast)}")
    elif facts.package and (diagnosis.target is None or "@" not in diagnosis.target):
        lines.append(
            "  why:     not forecast: the log does not show the platform and Python version;"
            " pass --target, e.g. --target linux-x86_64@3.12"
        )
    lines.extend(f"  fix:     {fix}" for fix in diagnosis.fixes)
    return "\n".join(lines) + "\n"


def _why(facts: LogFacts, forecast: Reforecast) -> str:
    name = f"{facts.package} {forecast.version}" if forecast.version else str(facts.package)
    wanted = f"{forecast.interpreter} wheel for {forecast.platform_tag}"
    miss = f" (closest miss: {forecast.detail})" if forecast.detail else ""
    match forecast.verdict:
        case "build":
            return f"{name} has no {wanted}, so {facts.installer} built the sdist{miss}"
        case "binary" | "pure":
            return (
                f"{name} has a wheel for {forecast.target}: an up-to-date installer takes it"
                " (an old pip that does not know the wheel's tag, or --no-binary, builds instead)"
            )
        case _:
            return f"{forecast.verdict} on {forecast.target}{miss}"

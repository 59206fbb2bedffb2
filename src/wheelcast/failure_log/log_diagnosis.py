"""A failed install's diagnosis: the facts of the log, re-forecast with ``check``.

The re-forecast answers what the log cannot: whether any wheel of that version fits the
target, the nearest release that has one, and (on Windows on Arm and Apple silicon) what
the x64 interpreter under emulation would install instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Final

from wheelcast.errors import WheelcastError
from wheelcast.failure_log.log_reader import LogFacts, read_log
from wheelcast.failure_log.tool_signatures import Family
from wheelcast.forecast.check import IndexOptions, check
from wheelcast.forecast.fix import OTHER_PYTHONS
from wheelcast.forecast.resolve import Options
from wheelcast.forecast.verdict import TargetForecast
from wheelcast.targets import Python, Target, parse_target

__all__ = [
    "Diagnosis",
    "Reforecast",
    "diagnose",
]

# Where an x64 interpreter runs under emulation, and the command that starts it.
_EMULATED: Final = {
    "win-arm64": ("win-amd64", "the x64 Python under emulation (py -{python}-64)"),
    "macos-arm64": ("macos-x86_64", "an x86_64 Python under Rosetta (arch -x86_64 python{python})"),
}


@dataclass(frozen=True, slots=True)
class Reforecast:
    target: str  # "win-arm64@3.12"
    verdict: str  # a wheelcast.Verdict value
    version: str | None
    detail: str  # why no wheel fits, when it builds
    newer_wheel: str | None  # the oldest newer version with a wheel for the target
    newer_wheel_uploaded: str | None
    older_wheel: str | None
    interpreter: str = ""  # the wheel tag's interpreter the target needs: cp312
    platform_tag: str = ""  # its platform tag: win_arm64


@dataclass(frozen=True, slots=True)
class Diagnosis:
    facts: LogFacts
    target: str | None  # the wheelcast target the log implies (or --target gave)
    forecast: Reforecast | None  # the package's version on that target
    emulated: Reforecast | None  # the same on the emulated x64 target, where there is one
    emulated_how: str | None
    toolchain: str | None  # what to install to build it
    fixes: tuple[str, ...]
    other_pythons: tuple[str, ...] = ()  # Pythons with a wheel of that version on the platform


def diagnose(
    text: str,
    *,
    target: str | None = None,
    options: Options | None = None,
    index: IndexOptions | None = None,
    reforecast: bool = True,
) -> Diagnosis:
    """Diagnose a failed install log; ``target`` overrides the platform and Python it implies."""
    facts = read_log(text)
    if target is not None and not target.strip():
        # --target '' is a bad target, not "no --target" (the log's own, silently).
        parse_target(target, [])
    target_name = target or _implied_target(facts)
    if target and "@" not in target and facts.python:
        target_name = f"{target}@{facts.python}"  # --target win-arm64: the log's Python still holds
    options = _as_of_log(options, facts)
    forecast = emulated = None
    emulated_how = None
    other_pythons: tuple[str, ...] = ()
    # A target without a Python version cannot be forecast: say so rather than guess.
    if reforecast and facts.package and target_name and "@" in target_name:
        requirement = f"{facts.package}=={facts.version}" if facts.version else facts.package
        targets = list(parse_target(target_name, []))
        preset = target_name.split("@")[0]
        if preset in _EMULATED and targets:
            other, how = _EMULATED[preset]
            python = _python_of(target_name, facts)
            targets += parse_target(f"{other}@{python}" if python else other, [])
            emulated_how = how.format(python=python)
        result = check([requirement], targets, options=options, index=index)
        found = [_reforecast(tf, facts.package) for tf in result.forecasts]
        forecast = found[0] if found else None
        emulated = found[1] if len(found) > 1 else None
        if forecast is not None and forecast.verdict == "build" and targets:
            other_pythons = _other_pythons(
                facts.package, requirement, targets[0], forecast, options=options, index=index
            )
    family = _family(target_name)
    toolchain = (facts.tool.install_for(family) or None) if facts.tool and family else None
    return Diagnosis(
        facts=facts,
        target=target_name,
        forecast=forecast,
        emulated=emulated,
        emulated_how=emulated_how,
        toolchain=toolchain,
        fixes=_fixes(
            facts, forecast, emulated, emulated_how, toolchain, other_pythons=other_pythons
        ),
        other_pythons=other_pythons,
    )


def _other_pythons(
    package: str,
    requirement: str,
    target: Target,
    forecast: Reforecast,
    *,
    options: Options | None,
    index: IndexOptions | None,
) -> tuple[str, ...]:
    """The other Pythons with a wheel of the same version on the same platform: the wheel
    a release lacks for one interpreter (a new Python, say) is often there for the others."""
    others = [
        Target(target.name, target.platform, Python(version=version))
        for version in OTHER_PYTHONS
        if version != target.python.version[:2] or target.python.free_threaded
    ]
    try:
        result = check([requirement], others, options=options, index=index)
    except WheelcastError:
        return ()  # an alternative, not the diagnosis: a page it cannot fetch does not fail it
    found = (_reforecast(tf, package) for tf in result.forecasts)
    return tuple(
        item.target.split("@", 1)[1]
        for item in found
        if item is not None
        and item.verdict in {"binary", "pure"}
        and item.version == forecast.version
    )


def _as_of_log(options: Options | None, facts: LogFacts) -> Options | None:
    """The log's own date, when its lines carry one and no ``exclude_newer`` was given:
    the forecast then sees the index as the failed install did (through that whole day)."""
    if facts.date is None or (options is not None and options.exclude_newer is not None):
        return options
    day = dt.date.fromisoformat(facts.date) + dt.timedelta(days=1)
    cutoff = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return dataclasses.replace(options or Options(), exclude_newer=cutoff)


def _python_of(target_name: str, facts: LogFacts) -> str:
    return target_name.split("@", 1)[1] if "@" in target_name else (facts.python or "")


def _implied_target(facts: LogFacts) -> str | None:
    if facts.platform is None:
        return None
    return f"{facts.platform}@{facts.python}" if facts.python else facts.platform


def _family(target_name: str | None) -> Family | None:
    if not target_name:
        return None
    preset = target_name.split("@")[0]
    if preset == "win-arm64":
        return "windows-arm64"
    if preset.startswith("win"):
        return "windows"
    if preset.startswith("macos"):
        return "macos"
    if preset.startswith("musllinux"):
        return "alpine"
    return "debian"


def _reforecast(forecast: TargetForecast, package: str) -> Reforecast | None:
    python = forecast.target.python
    interpreter = "cp" + "".join(str(n) for n in python.version[:2])
    interpreter += "t" if python.free_threaded else ""
    for item in forecast.packages:
        if item.name == package:
            return Reforecast(
                target=forecast.target.id,
                verdict=item.verdict.value,
                version=str(item.version) if item.version else None,
                detail=item.detail,
                newer_wheel=str(item.newer_wheel.version) if item.newer_wheel else None,
                newer_wheel_uploaded=item.newer_wheel.upload_time if item.newer_wheel else None,
                older_wheel=str(item.older_wheel.version) if item.older_wheel else None,
                interpreter=interpreter,
                platform_tag=forecast.target.platform.tag,
            )
    return None


def _fixes(
    facts: LogFacts,
    forecast: Reforecast | None,
    emulated: Reforecast | None,
    emulated_how: str | None,
    toolchain: str | None,
    *,
    other_pythons: tuple[str, ...] = (),
) -> tuple[str, ...]:
    fixes: list[str] = []
    name = facts.package or "the package"
    if forecast is not None and forecast.verdict == "build":
        if forecast.newer_wheel:
            when = (
                f", uploaded {forecast.newer_wheel_uploaded[:10]}"
                if forecast.newer_wheel_uploaded
                else ""
            )
            fixes.append(
                f"install {name}>={forecast.newer_wheel}: the first release with a wheel for"
                f" {forecast.target}{when}"
            )
        if forecast.older_wheel:
            fixes.append(
                f"pin {name}=={forecast.older_wheel}, the newest older release with a wheel"
            )
        if other_pythons:
            platform = forecast.target.split("@", 1)[0]
            fixes.append(
                f"use Python {_either(other_pythons)}: {name} {forecast.version} has a wheel"
                f" for {'them' if len(other_pythons) > 1 else 'it'} on {platform}"
            )
    if emulated is not None and emulated.verdict in {"binary", "pure"} and emulated_how:
        fixes.append(
            f"use {emulated_how}: it installs {name} {emulated.version} from a wheel"
            f" ({emulated.target})"
        )
    if toolchain and facts.tool:
        fixes.append(f"to build it, install {facts.tool.tool}: {toolchain}")
    # The first is the fix; each after it is an alternative.
    return tuple(fix if i == 0 else f"or {fix}" for i, fix in enumerate(fixes))


def _either(versions: tuple[str, ...]) -> str:
    return versions[0] if len(versions) == 1 else f"{', '.join(versions[:-1])} or {versions[-1]}"

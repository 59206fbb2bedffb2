"""What an x64 interpreter under emulation installs instead, beside an Arm target.

Windows on Arm runs x64 programs emulated, so an x64 CPython of the same version
(``py -3.12-64``) installs win_amd64 wheels there; an Apple silicon Mac runs an x86_64
Python under Rosetta. Said only where it changes something: a package that builds or is
missing natively and installs from a wheel under emulation.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from wheelcast.forecast.check import CheckResult, IndexOptions, check_project
from wheelcast.forecast.resolve import Options
from wheelcast.forecast.verdict import Forecast, TargetForecast, Verdict
from wheelcast.inputs import ProjectInput
from wheelcast.targets import Target

# (os, native arch) -> (emulated arch, its preset's name, what runs it, how to start it)
_EMULATORS = {
    ("windows", "arm64"): ("amd64", "win-amd64", "x64 emulation", "py -{python}-64"),
    ("macos", "arm64"): ("x86_64", "macos-x86_64", "Rosetta", "arch -x86_64 python{python}"),
}

WHEELS = frozenset({Verdict.BINARY, Verdict.PURE})


@dataclass(frozen=True, slots=True)
class Emulator:
    """The emulated target beside a native one, and how a user starts its interpreter."""

    native: Target
    target: Target  # same Python, the x64 platform
    label: str  # "x64 emulation", "Rosetta"
    command: str  # "py -3.12-64"


@dataclass(frozen=True, slots=True)
class SideBySide:
    """The packages that build or are missing natively but install from wheels emulated."""

    emulator: Emulator
    wheels: tuple[Forecast, ...]  # the emulated target's forecasts of those packages
    still: tuple[str, ...]  # what builds or is missing under emulation too

    @property
    def text(self) -> str:
        """``under x64 emulation (py -3.12-64): numpy 1.26.2 from a wheel``."""
        shown = ", ".join(f"{p.name} {p.version}" for p in self.wheels)
        noun = "a wheel" if len(self.wheels) == 1 else "wheels"
        line = f"under {self.emulator.label} ({self.emulator.command}): {shown} from {noun}"
        if self.still:
            line += f"; still not from a wheel: {', '.join(self.still)}"
        return line


def emulator(target: Target, *, windows_only: bool = False) -> Emulator | None:
    """The emulated x64 target beside ``target``, when its OS runs one (None otherwise)."""
    platform = target.platform
    found = _EMULATORS.get((platform.os, platform.arch))
    if found is None or (windows_only and platform.os != "windows"):
        return None
    arch, name, label, command = found
    emulated = Target(name, dataclasses.replace(platform, arch=arch), target.python)
    return Emulator(target, emulated, label, command.format(python=target.python.short))


def not_from_wheels(forecast: TargetForecast) -> tuple[Forecast, ...]:
    """The packages of ``forecast`` that pip would not install from a wheel."""
    return tuple(p for p in forecast.packages if p.verdict not in WHEELS)


def side_by_side(
    native: TargetForecast, emulated: TargetForecast, emulator: Emulator
) -> SideBySide | None:
    """What ``emulated`` installs from wheels of what ``native`` cannot; None if nothing."""
    by_name = {p.name: p for p in emulated.packages}
    wheels = []
    for package in not_from_wheels(native):
        other = by_name.get(package.name)
        if other is not None and other.verdict in WHEELS:
            wheels.append(other)
    if not wheels:
        return None
    still = tuple(p.name for p in not_from_wheels(emulated))
    return SideBySide(emulator, tuple(wheels), still)


def emulations(
    result: CheckResult,
    project: ProjectInput,
    *,
    options: Options | None = None,
    index: IndexOptions | None = None,
) -> dict[str, SideBySide]:
    """For each Windows on Arm target of ``result`` with a build or a missing package:
    what the x64 interpreter of the same Python installs instead, by target id.

    The x64 targets are checked as ``check`` checks (the run's own when it has them),
    without reading sdists: only their verdicts are shown.
    """
    wanted: dict[str, tuple[TargetForecast, Emulator]] = {}
    for forecast in result.forecasts:
        found = emulator(forecast.target, windows_only=True)
        if found is not None and not_from_wheels(forecast):
            wanted[forecast.target.id] = (forecast, found)
    if not wanted:
        return {}
    have = {f.target: f for f in result.forecasts}
    missing = list(dict.fromkeys(e.target for _, e in wanted.values() if e.target not in have))
    if missing:
        extra = check_project(
            project, missing, options=options or result.options, index=index, build_needs=False
        )
        have.update({f.target: f for f in extra.forecasts})
    shown = {}
    for target_id, (native, found) in wanted.items():
        beside = side_by_side(native, have[found.target], found)
        if beside is not None:
            shown[target_id] = beside
    return shown

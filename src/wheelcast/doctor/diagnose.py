"""Putting it together: interpreters x toolchains x (optionally) requirements.

:func:`diagnose` returns a :class:`DoctorReport` and never prints. When requirements
are given it asks a :data:`ForecastHook` what ``pip install`` would do in each
interpreter, then checks every ``build`` against the toolchains with
:func:`~wheelcast.doctor.toolchains.can_build`.

The hook is the seam for the per-interpreter check: :func:`default_forecast` runs
:func:`wheelcast.forecast.check.check` against pip's default index and assumes every sdist
compiles C. A caller that knows more (index options, the languages an sdist's build
needs) passes its own hook with the same signature.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from wheelcast.doctor import Interpreter, find_interpreters
from wheelcast.doctor._run import Runner, SubprocessRunner
from wheelcast.doctor.discover import RegistryReader, discover
from wheelcast.doctor.probe import ProbeError, interpreter_target
from wheelcast.doctor.toolchains import Toolchains, can_build, find_toolchains
from wheelcast.forecast.check import IndexOptions, check
from wheelcast.forecast.verdict import Verdict
from wheelcast.targets import Target

__all__ = [
    "Build",
    "BuildCheck",
    "DoctorReport",
    "ForecastHook",
    "InterpreterResult",
    "Outcome",
    "default_forecast",
    "diagnose",
    "exit_status",
]

EXIT_WHEELS, EXIT_BUILD, EXIT_FAIL = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Build:
    """A package ``pip`` would build from its sdist, and the languages that build
    compiles (empty: unknown, taken as C)."""

    name: str
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What ``pip install`` would do on one target, as far as doctor needs it."""

    target: Target
    builds: tuple[Build, ...] = ()
    missing: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


ForecastHook = Callable[[Sequence[str], Sequence[Target]], Sequence[Outcome]]
"""``hook(requirements, targets) -> one Outcome per target`` (any order; matched by
target). May raise a :class:`~wheelcast.errors.WheelcastError` (the CLI reports it)."""


def default_forecast(
    requirements: Sequence[str],
    targets: Sequence[Target],
    *,
    index: IndexOptions | None = None,
) -> list[Outcome]:
    """The forecast of ``wheelcast check`` for each target; sdists are taken to need C."""
    result = check(requirements, targets, index=index)
    return [
        Outcome(
            target=forecast.target,
            builds=tuple(Build(p.name) for p in forecast.with_verdict(Verdict.BUILD)),
            missing=tuple(p.name for p in forecast.with_verdict(Verdict.MISSING)),
            errors=tuple(forecast.errors),
        )
        for forecast in result.forecasts
    ]


@dataclass(frozen=True, slots=True)
class BuildCheck:
    """One package that would be built here: can it be, and with what (or why not)."""

    name: str
    languages: tuple[str, ...]
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class InterpreterResult:
    """The requirements' fate in one interpreter."""

    interpreter: Interpreter
    target: Target
    builds: tuple[BuildCheck, ...] = ()
    missing: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def from_wheels(self) -> bool:
        return not (self.builds or self.missing or self.errors)

    @property
    def can_install(self) -> bool:
        """Everything installs: from wheels, or by builds the toolchains can do."""
        return not (self.missing or self.errors) and all(b.ok for b in self.builds)


@dataclass(frozen=True, slots=True)
class DoctorReport:
    interpreters: tuple[Interpreter, ...]
    toolchains: Toolchains
    requirements: tuple[str, ...] = ()
    results: tuple[InterpreterResult, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def target_of(self, interpreter: Interpreter) -> Target | None:
        return next((r.target for r in self.results if r.interpreter is interpreter), None)


def _targets(interpreters: Sequence[Interpreter], notes: list[str]) -> list[Target]:
    targets: list[Target] = []
    for interpreter in interpreters:
        if interpreter.probe is None:
            continue
        try:
            targets.append(interpreter_target(interpreter.probe, interpreter.path))
        except ProbeError as exc:
            notes.append(f"{interpreter.path}: not checked ({exc.message})")
    return targets


def diagnose(
    requirements: Sequence[str] = (),
    *,
    runner: Runner | None = None,
    forecast: ForecastHook | None = None,
    interpreters: Sequence[Interpreter] | None = None,
    toolchains: Toolchains | None = None,
    windows: bool | None = None,
    registry: RegistryReader | None = None,
) -> DoctorReport:
    """Find interpreters and toolchains; with ``requirements``, forecast each interpreter.

    ``interpreters`` and ``toolchains`` skip discovery when given (tests, or a caller
    that already has them); ``forecast`` defaults to :func:`default_forecast`.
    """
    runner = runner or SubprocessRunner()
    windows = sys.platform == "win32" if windows is None else windows
    notes: list[str] = []
    if interpreters is None:
        found = discover(runner, windows=windows, registry=registry)
        notes.extend(found.notes)
        interpreters = find_interpreters(found.candidates, runner)
    if toolchains is None:
        toolchains = find_toolchains(runner, windows=windows)
    results: list[InterpreterResult] = []
    if requirements:
        targets = _targets(interpreters, notes)
        by_target = {o.target: o for o in (forecast or default_forecast)(requirements, targets)}
        with_target = [i for i in interpreters if i.probe is not None]
        for interpreter, target in zip(_matching(with_target, targets), targets, strict=True):
            outcome = by_target.get(target, Outcome(target, errors=("no forecast",)))
            assert interpreter.probe is not None  # noqa: S101 - filtered above
            checks = tuple(
                BuildCheck(
                    build.name,
                    build.languages,
                    *can_build(
                        build.languages,
                        toolchains,
                        target.platform,
                        headers=interpreter.probe.python_h,
                    ),
                )
                for build in outcome.builds
            )
            results.append(
                InterpreterResult(interpreter, target, checks, outcome.missing, outcome.errors)
            )
    return DoctorReport(
        tuple(interpreters), toolchains, tuple(requirements), tuple(results), tuple(notes)
    )


def _matching(interpreters: Sequence[Interpreter], targets: Sequence[Target]) -> list[Interpreter]:
    """The interpreter each target was made from (targets are named by its path)."""
    by_path = {i.path: i for i in interpreters}
    return [by_path[t.name] for t in targets]


def exit_status(report: DoctorReport) -> int:
    """0: every interpreter installs the requirements from wheels (or none were given);
    1: some interpreter needs a build, and every such build would succeed here;
    2: something is missing or unresolvable somewhere, or a build would fail."""
    if any(not r.can_install for r in report.results):
        return EXIT_FAIL
    if any(not r.from_wheels for r in report.results):
        return EXIT_BUILD
    return EXIT_WHEELS

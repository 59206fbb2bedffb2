"""The verdict pip would have given, for one project and target, at each month's end.

No resolution: each project alone, as ``pip install <project>`` on an empty environment.
A month's answer is taken from the files uploaded before the first instant of the next
month; a file with no upload time cannot be dated and is left out (uv's rule for
``--exclude-newer``). Yanked files count as yanked at every date: the index says that a
file is yanked, not since when.

Each file is judged once per target by :func:`wheelcast.forecast.select.evaluate` (the
target's tags and ``requires-python``); pip's choice among the fits follows
``ProjectView.candidates``: yanked files are passed over (nothing pins a version),
pre-releases count only when no final release fits, and the best fit is the largest
``sort_key``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from packaging.utils import NormalizedName
from packaging.version import Version

from wheelcast.forecast.resolve import Options, file_environment
from wheelcast.forecast.select import BinaryPolicy, Environment, FileKind, Fit, evaluate, sort_key
from wheelcast.forecast.verdict import Verdict
from wheelcast.index.models import DistFile
from wheelcast.targets import Target

__all__ = ["FIRST_MONTH", "MonthVerdict", "TargetHistory", "history", "month_starts"]

FIRST_MONTH = dt.date(2020, 1, 1)
_POLICY = BinaryPolicy()


@dataclass(frozen=True, slots=True)
class MonthVerdict:
    month: dt.date  # the month's first day; the answer holds at its end
    verdict: Verdict
    version: Version | None  # None when missing


@dataclass(frozen=True, slots=True)
class TargetHistory:
    """One project on one target, month by month."""

    name: NormalizedName
    target: Target
    months: tuple[MonthVerdict, ...]
    first_wheel: dt.datetime | None  # upload time of its first fitting wheel (final, not yanked)
    last_sdist_only: Version | None  # the newest final release with a fitting sdist, no wheel


def month_starts(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """The first day of every month from ``first``'s to ``last``'s, both included."""
    months: list[dt.date] = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return tuple(months)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def cutoff(month: dt.date) -> dt.datetime:
    """The first instant after ``month``: what was uploaded before it counts."""
    return dt.datetime.combine(next_month(month), dt.time(), tzinfo=dt.UTC)


def _environment(target: Target) -> Environment:
    return file_environment(target, Options())


def verdict_of(fit: Fit | None) -> Verdict:
    if fit is None:
        return Verdict.MISSING
    match fit.kind:
        case FileKind.SDIST:
            return Verdict.BUILD
        case FileKind.WHEEL:
            return (
                Verdict.PURE
                if fit.tag is not None and fit.tag.platform == "any"
                else Verdict.BINARY
            )


def fits_of(name: NormalizedName, files: Sequence[DistFile], env: Environment) -> list[Fit]:
    """Every dated file that fits the target, earliest upload first."""
    fits = [f for file in files if isinstance(f := evaluate(file, name, env), Fit)]
    dated = [f for f in fits if f.file.upload_time is not None]
    dated.sort(key=lambda f: f.file.upload_time or dt.datetime.min)
    return dated


def history(
    name: NormalizedName, files: Sequence[DistFile], target: Target, months: Sequence[dt.date]
) -> TargetHistory:
    """``name``'s verdict on ``target`` at the end of each of ``months`` (ascending)."""
    fits = fits_of(name, files, _environment(target))
    answers: list[MonthVerdict] = []
    best_final: Fit | None = None
    best_pre: Fit | None = None
    any_final = False  # a final release fits (yanked or not): pre-releases no longer count
    i = 0
    for month in months:
        end = cutoff(month)
        while i < len(fits) and (fits[i].file.upload_time or end) < end:
            fit = fits[i]
            i += 1
            final = not fit.version.is_prerelease
            any_final = any_final or final
            if fit.yanked:
                continue
            if final:
                best_final = _better(best_final, fit)
            else:
                best_pre = _better(best_pre, fit)
        pick = best_final if any_final else best_pre
        answers.append(
            MonthVerdict(month, verdict_of(pick), None if pick is None else pick.version)
        )
    wheels = [
        f for f in fits if f.kind is FileKind.WHEEL and not f.yanked and not f.version.is_prerelease
    ]
    first_wheel = wheels[0].file.upload_time if wheels else None
    with_wheel = {f.version for f in wheels}
    sdist_only = [
        f.version
        for f in fits
        if f.kind is FileKind.SDIST
        and not f.yanked
        and not f.version.is_prerelease
        and f.version not in with_wheel
    ]
    return TargetHistory(
        name, target, tuple(answers), first_wheel, max(sdist_only) if sdist_only else None
    )


def _better(best: Fit | None, fit: Fit) -> Fit:
    if best is None or sort_key(fit, _POLICY) > sort_key(best, _POLICY):
        return fit
    return best

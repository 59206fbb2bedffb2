"""What a scan's renderers show, read from its database once.

Shares count only the projects listed on the index by the month (a project first
uploaded in 2023 is not "missing" in 2021); the weighted share weighs each project by its
downloads in the list given (projects with none given weigh nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from wheelcast.scan.coverage_db import ScanDatabase
from wheelcast.scan.lags import LagReport, lag_report, read_lags

__all__ = ["MissingProject", "MonthShare", "ScanTally", "TargetSeries", "tally"]

_WHEELS = ("binary", "pure")


@dataclass(frozen=True, slots=True)
class MonthShare:
    month: dt.date
    counts: Mapping[str, int]  # verdict -> projects listed by then
    wheel_share: float | None  # binary + pure, of the listed projects; None: none listed
    weighted_share: float | None  # the same weighted by downloads; None: no downloads known


@dataclass(frozen=True, slots=True)
class TargetSeries:
    target: str  # win-arm64@3.12
    platform: str
    python: str
    months: tuple[MonthShare, ...]


@dataclass(frozen=True, slots=True)
class MissingProject:
    """A project with no wheel for a target at the last month, and its wheels elsewhere."""

    name: str
    rank: int
    downloads: int | None
    verdict: str  # build or missing
    last_sdist_only: str | None
    first_wheels: tuple[tuple[str, dt.datetime | None], ...]  # (other target, first wheel)


@dataclass(frozen=True, slots=True)
class ScanTally:
    projects: int
    months: tuple[dt.date, ...]
    series: tuple[TargetSeries, ...]
    missing: Mapping[str, tuple[MissingProject, ...]]  # target -> most-downloaded first
    lags: LagReport | None = None  # the CPython release lags (scan/lags.py)


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def tally(db: ScanDatabase) -> ScanTally:
    targets = db.query("SELECT target, platform, python FROM targets ORDER BY platform, python")
    months = tuple(r[0] for r in db.query("SELECT month FROM months ORDER BY month"))
    counts: dict[tuple[str, dt.date], dict[str, tuple[int, int]]] = {}
    for target, month, verdict, n, downloads in db.query(
        "SELECT c.target, c.month, c.verdict, COUNT(*), SUM(COALESCE(p.downloads, 0))"
        " FROM coverage AS c JOIN projects AS p ON p.name = c.name WHERE c.listed"
        " GROUP BY c.target, c.month, c.verdict"
    ):
        counts.setdefault((target, month), {})[verdict] = (int(n), int(downloads or 0))
    series = []
    for target, platform, python in targets:
        shares = []
        for month in months:
            found = counts.get((target, month), {})
            total = sum(n for n, _ in found.values())
            weight = sum(d for _, d in found.values())
            wheels = sum(found.get(v, (0, 0))[0] for v in _WHEELS)
            weighted = sum(found.get(v, (0, 0))[1] for v in _WHEELS)
            shares.append(
                MonthShare(
                    month,
                    MappingProxyType({v: n for v, (n, _) in found.items()}),
                    _share(wheels, total),
                    _share(weighted, weight),
                )
            )
        series.append(TargetSeries(target, platform, python, tuple(shares)))
    return ScanTally(
        projects=int(db.query("SELECT COUNT(*) FROM projects")[0][0]),
        months=months,
        series=tuple(series),
        missing=MappingProxyType(_missing(db, months[-1]) if months else {}),
        # as of today: the pages hold every upload up to the scan, whatever --until says
        lags=lag_report(read_lags(db), dt.date.today()),
    )


def _missing(db: ScanDatabase, last: dt.date) -> dict[str, tuple[MissingProject, ...]]:
    firsts: dict[str, list[tuple[str, dt.datetime | None]]] = {}
    sdist_only: dict[tuple[str, str], str | None] = {}
    for name, target, first_wheel, last_sdist in db.query(
        "SELECT f.name, t.target, f.first_wheel, f.last_sdist_only FROM firsts AS f"
        " JOIN targets AS t ON t.target = f.target ORDER BY f.name, t.platform, t.python"
    ):
        firsts.setdefault(name, []).append((target, first_wheel))
        sdist_only[name, target] = last_sdist
    missing: dict[str, list[MissingProject]] = {}
    for name, target, verdict, rank, downloads in db.query(
        "SELECT c.name, c.target, c.verdict, p.project_rank, p.downloads FROM coverage AS c"
        " JOIN projects AS p ON p.name = c.name"
        " WHERE c.month = ? AND c.listed AND c.verdict IN ('build', 'missing')"
        " ORDER BY p.project_rank, c.name",
        [last],
    ):
        elsewhere = tuple((t, d) for t, d in firsts.get(name, []) if t != target)
        missing.setdefault(target, []).append(
            MissingProject(
                name, int(rank), downloads, verdict, sdist_only.get((name, target)), elsewhere
            )
        )
    return {target: tuple(found) for target, found in missing.items()}

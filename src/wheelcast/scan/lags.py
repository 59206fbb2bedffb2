"""Release lags: the days from each CPython's release to each project's first wheel for it.

``sql/lags.sql`` gives, per project, target and CPython, the lag in days (0 when the wheel
came before the release, none when it has not come). From those lags:

- the estimate for a project still without a wheel for the newest CPython on a platform
  is its release date plus the median of the project's own last three lags on that
  platform, or, with none, the median of every project's lags there on earlier releases;
- the backtest makes that estimate for each past release from the releases before it
  alone, and counts how often the first wheel came by the estimated date (a project with
  no wheel once its estimated date has passed is a miss; one whose date is still ahead
  is not counted).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from wheelcast.scan.coverage_db import ScanDatabase, sql_text

__all__ = [
    "CPYTHON_RELEASES",
    "OWN_RELEASES",
    "Backtest",
    "Estimate",
    "Lag",
    "LagReport",
    "LagSummary",
    "lag_report",
    "predict",
    "read_lags",
]

# The x.y.0 final releases. Source: the Python devguide's table of versions ("First
# release") and each release's schedule PEP (569, 596, 619, 664, 693, 719, 745).
CPYTHON_RELEASES: Mapping[str, dt.date] = MappingProxyType(
    {
        "3.8": dt.date(2019, 10, 14),
        "3.9": dt.date(2020, 10, 5),
        "3.10": dt.date(2021, 10, 4),
        "3.11": dt.date(2022, 10, 24),
        "3.12": dt.date(2023, 10, 2),
        "3.13": dt.date(2024, 10, 7),
        "3.14": dt.date(2025, 10, 7),
    }
)
OWN_RELEASES = 3  # a project's own last lags an estimate takes the median of


@dataclass(frozen=True, slots=True)
class Lag:
    name: str
    rank: int
    target: str
    platform: str
    python: str
    released: dt.date
    first_wheel: dt.datetime | None
    days: int | None  # None: no wheel yet


@dataclass(frozen=True, slots=True)
class LagSummary:
    """The lags of one target: its CPython's release, and how long projects took."""

    target: str
    platform: str
    python: str
    released: dt.date
    shipped: int  # projects with a wheel by now
    waiting: int  # projects still without one
    median: float | None
    p75: int | None


@dataclass(frozen=True, slots=True)
class Estimate:
    """When a project still without a wheel for the newest CPython is likely to ship one."""

    name: str
    rank: int
    target: str
    released: dt.date
    days: int  # the estimated lag
    expected: dt.date
    own: bool  # from the project's own lags (else from every project's)


@dataclass(frozen=True, slots=True)
class Backtest:
    """How often, on past releases of one platform, the wheel came by the estimated date."""

    platform: str
    predictions: int
    hits: int

    @property
    def rate(self) -> float | None:
        return self.hits / self.predictions if self.predictions else None


@dataclass(frozen=True, slots=True)
class LagReport:
    as_of: dt.date
    summaries: tuple[LagSummary, ...]  # by platform, then release
    estimates: Mapping[str, tuple[Estimate, ...]]  # target -> most-downloaded first
    backtests: tuple[Backtest, ...]

    @property
    def overall(self) -> Backtest:
        return Backtest(
            "all",
            sum(b.predictions for b in self.backtests),
            sum(b.hits for b in self.backtests),
        )


def _store_calendar(db: ScanDatabase) -> None:
    """``python_releases`` and ``days`` (each day from the first release on, numbered)."""
    first = min(CPYTHON_RELEASES.values())
    last_upload = db.query("SELECT MAX(upload_time) FROM files")[0][0]
    last = max(dt.date.today(), last_upload.date() if last_upload else first)
    db.query("CREATE OR REPLACE TABLE python_releases"
             " (python VARCHAR, released TIMESTAMP, day_number BIGINT)")  # fmt: skip
    db.query("CREATE OR REPLACE TABLE days (day DATE, day_number BIGINT)")
    for python, released in CPYTHON_RELEASES.items():
        db.query(
            "INSERT INTO python_releases VALUES (?, ?, ?)",
            [python, dt.datetime.combine(released, dt.time()), released.toordinal()],
        )
    db.query(
        "INSERT INTO days SELECT CAST(d AS DATE), ? + CAST(ROW_NUMBER() OVER (ORDER BY d)"
        " AS BIGINT) - 1 FROM range(CAST(? AS DATE), CAST(? AS DATE) + 1, INTERVAL 1 DAY)"
        " AS t(d)",
        [first.toordinal(), first, last],
    )


def read_lags(db: ScanDatabase) -> tuple[Lag, ...]:
    """Run ``sql/lags.sql`` over the scan's ``fits`` view (``compute`` made it)."""
    _store_calendar(db)
    select = sql_text("lags.sql").strip().rstrip(";")
    db.query(f"CREATE OR REPLACE TABLE lags AS {select}")
    return tuple(
        Lag(name, int(rank), target, platform, python, released.date(), first, days)
        for name, rank, target, platform, python, released, first, days in db.query(
            "SELECT name, project_rank, target, platform, python, released, first_wheel,"
            " lag_days FROM lags ORDER BY name, platform, released"
        )
    )


def _median(values: Sequence[int]) -> int:
    return math.ceil(statistics.median(values))


def predict(own: Sequence[int], ecosystem: Sequence[int]) -> tuple[int, bool] | None:
    """The estimated lag from a project's earlier lags (oldest first) and everyone's."""
    if own:
        return _median(own[-OWN_RELEASES:]), True
    if ecosystem:
        return _median(ecosystem), False
    return None


def _p75(values: Sequence[int]) -> int:
    ordered = sorted(values)
    return ordered[math.ceil(0.75 * len(ordered)) - 1]  # nearest rank


def lag_report(lags: Iterable[Lag], as_of: dt.date) -> LagReport:
    """Lags summed per target, the estimates for the newest CPython, and the backtest."""
    by_target: dict[str, list[Lag]] = {}
    for lag in lags:
        by_target.setdefault(lag.target, []).append(lag)
    platforms: dict[str, list[str]] = {}  # platform -> targets, oldest CPython first
    for target in sorted(by_target, key=lambda t: by_target[t][0].released):
        platforms.setdefault(by_target[target][0].platform, []).append(target)
    summaries: list[LagSummary] = []
    estimates: dict[str, tuple[Estimate, ...]] = {}
    backtests: list[Backtest] = []
    for platform in sorted(platforms):
        targets = platforms[platform]
        own: dict[str, list[int]] = {}  # lags on the releases before, oldest first
        ecosystem: list[int] = []
        predictions = hits = 0
        for n, target in enumerate(targets):
            rows = by_target[target]
            shipped = [r.days for r in rows if r.days is not None]
            first = rows[0]
            summaries.append(
                LagSummary(
                    target, platform, first.python, first.released, len(shipped),
                    len(rows) - len(shipped),
                    statistics.median(shipped) if shipped else None,
                    _p75(shipped) if shipped else None,
                )
            )  # fmt: skip
            newest = n == len(targets) - 1
            found: list[Estimate] = []
            for row in rows:
                guess = predict(own.get(row.name, []), ecosystem)
                if guess is None:
                    continue
                expected = row.released + dt.timedelta(days=guess[0])
                if row.days is not None:
                    predictions += 1
                    hits += row.days <= guess[0]
                elif expected < as_of:
                    predictions += 1  # its date has passed with no wheel: a miss
                if newest and row.days is None:
                    found.append(
                        Estimate(row.name, row.rank, target, row.released, guess[0],
                                 expected, guess[1])
                    )  # fmt: skip
            if found:
                estimates[target] = tuple(sorted(found, key=lambda e: (e.rank, e.name)))
            for row in rows:
                if row.days is not None:
                    own.setdefault(row.name, []).append(row.days)
            ecosystem.extend(shipped)
        backtests.append(Backtest(platform, predictions, hits))
    return LagReport(as_of, tuple(summaries), MappingProxyType(estimates), tuple(backtests))

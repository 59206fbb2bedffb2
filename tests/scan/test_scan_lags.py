"""Release lags over a recorded index on 127.0.0.1: the lags SQL against Python's own day
counts, the estimate of a missing wheel, the backtest's hit rate and the dashboard."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer, MakeIndexServer, file_entry, write_page
from tests.scan.test_scan_parts import NOT_PORTABLE

from wheelcast.cli import main
from wheelcast.scan.coverage_db import ScanDatabase, sql_text
from wheelcast.scan.lags import CPYTHON_RELEASES, Lag, lag_report, predict, read_lags

_LINUX = "manylinux_2_17_x86_64.manylinux2014_x86_64"
PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def _wheel(name: str, version: str, py: str) -> str:
    return f"{name}-{version}-{py}-{py}-{_LINUX}.whl"


# name -> [(filename, upload time)]; the lags each gives on 3.10, 3.11, 3.12, 3.13 are
# in LAGS (None: listed, no wheel yet; absent: not on the index before that release)
PROJECTS: dict[str, list[tuple[str, str]]] = {
    # a wheel for 3.10 before its release (lag 0), then 6, 10 and 5 days
    "fast": [
        ("fast-1.0.tar.gz", "2021-01-01T00:00:00Z"),
        (_wheel("fast", "1.0", "cp310"), "2021-10-01T00:00:00Z"),
        (_wheel("fast", "1.1", "cp311"), "2022-10-30T12:00:00Z"),
        (_wheel("fast", "1.2", "cp312"), "2023-10-12T00:00:00Z"),
        (_wheel("fast", "1.3", "cp313"), "2024-10-12T23:59:59Z"),
    ],
    # 30, 50 and 40 days, and nothing for 3.13 yet
    "slow": [
        ("slow-1.0.tar.gz", "2021-01-01T00:00:00Z"),
        (_wheel("slow", "1.0", "cp310"), "2021-11-03T08:00:00Z"),
        (_wheel("slow", "1.1", "cp311"), "2022-12-13T00:00:00Z"),
        (_wheel("slow", "1.2", "cp312"), "2023-11-11T00:00:00Z"),
        ("slow-1.3.tar.gz", "2024-10-08T00:00:00Z"),
    ],
    # first on the index in 2023: 3.10 and 3.11 came before it, so it has no lag for them
    "newbie": [
        ("newbie-1.0.tar.gz", "2023-01-01T00:00:00Z"),
        (_wheel("newbie", "1.1", "cp312"), "2023-12-01T00:00:00Z"),
    ],
    # on the index after 3.12's release: its 3.13 estimate falls back on everyone's lags
    "late": [
        (_wheel("late", "1.0", "cp312"), "2024-01-01T00:00:00Z"),
    ],
    # one abi3 wheel fits every later CPython from the day it was uploaded: lag 0 each time
    "stable": [
        (f"stable-1.0-cp38-abi3-{_LINUX}.whl", "2021-01-01T00:00:00Z"),
    ],
    # a pure wheel lags no CPython: it has no row at all
    "pure": [
        ("pure-1.0-py3-none-any.whl", "2021-01-01T00:00:00Z"),
    ],
}
LAGS: dict[str, dict[str, int | None]] = {
    "fast": {"3.10": 0, "3.11": 6, "3.12": 10, "3.13": 5},
    "slow": {"3.10": 30, "3.11": 50, "3.12": 40, "3.13": None},
    "newbie": {"3.12": 60, "3.13": None},
    "late": {"3.13": None},
    "stable": {"3.10": 0, "3.11": 0, "3.12": 0, "3.13": 0},
}
RANKS = ("fast", "slow", "newbie", "late", "stable", "pure")


def write_index(root: Path) -> tuple[Path, Path]:
    pages = root / "pages"
    for name, files in PROJECTS.items():
        entries: list[Any] = []
        for filename, uploaded in files:
            entry: Any = file_entry(filename, filename.encode())
            entry["upload-time"] = uploaded
            entries.append(entry)
        write_page(pages, name, entries)
    (root / "metadata").mkdir(parents=True, exist_ok=True)
    return pages, root / "metadata"


@pytest.fixture
def scanned(tmp_path: Path, make_index_server: MakeIndexServer) -> Path:
    server: IndexServer = make_index_server(*write_index(tmp_path / "index"))
    listing = tmp_path / "top.csv"
    listing.write_text(
        "rank,project\n" + "".join(f"{n + 1},{p}\n" for n, p in enumerate(RANKS)),
        encoding="utf-8",
    )
    argv = ["scan", "--projects", str(listing), "--top", str(len(RANKS)), "-i", server.url,
            "--cache-dir", str(tmp_path / "cache"), "--db", str(tmp_path / "scan.duckdb"),
            "--since", "2021-01", "--until", "2024-12", "-t", "linux-x86_64",
            *(a for p in PYTHONS for a in ("-p", p)),
            "--html", str(tmp_path / "scan.html")]  # fmt: skip
    assert main(argv, io.StringIO()) in (0, 1)
    return tmp_path


def _lags(folder: Path) -> tuple[Lag, ...]:
    with ScanDatabase(folder / "scan.duckdb") as db:
        db.compute()
        return read_lags(db)


def test_sql_lags_agree_with_python_day_counts(scanned: Path) -> None:
    lags = _lags(scanned)
    found = {(lag.name, lag.python): lag.days for lag in lags}
    assert found == {(n, p): d for n, by in LAGS.items() for p, d in by.items()}
    for lag in lags:
        assert lag.released == CPYTHON_RELEASES[lag.python]
        if lag.first_wheel is not None:
            # the SQL's day numbers (a calendar table) against Python's date arithmetic
            assert lag.days == max(0, (lag.first_wheel.date() - lag.released).days)


class TestPredict:
    @pytest.mark.parametrize(
        ("own", "ecosystem", "expected"),
        [
            ([30, 50, 40], [1, 2, 3], (40, True)),
            ([5, 100, 30, 50, 40], [], (40, True)),  # the last three only
            ([10, 20], [], (15, True)),
            ([10, 21], [], (16, True)),  # a half day rounds up
            ([], [0, 6, 10, 30], (8, False)),
            ([], [], None),
        ],
    )
    def test_median_of_own_then_everyone(
        self, own: list[int], ecosystem: list[int], expected: tuple[int, bool] | None
    ) -> None:
        assert predict(own, ecosystem) == expected


def test_estimates_and_backtest(scanned: Path) -> None:
    report = lag_report(_lags(scanned), dt.date(2026, 1, 1))
    estimates = {e.name: (e.days, e.expected, e.own) for e in report.estimates["linux-x86_64@3.13"]}
    assert estimates == {
        "slow": (40, dt.date(2024, 11, 16), True),  # median of 30, 50, 40
        "newbie": (60, dt.date(2024, 12, 6), True),
        # everyone's lags on 3.10 to 3.12: 0 0 0 0 6 10 30 40 50 60 -> 8
        "late": (8, dt.date(2024, 10, 15), False),
    }
    assert [e.name for e in report.estimates["linux-x86_64@3.13"]] == ["slow", "newbie", "late"]
    # fast 1 of 3 (only 3.13's 5 <= 6), slow 1 of 3 (3.12), newbie 0 of 2, stable 3 of 3,
    # late 0 of 1; 3.10 has no release before it to predict from
    (test,) = report.backtests
    assert (test.predictions, test.hits) == (12, 5)
    summary = {s.python: (s.shipped, s.waiting, s.median, s.p75) for s in report.summaries}
    assert summary["3.12"] == (4, 0, 25, 40)
    assert summary["3.13"] == (2, 3, 2.5, 5)


def test_an_estimate_still_ahead_is_not_judged(scanned: Path) -> None:
    # On 2024-11-01 slow's (2024-11-16) and newbie's (2024-12-06) dates are still ahead:
    # only late's date (2024-10-15) has passed without a wheel
    (test,) = lag_report(_lags(scanned), dt.date(2024, 11, 1)).backtests
    assert (test.predictions, test.hits) == (10, 5)


def test_dashboard_shows_lags_estimates_and_hit_rate(scanned: Path) -> None:
    text = (scanned / "scan.html").read_text(encoding="utf-8")
    section = text[text.index('id="lags-linux-x86_64"') :]
    assert "<td>3.12</td><td>2023-10-02</td><td class=num>4</td><td class=num>0</td>" \
        "<td class=num>25</td><td class=num>40</td>" in section  # fmt: skip
    assert "5 of 12 (41.7%)" in section
    assert "<td>slow</td><td>2024-11-16</td>" in section
    assert "http" not in text.replace("http-equiv", "")


def test_lags_sql_keeps_to_the_portable_subset() -> None:
    code = "\n".join(line.split("--", 1)[0] for line in sql_text("lags.sql").splitlines())
    assert [word for word in NOT_PORTABLE if word in code.upper()] == []
    assert code.count(";") == 1

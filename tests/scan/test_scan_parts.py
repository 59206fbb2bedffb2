"""The project lists, the progress counter and the text summary of a scan."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from wheelcast.errors import InvalidInputFile, InvalidOption
from wheelcast.report.scan_text import ScanProgress
from wheelcast.scan.coverage_db import sql_text
from wheelcast.scan.project_list import SHIPPED, read_project_list, shipped_projects, top


class TestProjectLists:
    def test_shipped_list_is_ranked(self) -> None:
        projects = shipped_projects()
        assert len(projects) == SHIPPED
        assert [p.rank for p in projects[:3]] == [1, 2, 3]
        assert projects[0].downloads is not None
        assert projects[0].downloads >= projects[-1].downloads  # type: ignore[operator]

    def test_top_orders_by_rank(self, tmp_path: Path) -> None:
        path = tmp_path / "list.csv"
        path.write_text("project,rank\nZope.Interface,2\nsix,1\n", encoding="utf-8")
        assert [p.name for p in top(read_project_list(path), 2, "it")] == ["six", "zope-interface"]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("name\nsix\n", "no 'project' column"),
            ("project,rank\nsix,first\n", ":2: not a project name, rank and download count"),
            ("project\n-bad-\n", ":2: not a project name"),
        ],
    )
    def test_bad_list(self, tmp_path: Path, text: str, message: str) -> None:
        path = tmp_path / "list.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InvalidInputFile, match=message):
            read_project_list(path)

    def test_unreadable_list(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidInputFile, match="file not found"):
            read_project_list(tmp_path / "absent.csv")

    def test_top_past_the_list(self) -> None:
        with pytest.raises(InvalidOption, match="lists 5000 projects"):
            top(shipped_projects(), SHIPPED + 1, "the shipped list")


class TestProgress:
    def test_counts_then_clears(self) -> None:
        out = io.StringIO()
        times = iter([10.0, 10.05, 10.06])
        progress = ScanProgress(out, clock=lambda: next(times))
        progress(1, 3)
        progress(2, 3)  # within a tenth of a second: not drawn
        progress(3, 3)  # the last is always drawn
        progress.close()
        assert out.getvalue() == "\rscan 1/3 projects\rscan 3/3 projects\r\x1b[K"

    def test_nothing_drawn_nothing_cleared(self) -> None:
        out = io.StringIO()
        ScanProgress(out).close()
        assert out.getvalue() == ""


# DuckDB spellings BigQuery or ClickHouse do not read (the SQL must run unchanged there)
NOT_PORTABLE = (
    "::",
    "QUALIFY",
    "DATE_TRUNC",
    "GENERATE_SERIES",
    "ILIKE",
    "LIST(",
    "STRUCT",
    "STRFTIME",
    "EPOCH",
    "INTERVAL",
    "FILTER (",
    "USING (",
    "SELECT *",
    "EXCLUDE",
)


@pytest.mark.parametrize("name", ["fits.sql", "coverage.sql", "firsts.sql"])
def test_shipped_sql_keeps_to_the_portable_subset(name: str) -> None:
    text = sql_text(name)
    code = "\n".join(line.split("--", 1)[0] for line in text.splitlines()).upper()
    assert [word for word in NOT_PORTABLE if word in code] == []
    assert code.count(";") == 1  # one statement: bq query and clickhouse client take it whole

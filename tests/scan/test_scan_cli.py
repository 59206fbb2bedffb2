"""``wheelcast scan`` end to end over a recorded index on 127.0.0.1: the SQL against the
Python verdicts, exports read back, resuming, revalidation, the dashboard, bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version
from tests.indexserver import IndexServer, MakeIndexServer
from tests.scan.scan_index import MISSING_PROJECT, PROJECTS, write_index, write_list

from wheelcast.cli import main
from wheelcast.index.models import DistFile
from wheelcast.index.store import Cache
from wheelcast.scan import survey
from wheelcast.scan.coverage_db import ProjectRows, ScanDatabase, project_rows
from wheelcast.scan.history import history, month_starts
from wheelcast.targets import parse_python, parse_target

TARGETS = ("win-arm64", "linux-x86_64")
UNTIL = "2024-12"


@pytest.fixture
def server(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    return make_index_server(*write_index(tmp_path / "index"))


def scan(server: IndexServer, tmp_path: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    argv = ["scan", "--projects", str(write_list(tmp_path / "top.csv")), "--top", "5",
            "-i", server.url, "--cache-dir", str(tmp_path / "cache"),
            "--db", str(tmp_path / "scan.duckdb"), "--until", UNTIL, "-p", "3.12",
            *(a for t in TARGETS for a in ("-t", t)), *extra]  # fmt: skip
    return main(argv, out), out.getvalue()


def page_requests(server: IndexServer) -> list[str]:
    return [r.path for r in server.log if r.path.startswith("/simple/")]


def test_sql_agrees_with_the_python_verdicts(server: IndexServer, tmp_path: Path) -> None:
    status, _ = scan(server, tmp_path)
    assert status == 0
    months = month_starts(dt.date(2020, 1, 1), dt.date(2024, 12, 1))
    targets = [t for n in TARGETS for t in parse_target(n, [parse_python("3.12")])]
    cache = Cache(tmp_path / "cache")
    with ScanDatabase(tmp_path / "scan.duckdb") as db:
        sql = {(r[0], r[1], r[2]): (r[3], r[4]) for r in db.coverage()}
        firsts = {(r[0], r[1]): (r[2], r[3]) for r in db.firsts()}
    assert len(sql) == 5 * len(targets) * len(months)
    compared = 0
    for project in PROJECTS:
        cached = cache.get_page(server.page_url(project))
        assert cached is not None
        for target in targets:
            found = history(canonicalize_name(project), cached.page.files, target, months)
            for month in found.months:
                verdict, version = sql[project, target.id, month.month]
                assert verdict == month.verdict.value, (project, target.id, month.month)
                assert (None if version is None else Version(version)) == month.version
                compared += 1
            first_wheel, last_sdist = firsts[project, target.id]
            expected = found.first_wheel and found.first_wheel.replace(tzinfo=None)
            assert first_wheel == expected, (project, target.id)
            assert (None if last_sdist is None else Version(last_sdist)) == found.last_sdist_only
    assert compared == 4 * len(targets) * len(months)
    # a project not on the index is missing every month, and never listed
    rows = [v for (n, _, _), v in sql.items() if n == MISSING_PROJECT]
    assert {v for v, _ in rows} == {"missing"}


def test_exports_read_back(server: IndexServer, tmp_path: Path) -> None:
    paths = [tmp_path / f"out.{ext}" for ext in ("csv", "json", "parquet")]
    status, _ = scan(server, tmp_path, *(a for p in paths for a in ("--export", str(p))))
    assert status == 0
    with paths[0].open(encoding="utf-8") as f:
        from_csv = list(csv.DictReader(f))
    from_json = json.loads(paths[1].read_text(encoding="utf-8"))
    from_parquet = duckdb.sql("SELECT * FROM read_parquet($path)", params={"path": str(paths[2])})
    from_parquet = from_parquet.fetchall()
    assert len(from_csv) == len(from_json) == len(from_parquet) == 5 * 2 * 60
    row = next(
        r for r in from_json
        if r["name"] == "alpha" and r["platform"] == "win-arm64" and r["month"] == "2021-05-01"
    )  # fmt: skip
    assert (row["verdict"], row["version"], row["project_rank"]) == ("binary", "1.2", 2)
    assert row["first_wheel"].startswith("2021-05-31 23:59:59")
    assert row["last_sdist_only"] == "2.0"
    first = from_csv[0]  # most-downloaded first
    assert (first["name"], first["downloads"]) == ("gamma", "5000")


def test_an_interrupted_scan_resumes(server: IndexServer, tmp_path: Path) -> None:
    server.fail(prefix="/simple/beta/")  # the third of the list, read one at a time
    status, _ = scan(server, tmp_path, "--jobs", "1")
    assert status == 4
    server.heal()
    server.reset()
    status, text = scan(server, tmp_path, "--jobs", "1", "--refresh")
    assert status == 0
    assert "2 stored before" in text
    # gamma and alpha were stored before the failure: not asked for again, even on --refresh
    assert sorted(page_requests(server)) == ["/simple/beta/", "/simple/delta/", "/simple/epsilon/"]
    with ScanDatabase(tmp_path / "scan.duckdb") as db:
        assert db.query("SELECT COUNT(*) FROM projects")[0][0] == 5
        assert db.query("SELECT run_id, finished IS NOT NULL FROM runs") == [(1, True)]


def test_a_second_scan_only_revalidates(
    server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert scan(server, tmp_path)[0] == 0
    assert all(r.headers.get("User-Agent", "").startswith("wheelcast/") for r in server.log)
    server.reset()
    decoded: list[str] = []

    def counted(name: NormalizedName, files: Sequence[DistFile]) -> ProjectRows:
        decoded.append(name)
        return project_rows(name, files)

    monkeypatch.setattr(survey, "project_rows", counted)
    status, text = scan(server, tmp_path)
    assert status == 0
    assert decoded == []  # every page is the one stored: no file is decoded again
    assert "not on the index: epsilon" in text
    # each page the index gave an ETag is asked for with it (answered 304, not resent);
    # the project it does not have is remembered as absent for the cache's page lifetime
    asked = [r for r in server.log if r.path.startswith("/simple/")]
    assert sorted(r.path for r in asked) == [f"/simple/{n}/" for n in sorted(PROJECTS)]
    assert all("If-None-Match" in r.headers for r in asked)
    with ScanDatabase(tmp_path / "scan.duckdb") as db:
        assert db.query("SELECT COUNT(*) FROM runs")[0][0] == 2


def test_a_changed_page_replaces_its_rows(server: IndexServer, tmp_path: Path) -> None:
    assert scan(server, tmp_path)[0] == 0
    page = server.pages_dir / "beta.json"
    data = json.loads(page.read_text(encoding="utf-8"))
    data["files"] = [f for f in data["files"] if f["filename"].startswith("beta-1.0")]
    page.write_text(json.dumps(data), encoding="utf-8")
    assert scan(server, tmp_path)[0] == 0
    with ScanDatabase(tmp_path / "scan.duckdb") as db:
        counts = dict(db.query("SELECT name, COUNT(*) FROM files GROUP BY name"))
        assert counts == {"alpha": 11, "beta": 1, "delta": 3, "gamma": 2}
        assert db.query("SELECT COUNT(*) FROM releases WHERE name = 'beta'")[0][0] == 1


def test_dashboard(server: IndexServer, tmp_path: Path) -> None:
    page = tmp_path / "scan.html"
    assert scan(server, tmp_path, "--html", str(page))[0] == 0
    text = page.read_text(encoding="utf-8")
    assert "<svg" in text
    assert "http" not in text.replace("http-equiv", "")  # nothing to fetch at view time
    # win-arm64 at 2024-12: alpha builds 2.0, gamma builds 0.1a1 (missing: epsilon is not
    # listed); most-downloaded first, with their first wheels elsewhere
    section = text[text.index('id="missing-win-arm64@3.12"') :]
    assert section.index("gamma") < section.index("alpha")
    assert "linux-x86_64@3.12 2022-07-04" in section  # gamma's first Linux wheel
    assert MISSING_PROJECT not in section.split("</table>")[0]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--top", "0"), "--top 0: must be at least 1"),
        (("--top", "9"), "lists 5 projects"),
        (("--export", "out.txt"), "--export out.txt: unknown format"),
        (("--since", "2020/01"), "--since '2020/01': not a month"),
        (("--jobs", "99"), "--jobs 99: must be from 1 to 32"),
    ],
)
def test_bad_input_is_one_line(
    server: IndexServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    message: str,
) -> None:
    status, _ = scan(server, tmp_path, *extra)
    err = capsys.readouterr().err
    assert status == 3
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_a_database_that_is_not_one(
    server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "scan.duckdb").write_text("not a database\n", encoding="utf-8")
    status, _ = scan(server, tmp_path)
    err = capsys.readouterr().err
    assert status == 3
    assert "scan.duckdb: cannot open it as a scan database" in err
    assert len(err.strip().splitlines()) == 1


def test_requirements_file_of_names(server: IndexServer, tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("# two of them\nDelta\nbeta>=1\n", encoding="utf-8")
    out = io.StringIO()
    argv = ["scan", "-r", str(names), "-i", server.url, "--cache-dir", str(tmp_path / "c"),
            "--db", str(tmp_path / "r.duckdb"), "--until", UNTIL,
            "-t", "win-arm64@3.12"]  # fmt: skip
    assert main(argv, out) == 0
    with ScanDatabase(tmp_path / "r.duckdb") as db:
        assert db.query("SELECT name, project_rank FROM projects ORDER BY project_rank") == [
            ("delta", 1), ("beta", 2)
        ]  # fmt: skip


def test_without_duckdb_it_says_what_to_install(
    server: IndexServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb raises ImportError
    status, _ = scan(server, tmp_path)
    err = capsys.readouterr().err
    assert status == 3
    assert "wheelcast scan needs the duckdb package" in err
    assert "pip install 'wheelcast[scan]'" in err


def test_compute_caps_memory_and_judges_fits_once(server: IndexServer, tmp_path: Path) -> None:
    # At scale DuckDB's default cap (80% of the machine) let compute alone take 0.9 GB at
    # top 300, and the fits view was evaluated three times (coverage twice, firsts once).
    assert scan(server, tmp_path)[0] == 0
    with ScanDatabase(tmp_path / "scan.duckdb") as db:
        first = db.coverage()
        targets = [parse_target("win-arm64", [parse_python("3.12")])[0]]
        db.set_targets(targets, month_starts(dt.date(2021, 1, 1), dt.date(2021, 3, 1)))
        assert db.compute()  # the targets changed
        assert len(db.coverage()) == 5 * 3
        limit = db.query("SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'")
        assert limit[0][0] in ("476.8 MiB", "500.0 MB")
        temps = db.query("SELECT table_name FROM duckdb_tables() WHERE temporary")
        assert ("fits",) in temps
        views = db.query("SELECT view_name FROM duckdb_views() WHERE NOT internal")
        assert ("fits",) in views  # the shipped view stays for other readers
    status, _ = scan(server, tmp_path)  # back to the first targets: computed again
    assert status == 0
    with ScanDatabase(tmp_path / "scan.duckdb") as db:
        assert db.coverage() == first


def test_a_warm_scan_does_not_compute_again(server: IndexServer, tmp_path: Path) -> None:
    assert scan(server, tmp_path)[0] == 0
    with ScanDatabase(tmp_path / "scan.duckdb") as db:
        first = db.coverage()
    status, _ = scan(server, tmp_path)
    assert status == 0
    with ScanDatabase(tmp_path / "scan.duckdb") as db:
        assert db.compute() is False  # nothing it reads changed: the tables stand
        assert db.coverage() == first
        db.query("UPDATE projects SET downloads = 7 WHERE project_rank = 1")
        assert db.compute() is True  # a project's weight is read by the tally, and stored
        assert db.coverage() == first


def test_a_given_list_is_scanned_whole_without_top(server: IndexServer, tmp_path: Path) -> None:
    # The shipped list is cut to its first 100; a list the user wrote is theirs whole.
    listing = write_list(tmp_path / "top.csv")
    argv = ["scan", "--projects", str(listing), "-i", server.url,
            "--cache-dir", str(tmp_path / "cache"), "--db", str(tmp_path / "scan.duckdb"),
            "--until", UNTIL, "-p", "3.12", "-t", "win-arm64"]  # fmt: skip
    assert main(argv, io.StringIO()) == 0
    with ScanDatabase(tmp_path / "scan.duckdb") as db:
        rows = len(listing.read_text(encoding="utf-8").splitlines()) - 1
        assert db.query("SELECT count(*) FROM projects") == [(rows,)]

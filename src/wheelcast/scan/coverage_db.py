"""The scan's DuckDB file: the files of each project, their tags, and the coverage SQL.

``files`` holds the columns of the public PyPI metadata datasets (BigQuery's
``distribution_metadata``, ClickHouse's ``pypi`` tables), so that ``sql/fits.sql``,
``sql/coverage.sql`` and ``sql/firsts.sql`` run unchanged there over the whole index. What
SQL cannot judge portably is derived here, in Python, with the rules a check uses:
``file_tags`` (each wheel's tag triples, as packaging reads the filename), ``releases``
(PEP 440 order), ``target_tags`` (each target's ladder, best first) and ``python_fits``
(which ``requires-python`` each target's Python satisfies).

Rows go in through CSV files and ``COPY``: DuckDB inserts row by row through
``executemany`` tens of times slower. A batch of projects and their ``projects`` rows are
written in one transaction, so an interrupted scan keeps whole projects only.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import importlib.resources
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from packaging.utils import NormalizedName
from packaging.version import Version

from wheelcast.errors import InvalidInputFile, InvalidOption
from wheelcast.forecast.select import FileKind, _requires_python_ok, file_kind_and_version
from wheelcast.index.models import DistFile
from wheelcast.targets import Target
from wheelcast.targets.environment import environment_of

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "EXPORT_FORMATS",
    "ROWS_VERSION",
    "ProjectRows",
    "ScanDatabase",
    "StoredProject",
    "project_rows",
    "sql_text",
]

EXPORT_FORMATS = {".csv": "(FORMAT CSV, HEADER TRUE)", ".json": "(FORMAT JSON, ARRAY TRUE)",
                  ".parquet": "(FORMAT PARQUET)"}  # fmt: skip
_NULL = "\\N"
COMPUTE_MEMORY = "500MB"  # DuckDB's memory_limit: storing and computing stay under it
# Rows of projects x targets x months the coverage windows run over at once (see compute).
GRID_ROWS_PER_SLICE = 1_000_000
ROWS_VERSION = 1  # what a stored page's rows are derived by: raise it when that changes
_INSTALL_HINT = "install the scan extra: pip install 'wheelcast[scan]' (it brings duckdb)"
# pip's packagetype for what is neither a wheel nor an sdist, by the file's suffix
_OTHER_TYPES = ((".egg", "bdist_egg"), (".exe", "bdist_wininst"), (".msi", "bdist_msi"),
                (".rpm", "bdist_rpm"))  # fmt: skip


@functools.cache
def sql_text(name: str) -> str:
    """One of the package's ``.sql`` files, as shipped."""
    return (importlib.resources.files("wheelcast.scan") / "sql" / name).read_text("utf-8")


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        import duckdb  # noqa: PLC0415 - optional: only the scan needs it
    except ImportError:
        raise InvalidOption("wheelcast scan needs the duckdb package", _INSTALL_HINT) from None
    try:
        return duckdb.connect(str(path))
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InvalidInputFile(
            f"{path}: cannot open it as a scan database ({first})",
            "give --db a new file or one an earlier scan wrote, not open in another scan",
        ) from None


@dataclass(frozen=True, slots=True)
class ProjectRows:
    """One project's rows in ``files``, ``file_tags`` and ``releases``, and their digest."""

    name: NormalizedName
    files: tuple[tuple[object, ...], ...]
    tags: tuple[tuple[str, str, str, str], ...]
    releases: tuple[tuple[str, str, int, bool], ...]
    digest: str  # of every column stored: an unchanged page stores nothing again


def _packagetype(kind: FileKind | None, filename: str) -> str:
    if kind is FileKind.WHEEL or filename.endswith(".whl"):
        return "bdist_wheel"
    if kind is FileKind.SDIST:
        return "sdist"
    lowered = filename.lower()
    return next((t for suffix, t in _OTHER_TYPES if lowered.endswith(suffix)), "sdist")


def _timestamp(value: dt.datetime | None) -> str | None:
    # Stored as naive UTC: the datasets' TIMESTAMP columns are UTC.
    return None if value is None else value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def project_rows(name: NormalizedName, files: Iterable[DistFile]) -> ProjectRows:
    """The rows of ``name``'s page, its filenames read as file selection reads them."""
    file_rows: list[tuple[object, ...]] = []
    tag_rows: list[tuple[str, str, str, str]] = []
    versions: dict[str, Version] = {}
    for file in files:
        parsed = file_kind_and_version(file.filename, name)
        kind = None if isinstance(parsed, str) else parsed[0]
        version = None if isinstance(parsed, str) else parsed[1]
        if version is not None:
            versions.setdefault(str(version), version)
        if not isinstance(parsed, str) and kind is FileKind.WHEEL:
            tag_rows.extend(
                (file.filename, t.interpreter, t.abi, t.platform)
                for t in sorted(parsed[2], key=str)
            )
        file_rows.append(
            (
                name,
                None if version is None else str(version),
                file.filename,
                _packagetype(kind, file.filename),
                _timestamp(file.upload_time),
                file.requires_python,
                file.yanked is not None,
            )
        )
    distinct = sorted(set(versions.values()))
    rank = {v: i for i, v in enumerate(distinct)}  # equal versions ("1.0", "1.0.0") share one
    release_rows = tuple(
        (name, text, rank[v], v.is_prerelease) for text, v in sorted(versions.items())
    )
    rows = repr((ROWS_VERSION, sorted(map(repr, file_rows)), tag_rows))
    digest = hashlib.sha256(rows.encode()).hexdigest()
    return ProjectRows(name, tuple(file_rows), tuple(tag_rows), release_rows, digest)


def _write_csv(directory: Path, name: str, rows: Iterable[Sequence[object]]) -> Path:
    path = directory / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        for row in rows:
            writer.writerow(_NULL if v is None else v for v in row)
    return path


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class StoredProject:
    name: NormalizedName
    digest: str  # the pages' digests when the index gives them, else the rows'
    rows: ProjectRows | None  # None: unchanged since the last run, its rows stand
    rank: int
    downloads: int | None


class ScanDatabase:
    """The scan's DuckDB file; a context manager that closes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = _connect(path)
        try:
            # DuckDB's default cap is 80% of the machine: at top 300 x 24 targets compute
            # alone peaked at 0.9 GB. Under a cap it spills joins and windows to disk.
            self._db.execute(f"SET memory_limit = '{COMPUTE_MEMORY}'")
            self._db.execute(sql_text("schema.sql"))
        except Exception as exc:
            self._db.close()
            raise InvalidInputFile(
                f"{path}: not a scan database ({str(exc).splitlines()[0]})",
                "give --db a new file or one an earlier scan wrote",
            ) from None

    def __enter__(self) -> ScanDatabase:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self._db.execute(sql, list(params)).fetchall()

    # -- runs: a run that did not finish is resumed ------------------------------------

    def begin_run(self) -> tuple[int, bool]:
        """The run to go on with and whether it is resumed (the last one did not finish)."""
        last = self.query("SELECT run_id, finished FROM runs ORDER BY run_id DESC LIMIT 1")
        if last and last[0][1] is None:
            return int(last[0][0]), True
        run_id = int(last[0][0]) + 1 if last else 1
        self._db.execute("INSERT INTO runs VALUES (?, current_timestamp, NULL)", [run_id])
        return run_id, False

    def finish_run(self, run_id: int) -> None:
        self._db.execute("UPDATE runs SET finished = current_timestamp WHERE run_id = ?", [run_id])

    def stored_in(self, run_id: int) -> set[str]:
        """The projects this run has stored already (skipped when it resumes)."""
        return {r[0] for r in self.query("SELECT name FROM projects WHERE run_id = ?", [run_id])}

    def absent(self, names: Iterable[str]) -> list[NormalizedName]:
        """Those of ``names`` with no file stored (not on the index)."""
        self._names("asked_names", list(names))
        return [
            NormalizedName(r[0])
            for r in self.query(
                "SELECT a.name FROM asked_names AS a LEFT JOIN files AS f ON f.name = a.name"
                " WHERE f.name IS NULL"
            )
        ]

    def digests(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.query("SELECT name, page_digest FROM projects")}

    # -- storing projects ----------------------------------------------------------

    def store(self, batch: Sequence[StoredProject], run_id: int) -> None:
        """Replace the rows of each project in ``batch``, all in one transaction.

        A project whose page has not changed (no rows given) keeps its rows; only its
        ``projects`` row (rank, run) is written again.
        """
        if not batch:
            return
        changed = [p.rows for p in batch if p.rows is not None]
        with tempfile.TemporaryDirectory(prefix="wheelcast-scan-") as folder:
            directory = Path(folder)
            loads = {
                "files": _write_csv(directory, "files", (r for p in changed for r in p.files)),
                "file_tags": _write_csv(
                    directory, "file_tags", (r for p in changed for r in p.tags)
                ),
                "releases": _write_csv(
                    directory, "releases", (r for p in changed for r in p.releases)
                ),
                "projects": _write_csv(
                    directory,
                    "projects",
                    ((p.name, p.rank, p.downloads, p.digest, run_id) for p in batch),
                ),
            }
            self._db.execute("BEGIN TRANSACTION")
            try:
                self._names("batch_names", [p.name for p in batch])
                self._names("changed_names", [p.name for p in changed])
                self._db.execute(
                    "DELETE FROM file_tags WHERE filename IN (SELECT f.filename FROM files"
                    " AS f JOIN changed_names AS c ON c.name = f.name)"
                )
                for table, which in (
                    ("files", "changed_names"),
                    ("releases", "changed_names"),
                    ("projects", "batch_names"),
                ):
                    self._db.execute(
                        f"DELETE FROM {table} WHERE name IN (SELECT name FROM {which})"  # noqa: S608 - our own table names
                    )
                for table, path in loads.items():
                    self._copy(table, path)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _copy(self, table: str, path: Path) -> None:
        if path.stat().st_size == 0:
            return  # nothing to load (DuckDB cannot read an empty CSV's columns)
        self._db.execute(
            f"COPY {table} FROM {_quoted(path)}"
            f" (FORMAT CSV, HEADER FALSE, AUTO_DETECT FALSE, NULLSTR '{_NULL}')"
        )

    def _names(self, table: str, names: Sequence[str]) -> None:
        self._db.execute(f"CREATE OR REPLACE TEMP TABLE {table} (name VARCHAR)")
        if names:
            self._db.executemany(f"INSERT INTO {table} VALUES (?)", [(n,) for n in names])  # noqa: S608 - our own table names

    # -- targets, months and the coverage SQL ----------------------------------------

    def set_targets(self, targets: Sequence[Target], months: Sequence[dt.date]) -> None:
        """Fill the derived tables for these targets and months (replacing earlier ones)."""
        target_rows: list[tuple[str, str, str, int]] = []
        tag_rows: list[tuple[str, str, str, str, int]] = []
        for target in targets:
            env = environment_of(target)
            target_rows.append((target.id, target.name, target.python.short, len(env.tags)))
            tag_rows.extend(
                (target.id, t.interpreter, t.abi, t.platform, i) for i, t in enumerate(env.tags)
            )
        specs = [r[0] for r in self.query(
            "SELECT DISTINCT requires_python FROM files WHERE requires_python IS NOT NULL"
        )]  # fmt: skip
        python_rows = [
            (spec, target.id, _requires_python_ok(spec, Version(target.python.full_version)))
            for spec in specs
            for target in targets
        ]
        month_rows = [(m.isoformat(), m.year * 12 + m.month - 1) for m in months]
        with tempfile.TemporaryDirectory(prefix="wheelcast-scan-") as folder:
            directory = Path(folder)
            loads = {
                "targets": _write_csv(directory, "targets", target_rows),
                "target_tags": _write_csv(directory, "target_tags", tag_rows),
                "python_fits": _write_csv(directory, "python_fits", python_rows),
                "months": _write_csv(directory, "months", month_rows),
            }
            self._db.execute("BEGIN TRANSACTION")
            for table, path in loads.items():
                self._db.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
                self._copy(table, path)
            self._db.execute("COMMIT")

    def _inputs_key(self) -> str:
        """A digest of everything ``compute`` reads: equal keys, equal tables."""
        parts: list[object] = [ROWS_VERSION]
        parts += [sql_text(f"{t}.sql") for t in ("fits", "coverage", "firsts")]
        for select in (
            "SELECT name, page_digest, project_rank, downloads FROM projects ORDER BY name",
            "SELECT * FROM targets ORDER BY ALL",
            "SELECT * FROM target_tags ORDER BY ALL",
            "SELECT * FROM python_fits ORDER BY ALL",
            "SELECT * FROM months ORDER BY ALL",
        ):
            parts.append(self.query(select))
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def compute(self) -> bool:
        """:meth:`_compute`; DuckDB failing there (its memory cap, a full disk for its
        spill files) is one error line naming the file, not an internal error."""
        import duckdb  # noqa: PLC0415 - loaded already by _connect

        try:
            return self._compute()
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InvalidInputFile(
                f"{self.path}: computing the coverage failed ({first})",
                f"DuckDB spills to {self.path}.tmp beside it: give it free disk space, or"
                " scan fewer projects or targets",
            ) from None

    def _compute(self) -> bool:
        """Run the shipped SQL: the ``fits`` view, then the ``coverage`` and ``firsts`` tables.

        False when nothing it reads changed since it last ran on this file (the tables
        stand): a warm scan of 1,000 projects spent 18 of its 23 s here.

        The view is evaluated once, into ``fits_all``, a table of the file (so it spills to
        disk under the memory cap, as a temporary table could not: the top 5,000 x 24
        targets make 20 million fits). The tables are then computed a slice of projects at
        a time, each slice's ``projects`` and ``fits`` shadowing the file's for this
        connection, so that the grid the windows run over (projects x targets x months)
        stays small: unsliced, 10 million rows ran out of the cap. The SQL is unchanged.
        """
        key = self._inputs_key()
        self._db.execute("CREATE TABLE IF NOT EXISTS computed_from (inputs VARCHAR)")
        tables = {
            r[0] for r in self.query("SELECT table_name FROM duckdb_tables() WHERE NOT temporary")
        }
        if self.query("SELECT inputs FROM computed_from") == [(key,)] and tables >= {
            "coverage",
            "firsts",
            "fits_all",
        }:
            self._shadow_fits()
            return False
        self._db.execute("DROP VIEW IF EXISTS temp.fits")  # an earlier compute made it
        own = self._own_schema()
        self._db.execute(sql_text("fits.sql"))
        # (S608 below: the one name put in is the catalog's, quoted.)
        self._db.execute(f"CREATE OR REPLACE TABLE {own}.fits_all AS SELECT * FROM {own}.fits")  # noqa: S608
        names = [r[0] for r in self.query(f"SELECT name FROM {own}.projects ORDER BY name")]  # noqa: S608

        ((targets, months),) = self.query(
            "SELECT (SELECT count(*) FROM targets), (SELECT count(*) FROM months)"
        )
        step = max(1, GRID_ROWS_PER_SLICE // max(1, targets * months))
        selects = {t: sql_text(f"{t}.sql").strip().rstrip(";") for t in ("coverage", "firsts")}
        for table in selects:
            self._db.execute(f"DROP TABLE IF EXISTS {table}")
        for start in range(0, max(1, len(names)), step):
            self._db.execute("CREATE OR REPLACE TEMP TABLE slice_names (name VARCHAR)")
            self._db.executemany(
                "INSERT INTO slice_names VALUES (?)", [[n] for n in names[start : start + step]]
            )
            self._db.execute(
                f"CREATE OR REPLACE TEMP TABLE projects AS SELECT * FROM {own}.projects"  # noqa: S608
                " WHERE name IN (SELECT name FROM slice_names)"
            )
            self._db.execute(
                f"CREATE OR REPLACE TEMP TABLE fits AS SELECT * FROM {own}.fits_all"  # noqa: S608
                " WHERE name IN (SELECT name FROM slice_names)"
            )
            for table, select in selects.items():
                if start == 0:
                    self._db.execute(f"CREATE TABLE {own}.{table} AS {select}")
                else:
                    self._db.execute(f"INSERT INTO {own}.{table} {select}")
        for temporary in ("projects", "fits", "slice_names"):
            self._db.execute(f"DROP TABLE IF EXISTS temp.{temporary}")
        self._shadow_fits()
        self._db.execute("DELETE FROM computed_from")
        self._db.execute("INSERT INTO computed_from VALUES (?)", [key])
        return True

    def _shadow_fits(self) -> None:
        """Later readers of ``fits`` on this connection (the lags) read the table computed
        once, not the view evaluated again (minutes at the top 5,000)."""
        own = self._own_schema()
        self._db.execute(f"CREATE OR REPLACE TEMP VIEW fits AS SELECT * FROM {own}.fits_all")  # noqa: S608

    def _own_schema(self) -> str:
        """The file's own schema by its whole name: once a temporary table shadows one of
        its tables, "main.projects" names the temporary one (both catalogs call it main)."""
        ((catalog,),) = self.query("SELECT current_database()")
        return '"{}".main'.format(catalog.replace('"', '""'))

    def coverage(self) -> list[tuple[Any, ...]]:
        """(name, target, month, verdict, version, listed), ordered."""
        return self.query(
            "SELECT name, target, month, verdict, version, listed FROM coverage"
            " ORDER BY name, target, month"
        )

    def firsts(self) -> list[tuple[Any, ...]]:
        """(name, target, first_wheel, last_sdist_only), ordered."""
        return self.query(
            "SELECT name, target, first_wheel, last_sdist_only FROM firsts ORDER BY name, target"
        )

    def export(self, path: Path) -> None:
        """The monthly verdicts with each project's rank and first-wheel dates, to ``path``."""
        options = EXPORT_FORMATS.get(path.suffix.lower())
        if options is None:
            raise InvalidOption(
                f"--export {path}: unknown format '{path.suffix}'",
                "name a file ending in .csv, .json or .parquet",
            )
        select = (
            "SELECT c.name, p.project_rank, p.downloads, t.platform, t.python, c.month,"
            " c.verdict, c.version, c.listed, f.first_wheel, f.last_sdist_only"
            " FROM coverage AS c JOIN projects AS p ON p.name = c.name"
            " JOIN targets AS t ON t.target = c.target"
            " JOIN firsts AS f ON f.name = c.name AND f.target = c.target"
            " ORDER BY p.project_rank, c.name, t.platform, t.python, c.month"
        )
        try:
            self._db.execute(f"COPY ({select}) TO {_quoted(path)} {options}")
        except Exception as exc:
            raise InvalidOption(
                f"--export {path}: cannot write it ({str(exc).splitlines()[0]})",
                "name a file in a folder that exists and that you can write to",
            ) from None

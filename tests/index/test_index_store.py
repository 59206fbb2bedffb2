from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from wheelcast.errors import CacheError, IndexPageError
from wheelcast.index import store
from wheelcast.index.models import DistFile, GroupedFiles, ProjectPage
from wheelcast.index.store import (
    FILENAME,
    PAGE_MAX_AGE,
    SCHEMA_VERSION,
    Cache,
    CachedPage,
    _decode_files,
    _decode_page,
    encode_body,
)

PAGE = ProjectPage(
    name=canonicalize_name("demo"),
    url="http://127.0.0.1:9/simple/demo/",
    files=(
        DistFile(
            filename="demo-1.0-py3-none-any.whl",
            url="http://127.0.0.1:9/f/demo-1.0-py3-none-any.whl",
            hashes=(("sha256", "ab"),),
            requires_python=">=3.8",
            yanked="bad",
            upload_time=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
            size=10,
            core_metadata=True,
            core_metadata_sha256="cd",
        ),
        DistFile(filename="demo-1.0.tar.gz", url="http://127.0.0.1:9/f/demo-1.0.tar.gz"),
    ),
)


class TestCache:
    def test_page_round_trip(self, tmp_path: Path) -> None:
        with Cache(tmp_path) as cache:
            cache.put_page(PAGE.url, PAGE, etag='"x"', last_modified=None, fetched_at=5.0)
        with Cache(tmp_path) as cache:
            cached = cache.get_page(PAGE.url)
        assert cached == CachedPage(PAGE, '"x"', None, 5.0)
        assert (tmp_path / FILENAME).is_file()

    def test_missing(self, tmp_path: Path) -> None:
        with Cache(tmp_path) as cache:
            assert cache.get_page("nope") is None
            assert cache.get_metadata("nope") is None

    def test_metadata_round_trip(self, tmp_path: Path) -> None:
        with Cache(tmp_path) as cache:
            cache.put_metadata("ab" * 32, b"Name: demo\n", "range")
            assert cache.get_metadata("ab" * 32) == (b"Name: demo\n", "range")

    def test_touch(self, tmp_path: Path) -> None:
        with Cache(tmp_path) as cache:
            cache.put_page(PAGE.url, PAGE, fetched_at=1.0)
            cache.touch_page(PAGE.url, 7.0)
            cached = cache.get_page(PAGE.url)
        assert cached is not None
        assert cached.fetched_at == 7.0

    @pytest.mark.parametrize(
        ("etag", "last_modified", "age", "fresh"),
        [
            (None, None, 0.0, True),
            (None, None, PAGE_MAX_AGE - 1, True),
            (None, None, PAGE_MAX_AGE + 1, False),
            ('"e"', None, 0.0, False),
            (None, "Mon, 01 Jan 2024 00:00:00 GMT", 0.0, False),
        ],
        ids=["new", "almost-stale", "stale", "etag", "last-modified"],
    )
    def test_freshness(
        self, etag: str | None, last_modified: str | None, age: float, fresh: bool
    ) -> None:
        cached = CachedPage(PAGE, etag, last_modified, 1000.0)
        assert cached.is_fresh(now=1000.0 + age) is fresh

    def test_corrupt_file_is_set_aside_not_deleted(self, tmp_path: Path) -> None:
        path = tmp_path / FILENAME
        path.write_bytes(b"this is not a database" * 100)
        Cache(tmp_path).close()  # rebuilt (tests/index/test_cache_faults.py)
        assert (tmp_path / f"{FILENAME}.damaged").read_bytes() == b"this is not a database" * 100

    def test_newer_schema_is_refused(self, tmp_path: Path) -> None:
        Cache(tmp_path).close()
        conn = sqlite3.connect(tmp_path / FILENAME)
        with conn:
            conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
        conn.close()
        with pytest.raises(CacheError, match="newer wheelcast") as info:
            Cache(tmp_path)
        assert "--cache-dir" in info.value.hint

    def test_damaged_row(self, tmp_path: Path) -> None:
        Cache(tmp_path).close()
        conn = sqlite3.connect(tmp_path / FILENAME)
        with conn:
            damaged = store._PAGE_FORMAT + b"\x00"  # this format's mark, then no marshal
            conn.execute("INSERT INTO pages VALUES ('u', ?, NULL, NULL, 0, NULL)", (damaged,))
        conn.close()
        with Cache(tmp_path) as cache, pytest.raises(CacheError, match="decode"):
            cache.get_page("u")

    def test_a_page_from_an_earlier_format_is_a_miss(self, tmp_path: Path) -> None:
        Cache(tmp_path).close()
        conn = sqlite3.connect(tmp_path / FILENAME)
        with conn:
            conn.execute("INSERT INTO pages VALUES ('u', x'00', NULL, NULL, 0, NULL)")
        conn.close()
        with Cache(tmp_path) as cache:
            assert cache.get_page("u") is None

    def test_wal_mode(self, tmp_path: Path) -> None:
        Cache(tmp_path).close()
        conn = sqlite3.connect(tmp_path / FILENAME)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()

    def test_threads(self, tmp_path: Path) -> None:
        cache = Cache(tmp_path)
        errors: list[BaseException] = []

        def work(i: int) -> None:
            try:
                for j in range(20):
                    key = f"{i}-{j}"
                    cache.put_metadata(key, key.encode(), "local")
                    assert cache.get_metadata(key) == (key.encode(), "local")
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        cache.close()
        assert errors == []
        with Cache(tmp_path) as again:
            assert again.get_metadata("7-19") == (b"7-19", "local")


class TestLazyPages:
    def test_a_damaged_group_is_a_cache_error_when_read(self) -> None:
        with pytest.raises(CacheError, match="decode"):
            _decode_files(b"not json", PAGE.url)

    def test_an_entry_is_checked_when_its_version_is_read(self, tmp_path: Path) -> None:
        # Only names and URLs are checked when a page is stored; the rest of an entry when
        # its version is read, with the error a parsed page would give.
        good = {"filename": "demo-2.0.tar.gz", "url": "demo-2.0.tar.gz", "hashes": {}}
        bad = {"filename": "demo-1.0.tar.gz", "url": "demo-1.0.tar.gz", "hashes": []}
        body = json.dumps({"meta": {"api-version": "1.1"}, "files": [bad, good]}).encode()
        blob = encode_body(body, is_json=True, page_url=PAGE.url, name=PAGE.name)
        with Cache(tmp_path) as cache:
            page = cache.put_encoded(
                PAGE.url, blob, etag=None, last_modified=None, fetched_at=5.0, digest=None
            )
        files = page.files
        assert isinstance(files, GroupedFiles)
        newer, older = sorted(files.groups, key=lambda g: g.version, reverse=True)
        assert [f.url for f in newer.files] == ["http://127.0.0.1:9/simple/demo/demo-2.0.tar.gz"]
        with pytest.raises(IndexPageError, match=r"demo-1\.0\.tar\.gz: hashes is not an object"):
            older.files  # noqa: B018 - reading is the point

    def test_groups_decode_only_when_read(self, tmp_path: Path) -> None:
        with Cache(tmp_path) as cache:
            cache.put_page(PAGE.url, PAGE, etag=None, last_modified=None, fetched_at=5.0)
            cached = cache.get_page(PAGE.url)
        assert cached is not None
        files = cached.page.files
        assert isinstance(files, GroupedFiles)
        assert all(group._files is None for group in files.groups)
        assert tuple(files) == PAGE.files


class TestEarliestUpload:
    @staticmethod
    def stored(*uploads: str | None) -> GroupedFiles:
        files = [
            {"filename": "demo-1.0-py3-none-any.whl", "url": f"f{i}", "upload-time": u}
            for i, u in enumerate(uploads)
        ]
        body = json.dumps({"meta": {"api-version": "1.1"}, "files": files}).encode()
        page = _decode_page(encode_body(body, is_json=True, page_url=PAGE.url, name=PAGE.name))
        assert page is not None
        assert isinstance(page.files, GroupedFiles)
        return page.files

    def test_each_version_keeps_its_earliest_upload_time(self) -> None:
        (group,) = self.stored("2024-03-01T10:00:00.5Z", "2024-02-01T00:00:00Z").groups
        assert group.earliest == dt.datetime(2024, 2, 1, tzinfo=dt.UTC).timestamp()
        assert group._files is None  # known without decoding the group

    @pytest.mark.parametrize(
        ("stamps", "earliest"),
        [
            (("2024-03-01T10:00:00.000001Z", "2024-02-01T00:00:00.250000Z"), (2, 1, 0.25)),
            # Two layouts in one second: as text the later one sorts first.
            (("2024-02-01T00:00:00.500000Z", "2024-02-01T00:00:00Z"), (2, 1, 0.0)),
            (("2024-02-01T01:00:00+01:00", "2024-02-01T00:30:00Z"), (2, 1, 0.0)),
        ],
    )
    def test_the_earliest_of_any_layout(
        self, stamps: tuple[str, str], earliest: tuple[int, int, float]
    ) -> None:
        (group,) = self.stored(*stamps).groups
        month, day, seconds = earliest
        expected = dt.datetime(2024, month, day, tzinfo=dt.UTC).timestamp() + seconds
        assert group.earliest == expected

    @pytest.mark.parametrize("other", [None, "yesterday"])
    def test_one_file_without_a_readable_time_leaves_it_unknown(self, other: str | None) -> None:
        (group,) = self.stored("2024-02-01T00:00:00Z", other).groups
        assert group.earliest is None

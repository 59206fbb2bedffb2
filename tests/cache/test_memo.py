"""Remembered results (wheelcast.cache.memo): reused while every page they read is unchanged."""

from __future__ import annotations

import importlib
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from packaging.version import Version
from tests.indexserver import IndexServer, MakeIndexServer

from wheelcast.cache import memo
from wheelcast.forecast.check import CheckResult, IndexOptions, check
from wheelcast.forecast.resolve import Options
from wheelcast.index.store import FILENAME, SCHEMA_VERSION, Cache, PageState
from wheelcast.targets import Target, parse_python, parse_target

INDEX = Path(__file__).parent.parent / "data" / "index"
# The module, not the function the package exports under the same name.
check_module = importlib.import_module("wheelcast.forecast.check")


def win_arm64() -> list[Target]:
    return parse_target("win-arm64", [parse_python("3.12")])


def pins(result: CheckResult) -> dict[str, str]:
    (forecast,) = result.forecasts
    return {p.name: str(p.version) for p in forecast.packages}


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the runs that resolved (instead of reusing a remembered result)."""
    counted: list[int] = []
    resolve = check_module._run

    def counting(*args: object, **kwargs: object) -> object:
        counted.append(1)
        return resolve(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(check_module, "_run", counting)
    return counted


def run(requirements: Sequence[str], url: str, cache: Path, **index: bool) -> CheckResult:
    return check(
        requirements,
        win_arm64(),
        index=IndexOptions(index_url=url, cache_dir=cache, **index),
        build_needs=False,
    )


class TestReuse:
    def test_unchanged_pages_give_the_remembered_result_without_resolving(
        self, index_server: IndexServer, tmp_path: Path, runs: list[int]
    ) -> None:
        first = run(["requests"], index_server.url, tmp_path)
        assert runs == [1]
        asked = dict(index_server.requests)
        offline = run(["requests"], index_server.url, tmp_path, offline=True)
        assert dict(index_server.requests) == asked  # nothing asked of the index
        # This server sends validators, so an online run revalidates every page (304).
        online = run(["requests"], index_server.url, tmp_path)
        assert index_server.requests["/simple/requests/"] == asked["/simple/requests/"] + 1
        assert runs == [1]
        assert offline == first == online

    def test_refresh_asks_for_every_page_and_reuses_when_all_are_equal(
        self, index_server: IndexServer, tmp_path: Path, runs: list[int]
    ) -> None:
        first = run(["requests"], index_server.url, tmp_path)
        before = index_server.requests["/simple/requests/"]
        again = run(["requests"], index_server.url, tmp_path, refresh=True)
        assert again == first
        assert runs == [1]
        assert index_server.requests["/simple/requests/"] == before + 1
        assert index_server.requests["/simple/idna/"] >= 2

    def test_a_changed_page_is_resolved_again(
        self, tmp_path: Path, make_index_server: MakeIndexServer, runs: list[int]
    ) -> None:
        pages = tmp_path / "pages"
        shutil.copytree(INDEX / "pages", pages)
        server = make_index_server(pages, INDEX / "metadata")
        cache = tmp_path / "cache"
        assert pins(run(["idna"], server.url, cache))["idna"] == "3.20"
        # Every release after 3.10 disappears from the index.
        page = json.loads((pages / "idna.json").read_text())
        page["files"] = [
            f
            for f in page["files"]
            if Version(f["filename"].split("-")[1].removesuffix(".tar.gz")) <= Version("3.10")
        ]
        (pages / "idna.json").write_text(json.dumps(page))
        assert pins(run(["idna"], server.url, cache, offline=True))["idna"] == "3.20"
        assert runs == [1]  # offline: the cached page is the one the result read
        changed = run(["idna"], server.url, cache, refresh=True)
        assert runs == [1, 1]
        assert pins(changed)["idna"] == "3.10"
        assert changed == run(["idna"], server.url, tmp_path / "cold")

    def test_worker_processes_are_the_same_question(
        self, index_server: IndexServer, tmp_path: Path, runs: list[int]
    ) -> None:
        first = run(["idna"], index_server.url, tmp_path)
        again = run(["idna"], index_server.url, tmp_path, offline=True, workers=True)
        assert again == first
        assert runs == [1]

    def test_other_options_or_targets_are_other_results(
        self, index_server: IndexServer, tmp_path: Path, runs: list[int]
    ) -> None:
        run(["idna"], index_server.url, tmp_path)
        check(
            ["idna"],
            win_arm64(),
            options=Options(pre=True),
            index=IndexOptions(index_url=index_server.url, cache_dir=tmp_path),
            build_needs=False,
        )
        check(
            ["idna"],
            parse_target("linux-x86_64", [parse_python("3.12")]),
            index=IndexOptions(index_url=index_server.url, cache_dir=tmp_path),
            build_needs=False,
        )
        assert runs == [1, 1, 1]

    def test_local_build_checks_are_never_remembered(
        self, index_server: IndexServer, tmp_path: Path, runs: list[int]
    ) -> None:
        targets = win_arm64()

        def here(languages: Sequence[str]) -> tuple[bool, str]:
            return True, "checked"

        for _ in range(2):
            check(
                ["idna"],
                targets,
                index=IndexOptions(index_url=index_server.url, cache_dir=tmp_path),
                local={targets[0].id: here},
            )
        assert runs == [1, 1]


class TestKey:
    def test_an_edited_wheelcast_is_another_key(self, monkeypatch: pytest.MonkeyPatch) -> None:
        before = memo.run_key("check", ("idna",))
        monkeypatch.setattr(memo, "code_fingerprint", lambda: "edited")
        assert memo.run_key("check", ("idna",)) != before

    def test_the_key_of_sets_does_not_depend_on_string_hashing(self) -> None:
        code = (
            "from packaging.requirements import Requirement; from wheelcast.cache import memo;"
            " print(memo.run_key(frozenset(Requirement(f'p{i}[a,b,c]') for i in range(50)),"
            " {f'k{i}': i for i in range(50)}))"
        )
        keys = {
            subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                check=True,
                env={"PYTHONHASHSEED": seed, "PATH": ""},
            ).stdout
            for seed in ("1", "2", "3")
        }
        assert len(keys) == 1

    def test_values_that_differ_are_keys_that_differ(self) -> None:
        assert memo.run_key(frozenset({"a"})) != memo.run_key(frozenset({"b"}))
        assert memo.run_key(("a", None)) != memo.run_key(("a", "None"))


class TestCacheFile:
    def test_a_schema_1_file_is_upgraded_and_keeps_its_pages(self, tmp_path: Path) -> None:
        conn = sqlite3.connect(tmp_path / FILENAME)
        with conn:
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO schema_version VALUES (1)")
            conn.execute(
                "CREATE TABLE pages (url TEXT PRIMARY KEY, data BLOB NOT NULL, etag TEXT,"
                " last_modified TEXT, fetched_at REAL NOT NULL)"
            )
            conn.execute("INSERT INTO pages VALUES ('u', x'00', '\"e\"', NULL, 5.0)")
        conn.close()
        with Cache(tmp_path) as cache:
            states = cache.page_states(["u", "v"])
            assert set(states) == {"u"}
            assert states["u"].digest is None  # unknown: a result read from it is not kept
        conn = sqlite3.connect(tmp_path / FILENAME)
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert conn.execute("SELECT etag FROM pages").fetchall() == [('"e"',)]
        indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'pages'"
        assert ("page_states",) in conn.execute(indexes).fetchall()
        conn.close()

    def test_only_the_newest_results_are_kept(self, tmp_path: Path) -> None:
        with Cache(tmp_path) as cache:
            for i in range(40):
                memo.remember(cache, f"k{i}", b"x", {"u": ("p", "d")})  # type: ignore[dict-item]
            kept = [k for k in (f"k{i}" for i in range(40)) if memo.recall(cache, k)]
        assert kept == [f"k{i}" for i in range(8, 40)]

    def test_a_page_without_a_digest_is_not_remembered(self, tmp_path: Path) -> None:
        with Cache(tmp_path) as cache:
            assert not memo.remember(cache, "k", b"x", {"u": ("p", None)})  # type: ignore[dict-item]
            assert memo.recall(cache, "k") is None


class TestStale:
    REMEMBERED = memo.Remembered(b"x", (("u1", "a", "d1"), ("u2", "b", "d2")))

    def test_fresh_equal_pages_leave_nothing_to_ask(self) -> None:
        states = {"u1": PageState("d1", fresh=True), "u2": PageState("d2", fresh=True)}
        stale = self.REMEMBERED.stale(states, offline=False, refresh=False)
        assert stale is not None
        assert stale.pages == ()

    def test_old_pages_are_asked_again_and_refresh_asks_all(self) -> None:
        states = {"u1": PageState("d1", fresh=True), "u2": PageState("d2", fresh=False)}
        stale = self.REMEMBERED.stale(states, offline=False, refresh=False)
        assert stale is not None
        assert stale.pages == (("u2", "b", "d2"),)
        everything = self.REMEMBERED.stale(states, offline=False, refresh=True)
        assert everything is not None
        assert everything.pages == self.REMEMBERED.pages
        offline = self.REMEMBERED.stale(states, offline=True, refresh=True)
        assert offline is not None
        assert offline.pages == ()

    @pytest.mark.parametrize(
        "states",
        [
            {"u1": PageState("d1", fresh=True)},  # a page gone from the cache
            {"u1": PageState("d1", fresh=True), "u2": PageState(None, fresh=True)},
            {"u1": PageState("other", fresh=True), "u2": PageState("d2", fresh=True)},
        ],
    )
    def test_a_missing_unknown_or_changed_page_rules_reuse_out(
        self, states: dict[str, PageState]
    ) -> None:
        assert self.REMEMBERED.stale(states, offline=False, refresh=False) is None

    def test_holds_needs_every_page_with_its_digest(self) -> None:
        pages = {"u1": ("a", "d1"), "u2": ("b", "d2")}
        assert self.REMEMBERED.holds(pages)  # type: ignore[arg-type]
        assert not self.REMEMBERED.holds({**pages, "u2": ("b", "new")})  # type: ignore[arg-type]
        assert not self.REMEMBERED.holds({"u1": ("a", "d1")})  # type: ignore[arg-type]
        assert not self.REMEMBERED.holds(None)

"""Replayed answers (wheelcast.cache.replay): a repeated command, answered before wheelcast loads,
only while everything it read is unchanged."""

from __future__ import annotations

import importlib
import io
import marshal
import os
import sqlite3
import subprocess
import sys
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

import platformdirs
import pytest
from tests.indexserver import IndexServer, build_wheel

import wheelcast
from wheelcast.cache import replay
from wheelcast.cli import main
from wheelcast.index.store import FILENAME, Cache
from wheelcast.runtime import cache_file as _cachefile
from wheelcast.runtime import witness as _witness

REPO = Path(__file__).resolve().parents[2]
SAMPLE = Path(__file__).parent.parent / "data" / "inputs" / "sample"
# Pages as an index without validators leaves them: fresh for a while.
FRESH = "UPDATE pages SET etag = NULL, last_modified = NULL, fetched_at = ?"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder, the working folder, with a requirements file and an include."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "requirements.txt").write_text("requests\n-r more.txt\n")
    (folder / "more.txt").write_text("# nothing yet\n")
    monkeypatch.chdir(folder)
    return folder


def argv(server: IndexServer, cache: Path, *extra: str) -> list[str]:
    return [
        "check", "-r", "requirements.txt", "-t", "win-arm64", "-p", "3.12",
        "--index-url", server.url, "--cache-dir", str(cache), "--no-build-needs",
        "--format", "json", *extra,
    ]  # fmt: skip


def full(command: Sequence[str], out: io.StringIO | None = None) -> tuple[int, str]:
    """The full command, as the process entry runs it after a miss."""
    out = out if out is not None else io.StringIO()
    return main(list(command), out), out.getvalue()


def replayed(command: Sequence[str], **kwargs: object) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = replay.replay(command, out=out, err=err, **kwargs)  # type: ignore[arg-type]
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def offline(index_server: IndexServer, project: Path, tmp_path: Path) -> list[str]:
    """An offline command, its cache filled by an online run."""
    cache = tmp_path / "cache"
    full(argv(index_server, cache))
    return argv(index_server, cache, "--offline")


def stored(command: Sequence[str]) -> tuple[int | None, str, str]:
    """Run ``command`` in full, so that its answer is stored, and replay it once.

    In the test itself: pytest's environment differs between set-up and the test.
    """
    status, out = full(command)
    again = replayed(command)
    assert again == (status, out, "")
    return again


def answers(cache: Path) -> int:
    """How many answers are stored in ``cache``."""
    with Cache(cache) as opened:
        return len(opened._query_all("SELECT key FROM results WHERE key LIKE 'replay:%'", ()))


class TestReplay:
    def test_the_same_command_gets_the_same_answer_without_asking_anything(
        self, offline: list[str], index_server: IndexServer
    ) -> None:
        asked = sum(index_server.requests.values())
        _, out, _ = stored(offline)
        assert sum(index_server.requests.values()) == asked
        assert '"name": "requests"' in out

    def test_an_output_file_is_written_again(
        self, index_server: IndexServer, project: Path, tmp_path: Path
    ) -> None:
        cache = tmp_path / "cache"
        command = argv(index_server, cache, "--offline", "-o", "report.json")
        full(argv(index_server, cache))
        status, _ = full(command)
        written = (project / "report.json").read_text()
        (project / "report.json").unlink()
        assert replayed(command) == (status, "", "")
        assert (project / "report.json").read_text() == written

    def test_an_edited_input_file_is_a_miss(self, offline: list[str], project: Path) -> None:
        stored(offline)
        (project / "requirements.txt").write_text("requests\n-r more.txt\n\n")
        assert replayed(offline)[0] is None

    def test_an_edited_include_is_a_miss(self, offline: list[str], project: Path) -> None:
        stored(offline)
        (project / "more.txt").write_text("idna\n")
        assert replayed(offline)[0] is None

    def test_a_file_added_where_the_command_looked_is_a_miss(
        self, offline: list[str], project: Path
    ) -> None:
        stored(offline)
        (project / "pyproject.toml").write_text("[project]\nname = 'p'\n")
        assert replayed(offline)[0] is None

    def test_a_folder_named_like_a_requirement_is_watched(
        self, offline: list[str], project: Path
    ) -> None:
        # "idna" names a folder here that is not a project: the line is a requirement,
        # until the folder becomes a project and the line a local path.
        (project / "idna").mkdir()
        (project / "more.txt").write_text("idna\n")
        stored(offline)
        (project / "idna" / "pyproject.toml").write_text("[project]\nname = 'idna'\n")
        assert replayed(offline)[0] is None

    def test_another_environment_or_folder_is_a_miss(
        self, offline: list[str], project: Path
    ) -> None:
        stored(offline)
        assert replayed(offline, environ={**os.environ, "PIP_PRE": "1"})[0] is None
        assert replayed(offline, cwd=str(project.parent))[0] is None
        assert replayed([*offline, "--pre"])[0] is None

    def test_an_install_into_the_import_path_is_a_miss(
        self, offline: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        site = tmp_path / "site-packages"
        site.mkdir()
        monkeypatch.syspath_prepend(str(site))
        stored(offline)
        time.sleep(0.01)  # a coarse clock still sees the folder change
        (site / "newer_packaging-99.dist-info").mkdir()
        assert replayed(offline)[0] is None

    def test_no_glibc_version_means_the_host_is_not_pinned(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def unknown(name: str) -> str:
            raise ValueError(name)

        monkeypatch.setattr(replay.sys, "platform", "linux")
        monkeypatch.setattr(replay.os, "confstr", unknown)
        assert not replay.host_pinned()
        monkeypatch.setattr(replay.os, "confstr", lambda name: "glibc 2.36")
        assert replay.host_pinned()

    def test_an_edited_wheelcast_is_a_miss(
        self, offline: list[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        stored(offline)
        monkeypatch.setattr(_witness, "_fingerprint", "edited")
        assert replayed(offline)[0] is None

    def test_a_changed_or_missing_page_is_a_miss(self, offline: list[str], tmp_path: Path) -> None:
        stored(offline)
        with sqlite3.connect(tmp_path / "cache" / FILENAME) as conn:
            conn.execute("UPDATE pages SET digest = 'other' WHERE url LIKE '%/idna/'")
        assert replayed(offline)[0] is None
        with sqlite3.connect(tmp_path / "cache" / FILENAME) as conn:
            conn.execute("DELETE FROM pages WHERE url LIKE '%/idna/'")
        assert replayed(offline)[0] is None

    def test_a_damaged_entry_is_a_miss(self, offline: list[str], tmp_path: Path) -> None:
        stored(offline)
        with sqlite3.connect(tmp_path / "cache" / FILENAME) as conn:
            conn.execute("UPDATE results SET data = ? WHERE key LIKE 'replay:%'", (b"junk",))
        assert replayed(offline)[0] is None
        with sqlite3.connect(tmp_path / "cache" / FILENAME) as conn:
            junk = zlib.compress(marshal.dumps((1, True, False, (), "not an answer")))
            conn.execute("UPDATE results SET data = ? WHERE key LIKE 'replay:%'", (junk,))
        assert replayed(offline)[0] is None

    def test_only_check_is_replayed_and_never_to_a_terminal(self, offline: list[str]) -> None:
        stored(offline)
        assert replayed(["targets"])[0] is None
        assert replay.replay(offline, out=Terminal(), err=io.StringIO()) is None

    def test_a_report_to_a_file_is_replayed_from_a_terminal_too(
        self, offline: list[str], project: Path
    ) -> None:
        command = [*offline, "-o", "report.json"]
        status, _ = full(command, out=Terminal())
        (project / "report.json").unlink()
        assert replay.replay(command, out=Terminal(), err=io.StringIO()) == status
        assert '"name": "requests"' in (project / "report.json").read_text()


class TestWhenPagesAreAsked:
    """Online, a page is read from the cache only while it is fresh, as a full run does."""

    def online(self, server: IndexServer, cache: Path) -> list[str]:
        command = argv(server, cache)
        full(command)
        full(command)
        return command

    def test_pages_with_validators_leave_it_to_the_full_command(
        self, index_server: IndexServer, project: Path, tmp_path: Path
    ) -> None:
        assert replayed(self.online(index_server, tmp_path / "cache"))[0] is None
        assert answers(tmp_path / "cache") == 1  # stored, but these pages must be asked

    def test_fresh_pages_are_read_from_the_cache_and_stale_ones_are_not(
        self, index_server: IndexServer, project: Path, tmp_path: Path
    ) -> None:
        command = self.online(index_server, tmp_path / "cache")
        with sqlite3.connect(tmp_path / "cache" / FILENAME) as conn:
            conn.execute(FRESH, (time.time(),))
        assert replayed(command)[0] is not None
        with sqlite3.connect(tmp_path / "cache" / FILENAME) as conn:
            long_ago = time.time() - 2 * _cachefile.PAGE_MAX_AGE
            conn.execute("UPDATE pages SET fetched_at = ?", (long_ago,))
        assert replayed(command)[0] is None

    def test_refresh_is_never_replayed(
        self, index_server: IndexServer, project: Path, tmp_path: Path
    ) -> None:
        command = argv(index_server, tmp_path / "cache", "--refresh")
        full(command)
        with sqlite3.connect(tmp_path / "cache" / FILENAME) as conn:
            conn.execute(FRESH, (time.time(),))
        assert replayed(command)[0] is None
        assert answers(tmp_path / "cache") == 1


class TestWhatIsStored:
    def test_nothing_for_a_terminal(
        self, index_server: IndexServer, project: Path, tmp_path: Path
    ) -> None:
        full(argv(index_server, tmp_path / "cache"), out=Terminal())
        assert answers(tmp_path / "cache") == 0

    def test_one_answer_beside_each_remembered_result(
        self, index_server: IndexServer, project: Path, tmp_path: Path
    ) -> None:
        full(argv(index_server, tmp_path / "cache"))
        full(argv(index_server, tmp_path / "cache"))
        assert answers(tmp_path / "cache") == 1

    def test_nothing_when_the_result_is_not_remembered(self, project: Path, tmp_path: Path) -> None:
        links = tmp_path / "links"
        links.mkdir()
        build_wheel(links, "alpha", "1.0")
        cache = tmp_path / "cache"
        command = ["check", "alpha", "-t", "win-arm64", "-p", "3.12", "--no-index"]
        full([*command, "-f", str(links), "--cache-dir", str(cache), "--format", "json"])
        assert answers(cache) == 0  # a local folder has no page digests to hold it to

    def test_standard_error_and_status_are_replayed_as_stored(
        self, offline: list[str], tmp_path: Path
    ) -> None:
        stored(offline)
        answer = ((("", "the matrix\n"),), "wheelcast: note: a note\n", 1)
        data = zlib.compress(replay.encode(answer, (), offline=True, refresh=False))
        with sqlite3.connect(tmp_path / "cache" / FILENAME) as conn:
            conn.execute("UPDATE results SET data = ? WHERE key LIKE 'replay:%'", (data,))
        assert replayed(offline) == (1, "the matrix\n", "wheelcast: note: a note\n")


class TestProcess:
    def test_python_m_wheelcast_answers_a_repeated_check_without_loading_wheelcast(
        self, offline: list[str], project: Path
    ) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        command = [sys.executable, "-X", "importtime", "-m", "wheelcast", *offline]
        first = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        second = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
        assert "wheelcast.cli" in first.stderr  # a new key: another interpreter, path
        loaded = {line.split("|")[-1].strip() for line in second.stderr.splitlines()}
        assert "wheelcast.cache.replay" in loaded
        assert not {"wheelcast.cli", "packaging", "wheelcast.forecast.check"} & loaded


class TestDefaultCacheDir:
    @pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux rule")
    @pytest.mark.parametrize("xdg", [None, "", "  ", "/somewhere/cache"])
    def test_is_platformdirs_rule_on_linux(
        self, xdg: str | None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        if xdg is None:
            monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", xdg)
        assert _cachefile.default_cache_dir() == platformdirs.user_cache_dir("wheelcast")


class TestPackage:
    def test_importing_wheelcast_loads_none_of_it(self) -> None:
        code = "import sys, wheelcast; print(sorted(m for m in sys.modules if 'wheelcast.' in m))"
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO / "src")},
            check=True,
        )
        loaded = "['wheelcast._version', 'wheelcast.runtime', 'wheelcast.runtime.lazy']"
        assert done.stdout.strip() == loaded

    def test_the_api_check_is_the_function_after_the_module_is_imported(self) -> None:
        importlib.import_module("wheelcast.forecast.check")  # binds the submodule on the package
        assert callable(wheelcast.check)
        assert wheelcast.check.__module__ == "wheelcast.forecast.check"
        assert "Verdict" in dir(wheelcast)
        with pytest.raises(AttributeError):
            _ = wheelcast.nothing  # type: ignore[attr-defined]

"""The cache file killed, corrupted and shared: each run still answers, and answers the same.

Every case runs the real command in a fresh interpreter against the recorded index on
127.0.0.1 and compares its output with a run on a sound cache.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tests.indexserver import IndexServer

from wheelcast.index.store import Cache

FILENAME = "wheelcast.sqlite3"
_WAIT = 60.0


def _command(server: IndexServer, cache: Path) -> list[str]:
    return [
        sys.executable, "-m", "wheelcast", "check", "requests",
        "--target", "linux-x86_64", "--python", "3.12", "--exclude-newer", "2025-10-01",
        "-i", server.url, "--cache-dir", str(cache),
    ]  # fmt: skip


def _check(server: IndexServer, cache: Path) -> tuple[int, str, str]:
    done = subprocess.run(
        _command(server, cache), capture_output=True, text=True, timeout=_WAIT, check=False
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def sound(index_server: IndexServer, tmp_path: Path) -> tuple[Path, str]:
    """A cache filled by one run, and that run's output."""
    cache = tmp_path / "sound"
    code, out, err = _check(index_server, cache)
    assert (code, err) == (0, ""), err
    assert "requests" in out
    return cache, out


def _damaged(sound: Path, tmp_path: Path, content: bytes) -> Path:
    cache = tmp_path / "damaged"
    cache.mkdir()
    (cache / FILENAME).write_bytes(content)
    return cache


def _contents(sound: Path) -> bytes:
    return (sound / FILENAME).read_bytes()


CORRUPTIONS = {
    "garbage": lambda data: os.urandom(len(data)),
    "header only": lambda data: data[:100],
    "truncated to half": lambda data: data[: len(data) // 2],
    "garbage header": lambda data: b"\xff" * 100 + data[100:],
}


class TestDamagedFile:
    @pytest.mark.parametrize("corruption", CORRUPTIONS)
    def test_rebuilt_and_the_damaged_file_kept(
        self,
        index_server: IndexServer,
        sound: tuple[Path, str],
        tmp_path: Path,
        corruption: str,
    ) -> None:
        data = CORRUPTIONS[corruption](_contents(sound[0]))
        cache = _damaged(sound[0], tmp_path, data)
        code, out, err = _check(index_server, cache)
        assert (code, err) == (0, ""), err
        assert out == sound[1]
        assert (cache / f"{FILENAME}.damaged").read_bytes() == data
        # The new file is sound: the next run reads it without a word.
        assert _check(index_server, cache) == (0, sound[1], "")

    def test_empty_file_is_a_new_cache(
        self, index_server: IndexServer, sound: tuple[Path, str], tmp_path: Path
    ) -> None:
        cache = _damaged(sound[0], tmp_path, b"")
        assert _check(index_server, cache) == (0, sound[1], "")
        assert not (cache / f"{FILENAME}.damaged").exists()

    @pytest.mark.parametrize("where", [0.5, 0.75, 0.9])
    def test_damage_inside_a_table_is_one_error_line(
        self,
        index_server: IndexServer,
        sound: tuple[Path, str],
        tmp_path: Path,
        where: float,
    ) -> None:
        # The schema reads, a table's page does not: found mid-run, it is one error line
        # naming the file (exit 3), or the run did not need that page.
        data = _contents(sound[0])
        start = int(len(data) * where) // 4096 * 4096
        cache = _damaged(sound[0], tmp_path, data[:start] + b"\xa5" * 4096 + data[start + 4096 :])
        code, out, err = _check(index_server, cache)
        if code == 0:
            assert (out, err) == (sound[1], "")
        else:
            assert code == 3
            assert out == ""
            assert err.count("\n") == 1, err
            assert err.startswith(f"wheelcast: error: cannot read the cache {cache / FILENAME}:")

    def test_cache_says_it_was_rebuilt(self, tmp_path: Path) -> None:
        (tmp_path / FILENAME).write_bytes(b"not a database" * 100)
        with Cache(tmp_path) as cache:
            assert cache.rebuilt == tmp_path / f"{FILENAME}.damaged"
            cache.put_build_needs("k" * 64, 1, "{}")
            assert cache.get_build_needs("k" * 64, 1) == "{}"
        with Cache(tmp_path) as cache:
            assert cache.rebuilt is None


class TestSharedAndKilled:
    def test_two_concurrent_runs_answer_the_same(
        self, index_server: IndexServer, sound: tuple[Path, str], tmp_path: Path
    ) -> None:
        cache = tmp_path / "shared"
        runs = [
            subprocess.Popen(
                _command(index_server, cache),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outcomes = [(run.wait(timeout=_WAIT), *run.communicate()) for run in runs]
        assert outcomes == [(0, sound[1], ""), (0, sound[1], "")]

    def test_two_runs_meeting_one_damaged_file(
        self, index_server: IndexServer, sound: tuple[Path, str], tmp_path: Path
    ) -> None:
        # Both find it damaged; it is set aside once, and neither moves the other's new file.
        garbage = os.urandom(len(_contents(sound[0])))
        cache = _damaged(sound[0], tmp_path, garbage)
        runs = [
            subprocess.Popen(
                _command(index_server, cache),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outcomes = [(run.wait(timeout=_WAIT), *run.communicate()) for run in runs]
        assert outcomes == [(0, sound[1], "")] * 3
        assert (cache / f"{FILENAME}.damaged").read_bytes() == garbage
        assert _check(index_server, cache) == (0, sound[1], "")

    def test_killed_mid_write_leaves_a_usable_cache(
        self, index_server: IndexServer, sound: tuple[Path, str], tmp_path: Path
    ) -> None:
        cache = tmp_path / "killed"
        # Writes without end, each a transaction of 1 MiB; killed once some are in.
        writer = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import itertools, sys\n"
                "from wheelcast.index.store import Cache\n"
                "with Cache(sys.argv[1]) as cache:\n"
                "    for i in itertools.count():\n"
                "        cache.put_build_needs(f'{i:064d}', 1, 'x' * (1 << 20))\n"
                "        print(i, flush=True)\n",
                str(cache),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        for _ in range(20):
            last = int(writer.stdout.readline())
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=_WAIT)
        writer.stdout.close()
        with Cache(cache) as reopened:
            assert reopened.rebuilt is None
            assert reopened.get_build_needs(f"{last:064d}", 1) == "x" * (1 << 20)
        assert _check(index_server, cache) == (0, sound[1], "")

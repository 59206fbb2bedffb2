"""What a killed run leaves behind: no process, and no litter a later run keeps.

The command is started in a session of its own, so that its children are found by their
process group in /proc even once the parent is gone; only the parent is killed
(``kill -9``: no handler, no cleanup of its own), and the children must notice by
themselves (``wheelcast.runtime.workers.exit_with_parent``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.faultserver import FaultServer, json_page
from tests.sdist.test_sdist_service import c_sdist

from wheelcast.index import IndexSession
from wheelcast.index.local import FindLinks
from wheelcast.index.store import Cache
from wheelcast.sdist import build_needs

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads process groups from /proc"
)

_WAIT = 30.0  # seconds for a moment of the run to come; only a broken run takes this long
_GONE = 10.0  # seconds the children have to exit once the parent is killed


def _living(pgid: int) -> dict[int, str]:
    """The live (not zombie) processes of group ``pgid``: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # gone meanwhile
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after ")".
        fields = stat.rpartition(")")[2].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            found[int(entry.name)] = cmdline
    return found


def _start(server: FaultServer, cache: Path) -> subprocess.Popen[bytes]:
    argv = [
        sys.executable, "-m", "wheelcast", "check", "demo",
        "--target", "linux-x86_64", "--python", "3.12",
        "--index-url", f"{server.base}/simple", "--cache-dir", str(cache),
    ]  # fmt: skip
    return subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def _stalled_sdist(server: FaultServer) -> None:
    """A project only an sdist serves, whose download never ends: the run starts its
    sdist worker (a likely build) and stays alive with all its children."""
    entry = {"filename": "demo-1.0.tar.gz", "url": "/files/demo-1.0.tar.gz", "hashes": {}}
    server.static("/simple/demo/", json_page([entry]))
    server.route("/files/demo-1.0.tar.gz", lambda handler: handler.stall())


def _wait_for(moment: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if moment():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


class TestKilledParent:
    def test_children_exit_when_the_parent_is_killed(self, tmp_path: Path) -> None:
        with FaultServer() as server:
            _stalled_sdist(server)
            self._kill_the_parent(server, tmp_path)

    def _kill_the_parent(self, server: FaultServer, tmp_path: Path) -> None:
        run = _start(server, tmp_path / "cache")
        pgid = run.pid
        try:
            # The fetch process and a worker of the pool (both spawned: "spawn_main").
            def started() -> bool:
                children = [c for p, c in _living(pgid).items() if p != run.pid]
                return sum("spawn_main" in c for c in children) >= 2

            assert _wait_for(started, _WAIT), _living(pgid)
            children = {p: c for p, c in _living(pgid).items() if p != run.pid}
            os.kill(run.pid, signal.SIGKILL)
            run.wait(timeout=_WAIT)
            assert _wait_for(lambda: not _living(pgid), _GONE), (children, _living(pgid))
        finally:
            if _living(pgid):
                os.killpg(pgid, signal.SIGKILL)
            run.wait()


_EARLY_UNTAKEN = """
from wheelcast.index import remote
remote.start_early()
print(remote._early[1].pid, flush=True)
"""


class TestEarlyFetchProcess:
    def test_one_no_run_takes_ends_with_its_parent(self, tmp_path: Path) -> None:
        # A run that ends before it fetches (bad input, a remembered answer) leaves nothing.
        done = subprocess.run(
            [sys.executable, "-c", _EARLY_UNTAKEN],
            capture_output=True,
            text=True,
            timeout=_WAIT,
            check=True,
        )
        child = Path("/proc") / done.stdout.strip()
        assert _wait_for(lambda: not child.exists() or "Z" in _state(child), _GONE)
        assert done.stderr == ""  # nothing said, no traceback


def _state(proc: Path) -> str:
    try:
        return (proc / "stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return "X"


# A download that never ends: the sdist's folder and its ``.download-*`` file exist, and
# the process is killed in the middle of it.
_KILLED_DOWNLOAD = """
import sys, time
from pathlib import Path
from wheelcast.sdist import build_needs
from wheelcast.index.store import Cache
from wheelcast.index.models import DistFile

class Stalling:
    def download(self, file, dest, max_bytes):
        part = Path(dest) / ".download-demo-1.0.tar.gz"
        part.write_bytes(b"partial")
        print(part, flush=True)
        time.sleep(600)

with Cache(sys.argv[1]) as cache:
    build_needs(DistFile("demo-1.0.tar.gz", "http://x.invalid/demo-1.0.tar.gz"), Stalling(), cache)
"""


class TestKilledDownload:
    def test_the_next_run_removes_its_litter(self, tmp_path: Path) -> None:
        cache_dir = tmp_path / "cache"
        killed = subprocess.Popen(
            [sys.executable, "-c", _KILLED_DOWNLOAD, str(cache_dir)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert killed.stdout is not None
        partial = Path(killed.stdout.readline().strip())
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=_WAIT)
        killed.stdout.close()
        assert partial.exists()  # kill -9: nothing of the run could clean up
        litter = partial.parent
        assert litter.parent == cache_dir
        assert litter.name.startswith(f"sdist-{killed.pid}-")

        # Beside it, the folder of a run still alive (this one): never touched.
        live = cache_dir / f"sdist-{os.getpid()}-live"
        live.mkdir()
        file = c_sdist(tmp_path)
        with Cache(cache_dir) as cache, IndexSession(FindLinks(str(tmp_path))) as session:
            assert build_needs(file, session, cache).languages == ("C",)
        assert not litter.exists()
        assert live.exists()

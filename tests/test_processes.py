"""What a killed run leaves behind: no process, and no litter a later run keeps.

The command is started in a session of its own, so that its children are found by their
process group in /proc even once the parent is gone; only the parent is killed
(``kill -9``: no handler, no cleanup of its own), and the children must notice by
themselves (``wheelcast._workers.exit_with_parent``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.indexserver import IndexServer

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads process groups from /proc"
)

REALISTIC = Path(__file__).parent / "data" / "reference" / "realistic.in"
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


def _start(server: IndexServer, cache: Path) -> subprocess.Popen[bytes]:
    argv = [
        sys.executable, "-m", "wheelcast", "check",
        "-r", str(REALISTIC), "--target", "linux-x86_64", "--python", "3.12",
        "--exclude-newer", "2025-10-01", "--index-url", server.url,
        "--cache-dir", str(cache),
    ]  # fmt: skip
    return subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def _wait_for(moment: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if moment():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


class TestKilledParent:
    def test_children_exit_when_the_parent_is_killed(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        run = _start(index_server, tmp_path / "cache")
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

"""Ctrl-C at any moment of a run: one line from wheelcast, exit 130, no traceback.

The terminal sends SIGINT to the whole process group, the worker processes
wheelcast spawns (``wheelcast.runtime.workers``, ``wheelcast.index.remote``) included, and a
process still importing cannot catch it. Each case starts the real command in a
session of its own, waits for a moment of the run (the command's own imports, or a
worker process just started) and interrupts the group, as a terminal does.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from tests.faultserver import FaultServer, json_page
from tests.indexserver import IndexServer

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads process groups from /proc"
)

# Thirty-odd requirements: the run lasts seconds after its workers start, far longer
# than the latest interrupt below.
REALISTIC = Path(__file__).parent / "data" / "reference" / "realistic.in"
_WAIT = 30.0  # seconds for a moment to come; only a broken run takes this long


def _group(pgid: int) -> list[int]:
    """The processes of process group ``pgid``, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after ")".
        fields = stat.rpartition(")")[2].split()
        if int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


class _Run:
    """The command started in a new session, its stderr collected as it comes."""

    def __init__(self, index_url: str, cache: Path, requirements: Sequence[str] = ()) -> None:
        argv = [
            sys.executable, "-X", "importtime", "-m", "wheelcast", "check",
            *(requirements or ("-r", str(REALISTIC))), "--target", "linux-x86_64",
            "--python", "3.12", "--exclude-newer", "2025-10-01", "--index-url", index_url,
            "--cache-dir", str(cache),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        with self.process.stderr:
            for line in self.process.stderr:
                self.lines.append(line)

    def wait_for(self, moment: Callable[[], bool]) -> bool:
        deadline = time.monotonic() + _WAIT
        while time.monotonic() < deadline and self.process.poll() is None:
            if moment():
                return True
            time.sleep(0.005)
        return False

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C to the group; the exit status and stderr without -X importtime's lines."""
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(self.process.pid, signal.SIGINT)
        code = self.process.wait(timeout=_WAIT)
        self._reader.join(timeout=_WAIT)
        return code, "".join(line for line in self.lines if not line.startswith("import time:"))

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _interrupted(
    server: IndexServer | FaultServer,
    cache: Path,
    moment: Callable[[_Run], bool],
    delay: float,
    requirements: Sequence[str] = (),
) -> tuple[bool, int, str]:
    index_url = server.url if isinstance(server, IndexServer) else f"{server.base}/simple"
    run = _Run(index_url, cache, requirements)
    try:
        reached = run.wait_for(lambda: moment(run))
        time.sleep(delay)
        children = len(_group(run.process.pid)) - 1
        code, err = run.interrupt()
    finally:
        run.kill()
    return reached, code, err + f"\n[{children} children]"


def _imports_started(run: _Run) -> bool:
    # The first module the command loads inside its own Ctrl-C guard.
    return any(line.rstrip().endswith("| wheelcast.cache.replay") for line in run.lines)


def _worker_started(run: _Run) -> bool:
    return len(_group(run.process.pid)) > 1


def _spawned(pgid: int) -> int:
    """How many of the group's processes are spawned workers (not the resource tracker)."""
    count = 0
    for pid in _group(pgid):
        with contextlib.suppress(OSError):
            count += b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    return count


def _sdist_worker_started(run: _Run) -> bool:
    # The fetch process comes first; the sdist worker with the run's first likely build.
    return _spawned(run.process.pid) >= 2


class TestInterrupt:
    @pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.2, 0.3])
    def test_while_the_command_loads(
        self, index_server: IndexServer, tmp_path: Path, delay: float
    ) -> None:
        reached, code, err = _interrupted(index_server, tmp_path, _imports_started, delay)
        assert reached, err
        assert "Traceback" not in err
        assert code == 130, err
        assert "wheelcast: interrupted" in err

    @pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.1, 0.2, 0.3])
    def test_while_a_worker_process_starts(
        self, index_server: IndexServer, tmp_path: Path, delay: float
    ) -> None:
        reached, code, err = _interrupted(index_server, tmp_path, _worker_started, delay)
        assert reached, err
        assert "Traceback" not in err
        assert code == 130, err
        assert err.count("wheelcast: interrupted") == 1, err

    @pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.1])
    def test_while_the_sdist_worker_starts(self, tmp_path: Path, delay: float) -> None:
        # Its download never ends: the sdist worker starts, then the run waits.
        entry = {
            "filename": "demo-1.0.tar.gz",
            "url": "/files/demo-1.0.tar.gz",
            "hashes": {},
            "upload-time": "2025-01-01T00:00:00Z",
        }
        with FaultServer() as server:
            server.static("/simple/demo/", json_page([entry]))
            server.route("/files/demo-1.0.tar.gz", lambda handler: handler.stall())
            reached, code, err = _interrupted(
                server, tmp_path, _sdist_worker_started, delay, requirements=["demo"]
            )
        assert reached, err
        assert "Traceback" not in err
        assert code == 130, err
        assert err.count("wheelcast: interrupted") == 1, err


class TestForgetHandledInterrupt:
    SCRIPT = (
        "import sys\n"
        "from wheelcast.runtime.interrupts import forget_handled_interrupt\n"
        "try:\n"
        "    exec('raise KeyboardInterrupt')  # as inside a dataclass being made\n"
        "except KeyboardInterrupt:\n"
        "    pass\n"
        "forget_handled_interrupt()\n"
        "sys.exit(7)\n"
    )

    def test_a_caught_interrupt_leaves_the_exit_status_alone(self, tmp_path: Path) -> None:
        # Run with -m, as the command is: there CPython 3.11 would end by SIGINT (-2).
        (tmp_path / "caught.py").write_text(self.SCRIPT)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
        done = subprocess.run([sys.executable, "-m", "caught"], env=env, check=False, timeout=_WAIT)
        assert done.returncode == 7

"""The hidden probe, concurrency: two runs on one cache while one of them is killed."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.faultserver import FaultServer, json_page, metadata_bytes, wheel_entry

WHEEL = "demo-1.0-py3-none-any.whl"
WAIT = 120


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        metadata = metadata_bytes("demo", "1.0")
        sha = hashlib.sha256(WHEEL.encode()).hexdigest()
        running.static(
            "/simple/demo/", json_page([wheel_entry(WHEEL, f"/files/{WHEEL}", sha, metadata)])
        )
        running.static(f"/files/{WHEEL}.metadata", metadata, "application/octet-stream")
        running.route("/simple/stalled/", lambda h: h.stall(b'{"meta": {"api-version": "1.1"}, '))
        yield running


def command(server: FaultServer, cache: Path, *names: str) -> list[str]:
    index = ["-i", f"{server.base}/simple", "--cache-dir", str(cache)]
    return [
        sys.executable,
        "-m",
        "wheelcast",
        "check",
        *names,
        *index,
        "-p",
        "3.12",
        "-t",
        "linux-x86_64",
    ]


def test_a_run_killed_beside_another_leaves_both_the_other_and_the_next_run_right(
    server: FaultServer, tmp_path: Path
) -> None:
    cache = tmp_path / "shared"
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull}
    # The first run has read demo's page and waits on another one when it is killed.
    doomed = subprocess.Popen(
        command(server, cache, "demo", "stalled"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + WAIT
    while "/simple/stalled/" not in server.paths():
        assert time.monotonic() < deadline, server.paths()
        time.sleep(0.05)
    other = subprocess.Popen(
        command(server, cache, "demo"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.3)  # the other run is opening the cache, reading, writing
    os.kill(doomed.pid, signal.SIGKILL)
    assert doomed.wait(timeout=WAIT) == -signal.SIGKILL
    out, err = other.communicate(timeout=WAIT)
    assert other.returncode == 0, err
    assert "demo" in out
    assert err == ""
    after = subprocess.run(
        command(server, cache, "demo"),
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert (after.returncode, after.stdout, after.stderr) == (0, out, "")
    # Its spawned helpers exited with it (tests/test_processes.py holds the mechanism).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(doomed.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("a process of the killed run outlived it")

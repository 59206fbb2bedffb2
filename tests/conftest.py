"""Shared fixtures: the recorded test index over HTTP, and the ``live`` marker.

- ``index_server`` (session): a :class:`tests.indexserver.IndexServer` serving
  ``tests/data/index``; ``.url`` is its ``.../simple/`` URL and ``.requests``
  counts requests per path. Counters, the log and the failure knobs are reset
  before every test that uses it, so a test sees only its own requests.
- ``make_index_server(pages_dir, metadata_dir, files_dir=None)``: starts a
  server on directories of the test's own (say under ``tmp_path``); all are
  stopped at the end of the test.
- Tests marked ``@pytest.mark.live`` are skipped when the real index does not
  answer a HEAD request within 3 seconds (checked once per session).
"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from tests.indexserver import IndexServer, MakeIndexServer

DATA = Path(__file__).parent / "data"
INDEX = DATA / "index"

# Fuzzing (tests/test_fuzz_*.py) is bounded and the same on every run: derandomized, no
# example database, no deadline (a shared CI core is slow at times, never wrong).
settings.register_profile(
    "wheelcast",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("wheelcast")

_LIVE_TIMEOUT = 3.0
_live_key = pytest.StashKey[str | None]()


@pytest.fixture(scope="session")
def index_server() -> Iterator[IndexServer]:
    """The recorded index under tests/data/index, served on 127.0.0.1."""
    with IndexServer(INDEX / "pages", INDEX / "metadata", INDEX / "files") as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_index_server(request: pytest.FixtureRequest) -> None:
    """Reset the session server's counters and knobs for each test using it."""
    if "index_server" in request.fixturenames:
        server: IndexServer = request.getfixturevalue("index_server")
        server.reset()


@pytest.fixture
def make_index_server() -> Iterator[MakeIndexServer]:
    """Factory: ``make_index_server(pages_dir, metadata_dir, files_dir=None)``."""
    servers: list[IndexServer] = []

    def make(pages_dir: Path, metadata_dir: Path, files_dir: Path | None = None) -> IndexServer:
        server = IndexServer(pages_dir, metadata_dir, files_dir).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


# -- the live marker ------------------------------------------------------------


def default_index_url() -> str:
    """The default index URL, asked of pip at run time (never written down)."""
    code = "from pip._internal.models.index import PyPI; print(PyPI.simple_url)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    return out.stdout.strip()


def _probe_live_index() -> str | None:
    """None when the real index answers, else why not."""
    try:
        url = default_index_url()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"cannot ask pip for the default index URL ({exc})"
    request = urllib.request.Request(url, method="HEAD")  # https, from pip
    try:
        with urllib.request.urlopen(request, timeout=_LIVE_TIMEOUT):
            pass
    except (OSError, ValueError) as exc:  # URLError, HTTPError and timeouts are OSErrors
        return str(exc)
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip ``live`` tests when the real index is unreachable (checked once)."""
    if item.get_closest_marker("live") is None:
        return
    stash = item.config.stash
    if _live_key not in stash:
        stash[_live_key] = _probe_live_index()
    error = stash[_live_key]
    if error is not None:
        pytest.skip(f"the real index is unreachable: {error}")

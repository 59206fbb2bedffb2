"""The hidden probe, secrets in ``fix --try-index``: the advice quoted the URL whole.

``fix`` tries each ``--try-index URL`` for what no change of versions fixes and advises
"with --extra-index-url URL, every package installs from wheels": the URL was written
as typed, token and all, in text and JSON. Every command's output now passes
:func:`~wheelcast.runtime.redact.redact_text` at the CLI's boundary.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from tests.faultserver import FaultServer, json_page, metadata_bytes, wheel_entry

from wheelcast.cli import main

from . import test_probe_secrets as secrets

home = secrets.home  # the fixture: no pip configuration, no netrc, its own temporary folder
TOKEN, leaks = secrets.TOKEN, secrets.leaks

WHEEL = "demo-1.0-py3-none-any.whl"


@pytest.mark.parametrize("format_", ["text", "json"])
def test_a_try_index_token_is_never_shown(
    format_: str,
    home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FaultServer() as server:
        server.static("/simple/demo/", json_page([]))  # nothing on the main index
        metadata = metadata_bytes("demo", "1.0")
        sha = hashlib.sha256(WHEEL.encode()).hexdigest()
        entry = wheel_entry(WHEEL, f"../../files/{WHEEL}", sha, metadata)
        server.static("/alt/demo/", json_page([entry]))
        server.static(f"/files/{WHEEL}.metadata", metadata, "application/octet-stream")
        host = server.base.removeprefix("http://")
        argv = ["fix", "demo", "-t", "linux-x86_64", "-p", "3.12", "-i", f"{server.base}/simple"]
        argv += ["--try-index", f"http://user:{TOKEN}@{host}/alt", "--format", format_]
        out = io.StringIO()
        code = main([*argv, "--cache-dir", str(home / "c"), "-o", str(home / "pins.txt")], out)
        err = capsys.readouterr().err
    assert f"--extra-index-url http://user:****@{host}/alt" in out.getvalue(), out.getvalue()
    assert leaks(home, out.getvalue(), err) == []
    assert code in (0, 2), err

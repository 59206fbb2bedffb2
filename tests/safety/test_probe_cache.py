"""The hidden probe, cache poisoning: an index that claims another's file or version."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.faultserver import FaultServer, json_page, metadata_bytes, wheel_entry

from wheelcast.cli import main


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def serve(server: FaultServer, project: str, filename: str, metadata: bytes) -> None:
    entry = wheel_entry(filename, f"/files/{filename}", "ab" * 32, metadata)
    server.static(f"/simple/{project}/", json_page([entry]))
    server.static(f"/files/{filename}.metadata", metadata, "application/octet-stream")


def check(server: FaultServer, cache: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    out = io.StringIO()
    argv = ["check", "demo", "-i", f"{server.base}/simple", "--cache-dir", str(cache)]
    code = main([*argv, "-p", "3.12", "-t", "linux-x86_64", "--format", "json"], out)
    capsys.readouterr()
    return code, json.loads(out.getvalue())


def test_metadata_of_another_version_is_refused_not_read_as_this_one(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serve(server, "demo", "demo-1.0-py3-none-any.whl", metadata_bytes("demo", "2.0", "evil"))
    serve(server, "evil", "evil-1.0-py3-none-any.whl", metadata_bytes("evil", "1.0"))
    for _ in range(2):  # fetched, then from the cache: refused both times
        code, document = check(server, tmp_path / "c", capsys)
        assert code == 0
        packages = document["results"][0]["packages"]
        assert [(p["name"], p["version"]) for p in packages] == [("demo", "1.0")]
        assert packages[0]["dependencies_known"] is False
        notes = [*packages[0].get("notes", []), *document["results"][0].get("notes", [])]
        assert any("core metadata is of version 2.0, the file name says 1.0" in n for n in notes)


def test_a_page_listing_another_project_s_file_gives_none_of_it(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # pip skips a link whose name is another project's: demo is missing, as pip says.
    serve(server, "demo", "evil-1.0-py3-none-any.whl", metadata_bytes("evil", "1.0"))
    code, document = check(server, tmp_path / "c", capsys)
    assert code == 2
    assert document["results"][0]["packages"][0]["verdict"] == "missing"


def test_no_index_and_no_find_links_is_no_source_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # pip's --no-index alone: nothing is listed anywhere, so demo is missing (exit 2).
    out = io.StringIO()
    argv = ["check", "demo", "--no-index", "--cache-dir", str(tmp_path / "c"), "-p", "3.12"]
    code = main([*argv, "-t", "linux-x86_64", "--format", "json"], out)
    assert code == 2, capsys.readouterr().err
    assert json.loads(out.getvalue())["results"][0]["packages"][0]["verdict"] == "missing"

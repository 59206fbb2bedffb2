"""End to end on 127.0.0.1: each target reads the metadata of the file it installs.

app 1.0's wheels declare different dependencies by tag, as tensorflow 2.22.0rc0's do
for h5py (its cp312 wheels ``h5py<3.15``, its cp314 ones ``h5py~=3.15.1``): pip reads
the wheel it installs, so each Python follows its own wheel's Requires-Dist.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import (
    FileEntry,
    IndexServer,
    MakeIndexServer,
    build_wheel,
    file_entry,
    wheel_metadata,
    write_page,
)

from wheelcast.cli import main

LINUX = "manylinux_2_17_x86_64"
ARCHES = ("aarch64", "x86_64")


def sdist(folder: Path, name: str, version: str) -> Path:
    path = folder / f"{name}-{version}.tar.gz"
    info = f"Metadata-Version: 2.2\nName: {name}\nVersion: {version}\n\n".encode()
    with tarfile.open(path, "w:gz") as archive:
        member = tarfile.TarInfo(f"{name}-{version}/PKG-INFO")
        member.size = len(info)
        archive.addfile(member, io.BytesIO(info))
    return path


def wheel(files: Path, metadata: Path, name: str, tag: str, *requires: str) -> FileEntry:
    """A wheel of ``name`` 1.0 (or ``name==version``) and its PEP 658 metadata."""
    name, _, version = name.partition("==")
    path = build_wheel(files, name, version or "1.0", tag=tag, requires_dist=requires)
    raw = wheel_metadata(path)
    (metadata / f"{path.name}.metadata").write_bytes(raw)
    return file_entry(path.name, path.read_bytes(), metadata=raw)


@pytest.fixture
def index(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    files, metadata, pages = tmp_path / "files", tmp_path / "metadata", tmp_path / "pages"
    metadata.mkdir()
    apps = [
        wheel(files, metadata, "app", f"cp312-cp312-{LINUX}", "dep<2", "native"),
        wheel(files, metadata, "app", f"cp313-cp313-{LINUX}", "dep>=2", "native"),
    ]
    write_page(pages, "app", apps)
    old = sdist(files, "dep", "1.0")
    new = wheel(files, metadata, "dep==2.0", f"cp313-cp313-{LINUX}")
    write_page(pages, "dep", [file_entry(old.name, old.read_bytes()), new])
    # One abi3 wheel that both Pythons install.
    write_page(pages, "native", [wheel(files, metadata, "native", f"cp312-abi3-{LINUX}")])
    # Two wheels whose METADATA is byte for byte the same, so the page lists one sha256.
    twins = [wheel(files, metadata, "twin", f"cp312-abi3-manylinux_2_17_{a}") for a in ARCHES]
    write_page(pages, "twin", twins)
    return make_index_server(pages, metadata, files)


def check(
    index: IndexServer, cache: Path, *args: str, code: int = 1
) -> dict[str, dict[str, dict[str, Any]]]:
    out = io.StringIO()
    args = args or ("app", "-t", "linux-x86_64", "-p", "3.12", "-p", "3.13")
    argv = ["check", *args, "-i", index.url, "--cache-dir", str(cache), "--format", "json"]
    assert main(argv, out) == code  # app: dep 1.0 is built on 3.12
    doc = json.loads(out.getvalue())
    return {r["target"]: {p["name"]: p for p in r["packages"]} for r in doc["results"]}


class TestEachTargetReadsItsOwnFile:
    def test_each_python_follows_its_own_wheels_dependencies(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        results = check(index, tmp_path / "cache")
        old, new = results["linux-x86_64@3.12"]["dep"], results["linux-x86_64@3.13"]["dep"]
        assert (old["version"], old["verdict"], old["file"]) == ("1.0", "build", "dep-1.0.tar.gz")
        assert (new["version"], new["verdict"]) == ("2.0", "binary")

    def test_a_wheel_both_targets_install_is_read_once(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        results = check(index, tmp_path / "cache")
        shared = f"native-1.0-cp312-abi3-{LINUX}.whl"
        assert {r["native"]["file"] for r in results.values()} == {shared}
        metadata = {p: n for p, n in index.requests.items() if p.endswith(".metadata")}
        assert metadata == {
            f"/files/app-1.0-cp312-cp312-{LINUX}.whl.metadata": 1,
            f"/files/app-1.0-cp313-cp313-{LINUX}.whl.metadata": 1,
            f"/files/dep-2.0-cp313-cp313-{LINUX}.whl.metadata": 1,
            f"/files/{shared}.metadata": 1,
        }

    def test_wheels_the_page_gives_one_metadata_digest_are_read_once(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        args = ("twin", "-t", "linux-x86_64", "-t", "linux-aarch64", "-p", "3.12")
        results = check(index, tmp_path / "cache", *args, code=0)
        assert [r["twin"]["file"] for r in results.values()] == [
            f"twin-1.0-cp312-abi3-manylinux_2_17_{arch}.whl" for arch in reversed(ARCHES)
        ]
        metadata = [p for p in index.requests if p.endswith(".metadata")]
        assert metadata == ["/files/twin-1.0-cp312-abi3-manylinux_2_17_aarch64.whl.metadata"]

"""The README's first example prints exactly what the README shows (against the recorded index)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shlex
import shutil
import tarfile
from pathlib import Path

from tests.indexserver import IndexServer, MakeIndexServer

from wheelcast.cli import main

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"


def seed_server(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    """The recorded index with numpy 1.26.2's sdist replicated from its recorded listing."""
    listing = json.loads((DATA / "sdists" / "numpy-1.26.2.json").read_text())
    files = tmp_path / "files"
    files.mkdir()
    sdist = files / "numpy-1.26.2.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        for member, _size in listing["members"]:
            data = listing["contents"].get(member, "").encode()
            info = tarfile.TarInfo(f"{listing['top']}/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    pages = tmp_path / "pages"
    shutil.copytree(DATA / "index" / "pages", pages)
    page = json.loads((pages / "numpy.json").read_text())
    for entry in page["files"]:
        if entry["filename"] == sdist.name:
            entry["hashes"] = {"sha256": hashlib.sha256(sdist.read_bytes()).hexdigest()}
    (pages / "numpy.json").write_text(json.dumps(page))
    return make_index_server(pages, DATA / "index" / "metadata", files)


def test_the_first_example_prints_what_the_readme_shows(
    tmp_path: Path, make_index_server: MakeIndexServer
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"\.venv/bin/wheelcast (check [^\n]*)\n", readme)
    shown = re.search(r"The first command prints:\n\n```\n(.*?)```\n", readme, re.DOTALL)
    assert command is not None
    assert shown is not None
    server = seed_server(tmp_path, make_index_server)
    out = io.StringIO()
    argv = [*shlex.split(command[1]), "-i", server.url, "--cache-dir", str(tmp_path / "c")]
    assert main(argv, out) == 1  # as the README says it exits
    assert out.getvalue() == shown[1]

"""The seed's index: the recorded pages with numpy 1.26.2's sdist served, rebuilt from its
recorded listing (tests/data/sdists/numpy-1.26.2.json), so its build needs can be read."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

from tests.indexserver import IndexServer, MakeIndexServer

DATA = Path(__file__).resolve().parent / "data"


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

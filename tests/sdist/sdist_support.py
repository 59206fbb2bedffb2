"""Recorded listings and hand-built archives (hostile ones too) for the build tests."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from wheelcast.sdist.archive import SdistListing

DATA = Path(__file__).resolve().parent.parent / "data" / "sdists"


def recorded(stem: str) -> SdistListing:
    data = json.loads((DATA / f"{stem}.json").read_text(encoding="utf-8"))
    return SdistListing(
        filename=data["filename"],
        top=data["top"],
        members=tuple((p, s) for p, s in data["members"]),
        contents=tuple(sorted(data["contents"].items())),
        unread=tuple(data["unread"]),
    )


def listing(files: dict[str, str], *, members: Iterable[str] = ()) -> SdistListing:
    """A listing of ``demo-1.0`` whose build files are ``files`` plus bare ``members``."""
    paths = [*files, *members]
    return SdistListing(
        filename="demo-1.0.tar.gz",
        top="demo-1.0",
        members=tuple((p, 10) for p in paths),
        contents=tuple(files.items()),
    )


def tar_bytes(entries: Iterable[tarfile.TarInfo | tuple[str, bytes]], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for entry in entries:
            if isinstance(entry, tarfile.TarInfo):
                archive.addfile(entry)
            else:
                name, data = entry
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


def zip_bytes(entries: Iterable[tuple[str, bytes] | zipfile.ZipInfo]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            if isinstance(entry, zipfile.ZipInfo):
                archive.writestr(entry, b"target")
            else:
                archive.writestr(*entry)
    return buffer.getvalue()


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))

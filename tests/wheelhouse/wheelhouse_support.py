"""A tiny index for wheelhouse tests: wheels, one sdist and the build backend it needs.

``alpha`` (pure) needs ``beta`` (pure), ``gamma`` (an sdist only, built by the backend
``tinyback``, itself a wheel on the same index) and ``delta`` (a wheel for this machine
and one for win_arm64).
"""

from __future__ import annotations

import io
import tarfile
from dataclasses import dataclass
from pathlib import Path

from packaging.tags import sys_tags
from tests.indexserver import build_wheel, file_entry, wheel_metadata, write_page

# A PEP 517 backend in one module: the sdist's gamma/ package into a wheel.
TINYBACK = """
import base64, hashlib, os, zipfile

def _pkg_info():
    fields = {}
    with open("PKG-INFO", encoding="utf-8") as f:
        for line in f:
            key, _, value = line.partition(": ")
            fields.setdefault(key, value.strip())
    return fields["Name"], fields["Version"]

def get_requires_for_build_wheel(config_settings=None):
    return []

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name, version = _pkg_info()
    info = f"{name}-{version}.dist-info"
    files = {}
    for folder, _, names in os.walk(name):
        for n in names:
            path = os.path.join(folder, n)
            with open(path, "rb") as f:
                files[path.replace(os.sep, "/")] = f.read()
    files[f"{info}/METADATA"] = (
        f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n\\n".encode())
    files[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\\nGenerator: tinyback\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    record = []
    for arc, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{arc},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\\n".join(record) + "\\n").encode()
    filename = f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as z:
        for arc, data in files.items():
            z.writestr(arc, data)
    return filename
"""


def _sdist(directory: Path, name: str, version: str, backend: str) -> Path:
    top = f"{name}-{version}"
    pkg_info = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n"
    members = {
        f"{top}/PKG-INFO": pkg_info,
        f"{top}/pyproject.toml": (
            f'[build-system]\nrequires = ["{backend}"]\nbuild-backend = "{backend}"\n\n'
            f'[project]\nname = "{name}"\nversion = "{version}"\n'
        ),
        f"{top}/{name}/__init__.py": "VALUE = 42\n",
    }
    path = directory / f"{top}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for member, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def host_tag() -> str:
    return str(next(iter(sys_tags())))


@dataclass(frozen=True)
class TinyIndex:
    pages: Path
    metadata: Path
    files: Path

    def file(self, filename: str) -> Path:
        return self.files / filename


def make_index(
    root: Path, *, backend_ok: bool = True, arm_wheel_in: Path | None = None
) -> TinyIndex:
    """The index under ``root``; ``arm_wheel_in``: delta's win_arm64 wheel is in that
    folder (a ``--find-links`` folder) instead of on the index."""
    pages, metadata, files = root / "pages", root / "metadata", root / "files"
    metadata.mkdir(parents=True)
    wheels: dict[str, list[Path]] = {
        "alpha": [build_wheel(files, "alpha", "1.0", requires_dist=["beta", "gamma", "delta"])],
        "beta": [build_wheel(files, "beta", "1.0")],
        "delta": [
            build_wheel(files, "delta", "1.0", tag=host_tag()),
            *(
                [build_wheel(files, "delta", "1.0", tag="cp312-cp312-win_arm64")]
                if arm_wheel_in is None
                else []
            ),
        ],
        "tinyback": [
            build_wheel(
                files, "tinyback", "1.0",
                files={"tinyback.py": TINYBACK if backend_ok else "raise SystemExit('broken')\n"},
            )
        ],
    }  # fmt: skip
    for name, paths in wheels.items():
        entries = []
        for path in paths:
            meta = wheel_metadata(path)
            (metadata / f"{path.name}.metadata").write_bytes(meta)
            entries.append(file_entry(path.name, path.read_bytes(), metadata=meta))
        write_page(pages, name, entries)
    if arm_wheel_in is not None:
        build_wheel(arm_wheel_in, "delta", "1.0", tag="cp312-cp312-win_arm64")
    sdist = _sdist(files, "gamma", "1.0", "tinyback")
    write_page(pages, "gamma", [file_entry(sdist.name, sdist.read_bytes())])
    return TinyIndex(pages, metadata, files)

"""What the HTML report tests share: small indexes to check against, and the page's data."""

from __future__ import annotations

import html.parser
import io
import json
import tarfile
from pathlib import Path
from typing import Any

from tests.conftest import DATA
from tests.indexserver import IndexServer, MakeIndexServer, build_wheel, file_entry, write_page

from wheelcast.cli import main

MESON_PYPROJECT = """\
[build-system]
requires = ["meson-python>=0.15"]
build-backend = "mesonpy"

[project]
name = "fastlib"
version = "1.0"
"""

# The 34 requirements of tests/data/reference on six targets: 165 to 167 packages each.
REALISTIC = [
    "check", "-r", str(DATA / "reference" / "realistic.in"), "-p", "3.12",
    "-t", "win-arm64", "-t", "win-amd64", "-t", "linux-aarch64", "-t", "macos-arm64",
    "-t", "linux-x86_64", "-t", "linux-x86_64@3.11",
    "--exclude-newer", "2025-10-01T00:00:00Z",
]  # fmt: skip
# The README's first example.
README_FIRST = [
    "check", "numpy", "--python", "3.12", "--target", "win-arm64", "--target", "win-amd64",
    "--exclude-newer", "2023-11-20",
]  # fmt: skip


def _sdist(folder: Path, name: str, version: str, files: dict[str, str]) -> Path:
    path = folder / f"{name}-{version}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for member, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}-{version}/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def small_index(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    """fastlib 1.0: a win_amd64 wheel and a meson-python sdist (C, C++), so it builds on
    win-arm64; purelib 2.0: a pure wheel, needed by fastlib."""
    files = tmp_path / "files"
    files.mkdir()
    wheel = build_wheel(
        files, "fastlib", "1.0", tag="cp312-cp312-win_amd64", requires_dist=["purelib"]
    )
    source = _sdist(
        files,
        "fastlib",
        "1.0",
        {
            "pyproject.toml": MESON_PYPROJECT,
            "meson.build": "project('fastlib', 'c', 'cpp')\n",
            "src/fast.c": "int f(void) { return 1; }\n",
            "PKG-INFO": "Metadata-Version: 2.2\nName: fastlib\nVersion: 1.0\n"
            "Requires-Dist: purelib\n\n",
        },
    )
    pure = build_wheel(files, "purelib", "2.0")
    pages = tmp_path / "pages"
    write_page(pages, "fastlib", [file_entry(p.name, p.read_bytes()) for p in (wheel, source)])
    write_page(pages, "purelib", [file_entry(pure.name, pure.read_bytes())])
    return make_index_server(pages, tmp_path / "metadata", files)


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, out), out.getvalue()


class _Scripts(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def scripts(page: str) -> list[tuple[dict[str, str | None], str]]:
    """Each <script> element of ``page``, as an HTML parser splits them: (attributes, text)."""
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    return parser.scripts


def embedded(page: str) -> Any:
    """The JSON document the page carries."""
    (text,) = [text for attrs, text in scripts(page) if attrs.get("id") == "wheelcast-data"]
    return json.loads(text)

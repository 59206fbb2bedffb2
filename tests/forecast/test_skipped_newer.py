"""A wheel of an older version: the check cell says why not a newer one."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer, MakeIndexServer, build_wheel, file_entry, write_page

from wheelcast.cli import main

# version -> (upload day, Requires-Python, wheel tags, with an sdist)
RELEASES: dict[str, tuple[str, str | None, tuple[str, ...], bool]] = {
    "1.0": (
        "2024-01-02",
        None,
        ("cp312-cp312-macosx_11_0_universal2", "cp312-cp312-manylinux_2_17_x86_64"),
        False,
    ),
    "1.1": (
        "2024-03-02",
        None,
        (
            "cp312-cp312-macosx_14_0_arm64",
            "cp312-cp312-macosx_14_0_x86_64",
            "cp312-cp312-manylinux_2_28_x86_64",
            "cp312-cp312-win_amd64",
        ),
        False,
    ),
    "1.2": ("2024-05-02", None, ("cp312-cp312-macosx_14_0_arm64",), False),
    "1.3": ("2024-07-02", ">=3.13", ("cp313-cp313-macosx_11_0_arm64",), False),
}


@pytest.fixture
def server(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    files = tmp_path / "files"
    files.mkdir()
    pages = tmp_path / "pages"
    entries = []
    for version, (day, requires_python, tags, _) in RELEASES.items():
        for tag in tags:
            path = build_wheel(files, "torchlike", version, tag=tag)
            entry = file_entry(path.name, path.read_bytes(), requires_python=requires_python)
            entry["upload-time"] = f"{day}T00:00:00Z"  # type: ignore[typeddict-unknown-key]
            entries.append(entry)
    write_page(pages, "torchlike", entries)
    # slimlib: 2.0 has only an sdist, 1.0 a pure wheel too.
    wheel = build_wheel(files, "slimlib", "1.0")
    old_sdist = files / "slimlib-1.0.tar.gz"
    new_sdist = files / "slimlib-2.0.tar.gz"
    for sdist in (old_sdist, new_sdist):
        sdist.write_bytes(b"not read: --no-build-needs")
    write_page(
        pages,
        "slimlib",
        [file_entry(p.name, p.read_bytes()) for p in (wheel, old_sdist, new_sdist)],
    )
    return make_index_server(pages, tmp_path / "metadata", files)


def check(server: IndexServer, cache: Path, *args: str, json_out: bool = False) -> str:
    out = io.StringIO()
    main(
        ["check", *args, "--python", "3.12", "--no-build-needs", "-i", server.url, "--show", "all",
         "--cache-dir", str(cache), *(["--format", "json"] if json_out else [])],
        out,
    )  # fmt: skip
    return out.getvalue()


def cells(text: str) -> dict[str, list[str]]:
    """Each row's cells, a footnote mark replaced by its footnote: ``● 1.0 (1.1+ ...)``."""
    notes = {}
    for line in text.splitlines():
        if line.startswith("["):
            mark, _, note = line.partition(" ")
            notes[mark] = f"({note.partition(': ')[2]})"
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        name, _, rest = line.partition(" ")
        if name in {"torchlike", "slimlib"}:
            rows[name] = [
                re.sub(r"\[\d+\]", lambda m: notes[m[0]], c.strip())
                for c in rest.strip().split("  ")
                if c.strip()
            ]
    return rows


class TestCell:
    @pytest.mark.parametrize(
        ("target", "expected"),
        [
            ("macos-arm64", "● 1.0 (1.1+ need macOS 14)"),  # macOS 13: 1.1 and 1.2 need 14
            ("macos-x86_64", "● 1.0 (1.1+ need macOS 14)"),
            ("manylinux_2_17_x86_64", "● 1.0 (1.1+ need glibc 2.28)"),
            # The newest allowed is 1.2 (1.3 is for Python 3.13): no file for this platform.
            ("linux-x86_64", "● 1.1 (1.2 has no wheel for manylinux_2_28_x86_64)"),
            ("win-amd64", "● 1.1 (1.2 has no wheel for win_amd64)"),
        ],
    )
    def test_names_the_first_newer_version_and_what_it_needs(
        self, server: IndexServer, tmp_path: Path, target: str, expected: str
    ) -> None:
        text = check(server, tmp_path, "torchlike", "--target", target)
        assert cells(text)["torchlike"] == [expected]

    def test_one_version_passed_over_reads_singular(
        self, server: IndexServer, tmp_path: Path
    ) -> None:
        text = check(
            server,
            tmp_path,
            "torchlike",
            "--target",
            "macos-arm64",
            "--exclude-newer",
            "2024-04-01",
        )
        assert cells(text)["torchlike"] == ["● 1.0 (1.1 needs macOS 14)"]

    @pytest.mark.parametrize(
        "args",
        [
            ["torchlike<1.1", "--target", "macos-arm64"],  # the requirement rules 1.1 out
            ["torchlike", "--target", "macos-arm64", "--exclude-newer", "2024-02-01"],
            ["torchlike==1.0", "--target", "macos-arm64"],
        ],
    )
    def test_no_note_when_nothing_newer_was_allowed(
        self, server: IndexServer, tmp_path: Path, args: list[str]
    ) -> None:
        text = check(server, tmp_path, *args)
        assert "(" not in cells(text)["torchlike"][0]

    def test_a_newer_sdist_under_only_binary(self, server: IndexServer, tmp_path: Path) -> None:
        text = check(
            server, tmp_path, "slimlib", "--target", "linux-x86_64", "--only-binary", ":all:"
        )
        assert cells(text)["slimlib"] == [
            "○ 1.0 (2.0 has only an sdist, which --only-binary rules out)"
        ]
        # Without the option the newer sdist is pip's pick: a build, no note of this kind.
        text = check(server, tmp_path / "2", "slimlib", "--target", "linux-x86_64")
        assert cells(text)["slimlib"][0].startswith("▲ 2.0 (build")


class TestJSON:
    def test_skipped_newer(self, server: IndexServer, tmp_path: Path) -> None:
        doc: dict[str, Any] = json.loads(
            check(server, tmp_path, "torchlike", "--target", "macos-arm64", json_out=True)
        )
        (package,) = doc["results"][0]["packages"]
        assert package["version"] == "1.0"
        assert package["skipped_newer"] == {
            "oldest": "1.1",
            "newest": "1.2",
            "reason": "platform",
            "why": "1.1+ need macOS 14",
        }

    def test_none_for_the_newest(self, server: IndexServer, tmp_path: Path) -> None:
        doc: dict[str, Any] = json.loads(
            check(
                server,
                tmp_path,
                "torchlike",
                "--target",
                "win-amd64",
                "--exclude-newer",
                "2024-04-01",
                json_out=True,
            )
        )
        assert doc["results"][0]["packages"][0]["skipped_newer"] is None

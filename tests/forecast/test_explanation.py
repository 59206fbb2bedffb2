"""wheelcast explain against the recorded index on 127.0.0.1."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer, MakeIndexServer, build_wheel, file_entry, write_page
from tests.seed_index import seed_server

from wheelcast.cli import main

SEED = ["--target", "win-arm64", "--python", "3.12"]
DATA = Path(__file__).parent.parent / "data"


def explain_json(
    server: IndexServer, cache: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = main(
        ["explain", *args, "-i", server.url, "--cache-dir", str(cache), "--format", "json"], out
    )
    assert capsys.readouterr().err == ""
    return code, json.loads(out.getvalue())


class TestSeedCase:
    def test_with_the_date_numpy_126_2_is_built_and_nothing_had_a_wheel(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = explain_json(
            index_server, tmp_path, capsys, "numpy", *SEED, "--exclude-newer", "2023-11-20"
        )
        assert code == 1
        assert doc["schema"] == "wheelcast.explain/1"
        assert doc["package"]["version"] == "1.26.2"
        assert doc["package"]["verdict"] == "build"
        files = doc["files"]
        chosen = [f["filename"] for f in files if f["chosen"]]
        assert chosen == ["numpy-1.26.2.tar.gz"]
        misses = [f for f in files if not f["fits"]]
        # Every file is listed with a reason, the closest miss first: the x64 wheel.
        assert misses[0]["filename"] == "numpy-1.26.2-cp312-cp312-win_amd64.whl"
        assert misses[0]["reason"] == "platform"
        assert {f["reason"] for f in misses} >= {"platform", "python-tag"}
        assert all(f["detail"] for f in misses)
        assert "win_amd64" in doc["other_platforms"]
        # No version up to the cutoff had a cp312 win_arm64 wheel.
        assert doc["newer_wheel"] is None
        assert doc["older_wheel"] is None
        assert doc["first_wheel"] is None
        assert doc["skipped"][0]["why"] == "uploaded after the --exclude-newer cutoff"
        assert "numpy-1.26.2-cp312-cp312-win_amd64.whl" in doc["emulation"]

    def test_without_the_date_the_first_version_with_a_wheel_is_named(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = explain_json(index_server, tmp_path, capsys, "numpy<2", *SEED)
        assert code == 1
        assert doc["package"]["verdict"] == "build"
        assert doc["newer_wheel"]["version"] == "2.3.0"
        assert doc["newer_wheel"]["satisfies_requirements"] is False
        assert doc["first_wheel"]["version"] == "2.3.0"  # not 2.3.0rc1: no --pre
        assert doc["skipped"][0]["why"] == "excluded by '<2'"

    def test_a_binary_pick_lists_the_chosen_wheel_first(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = explain_json(index_server, tmp_path, capsys, "numpy", *SEED)
        assert code == 0
        first = doc["files"][0]
        assert first["chosen"]
        assert first["tag"] == "cp312-cp312-win_arm64"
        assert first["priority"] == 0
        assert doc["emulation"] is None
        assert doc["other_platforms"] == []

    def test_text(self, index_server: IndexServer, tmp_path: Path) -> None:
        out = io.StringIO()
        code = main(
            ["explain", "numpy", *SEED, "--exclude-newer", "2023-11-20",
             "-i", index_server.url, "--cache-dir", str(tmp_path)],
            out,
        )  # fmt: skip
        text = out.getvalue()
        assert code == 1
        assert "pip picks numpy 1.26.2: numpy-1.26.2.tar.gz" in text
        # No numpy release up to the cutoff had a win_arm64 wheel: the platform is why.
        assert (
            "no numpy release before the --exclude-newer cutoff has a wheel for win_arm64" in text
        )
        assert "the nearest platform wheels are win_amd64" in text
        assert "pip's pick" in text


class TestEdges:
    def test_a_marker_for_another_platform(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = explain_json(
            index_server, tmp_path, capsys, "numpy; sys_platform == 'darwin'", *SEED
        )
        assert code == 0
        assert doc["package"] is None
        assert "marker" in doc["why"]

    def test_more_than_one_target_is_bad_input(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code = main(["explain", "numpy", "-t", "win-arm64", "-t", "win-amd64", "-p", "3.12",
                     "--cache-dir", str(tmp_path)], io.StringIO())  # fmt: skip
        assert code == 3
        assert "exactly one target" in capsys.readouterr().err


class TestSeedBuildNeeds:
    """The seed case with numpy's sdist served: a replica built from its recorded listing."""

    @pytest.fixture
    def server(self, tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
        return seed_server(tmp_path, make_index_server)

    def test_meson_python_c_and_cpp_and_the_msvc_arm64_tools(
        self, server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = explain_json(
            server, tmp_path / "c", capsys, "numpy", *SEED, "--exclude-newer", "2023-11-20"
        )
        assert code == 1
        build = doc["package"]["build"]
        assert build["backend"] == "meson-python"
        assert {"C", "C++"} <= set(build["languages"])
        assert "Fortran" not in build["languages"]
        assert any("MSVC" in line and "ARM64" in line for line in build["advice"])
        assert doc["first_wheel"] is None
        assert "win_amd64" in doc["emulation"]

    def test_check_build_cell_shows_languages_and_the_next_wheel(
        self, server: IndexServer, tmp_path: Path
    ) -> None:
        out = io.StringIO()
        code = main(
            ["check", "numpy<2", "-p", "3.12", "-t", "win-arm64", "-i", server.url,
             "--cache-dir", str(tmp_path / "c")],
            out,
        )  # fmt: skip
        assert code == 1
        # 1.26.4's sdist is not served here: its needs are unknown, the hint still shows.
        assert "numpy 1.26.4: build" in out.getvalue()  # a footnote below the table
        assert "2.3.0+ has a wheel" in out.getvalue()


class TestPlatformGap:
    """A project that never had a wheel for the target's platform (grpcio on win-arm64)."""

    @staticmethod
    def server(
        tmp_path: Path,
        make_index_server: MakeIndexServer,
        arm64_tag: str | None = None,
        arm64_version: str = "1.0",
    ) -> IndexServer:
        files = tmp_path / "files"
        files.mkdir()
        tags = ["cp312-cp312-win_amd64", "cp312-cp312-manylinux_2_17_x86_64", "cp311-cp311-win32"]
        entries = []
        for version, uploaded in (("1.0", "2024-01-02"), ("1.1", "2024-06-02")):
            made = [build_wheel(files, "grpclike", version, tag=tag) for tag in tags]
            if arm64_tag and version == arm64_version:
                made.append(build_wheel(files, "grpclike", version, tag=arm64_tag))
            source = files / f"grpclike-{version}.tar.gz"
            source.write_bytes(b"not read: --no-build-needs")
            for path in [*made, source]:
                entry = file_entry(path.name, path.read_bytes())
                entry["upload-time"] = f"{uploaded}T00:00:00Z"  # type: ignore[typeddict-unknown-key]
                entries.append(entry)
        pages = tmp_path / "pages"
        write_page(pages, "grpclike", entries)
        return make_index_server(pages, tmp_path / "metadata", files)

    def explain(self, server: IndexServer, cache: Path, *args: str) -> tuple[int, str]:
        out = io.StringIO()
        code = main(
            ["explain", "grpclike", *SEED, "--no-build-needs", *args,
             "-i", server.url, "--cache-dir", str(cache)],
            out,
        )  # fmt: skip
        return code, out.getvalue()

    def test_a_build_names_the_platform_not_a_file(
        self, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        server = self.server(tmp_path, make_index_server)
        code, text = self.explain(server, tmp_path / "cache")
        assert code == 1
        assert (
            "no grpclike release has a wheel for win_arm64; the nearest platform wheels are"
            " win_amd64, manylinux_2_17_x86_64, win32 (grpclike 1.1)"
        ) in text

    def test_missing_names_the_platform_not_the_closest_file(
        self, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        server = self.server(tmp_path, make_index_server)
        code, text = self.explain(server, tmp_path / "cache", "--only-binary", ":all:")
        assert code == 2
        (headline,) = [line for line in text.splitlines() if "nothing installs here" in line]
        assert "no grpclike release has a wheel for win_arm64" in headline
        assert ".whl" not in headline  # no file presented as the closest miss

    def test_json_gives_the_gap(
        self, tmp_path: Path, make_index_server: MakeIndexServer, capsys: pytest.CaptureFixture[str]
    ) -> None:
        server = self.server(tmp_path, make_index_server)
        _, doc = explain_json(server, tmp_path / "cache", capsys, "grpclike", *SEED)
        assert doc["platform_gap"] == {
            "platform": "win_arm64",
            "version": "1.1",
            "nearest": ["win_amd64", "manylinux_2_17_x86_64", "win32"],
            "after_cutoff": None,
        }

    def test_a_release_past_the_cutoff_with_one_is_named(
        self, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        server = self.server(
            tmp_path, make_index_server, arm64_tag="cp312-cp312-win_arm64", arm64_version="1.1"
        )
        code, text = self.explain(server, tmp_path / "cache", "--exclude-newer", "2024-03-01")
        assert code == 1
        assert (
            "no grpclike release before the --exclude-newer cutoff has a wheel for win_arm64"
            " (the first, 1.1, came after it); the nearest platform wheels are win_amd64,"
            " manylinux_2_17_x86_64, win32 (grpclike 1.0)"
        ) in text

    @pytest.mark.parametrize("tag", ["cp311-cp311-win_arm64", "py2-none-any"])
    def test_a_wheel_for_the_platform_for_another_python_is_no_gap(
        self, tmp_path: Path, make_index_server: MakeIndexServer, tag: str
    ) -> None:
        server = self.server(tmp_path, make_index_server, arm64_tag=tag)
        code, text = self.explain(server, tmp_path / "cache")
        assert code == 1
        assert "no grpclike release" not in text
        assert "grpclike 1.1 has no wheel for cp312-win_arm64" in text

    def test_the_closest_miss_is_of_a_release_before_the_cutoff(
        self, tmp_path: Path, make_index_server: MakeIndexServer, capsys: pytest.CaptureFixture[str]
    ) -> None:
        server = self.server(tmp_path, make_index_server)
        args = ("grpclike", *SEED, "--only-binary", ":all:")
        _, doc = explain_json(
            server, tmp_path / "c", capsys, *args, "--exclude-newer", "2024-03-01"
        )
        # 1.1 came after the cutoff: pip never looked at it, 1.0 is what it missed.
        assert doc["package"]["detail"].startswith("1.0: grpclike-1.0")
        # With nothing before the cutoff, the newest release is named, as past it.
        _, doc = explain_json(
            server, tmp_path / "c", capsys, *args, "--exclude-newer", "2023-03-01"
        )
        assert doc["package"]["detail"].startswith("1.1: ")
        assert doc["package"]["detail"].endswith("after the cutoff")

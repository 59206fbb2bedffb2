"""The wheelhouse's parts on their own: URLs, file names, the build's environment, the
archive unpacking, the progress bar and the text report."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from wheelcast.errors import IndexPageError
from wheelcast.forecast.verdict import BuildInfo, Forecast, Verdict
from wheelcast.index.models import DistFile
from wheelcast.report.wheelhouse_text import BarProgress
from wheelcast.sdist import BuildNeeds
from wheelcast.wheelhouse.assemble import _failure
from wheelcast.wheelhouse.download import public_url, safe_filename
from wheelcast.wheelhouse.pep517_build import _last_error, build_environment, build_wheel


class TestPublicUrl:
    @pytest.mark.parametrize(
        ("url", "public"),
        [
            ("https://user:secret@example.invalid/f/a.whl", "https://example.invalid/f/a.whl"),
            ("https://token@example.invalid:8443/a.whl", "https://example.invalid:8443/a.whl"),
            ("http://u:p@[::1]:80/a.whl#sha256=00", "http://[::1]:80/a.whl#sha256=00"),
            ("https://example.invalid/a.whl", "https://example.invalid/a.whl"),
            ("file:///tmp/links/a.whl", "file:///tmp/links/a.whl"),
        ],
    )
    def test_credentials_are_dropped(self, url: str, public: str) -> None:
        assert public_url(url) == public


class TestSafeFilename:
    @pytest.mark.parametrize(
        "name", ["../evil-1.0-py3-none-any.whl", "a/b-1.0.tar.gz", "..\\x.whl", ".hidden.whl", ""]
    )
    def test_a_name_that_is_not_one_path_part_is_refused(self, name: str) -> None:
        file = DistFile(name, "https://user:pw@example.invalid/x")
        with pytest.raises(IndexPageError) as caught:
            safe_filename(file)
        assert "pw" not in str(caught.value)

    def test_a_plain_name_is_kept(self) -> None:
        assert safe_filename(DistFile("a-1.0.tar.gz", "https://example.invalid/a")) == (
            "a-1.0.tar.gz"
        )


class TestBuildEnvironment:
    def test_the_sources_are_the_forecasts_and_pip_config_is_not_read(self) -> None:
        env = build_environment(
            {"PATH": "/bin", "PIP_INDEX_URL": "https://elsewhere.invalid/", "PIP_CERT": "/ca"},
            index_url="http://127.0.0.1:1/simple/",
            extra_index_urls=["http://127.0.0.1:2/simple/"],
            find_links=["/links"],
            no_index=False,
        )
        assert env["PIP_INDEX_URL"] == "http://127.0.0.1:1/simple/"
        assert env["PIP_EXTRA_INDEX_URL"] == "http://127.0.0.1:2/simple/"
        assert env["PIP_FIND_LINKS"] == "/links"
        assert env["PIP_CONFIG_FILE"] == os.devnull
        assert (env["PATH"], env["PIP_CERT"]) == ("/bin", "/ca")
        assert "PIP_NO_INDEX" not in env

    def test_no_index_keeps_only_find_links(self) -> None:
        env = build_environment(
            {"PIP_EXTRA_INDEX_URL": "https://elsewhere.invalid/"},
            index_url=None,
            extra_index_urls=["http://127.0.0.1:2/simple/"],
            find_links=["/links"],
            no_index=True,
        )
        assert env["PIP_NO_INDEX"] == "1"
        assert "PIP_INDEX_URL" not in env
        assert "PIP_EXTRA_INDEX_URL" not in env


class TestUnpack:
    def test_an_sdist_escaping_its_folder_is_not_built(self, tmp_path: Path) -> None:
        sdist = tmp_path / "evil-1.0.tar.gz"
        with tarfile.open(sdist, "w:gz") as archive:
            data = b"owned"
            info = tarfile.TarInfo("../../outside.txt")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        out = tmp_path / "out"
        out.mkdir()
        result = build_wheel(sdist, out, "python-never-run", name="evil", environ={})
        assert result.wheel is None
        assert result.why.startswith("the sdist cannot be unpacked")
        assert not (tmp_path / "outside.txt").exists()
        assert list(out.iterdir()) == []  # the scratch folder is gone too

    def test_an_interpreter_without_build_says_how_to_get_it(self, tmp_path: Path) -> None:
        sdist = tmp_path / "a-1.0.tar.gz"
        with tarfile.open(sdist, "w:gz") as archive:
            info = tarfile.TarInfo("a-1.0/PKG-INFO")
            archive.addfile(info, io.BytesIO(b""))
        fake = tmp_path / "python"
        fake.write_text('#!/bin/sh\necho "/x/python: No module named build" >&2\nexit 1\n')
        fake.chmod(0o755)
        if os.name == "nt":
            pytest.skip("a shell script stands for the interpreter")
        result = build_wheel(sdist, tmp_path, str(fake), name="a", environ=dict(os.environ))
        assert result.wheel is None
        assert result.why == (
            f"the build package is not installed for {fake}: run {fake} -m pip install build"
        )


class TestBarProgress:
    def test_the_bar_names_files_and_builds_on_a_terminal(self) -> None:
        out = io.StringIO()
        progress = BarProgress(out, color=True)
        progress.start(2, 2048)
        progress.advance("alpha-1.0-py3-none-any.whl", 1024)
        progress.building("gamma", "host@3.12")
        progress.finish()
        assert "gamma" in out.getvalue()


class TestWhyABuildFailed:
    def test_the_backends_error_with_builds_verdict(self) -> None:
        output = "\n".join(
            [
                "* Building wheel...",
                "running build_ext",
                "building 'fast' extension",
                "fast.c:1:10: fatal error: Python.h: No such file or directory",
                "error: command '/usr/bin/gcc' failed with exit code 1",
                "",
                "ERROR Backend subprocess exited when trying to invoke build_wheel",
            ]
        )
        assert _last_error(output) == (
            "error: command '/usr/bin/gcc' failed with exit code 1"
            " (Backend subprocess exited when trying to invoke build_wheel)"
        )

    def test_nothing_printed(self) -> None:
        assert _last_error("") == "the build failed and printed nothing"

    def test_doctor_names_the_missing_toolchain_first(self) -> None:
        needs = BuildNeeds("setuptools", "setuptools.build_meta", ("setuptools",), ("C",))
        package = Forecast(
            canonicalize_name("fast"),
            Version("1.0"),
            Verdict.BUILD,
            None,
            ("(requested)",),
            build=BuildInfo(needs, ("install gcc",), here=(False, "no C compiler found")),
        )
        assert _failure("error: command 'gcc' failed", package) == (
            "no C compiler found (the build said: error: command 'gcc' failed)"
        )

    def test_otherwise_the_advice_for_its_languages(self) -> None:
        needs = BuildNeeds("setuptools", "setuptools.build_meta", ("setuptools",), ("C",))
        package = Forecast(
            canonicalize_name("fast"), Version("1.0"), Verdict.BUILD, None, (),
            build=BuildInfo(needs, ("install gcc (apt install gcc)",)),
        )  # fmt: skip
        assert _failure("it failed", package) == (
            "it failed (to build it here: install gcc (apt install gcc))"
        )

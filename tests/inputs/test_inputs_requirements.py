"""pip's requirements-file syntax: corner cases in tmp_path, and recorded public files."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.requirements import Requirement
from tests.inputs.helpers import PUBLIC

from wheelcast.errors import InputError, InvalidInputFile, InvalidRequirement
from wheelcast.inputs import (
    DirectItem,
    IndexSettings,
    parse_requirement,
    read_requirements,
    read_requirements_file,
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def names(items: tuple[object, ...]) -> list[str]:
    return [str(getattr(item, "requirement", item)) for item in items]


class TestLines:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            pytest.param("numpy\n", ["numpy"], id="plain"),
            pytest.param("# comment\n\nnumpy  # trailing\n", ["numpy"], id="comments"),
            pytest.param("numpy#not-a-comment\n", None, id="hash-without-space"),
            pytest.param("numpy>=1.0,\\\n<2\n", ["numpy<2,>=1.0"], id="continuation"),
            pytest.param(
                "numpy \\\n# comment ends it\nrich\n", ["numpy", "rich"], id="cont-comment"
            ),
            pytest.param("numpy\\", ["numpy"], id="continuation-at-eof"),
            pytest.param(
                "uvicorn[standard]>=0.30; sys_platform != 'win32'\n",
                ['uvicorn[standard]>=0.30; sys_platform != "win32"'],
                id="extras-and-marker",
            ),
        ],
    )
    def test_requirements(self, tmp_path: Path, text: str, expected: list[str] | None) -> None:
        path = write(tmp_path, "requirements.txt", text)
        if expected is None:
            with pytest.raises(InvalidInputFile, match=r"requirements\.txt:1: invalid requirement"):
                read_requirements(path)
            return
        assert names(read_requirements(path).requirements) == expected

    def test_continued_line_reports_its_first_line(self, tmp_path: Path) -> None:
        path = write(tmp_path, "r.txt", "rich\nnumpy>>1 \\\n  ; python_version > '3'\n")
        with pytest.raises(InvalidInputFile, match=r"r\.txt:2: invalid requirement 'numpy>>1"):
            read_requirements(path)

    @pytest.mark.parametrize("newline", [b"\r\n", b"\r"], ids=["windows", "old-mac"])
    def test_line_endings_are_read_as_text_mode_reads_them(
        self, tmp_path: Path, newline: bytes
    ) -> None:
        path = tmp_path / "r.txt"
        path.write_bytes(newline.join([b"# head", b"numpy>=1.0,\\", b"<2", b"rich", b""]))
        items = read_requirements(path).requirements
        assert names(items) == ["numpy<2,>=1.0", "rich"]
        assert [item.origin.line for item in items] == [2, 4]

    def test_origin_lines(self, tmp_path: Path) -> None:
        path = write(tmp_path, "r.txt", "# head\nrich\n\nnumpy\n")
        lines = [item.origin.line for item in read_requirements(path).requirements]
        assert lines == [2, 4]


class TestEnvironmentVariables:
    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            pytest.param("${PKG}>=1", "numpy>=1", id="braces"),
            pytest.param("${PKG_2}", "rich", id="digits-underscore"),
            pytest.param("numpy==${MISSING}", None, id="unset-left-as-is"),
            pytest.param("numpy==${lower}", None, id="lowercase-not-expanded"),
        ],
    )
    def test_expansion(self, tmp_path: Path, line: str, expected: str | None) -> None:
        path = write(tmp_path, "r.txt", line + "\n")
        env = {"PKG": "numpy", "PKG_2": "rich", "lower": "1"}
        if expected is None:
            with pytest.raises(InvalidInputFile, match="invalid requirement"):
                read_requirements(path, environ=env)
            return
        assert names(read_requirements(path, environ=env).requirements) == [expected]

    def test_index_url_from_environment(self, tmp_path: Path) -> None:
        path = write(tmp_path, "r.txt", "--index-url https://${HOST}/simple\n")
        settings = read_requirements(path, environ={"HOST": "mirror.example.invalid"}).settings
        assert settings.index_url == "https://mirror.example.invalid/simple"


class TestOptions:
    def test_global_options(self, tmp_path: Path) -> None:
        (tmp_path / "wheels").mkdir()
        path = write(
            tmp_path,
            "r.txt",
            "-i https://index.example.invalid/simple\n"
            "--extra-index-url=https://extra.example.invalid/simple\n"
            "-f wheels\n"
            "--find-links https://links.example.invalid/\n"
            "--only-binary=:all:\n"
            "--no-binary numpy,SciPy\n"
            "--prefer-binary\n"
            "--pre\n"
            "--trusted-host extra.example.invalid\n"
            "numpy\n",
        )
        project = read_requirements(path)
        assert project.settings == IndexSettings(
            index_url="https://index.example.invalid/simple",
            extra_index_urls=("https://extra.example.invalid/simple",),
            find_links=(str(tmp_path / "wheels"), "https://links.example.invalid/"),
            only_binary=frozenset({":all:"}),
            no_binary=frozenset({"numpy", "scipy"}),
            binary_options=(("only-binary", ":all:"), ("no-binary", "numpy,SciPy")),
            prefer_binary=True,
            pre=True,
        )
        assert any("--trusted-host" in note for note in project.notes)

    @pytest.mark.parametrize(
        ("lines", "only", "no"),
        [
            pytest.param(
                ["--no-binary=:all:", "--only-binary=numpy"],
                {"numpy"},
                {":all:"},
                id="name-beats-all",
            ),
            pytest.param(
                ["--only-binary=numpy", "--no-binary=numpy"], set(), {"numpy"}, id="later-wins"
            ),
            pytest.param(
                ["--only-binary=:all:", "--only-binary=:none:"], set(), set(), id="none-clears"
            ),
            pytest.param(
                ["--no-binary=a", "--only-binary=:all:"], {":all:"}, set(), id="all-clears-other"
            ),
        ],
    )
    def test_format_control(
        self, tmp_path: Path, lines: list[str], only: set[str], no: set[str]
    ) -> None:
        path = write(tmp_path, "r.txt", "\n".join(lines) + "\n")
        settings = read_requirements(path).settings
        assert (settings.only_binary, settings.no_binary) == (frozenset(only), frozenset(no))

    def test_hashes_per_requirement(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "r.txt",
            "--require-hashes\n"
            "Numpy==2.1.0 \\\n    --hash=sha256:aa \\\n    --hash sha256:bb\nrich==13.0\n",
        )
        project = read_requirements(path)
        assert project.requirements[0].hashes == ("sha256:aa", "sha256:bb")
        assert project.settings.hashes_for(parse_name("numpy")) == ("sha256:aa", "sha256:bb")
        assert project.settings.require_hashes

    @pytest.mark.parametrize(
        ("line", "message"),
        [
            pytest.param("--frobnicate", "unknown option '--frobnicate'", id="unknown"),
            pytest.param(
                "numpy --index-url x",
                "option '--index-url' is not allowed after",
                id="global-after-req",
            ),
            pytest.param("--hash=sha256:aa", "--hash must follow a requirement", id="hash-alone"),
            pytest.param("--index-url", "option '--index-url' needs a value", id="missing-value"),
            pytest.param("--pre=yes", "option '--pre' takes no value", id="flag-with-value"),
            pytest.param("--index-url 'unclosed", "cannot split options", id="bad-quote"),
        ],
    )
    def test_bad_options(self, tmp_path: Path, line: str, message: str) -> None:
        path = write(tmp_path, "reqs.txt", f"rich\n{line}\n")
        with pytest.raises(InvalidInputFile, match=r"^reqs\.txt:2: |reqs\.txt:2: ") as info:
            read_requirements(path)
        assert message in str(info.value)
        assert info.value.hint


def parse_name(name: str) -> object:
    from packaging.utils import canonicalize_name  # noqa: PLC0415 - local helper

    return canonicalize_name(name)


class TestIncludes:
    def test_nested_relative_to_including_file(self, tmp_path: Path) -> None:
        write(tmp_path, "requirements/base.txt", "rich\n-c ../constraints/pins.txt\n")
        write(tmp_path, "constraints/pins.txt", "rich==13.9.4\n-r more.txt\n")
        write(tmp_path, "constraints/more.txt", "click\n")
        top = write(tmp_path, "requirements/dev.txt", "-r base.txt\npytest\n")
        project = read_requirements(top)
        assert names(project.requirements) == ["rich", "click", "pytest"]  # -r in -c: requirements
        assert names(project.constraints) == ["rich==13.9.4"]
        assert (
            project.requirements[1].origin.path == tmp_path / "requirements/../constraints/more.txt"
        )

    def test_missing_include_names_the_including_line(self, tmp_path: Path) -> None:
        top = write(tmp_path, "requirements.txt", "rich\n-r nope.txt\n")
        with pytest.raises(InvalidInputFile, match=r"requirements\.txt:2: file not found"):
            read_requirements(top)

    def test_cycle(self, tmp_path: Path) -> None:
        write(tmp_path, "a.txt", "rich\n-r b.txt\n")
        write(tmp_path, "b.txt", "-r a.txt\n")
        with pytest.raises(
            InvalidInputFile, match=r"b\.txt:1: include cycle: a.txt -> b.txt -> a.txt"
        ):
            read_requirements(tmp_path / "a.txt")

    def test_remote_include_is_refused(self, tmp_path: Path) -> None:
        top = write(tmp_path, "r.txt", "-r https://example.invalid/r.txt\n")
        with pytest.raises(InvalidInputFile, match="remote include"):
            read_requirements(top)

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "r.txt"
        path.write_bytes(b"rich\nnum\xffpy\n")
        with pytest.raises(InvalidInputFile, match=r"r\.txt:2: not UTF-8"):
            read_requirements(path)


class TestDirect:
    @pytest.mark.parametrize(
        ("line", "name", "location", "editable"),
        [
            pytest.param("-e .", None, ".", True, id="editable-dot"),
            pytest.param(
                "-e git+https://git.example.invalid/x.git#egg=Foo_Bar",
                "foo-bar",
                "git+https://git.example.invalid/x.git#egg=Foo_Bar",
                True,
                id="editable-vcs-egg",
            ),
            pytest.param("--editable=./lib", None, "./lib", True, id="editable-long"),
            pytest.param(
                "./dist/pkg-1.0-py3-none-any.whl",
                None,
                "./dist/pkg-1.0-py3-none-any.whl",
                False,
                id="wheel-path",
            ),
            pytest.param("pkg-1.0.tar.gz", None, "pkg-1.0.tar.gz", False, id="sdist-name"),
            pytest.param(
                "https://files.example.invalid/pkg-1.0.zip",
                None,
                "https://files.example.invalid/pkg-1.0.zip",
                False,
                id="url",
            ),
            pytest.param(
                "pkg @ https://files.example.invalid/pkg-1.0.whl",
                "pkg",
                "https://files.example.invalid/pkg-1.0.whl",
                False,
                id="pep508-url",
            ),
            pytest.param(
                "file:../local#egg=local", "local", "file:../local#egg=local", False, id="file-url"
            ),
        ],
    )
    def test_direct_items(
        self, tmp_path: Path, line: str, name: str | None, location: str, editable: bool
    ) -> None:
        project = read_requirements(write(tmp_path, "r.txt", f"{line}\n"))
        assert project.requirements == ()
        (item,) = project.direct
        assert (item.name, item.url_or_path, item.editable) == (name, location, editable)
        assert item.origin.line == 1

    def test_url_marker_needs_space(self, tmp_path: Path) -> None:
        line = "https://files.example.invalid/a.whl ; sys_platform == 'win32'"
        (item,) = read_requirements(write(tmp_path, "r.txt", line + "\n")).direct
        assert isinstance(item, DirectItem)
        assert str(item.marker) == 'sys_platform == "win32"'

    def test_editable_constraint_is_an_error(self, tmp_path: Path) -> None:
        path = write(tmp_path, "c.txt", "-e .\n")
        with pytest.raises(
            InvalidInputFile, match=r"c\.txt:1: editable requirements are not allowed"
        ):
            read_requirements(path, constraint=True)


class TestCompatibility:
    def test_parse_requirement(self) -> None:
        assert parse_requirement(" numpy>=1 ") == Requirement("numpy>=1")
        with pytest.raises(InvalidRequirement, match=r"^x:3: invalid requirement 'numpy>>1'"):
            parse_requirement("numpy>>1", "x:3")

    def test_read_requirements_file_returns_requirements(self, tmp_path: Path) -> None:
        write(tmp_path, "base.txt", "rich\n")
        path = write(tmp_path, "r.txt", "-r base.txt\nnumpy --hash=sha256:aa\n")
        assert read_requirements_file(path) == [Requirement("rich"), Requirement("numpy")]

    @pytest.mark.parametrize("text", ["-e .\n", "--index-url https://i.example.invalid/\n"])
    def test_read_requirements_file_never_drops(self, tmp_path: Path, text: str) -> None:
        with pytest.raises(InputError, match="read_requirements"):
            read_requirements_file(write(tmp_path, "r.txt", text))


class TestPublicFiles:
    def test_home_assistant_requirements_test(self) -> None:
        """home-assistant/core: -c and -r at the top, comments between pins."""
        folder = PUBLIC / "home-assistant"
        project = read_requirements(folder / "requirements_test.txt")
        reqs = names(project.requirements)
        assert reqs[:4] == [
            "aiohttp-asyncmdnsresolver==0.0.1",
            "codespell==2.3.0",
            "ruff==0.8.6",
            "yamllint==1.35.1",
        ]
        assert "pytest==9.0.3" in reqs
        assert len(reqs) == 4 + 45
        assert "numpy==1.26.0" in names(project.constraints)
        assert project.requirements[0].origin.path.name == "requirements_test_pre_commit.txt"
        assert project.requirements[4].origin.line == 11
        assert project.direct == ()

    def test_djangoproject_dev(self) -> None:
        """django/djangoproject.com: -r common.txt holding a git direct requirement."""
        project = read_requirements(PUBLIC / "djangoproject" / "requirements" / "dev.txt")
        (direct,) = project.direct
        assert direct.name == "django-push"
        assert direct.url_or_path.startswith("git+https://")
        assert direct.origin.line == 6
        assert "psycopg[binary]==3.2.12" in names(project.requirements)
        assert len(project.requirements) == 23 + 5

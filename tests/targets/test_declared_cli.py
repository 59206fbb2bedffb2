"""The command line over declared targets: --dockerfile, --github-actions, .python-version."""

from __future__ import annotations

import io
import json
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer, build_wheel

from wheelcast.cache import replay
from wheelcast.cli import EXIT_BUILD, EXIT_INPUT, EXIT_MISSING, EXIT_WHEELS, main


def run(argv: Sequence[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out), out.getvalue()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working folder: wheels of 'alpha' for glibc 2.39 and 2.36 only on some Pythons."""
    links = tmp_path / "links"
    links.mkdir()
    build_wheel(links, "alpha", "1.0", tag="cp312-cp312-manylinux_2_39_x86_64")
    build_wheel(links, "alpha", "1.0", tag="cp313-cp313-manylinux_2_36_x86_64")
    build_wheel(links, "alpha", "1.0", tag="cp313-cp313-manylinux_2_36_aarch64")
    build_wheel(links, "alpha", "1.0", tag="cp312-cp312-win_arm64")
    build_wheel(links, "alpha", "1.0", tag="cp311-cp311-musllinux_1_2_x86_64")
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def check(*argv: str) -> tuple[int, dict[str, dict[str, Any]]]:
    """``check alpha`` from the links folder: status, and verdict by target id."""
    links = str(Path.cwd().parent / "links")
    code, out = run(
        ["check", "alpha", *argv, "--no-index", "-f", links, "--cache-dir", "../cache",
         "--format", "json"]
    )  # fmt: skip
    assert code != EXIT_INPUT, out
    document = json.loads(out)
    return code, {
        r["target"]: {p["name"]: p["verdict"] for p in r["packages"]} for r in document["results"]
    }


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text))
    return path


class TestDockerfile:
    def test_the_final_stage_is_the_only_target(
        self, project: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write(
            project / "Dockerfile",
            """\
            ARG PY=3.12
            FROM python:${PY}-bookworm AS build
            RUN pip wheel -w /w .
            FROM python:${PY}-slim
            COPY --from=build /w /w
            """,
        )
        code, results = check("--dockerfile", "Dockerfile")
        # trixie's glibc 2.41 takes the manylinux_2_39 wheel.
        assert (code, results) == (EXIT_WHEELS, {"python:3.12-slim@3.12": {"alpha": "binary"}})
        assert "Dockerfile:4: FROM python:3.12-slim on linux/amd64 is Debian 13 (trixie)" in (
            capsys.readouterr().err
        )

    def test_the_debian_release_decides_the_wheel(self, project: Path) -> None:
        write(project / "Dockerfile", "FROM python:3.12-slim-bookworm\n")
        code, results = check("--dockerfile", "Dockerfile")
        # bookworm's glibc 2.36 cannot take a manylinux_2_39 wheel, and there is no sdist.
        assert (code, results) == (
            EXIT_MISSING,
            {"python:3.12-slim-bookworm@3.12": {"alpha": "missing"}},
        )

    def test_the_docker_platform_gives_the_arch(self, project: Path) -> None:
        write(project / "Dockerfile", "FROM python:3.13-bookworm\n")
        _, results = check("--dockerfile", "Dockerfile", "--docker-platform", "linux/arm64")
        assert results == {"python:3.13-bookworm[linux/arm64]@3.13": {"alpha": "binary"}}

    def test_alpine_is_musl(self, project: Path) -> None:
        write(project / "Dockerfile", "FROM --platform=linux/amd64 python:3.11-alpine3.20\n")
        _, results = check("--dockerfile", "Dockerfile")
        assert results == {"python:3.11-alpine3.20@3.11": {"alpha": "binary"}}

    def test_a_docker_stage_and_other_targets_beside(self, project: Path) -> None:
        write(project / "Dockerfile", "FROM python:3.13-bookworm AS ci\nFROM python:3.12-slim\n")
        _, results = check(
            "--dockerfile", "Dockerfile", "--docker-stage", "ci", "-t", "win-arm64", "-p", "3.12"
        )
        assert list(results) == ["win-arm64@3.12", "python:3.13-bookworm@3.13"]

    def test_build_args_override_arg_defaults(self, project: Path) -> None:
        write(project / "Dockerfile", "ARG PY=3.12\nARG OS=bookworm\nFROM python:${PY}-${OS}\n")
        _, results = check(
            "--dockerfile", "Dockerfile", "--docker-build-arg", "PY=3.13",
            "--docker-build-arg", "OS=bookworm",
        )  # fmt: skip
        assert results == {"python:3.13-bookworm@3.13": {"alpha": "binary"}}

    def test_explain_takes_the_dockerfiles_target(self, project: Path) -> None:
        write(project / "Dockerfile", "FROM python:3.13-slim-bookworm\n")
        links = str(project.parent / "links")
        code, out = run(
            ["explain", "alpha", "--dockerfile", "Dockerfile", "--no-index", "-f", links,
             "--cache-dir", "../cache", "--format", "json"]
        )  # fmt: skip
        assert code == EXIT_WHEELS
        assert "manylinux_2_36_x86_64" in out


class TestGithubActions:
    def test_runs_on_crossed_with_the_python_matrix(
        self, project: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        workflow = project / ".github" / "workflows"
        workflow.mkdir(parents=True)
        write(
            workflow / "ci.yml",
            """\
            on: [push, pull_request]
            jobs:
              test:
                runs-on: ${{ matrix.os }}
                strategy:
                  matrix:
                    os: [ubuntu-24.04, windows-11-arm]
                    python-version: ['3.12', '3.13', pypy3.10]
                steps:
                  - uses: actions/setup-python@v5
                    with:
                      python-version: ${{ matrix.python-version }}
            """,
        )
        code, results = check("--github-actions", ".github/workflows/ci.yml")
        assert code == EXIT_MISSING
        assert results == {
            "ubuntu-24.04@3.12": {"alpha": "binary"},
            "ubuntu-24.04@3.13": {"alpha": "binary"},
            "windows-11-arm@3.12": {"alpha": "binary"},
            "windows-11-arm@3.13": {"alpha": "missing"},
        }
        assert "pypy3.10 skipped" in capsys.readouterr().err

    def test_setup_pythons_version_file_is_read_from_the_repository_root(
        self, project: Path
    ) -> None:
        workflow = project / ".github" / "workflows"
        workflow.mkdir(parents=True)
        (project / ".python-version").write_text("3.12\n")
        write(
            workflow / "ci.yml",
            """\
            jobs:
              test:
                runs-on: windows-11-arm
                steps:
                  - uses: actions/setup-python@v5
                    with:
                      python-version-file: .python-version
            """,
        )
        _, results = check("--github-actions", str(workflow / "ci.yml"))
        assert results == {"windows-11-arm@3.12": {"alpha": "binary"}}


class TestPythonVersionFile:
    def test_the_project_folders_file_sets_the_python(
        self, project: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (project / ".python-version").write_text("3.13\n")
        _, results = check("-t", "linux-aarch64")
        assert list(results) == ["linux-aarch64@3.13"]
        assert "Python 3.13 from .python-version" in capsys.readouterr().err

    def test_it_beats_requires_python(self, project: Path) -> None:
        folder = project / "app"
        folder.mkdir()
        (folder / "pyproject.toml").write_text(
            "[project]\nname = 'app'\nversion = '1'\nrequires-python = '>=3.10'\n"
            "dependencies = ['alpha']\n"
        )
        (folder / ".python-version").write_text("3.12\n")
        links = str(project.parent / "links")
        code, out = run(
            ["check", "app", "-t", "win-arm64", "--no-index", "-f", links,
             "--cache-dir", "../cache", "--format", "json"]
        )  # fmt: skip
        assert code == EXIT_WHEELS
        assert [r["target"] for r in json.loads(out)["results"]] == ["win-arm64@3.12"]

    def test_python_wins_over_the_file(self, project: Path) -> None:
        (project / ".python-version").write_text("3.13\n")
        _, results = check("-t", "win-arm64", "-p", "3.12")
        assert list(results) == ["win-arm64@3.12"]

    def test_a_file_given(self, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
        pins = write(project / "pins.txt", "# team\n3.12\n3.13\n")
        code, results = check("-t", "win-arm64", "--python-version-file", str(pins))
        assert code == EXIT_MISSING
        assert list(results) == ["win-arm64@3.12", "win-arm64@3.13"]
        assert f"Python 3.12, 3.13 from {pins}" in capsys.readouterr().err

    def test_it_does_not_apply_to_declared_targets_alone(
        self, project: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (project / ".python-version").write_text("3.13\n")
        write(project / "Dockerfile", "FROM python:3.12-slim\n")
        _, results = check("--dockerfile", "Dockerfile")
        assert list(results) == ["python:3.12-slim@3.12"]
        assert ".python-version" not in capsys.readouterr().err


class TestBadInput:
    @pytest.mark.parametrize(
        ("files", "argv", "message"),
        [
            ({"Dockerfile": "RUN echo\n"}, ["--dockerfile", "Dockerfile"], "no FROM instruction"),
            (
                {"Dockerfile": "FROM node:20\n"},
                ["--dockerfile", "Dockerfile"],
                "Dockerfile:1: cannot tell which platform and Python 'FROM node:20' has",
            ),
            ({}, ["--dockerfile", "nowhere"], "file not found: 'nowhere'"),
            ({}, ["--docker-platform", "linux/arm64"], "--docker-platform goes with --dockerfile"),
            ({}, ["--docker-build-arg", "PY=3.12"], "--docker-build-arg goes with --dockerfile"),
            (
                {"Dockerfile": "FROM python:3.12\n"},
                ["--dockerfile", "Dockerfile", "--docker-build-arg", "PY"],
                "--docker-build-arg takes NAME=VALUE",
            ),
            (
                {"Dockerfile": "FROM python:3.12\n"},
                ["--dockerfile", "Dockerfile", "--docker-platform", "linux/mips"],
                "unknown Docker platform 'linux/mips'",
            ),
            (
                {"ci.yml": "jobs:\n  a:\n    runs-on: my-runner\n"},
                ["--github-actions", "ci.yml"],
                "ci.yml: job 'a': runs-on [my-runner] is no GitHub-hosted runner",
            ),
            ({"ci.yml": "jobs: [\n"}, ["--github-actions", "ci.yml"], "ci.yml:2: invalid YAML"),
            (
                {"ci.yml": "jobs:\n  a:\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix:\n"
                 "        a: [" + ",".join(map(str, range(17))) + "]\n"
                 "        b: [" + ",".join(map(str, range(17))) + "]\n"},
                ["--github-actions", "ci.yml"],
                "matrix of 289 combinations",
            ),
            ({".python-version": "latest\n"}, [], r"\.python-version:1: 'latest' is no Python"),
        ],
    )  # fmt: skip
    def test_one_error_line_and_exit_3(
        self,
        project: Path,
        capsys: pytest.CaptureFixture[str],
        files: dict[str, str],
        argv: list[str],
        message: str,
    ) -> None:
        for name, text in files.items():
            (project / name).write_text(text)
        code, _ = run(["check", "alpha", *argv, "--no-index", "--cache-dir", "../cache"])
        err = capsys.readouterr().err
        assert code == EXIT_INPUT
        assert err.count("\n") == 1, err
        assert err.startswith("wheelcast: error: ")
        assert message in err or re.search(message, err), err


class TestReplay:
    """An answer built on a declared file is replayed only while the file is unchanged."""

    def command(self, server: IndexServer, *extra: str) -> list[str]:
        return [
            "check", "requests", "--index-url", server.url, "--cache-dir", "../cache",
            "--no-build-needs", "--format", "json", *extra,
        ]  # fmt: skip

    def replayed(self, command: Sequence[str]) -> int | None:
        return replay.replay(command, out=io.StringIO(), err=io.StringIO())

    def stored(self, command: list[str]) -> tuple[list[str], int]:
        """The command offline, its cache filled by an online run and its answer stored."""
        run(command)
        offline = [*command, "--offline"]
        status, _ = run(offline)
        return offline, status

    def test_an_edited_dockerfile_is_a_miss(self, project: Path, index_server: IndexServer) -> None:
        (project / "Dockerfile").write_text("FROM python:3.12-slim\n")
        command = self.command(index_server, "--dockerfile", "Dockerfile")
        command, status = self.stored(command)
        assert self.replayed(command) == status
        (project / "Dockerfile").write_text("FROM python:3.12-alpine\n")
        assert self.replayed(command) is None

    def test_an_edited_workflow_is_a_miss(self, project: Path, index_server: IndexServer) -> None:
        text = (
            "jobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n"
            "      - uses: actions/setup-python@v5\n        with: {python-version: '3.12'}\n"
        )
        (project / "ci.yml").write_text(text)
        command = self.command(index_server, "--github-actions", "ci.yml")
        command, status = self.stored(command)
        assert self.replayed(command) == status
        (project / "ci.yml").write_text(text.replace("3.12", "3.13"))
        assert self.replayed(command) is None

    def test_a_python_version_file_added_or_edited_is_a_miss(
        self, project: Path, index_server: IndexServer
    ) -> None:
        command = self.command(index_server, "-t", "win-arm64")
        (project / ".python-version").write_text("3.12\n")
        command, status = self.stored(command)
        assert self.replayed(command) == status
        (project / ".python-version").write_text("3.13\n")
        assert self.replayed(command) is None
        (project / ".python-version").unlink()
        assert self.replayed(command) is None


def test_a_build_counts_on_a_declared_target(project: Path) -> None:
    links = project.parent / "links"
    from tests.test_cli import sdist  # noqa: PLC0415

    sdist(links, "alpha", "1.0")
    write(project / "Dockerfile", "FROM python:3.12-slim-bookworm\n")
    code, results = check("--dockerfile", "Dockerfile")
    assert (code, results) == (EXIT_BUILD, {"python:3.12-slim-bookworm@3.12": {"alpha": "build"}})


def test_a_declared_target_option_on_a_command_without_it_is_not_its_own_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = write(tmp_path / "Dockerfile", "FROM python:3.12-slim\n")
    code, _ = run(["targets", "--dockerfile", str(dockerfile)])
    assert code == EXIT_INPUT
    err = capsys.readouterr().err
    assert "--dockerfile" in err
    assert "did you mean --dockerfile?" not in err

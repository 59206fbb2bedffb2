"""Tests for wheelcast.targets.declared.dockerfile: the final stage's FROM as a target."""

from __future__ import annotations

import textwrap
import time
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from wheelcast.errors import InvalidInputFile, WheelcastError
from wheelcast.runtime.limits import MAX_SHOWN_CHARS
from wheelcast.targets import parse_python
from wheelcast.targets.declared import dockerfile_targets, parse_docker_platform
from wheelcast.targets.declared.images import NEWEST_STABLE_PYTHON


def only(text: str, **kwargs: Any) -> tuple[str, str]:
    """The one target's platform tag and Python."""
    declared = dockerfile_targets(textwrap.dedent(text), "Dockerfile", **kwargs)
    (target,) = declared.targets
    return target.platform.tag, target.python.short


class TestPythonImages:
    @pytest.mark.parametrize(
        ("image", "tag", "python"),
        [
            ("python:3.12-slim", "manylinux_2_41_x86_64", "3.12"),
            ("python:3.12", "manylinux_2_41_x86_64", "3.12"),
            ("python:3.12-bookworm", "manylinux_2_36_x86_64", "3.12"),
            ("python:3.12-slim-bookworm", "manylinux_2_36_x86_64", "3.12"),
            ("python:3.11-bullseye", "manylinux_2_31_x86_64", "3.11"),
            ("python:3.10-slim-buster", "manylinux_2_28_x86_64", "3.10"),
            ("python:3.13-trixie", "manylinux_2_41_x86_64", "3.13"),
            ("python:3.12.4-slim-bookworm", "manylinux_2_36_x86_64", "3.12"),
            ("python:3.14.0rc2-slim", "manylinux_2_41_x86_64", "3.14"),
            # A Python past its end of life before trixie keeps its last Debian.
            ("python:3.8-slim", "manylinux_2_36_x86_64", "3.8"),
            ("python:3.6", "manylinux_2_31_x86_64", "3.6"),
            ("python:3.12-alpine3.20", "musllinux_1_2_x86_64", "3.12"),
            ("python:3.12-alpine", "musllinux_1_2_x86_64", "3.12"),
            ("python:3.9-alpine3.12", "musllinux_1_1_x86_64", "3.9"),
            ("python:3.13-alpine3.30", "musllinux_1_2_x86_64", "3.13"),
            ("python:3.12-windowsservercore-ltsc2022", "win_amd64", "3.12"),
            ("python:3.11-nanoserver-1809", "win_amd64", "3.11"),
            ("python", "manylinux_2_41_x86_64", NEWEST_STABLE_PYTHON),
            ("python:latest", "manylinux_2_41_x86_64", NEWEST_STABLE_PYTHON),
            ("python:3-slim", "manylinux_2_41_x86_64", NEWEST_STABLE_PYTHON),
            ("python:slim-bookworm", "manylinux_2_36_x86_64", NEWEST_STABLE_PYTHON),
            ("python:alpine", "musllinux_1_2_x86_64", NEWEST_STABLE_PYTHON),
            (
                "mirror.invalid/astral-sh/uv:python3.12-bookworm-slim",
                "manylinux_2_36_x86_64",
                "3.12",
            ),
            ("mirror.invalid/astral-sh/uv:0.8-python3.13-alpine", "musllinux_1_2_x86_64", "3.13"),
            (
                "mirror.invalid/astral-sh/uv:0.8.4-python3.11-trixie",
                "manylinux_2_41_x86_64",
                "3.11",
            ),
        ],
    )
    def test_the_tag_names_debian_or_alpine_and_python(
        self, image: str, tag: str, python: str
    ) -> None:
        assert only(f"FROM {image}\n") == (tag, python)

    @pytest.mark.parametrize(
        "image",
        [
            "mirror.invalid/library/python:3.12-slim",
            "mirror.invalid:5000/python:3.12-slim",
            "localhost/library/python:3.12-slim",
            "library/python:3.12-slim",
            "python:3.12-slim@sha256:" + "a" * 64,
            "PYTHON:3.12-SLIM",
        ],
    )
    def test_registry_library_prefix_digest_and_case_do_not_matter(self, image: str) -> None:
        assert only(f"FROM {image}") == ("manylinux_2_41_x86_64", "3.12")

    def test_the_note_says_what_the_image_is(self) -> None:
        declared = dockerfile_targets("FROM python:3.12-slim-bookworm\n", "app/Dockerfile")
        (note,) = declared.notes
        assert note.startswith("app/Dockerfile:1: FROM python:3.12-slim-bookworm on linux/amd64")
        assert "Debian 12 (bookworm), glibc 2.36, CPython 3.12" in note
        assert note.endswith("target manylinux_2_36_x86_64@3.12")

    def test_the_target_is_named_after_the_image(self) -> None:
        declared = dockerfile_targets("FROM mirror.invalid/library/python:3.12-slim@sha256:ab\n")
        assert [t.id for t in declared.targets] == ["python:3.12-slim@3.12"]
        arm = dockerfile_targets("FROM python:3.12-slim\n", platform="linux/arm64")
        assert [t.id for t in arm.targets] == ["python:3.12-slim[linux/arm64]@3.12"]


class TestBaseImages:
    @pytest.mark.parametrize(
        ("image", "tag", "python"),
        [
            ("ubuntu:24.04", "manylinux_2_39_x86_64", "3.12"),
            ("ubuntu:noble", "manylinux_2_39_x86_64", "3.12"),
            ("ubuntu:noble-20240801", "manylinux_2_39_x86_64", "3.12"),
            ("ubuntu:22.04", "manylinux_2_35_x86_64", "3.10"),
            ("ubuntu:20.04", "manylinux_2_31_x86_64", "3.8"),
            ("debian:bookworm-slim", "manylinux_2_36_x86_64", "3.11"),
            ("debian:12", "manylinux_2_36_x86_64", "3.11"),
            ("debian:trixie", "manylinux_2_41_x86_64", "3.13"),
            ("debian:bullseye-20240110-slim", "manylinux_2_31_x86_64", "3.9"),
            ("alpine:3.20", "musllinux_1_2_x86_64", "3.12"),
            ("alpine:3.18.4", "musllinux_1_2_x86_64", "3.11"),
            ("redhat/ubi9-minimal", "manylinux_2_34_x86_64", "3.9"),
            ("mirror.invalid/ubi8/ubi", "manylinux_2_28_x86_64", "3.6"),
            ("rockylinux:9.3", "manylinux_2_34_x86_64", "3.9"),
            ("almalinux:10", "manylinux_2_39_x86_64", "3.12"),
            ("amazonlinux:2023", "manylinux_2_34_x86_64", "3.9"),
            ("amazonlinux:2", "manylinux_2_26_x86_64", "3.7"),
            ("nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04", "manylinux_2_35_x86_64", "3.10"),
            ("nvidia/cuda:12.6.0-base-ubi9", "manylinux_2_34_x86_64", "3.9"),
        ],
    )
    def test_the_distributions_python3_package(self, image: str, tag: str, python: str) -> None:
        assert only(f"FROM {image}\nRUN apt-get install -y python3\n") == (tag, python)

    @pytest.mark.parametrize(
        ("image", "tag", "python"),
        [
            ("mirror.invalid/lambda/python:3.12", "manylinux_2_34_x86_64", "3.12"),
            ("mirror.invalid/lambda/python:3.13.2025.01.01", "manylinux_2_34_x86_64", "3.13"),
            ("mirror.invalid/lambda/python:3.11", "manylinux_2_26_x86_64", "3.11"),
            ("mirror.invalid/lambda/python:3.12-arm64", "manylinux_2_34_aarch64", "3.12"),
        ],
    )
    def test_aws_lambdas_python_images(self, image: str, tag: str, python: str) -> None:
        assert only(f"FROM {image}\n") == (tag, python)

    @pytest.mark.parametrize(
        ("run", "python"),
        [
            ("apt-get install -y python3.11 python3.11-venv python3.11-dev", "3.11"),
            (
                "apt-get update && apt-get install -y --no-install-recommends python3.12-full",
                "3.12",
            ),
            ("uv python install 3.13", "3.13"),
            ("uv venv --python 3.12.4 /venv", "3.12"),
            ("uv sync --locked --python=3.13t", "3.13t"),
            ("pyenv install 3.11.9 && pyenv global 3.11.9", "3.11"),
            ("conda create -y -n app python=3.10", "3.10"),
            ("dnf install -y python3.12 python3.12-pip", "3.12"),
            # Only the distribution's own python3: its version stays.
            ("apt-get install -y python3 python3-pip python3-venv", "3.10"),
            ("echo python3.11 is not installed here", "3.10"),
            ("apt-get install -y python3.99", "3.10"),
        ],
    )
    def test_a_run_that_installs_another_python_sets_it(self, run: str, python: str) -> None:
        text = f"FROM ubuntu:22.04\nRUN {run}\n"
        assert only(text) == ("manylinux_2_35_x86_64", python)

    def test_the_last_python_installed_along_the_stages_counts(self) -> None:
        text = """\
            FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 AS base
            RUN apt-get update && apt-get install -y software-properties-common \\
                && add-apt-repository ppa:deadsnakes/ppa \\
                && apt-get install -y python3.11 python3.11-venv
            FROM base
            RUN uv python install 3.12
        """
        declared = dockerfile_targets(textwrap.dedent(text))
        assert [t.id for t in declared.targets] == [
            "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04@3.12"
        ]
        assert declared.notes[-1].startswith(
            "Dockerfile:6: RUN installs CPython 3.12 (uv python install 3.12): it is the"
            " target's Python, not the python3 package's 3.10"
        )

    def test_a_python_image_keeps_its_python(self) -> None:
        assert only("FROM python:3.12-slim\nRUN apt-get install -y python3.11\n") == (
            "manylinux_2_41_x86_64",
            "3.12",
        )

    def test_the_note_says_the_python_is_the_python3_package(self) -> None:
        (note,) = dockerfile_targets("FROM ubuntu:24.04\n").notes
        assert "Ubuntu 24.04, glibc 2.39, CPython 3.12 from its python3 package" in note


class TestStages:
    def test_the_last_from_is_the_final_stage(self) -> None:
        text = """\
            FROM python:3.12-bookworm AS builder
            RUN pip wheel -w /wheels .
            FROM python:3.12-slim-bullseye
            COPY --from=builder /wheels /wheels
        """
        assert only(text) == ("manylinux_2_31_x86_64", "3.12")

    def test_an_alias_is_followed_back_to_its_image(self) -> None:
        text = """\
            FROM python:3.11-slim-bookworm AS base
            FROM base AS deps
            RUN pip install -r requirements.txt
            FROM node:20 AS assets
            FROM DEPS
        """
        declared = dockerfile_targets(textwrap.dedent(text))
        assert [t.platform.tag for t in declared.targets] == ["manylinux_2_36_x86_64"]
        assert declared.notes[0].startswith("Dockerfile:1: FROM python:3.11-slim-bookworm")
        assert "(the final stage, line 5, builds on it)" in declared.notes[0]

    def test_a_named_stage_is_the_build_target(self) -> None:
        text = "FROM python:3.12-alpine AS test\nFROM python:3.12-slim AS prod\n"
        assert only(text, stage="test") == ("musllinux_1_2_x86_64", "3.12")

    def test_an_unknown_stage_names_the_stages(self) -> None:
        with pytest.raises(InvalidInputFile, match=r"no stage named 'lint' \(stages: a, b\)"):
            dockerfile_targets("FROM python:3.12 AS a\nFROM python:3.12 AS b\n", stage="lint")

    def test_a_later_stage_of_the_same_name_is_not_followed(self) -> None:
        # "FROM python AS python" then "FROM python": the second is the image again.
        text = "FROM python:3.11-alpine AS python\nFROM python:3.12-slim\n"
        assert only(text) == ("manylinux_2_41_x86_64", "3.12")


class TestManyLines:
    """Stages, aliases and RUN lines are read in linear time: a long file is no hang."""

    def test_a_long_chain_of_aliases(self) -> None:
        text = "FROM python:3.12-slim AS s0\n" + "".join(
            f"FROM s{n} AS s{n + 1}\nRUN apt-get install -y python3.11\n" for n in range(20_000)
        )
        started = time.monotonic()
        assert only(text) == ("manylinux_2_41_x86_64", "3.12")
        assert time.monotonic() - started < 20  # quadratic, it took minutes

    def test_many_run_lines_on_a_distribution_image(self) -> None:
        text = "FROM ubuntu:22.04\n" + "RUN apt-get install -y python3.11 && make\n" * 50_000
        started = time.monotonic()
        assert only(text) == ("manylinux_2_35_x86_64", "3.11")
        assert time.monotonic() - started < 20


class TestArguments:
    @pytest.mark.parametrize(
        "text",
        [
            "ARG PY=3.12\nFROM python:${PY}-slim-bookworm",
            "ARG PY=3.12\nFROM python:$PY-slim-bookworm",
            'ARG PY="3.12"\nFROM python:${PY}-slim-bookworm',
            "ARG PY='3.12' DEBIAN=bookworm\nFROM python:${PY}-slim-${DEBIAN}",
            "ARG PY\nFROM python:${PY:-3.12}-slim-bookworm",
            "ARG MAJOR=3\nARG PY=${MAJOR}.12\nFROM python:${PY}-slim-bookworm",
            "ARG SLIM=1\nFROM python:3.12${SLIM:+-slim}-bookworm",
            "ARG PY=3.11\nARG PY=3.12\nFROM python:${PY}-slim-bookworm",
            "# syntax=docker/dockerfile:1\n# escape=`\nFROM `\n  python:3.12-slim-bookworm",
            "FROM \\\n  # a comment inside the continuation\n  python:3.12-slim-bookworm AS app",
            "from Python:3.12-SLIM-bookworm as App",
            "FROM\tpython:3.12-slim-bookworm\tAS\tapp",
        ],
    )
    def test_arg_defaults_and_continuations_as_docker_reads_them(self, text: str) -> None:
        assert only(text) == ("manylinux_2_36_x86_64", "3.12")

    def test_an_arg_after_the_first_from_does_not_reach_later_froms(self) -> None:
        text = "ARG PY=3.12\nFROM python:${PY}-slim AS a\nARG PY=3.9\nFROM python:${PY}-alpine\n"
        assert only(text) == ("musllinux_1_2_x86_64", "3.12")

    def test_build_args_override_defaults(self) -> None:
        text = "ARG PY=3.12\nFROM python:${PY}-slim\n"
        assert only(text, build_args={"PY": "3.10"}) == ("manylinux_2_41_x86_64", "3.10")

    @pytest.mark.parametrize(
        "text",
        [
            "FROM python:${PY}-slim\nARG PY=3.12\n",  # the ARG belongs to the stage
            "FROM python:$PY\nARG PY=3.12\n",  # "python:" is not python:latest
            "ARG PY\nFROM python:${PY}-alpine\n",  # declared with no value
        ],
    )
    def test_a_variable_with_no_value_in_the_tag_is_one_error(self, text: str) -> None:
        # docker build stops at these ("invalid reference format"): no image, no target.
        with pytest.raises(InvalidInputFile, match=r"\$PY has no value here") as info:
            dockerfile_targets(text)
        assert "names no image" in info.value.message
        assert "--build-arg PY=VALUE" in info.value.hint

    @pytest.mark.parametrize("text", ["FROM python:\n", "FROM python:-slim\n"])
    def test_an_empty_or_broken_tag_is_one_error(self, text: str) -> None:
        with pytest.raises(InvalidInputFile, match="is not a Docker tag"):
            dockerfile_targets(text)

    def test_an_arg_without_value_leaves_the_image_empty(self) -> None:
        with pytest.raises(InvalidInputFile, match=r"Dockerfile:2: 'FROM \$\{IMAGE\}' names no"):
            dockerfile_targets("ARG IMAGE\nFROM ${IMAGE}\n")


class TestPlatforms:
    @pytest.mark.parametrize(
        ("platform", "tag"),
        [
            ("linux/amd64", "manylinux_2_36_x86_64"),
            ("linux/amd64/v3", "manylinux_2_36_x86_64"),
            ("linux/arm64", "manylinux_2_36_aarch64"),
            ("linux/arm64/v8", "manylinux_2_36_aarch64"),
            ("linux/arm/v7", "manylinux_2_36_armv7l"),
            ("linux/386", "manylinux_2_36_i686"),
            ("linux/ppc64le", "manylinux_2_36_ppc64le"),
            ("linux/s390x", "manylinux_2_36_s390x"),
        ],
    )
    def test_the_command_platform_gives_the_arch(self, platform: str, tag: str) -> None:
        assert only("FROM python:3.12-bookworm", platform=platform) == (tag, "3.12")

    def test_from_platform_beats_the_command(self) -> None:
        text = "FROM --platform=linux/arm64 python:3.12-alpine3.20"
        assert only(text, platform="linux/amd64") == ("musllinux_1_2_aarch64", "3.12")

    def test_target_platform_is_the_command_platform(self) -> None:
        text = "FROM --platform=$TARGETPLATFORM python:3.12-alpine3.20"
        assert only(text, platform="linux/arm64") == ("musllinux_1_2_aarch64", "3.12")

    def test_the_platform_of_the_stage_an_alias_names(self) -> None:
        text = "FROM --platform=linux/arm64 python:3.12-slim AS base\nFROM base\n"
        assert only(text) == ("manylinux_2_41_aarch64", "3.12")

    def test_build_platform_is_taken_as_amd64_with_a_note(self) -> None:
        text = (
            "FROM --platform=$BUILDPLATFORM golang:1.22 AS tools\n"
            "FROM --platform=${BUILDPLATFORM} python:3.12-slim AS app\n"
        )
        declared = dockerfile_targets(text, platform="linux/arm64")
        assert [t.platform.tag for t in declared.targets] == ["manylinux_2_41_x86_64"]
        assert any("$BUILDPLATFORM" in note for note in declared.notes)

    @pytest.mark.parametrize("platform", ["linux/mips", "darwin/arm64", "arm64", "linux/arm/v6"])
    def test_an_unknown_platform_is_refused(self, platform: str) -> None:
        with pytest.raises(InvalidInputFile, match="unknown Docker platform"):
            parse_docker_platform(platform)

    def test_an_unknown_platform_on_from_names_the_line(self) -> None:
        with pytest.raises(InvalidInputFile, match=r"^Dockerfile:2: unknown Docker platform"):
            dockerfile_targets("FROM scratch AS a\nFROM --platform=linux/sparc python:3.12\n")

    def test_windows_images_are_amd64_only(self) -> None:
        with pytest.raises(InvalidInputFile, match="cannot tell"):
            dockerfile_targets("FROM python:3.12-windowsservercore", platform="linux/arm64")


class TestRefused:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "Dockerfile: no FROM instruction"),
            ("# only a comment\nRUN echo hi\n", "Dockerfile: no FROM instruction"),
            ("FROM scratch\n", "Dockerfile:1: cannot tell .* 'FROM scratch' .*no Python"),
            ("RUN x\nFROM node:20\n", r"Dockerfile:2: cannot tell .*'FROM node:20'"),
            ("FROM myorg/python:3.12\n", "cannot tell .*'FROM myorg/python:3.12'"),
            ("FROM mirror.invalid/astral-sh/uv:0.8-bookworm-slim\n", "cannot tell"),
            ("FROM mirror.invalid/astral-sh/uv:latest\n", "cannot tell"),
            ("FROM ubuntu:latest\n", "'latest' moves from release to release"),
            ("FROM ubuntu\n", "'latest' moves from release to release"),
            ("FROM alpine:edge\n", "'edge' moves from release to release"),
            ("FROM ubuntu:14.04\n", "cannot tell"),
            ("FROM python:2.7-slim\n", "cannot tell"),
            ("FROM python:3.12-slim-sid\n", "cannot tell"),
            ("FROM python@sha256:abcd\n", "a digest alone does not say"),
            ("FROM python:3.12 AS\n", "cannot read 'FROM python:3.12 AS'"),
            ("FROM --network=host python:3.12\n", "FROM has no flag '--network'"),
            ("FROM python:${PY\n", r"'\$\{PY' is not closed"),
            ("FROM python:${PY:?x}\n", "cannot substitute"),
            ("ARG 1X=2\nFROM python\n", "ARG '1X' is no argument name"),
            ("FROM 'python:3.12\n", "a quote is not closed"),
        ],
    )
    def test_one_error_naming_the_from(self, text: str, message: str) -> None:
        with pytest.raises(InvalidInputFile, match=message) as raised:
            dockerfile_targets(text)
        assert "\n" not in raised.value.message
        assert raised.value.hint

    def test_the_hint_says_what_to_pass_instead(self) -> None:
        with pytest.raises(InvalidInputFile) as raised:
            dockerfile_targets("FROM node:20\n")
        assert "--target" in raised.value.hint

    def test_deeply_nested_substitution_is_refused(self) -> None:
        text = "FROM python:" + "${A:-" * 50 + "3.12" + "}" * 50 + "\n"
        with pytest.raises(InvalidInputFile, match="nested too deep"):
            dockerfile_targets(text)


WEB_APP = """\
# syntax=docker/dockerfile:1.7
ARG PYTHON_VERSION=3.12
ARG DEBIAN_VERSION=bookworm

FROM python:${PYTHON_VERSION}-slim-${DEBIAN_VERSION} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1
WORKDIR /app

FROM base AS builder
RUN apt-get update && apt-get install -y --no-install-recommends \\
        build-essential \\
        libpq-dev \\
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip \\
    pip wheel --wheel-dir /wheels -r requirements.txt

FROM base AS runtime
COPY --from=builder /wheels /wheels
RUN pip install --no-index /wheels/* && rm -rf /wheels
USER 1000
CMD ["gunicorn", "app.wsgi:application", "--bind", "0.0.0.0:8000"]
"""

UV_APP = """\
FROM mirror.invalid/astral-sh/uv:0.8-python3.13-bookworm-slim AS builder
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
WORKDIR /app
RUN --mount=type=cache,target=/root/.cache/uv \\
    --mount=type=bind,source=uv.lock,target=uv.lock \\
    uv sync --locked --no-install-project --no-dev

FROM --platform=$TARGETPLATFORM python:3.13-slim-bookworm
COPY --from=builder --chown=app:app /app /app
ENV PATH="/app/.venv/bin:$PATH"
"""

CROSS_BUILD = """\
FROM --platform=$BUILDPLATFORM docker.invalid/tonistiigi/xx AS xx
FROM --platform=$BUILDPLATFORM python:3.12-alpine3.20 AS build
COPY --from=xx / /
ARG TARGETPLATFORM
RUN xx-apk add --no-cache gcc musl-dev
FROM python:3.12-alpine3.20
"""


class TestRealWorld:
    @pytest.mark.parametrize(
        ("text", "platform", "expected"),
        [
            (WEB_APP, None, ("manylinux_2_36_x86_64", "3.12")),
            (UV_APP, "linux/arm64", ("manylinux_2_36_aarch64", "3.13")),
            (CROSS_BUILD, "linux/arm64", ("musllinux_1_2_aarch64", "3.12")),
        ],
    )
    def test_project_dockerfiles(
        self, text: str, platform: str | None, expected: tuple[str, str]
    ) -> None:
        assert only(text, platform=platform) == expected

    def test_the_web_apps_note_names_its_base_stage(self) -> None:
        (note,) = dockerfile_targets(WEB_APP, "Dockerfile").notes
        assert note.startswith("Dockerfile:5: FROM python:3.12-slim-bookworm on linux/amd64")
        assert "(the final stage, line 19, builds on it)" in note


# --- fuzzing the FROM parser (bounded by the profile in tests/conftest.py) ----------------

_WORDS = st.sampled_from(
    [
        "FROM", "from", "ARG", "AS", "as", "RUN", "--platform=", "--platform", "python",
        "python:", "3.12", "-slim", "-alpine", "3.20", "bookworm", "$", "${", "}", ":-", ":+",
        "PY", "=", '"', "'", "\\", "`", "\n", " ", "\t", "#", "@sha256:", "/", "linux/arm64",
        "$BUILDPLATFORM", "scratch", "ubuntu:24.04", "library/", "mirror.invalid/", "\x00",
    ]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_WORDS, st.text(max_size=8)), max_size=40).map("".join)


def _holds(text: str, platform: str | None = None, stage: str | None = None) -> None:
    """The property: one target with its note, or one bounded InvalidInputFile line."""
    error: WheelcastError | None = None
    try:
        declared = dockerfile_targets(text, platform=platform, stage=stage)
    except WheelcastError as raised:
        error = raised
    if error is None:
        assert len(declared.targets) == 1
        assert declared.notes
    else:
        assert isinstance(error, InvalidInputFile)
        assert "\n" not in error.message
        assert len(str(error)) <= 4 * MAX_SHOWN_CHARS + 400


class TestFuzz:
    @given(_TEXT)
    @example("FROM ${A:-${B:-${C}}}")
    @example("ARG PY=3.12\nFROM python:${PY}-slim AS b\nFROM b\n")
    @example("FROM a AS a\nFROM a\n")
    @example("FROM \\")
    def test_any_text_gives_a_target_or_one_error(self, text: str) -> None:
        _holds(text)

    @given(_TEXT, st.sampled_from(["linux/arm64", "linux/386", "windows/amd64"]), _TEXT)
    @example("\\", "linux/arm64", "")  # a lone continuation: an empty instruction
    def test_with_a_platform_and_a_stage(self, text: str, platform: str, stage: str) -> None:
        _holds(text, platform, stage)

    @given(
        st.from_regex(
            r"FROM (--platform=[a-z0-9/$]{0,12} )?[a-z0-9./:@_-]{0,40}( AS [a-z]{1,5})?",
            fullmatch=True,
        )
    )
    def test_from_lines_of_the_right_shape(self, text: str) -> None:
        _holds(text)


def test_the_newest_stable_python_is_the_last_released() -> None:
    from wheelcast.inputs import RELEASED_PYTHONS  # noqa: PLC0415

    assert RELEASED_PYTHONS[-1] == NEWEST_STABLE_PYTHON
    assert parse_python(NEWEST_STABLE_PYTHON)

"""Tests for wheelcast.targets.declared.workflow: runs-on crossed with python-version."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wheelcast.errors import InvalidInputFile, WheelcastError
from wheelcast.runtime.limits import MAX_INPUT_NESTING, MAX_MATRIX_COMBINATIONS, MAX_SHOWN_CHARS
from wheelcast.targets.declared import (
    Declared,
    DeclaredPythons,
    python_version_pins,
    workflow_targets,
)
from wheelcast.targets.declared.images import NEWEST_STABLE_PYTHON, RUNNERS


def read(text: str) -> Declared:
    return workflow_targets(textwrap.dedent(text), ".github/workflows/ci.yml")


def ids(text: str) -> list[str]:
    return [f"{t.id} {t.platform.tag}" for t in read(text).targets]


def job(runs_on: str, python: str = "'3.12'", matrix: str = "") -> str:
    return f"""\
on: push
jobs:
  test:
    runs-on: {runs_on}
{matrix}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: {python}
      - run: pip install .
"""


class TestRunners:
    @pytest.mark.parametrize(
        ("label", "tag"),
        [
            ("ubuntu-latest", "manylinux_2_39_x86_64"),
            ("ubuntu-24.04", "manylinux_2_39_x86_64"),
            ("ubuntu-22.04", "manylinux_2_35_x86_64"),
            ("ubuntu-24.04-arm", "manylinux_2_39_aarch64"),
            ("ubuntu-22.04-arm", "manylinux_2_35_aarch64"),
            ("windows-latest", "win_amd64"),
            ("windows-2022", "win_amd64"),
            ("windows-2025", "win_amd64"),
            ("windows-11-arm", "win_arm64"),
            ("macos-13", "macosx_13_0_x86_64"),
            ("macos-14", "macosx_14_0_arm64"),
            ("macos-15", "macosx_15_0_arm64"),
            ("macos-latest", "macosx_15_0_arm64"),
            ("macos-15-intel", "macosx_15_0_x86_64"),
            ("Windows-11-ARM", "win_arm64"),
        ],
    )
    def test_each_hosted_image_is_its_platform(self, label: str, tag: str) -> None:
        assert ids(job(label)) == [f"{label.lower()}@3.12 {tag}"]

    def test_every_known_runner_is_a_platform(self) -> None:
        for label in RUNNERS:
            assert len(read(job(label)).targets) == 1, label

    @pytest.mark.parametrize(
        "runs_on",
        [
            "[ubuntu-24.04-arm]",
            "{labels: [ubuntu-24.04-arm]}",
            "{group: arm-runners, labels: ubuntu-24.04-arm}",
        ],
    )
    def test_a_list_or_labels_mapping(self, runs_on: str) -> None:
        assert ids(job(runs_on)) == ["ubuntu-24.04-arm@3.12 manylinux_2_39_aarch64"]

    @pytest.mark.parametrize(
        ("runs_on", "message"),
        [
            ("self-hosted", r"runs-on \[self-hosted\] is a self-hosted runner"),
            ("[self-hosted, linux, ARM64]", "is a self-hosted runner"),
            ("ubuntu-26.10", r"runs-on \[ubuntu-26.10\] is no GitHub-hosted runner"),
            ("'[ubuntu-24.04, windows-2022]'", "no GitHub-hosted runner"),
            ("[ubuntu-24.04, windows-2022]", "no GitHub-hosted runner"),
            ("{group: big-runners}", "names a runner group only"),
            ("ubuntu-20.04", "ubuntu-20.04: GitHub retired that image in April 2025"),
            ("windows-2019", "GitHub retired that image in June 2025"),
            ("'${{ inputs.os }}'", r"cannot evaluate '\$\{\{ inputs.os \}\}'"),
            ("42", "runs-on '42' names no runner"),
            ("[]", "names no runner"),
        ],
    )
    def test_an_unknown_runner_is_one_error_naming_the_job(
        self, runs_on: str, message: str
    ) -> None:
        with pytest.raises(InvalidInputFile, match=message) as raised:
            read(job(runs_on))
        assert raised.value.message.startswith(".github/workflows/ci.yml: job 'test': ")
        assert "--target" in raised.value.hint or "image" in raised.value.hint

    def test_a_retired_image_still_mapped_says_so(self) -> None:
        notes = read(job("macos-13")).notes
        assert any("retired the macos-13 image" in note for note in notes)


class TestPythons:
    @pytest.mark.parametrize(
        ("python", "expected"),
        [
            ("'3.12'", ["3.12"]),
            ("3.12", ["3.12"]),
            ("'3.13t'", ["3.13t"]),
            ("'3.12.4'", ["3.12"]),
            ("'3.12.x'", ["3.12"]),
            ("'3.14-dev'", ["3.14"]),
            ("'3.14.0-alpha.3'", ["3.14"]),
            ("'3.x'", [NEWEST_STABLE_PYTHON]),
            ("3", [NEWEST_STABLE_PYTHON]),
            ("|\n            3.11\n            3.12", ["3.11", "3.12"]),
            ("'3.11, 3.12'", ["3.11", "3.12"]),
        ],
    )
    def test_setup_python_versions(self, python: str, expected: list[str]) -> None:
        assert [t.python.short for t in read(job("ubuntu-24.04", python)).targets] == expected

    def test_3x_says_which_release_it_is(self) -> None:
        notes = read(job("ubuntu-24.04", "3.x")).notes
        assert any(f"3.x is CPython {NEWEST_STABLE_PYTHON}, the newest stable" in n for n in notes)

    def test_pypy_is_skipped_with_a_note(self) -> None:
        matrix = "    strategy:\n      matrix:\n        py: ['3.12', pypy3.10, 'pypy-3.9']"
        declared = read(job("ubuntu-24.04", "${{ matrix.py }}", matrix))
        assert [t.python.short for t in declared.targets] == ["3.12"]
        assert any(
            "pypy3.10 skipped: wheelcast's targets are CPython only" in n for n in declared.notes
        )
        assert any("pypy-3.9 skipped" in n for n in declared.notes)

    def test_an_unquoted_310_is_the_number_31(self) -> None:
        with pytest.raises(InvalidInputFile, match=r"'3.1' .*unquoted 3.10 is the YAML number 3.1"):
            read(job("ubuntu-24.04", "3.10"))

    @pytest.mark.parametrize(
        ("python", "message"),
        [
            ("'2.7'", "python-version '2.7' is no CPython wheelcast knows"),
            ("'>=3.9 <3.13'", "python-version '>=3.9 <3.13' is no CPython"),
            ("true", "python-version 'True' is no version"),
            ("{a: 1}", "is no version"),
        ],
    )
    def test_a_bad_version_is_one_error(self, python: str, message: str) -> None:
        with pytest.raises(InvalidInputFile, match=message):
            read(job("ubuntu-24.04", python))

    def test_setup_uv_python_version_counts(self) -> None:
        text = """\
            jobs:
              test:
                runs-on: windows-11-arm
                steps:
                  - uses: astral-sh/setup-uv@v6
                    with:
                      python-version: '3.13'
        """
        assert ids(text) == ["windows-11-arm@3.13 win_arm64"]

    def test_a_python_version_file_is_read_through_the_reader(self) -> None:
        text = job("ubuntu-24.04").replace(
            "python-version: '3.12'", "python-version-file: .python-version"
        )
        asked: list[str] = []

        def reader(name: str) -> DeclaredPythons:
            asked.append(name)
            return python_version_pins("3.11\n3.13t\n", name)

        declared = workflow_targets(text, "ci.yml", version_file=reader)
        assert [t.id for t in declared.targets] == ["ubuntu-24.04@3.11", "ubuntu-24.04@3.13t"]
        assert asked == [".python-version"]
        assert any(
            "CPython 3.11, 3.13t from python-version-file .python-version" in n
            for n in declared.notes
        )

    @pytest.mark.parametrize("name", ["pyproject.toml", ".tool-versions"])
    def test_another_version_file_is_skipped_with_a_note(self, name: str) -> None:
        text = job("ubuntu-24.04").replace("python-version: '3.12'", f"python-version-file: {name}")
        text += (
            "  other:\n    runs-on: macos-15\n    steps:\n      - uses: actions/setup-python@v5\n"
        )
        text += "        with: {python-version: '3.12'}\n"
        declared = workflow_targets(
            text, "ci.yml", version_file=lambda n: python_version_pins("3.12")
        )
        assert [t.id for t in declared.targets] == ["macos-15@3.12"]
        assert any(f"python-version-file {name} is not read" in n for n in declared.notes)

    def test_a_job_without_setup_uses_its_matrix_python(self) -> None:
        text = """\
            jobs:
              nox:
                runs-on: ubuntu-24.04
                strategy:
                  matrix:
                    python: ['3.11', '3.12']
                steps:
                  - run: uvx nox -s tests --python ${{ matrix.python }}
        """
        assert [t.id for t in read(text).targets] == ["ubuntu-24.04@3.11", "ubuntu-24.04@3.12"]

    def test_a_job_that_sets_up_no_python_is_skipped_with_a_note(self) -> None:
        text = job("ubuntu-24.04") + (
            "  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n"
            "  release:\n    uses: ./.github/workflows/release.yml\n"
        )
        declared = read(text)
        assert [t.id for t in declared.targets] == ["ubuntu-24.04@3.12"]
        assert any("job 'docs' sets up no Python" in n for n in declared.notes)
        assert any("job 'release' calls a reusable workflow: skipped" in n for n in declared.notes)


MATRIX = """\
    strategy:
      fail-fast: false
      matrix:
        os: [ubuntu-latest, windows-latest, windows-11-arm, macos-14]
        python-version: ['3.11', '3.12', '3.13']
        exclude:
          - os: windows-11-arm
            python-version: '3.11'
          - os: macos-14
        include:
          - os: ubuntu-24.04-arm
            python-version: '3.13t'
          - os: windows-latest
            experimental: true
"""


class TestMatrix:
    def test_product_exclude_and_include_as_github_expands_them(self) -> None:
        found = [
            t.id
            for t in read(job("${{ matrix.os }}", "${{ matrix.python-version }}", MATRIX)).targets
        ]
        assert found == [
            "ubuntu-latest@3.11",
            "ubuntu-latest@3.12",
            "ubuntu-latest@3.13",
            "windows-latest@3.11",
            "windows-latest@3.12",
            "windows-latest@3.13",
            "windows-11-arm@3.12",
            "windows-11-arm@3.13",
            "ubuntu-24.04-arm@3.13t",
        ]

    def test_an_include_only_matrix_of_objects(self) -> None:
        matrix = """\
    strategy:
      matrix:
        include:
          - {runner: {os: windows-11-arm}, python: '3.12'}
          - {runner: {os: macos-15}, python: '3.13'}
"""
        text = job("${{ matrix.runner.os }}", "${{ matrix['python'] }}", matrix)
        assert [t.id for t in read(text).targets] == ["windows-11-arm@3.12", "macos-15@3.13"]

    def test_an_include_extends_only_combinations_it_does_not_overwrite(self) -> None:
        matrix = """\
    strategy:
      matrix:
        os: [ubuntu-24.04]
        python: ['3.12']
        include:
          - python: '3.12'
            arm: '-arm'
          - python: '3.13'
"""
        text = job("ubuntu-24.04${{ matrix.arm }}", "${{ matrix.python }}", matrix)
        assert [t.id for t in read(text).targets] == [
            "ubuntu-24.04-arm@3.12",
            "ubuntu-24.04@3.13",
        ]

    def test_a_matrix_value_may_be_a_list_of_labels(self) -> None:
        matrix = "    strategy:\n      matrix:\n        os: [[ubuntu-24.04-arm]]"
        assert [t.id for t in read(job("${{ matrix.os }}", matrix=matrix)).targets] == [
            "ubuntu-24.04-arm@3.12"
        ]

    def test_too_big_a_matrix_is_refused_before_it_is_expanded(self) -> None:
        values = ", ".join(f"'v{n}'" for n in range(20))
        matrix = f"    strategy:\n      matrix:\n        a: [{values}]\n        b: [{values}]"
        with pytest.raises(
            InvalidInputFile,
            match=f"matrix of 400 combinations \\(GitHub runs at most {MAX_MATRIX_COMBINATIONS}\\)",
        ):
            read(job("ubuntu-24.04", matrix=matrix))

    def test_a_huge_product_is_refused_at_once(self) -> None:
        values = "[" + ", ".join(str(n) for n in range(50)) + "]"
        axes = "".join(f"        k{n}: {values}\n" for n in range(30))
        with pytest.raises(InvalidInputFile, match="matrix of"):
            read(job("ubuntu-24.04", matrix=f"    strategy:\n      matrix:\n{axes}"))

    @pytest.mark.parametrize(
        ("matrix", "message"),
        [
            ("matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}", "is computed during the run"),
            ("matrix: [a, b]", "matrix is not a mapping"),
            ("matrix: {os: ubuntu-24.04}", "matrix value 'os' is not a list"),
            ("matrix: {os: [a], include: {os: b}}", "matrix include is not a list of mappings"),
        ],
    )
    def test_a_bad_matrix_is_one_error(self, matrix: str, message: str) -> None:
        with pytest.raises(InvalidInputFile, match=message):
            read(job("ubuntu-24.04", matrix=f"    strategy:\n      {matrix}"))


class TestContainers:
    def test_a_container_job_runs_on_its_image(self) -> None:
        text = """\
            jobs:
              alpine:
                runs-on: ubuntu-24.04-arm
                container:
                  image: python:3.12-alpine3.20
                steps:
                  - run: pip install .
              slim:
                runs-on: ubuntu-latest
                container: python:3.11-slim-bookworm
                steps:
                  - run: pip install .
        """
        assert ids(text) == [
            "python:3.12-alpine3.20[linux/arm64]@3.12 musllinux_1_2_aarch64",
            "python:3.11-slim-bookworm@3.11 manylinux_2_36_x86_64",
        ]

    def test_an_unknown_container_image_names_the_job(self) -> None:
        text = "jobs:\n  t:\n    runs-on: ubuntu-24.04\n    container: node:20\n"
        with pytest.raises(InvalidInputFile, match=r"job 't': cannot tell .*'node:20'"):
            read(text)


class TestFile:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "no jobs: this is not a GitHub Actions workflow"),
            ("on: push\n", "no jobs"),
            ("- a\n- b\n", "no jobs"),
            ("jobs: [a]\n", "no jobs"),
            ("jobs:\n  a: [1]\n", "job 'a': is not a mapping"),
            ("jobs:\n  a:\n    steps: []\n", "job 'a': has no runs-on"),
            ("jobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps: x\n", "steps is not a list"),
            (
                "jobs:\n  a: {runs-on: ubuntu-24.04, steps: [{run: x}]}\n",
                "no job sets up a CPython",
            ),
            ("jobs:\n  a: [\n", r"ci.yml:\d+: invalid YAML"),
            ("jobs:\n\ta: 1\n", r"ci.yml:2: invalid YAML"),
            ("key: &a [*a]\n", "invalid YAML|no jobs"),
            (
                "x: !!python/object:os.system echo\n",
                r"invalid YAML: could not determine a constructor",
            ),
        ],
    )
    def test_bad_input_is_one_error_line(self, text: str, message: str) -> None:
        with pytest.raises(InvalidInputFile, match=message) as raised:
            workflow_targets(text, ".github/workflows/ci.yml")
        assert "\n" not in raised.value.message

    def test_nesting_is_refused_before_parsing_recurses(self) -> None:
        text = "jobs: " + "[" * (MAX_INPUT_NESTING + 1) + "]" * (MAX_INPUT_NESTING + 1)
        with pytest.raises(
            InvalidInputFile, match=f"ci.yml:1: nested deeper than {MAX_INPUT_NESTING}"
        ):
            workflow_targets(text, ".github/workflows/ci.yml")

    @pytest.mark.parametrize(
        ("runs_on", "python"),
        [("&r [*r]", "'3.12'"), ("ubuntu-24.04", "&p [*p]"), ("&r {labels: *r}", "'3.12'")],
    )
    def test_a_value_containing_itself_is_one_error(self, runs_on: str, python: str) -> None:
        with pytest.raises(
            InvalidInputFile, match="job 'test': holds a value that contains itself"
        ):
            workflow_targets(job(runs_on, python))

    def test_aliases_do_not_multiply_the_work(self) -> None:
        bomb = "".join(f"  l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 10))
        text = "x:\n  l0: &l0 [a]\n" + bomb + job("ubuntu-24.04").replace("on: push\n", "")
        assert [t.id for t in workflow_targets(text).targets] == ["ubuntu-24.04@3.12"]


REAL_WORLD = """\
name: Tests

on:
  push:
    branches: [main]
  pull_request:

concurrency:
  group: ${{ github.workflow }}-${{ github.ref }}
  cancel-in-progress: true

jobs:
  pre-commit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.x"
      - uses: pre-commit/action@v3.0.1

  tests:
    name: ${{ matrix.os }} / ${{ matrix.python-version }}
    runs-on: ${{ matrix.os }}-latest
    timeout-minutes: 30
    strategy:
      fail-fast: false
      matrix:
        os: [Ubuntu, Windows, macOS]
        python-version: ["3.10", "3.11", "3.12", "3.13", "3.14", "pypy3.10"]
        include:
          - os: windows
            python-version: "3.13t"
        exclude:
          - os: macOS
            python-version: "pypy3.10"
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - name: Set up Python ${{ matrix.python-version }}
        uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python-version }}
          allow-prereleases: true
          cache: pip
      - run: python -m pip install -e ".[test]"
      - run: python -m pytest

  arm:
    runs-on: ${{ matrix.runner }}
    strategy:
      matrix:
        runner: [ubuntu-24.04-arm, windows-11-arm]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: '3.12'
          architecture: arm64
"""


class TestRealWorld:
    def test_a_typical_project_workflow(self) -> None:
        declared = workflow_targets(REAL_WORLD, ".github/workflows/tests.yml")
        found = [t.id for t in declared.targets]
        assert found[0] == f"ubuntu-latest@{NEWEST_STABLE_PYTHON}"
        assert "windows-latest@3.13t" in found
        assert "macos-latest@3.10" in found
        assert found[-2:] == ["ubuntu-24.04-arm@3.12", "windows-11-arm@3.12"]
        assert len(found) == len(set(found)) == 1 + 3 * 5 + 1 + 2
        assert any("pypy3.10 skipped" in n for n in declared.notes)


# --- fuzzing (bounded by the profile in tests/conftest.py) --------------------------------

_YAML_WORDS = st.sampled_from(
    [
        "jobs:", "\n  ", "\n    ", "runs-on: ", "ubuntu-24.04", "${{ matrix.os }}", "matrix.",
        "strategy:", "matrix:", "include:", "exclude:", "- ", "[", "]", "{", "}", ",", ": ",
        "os: ", "python-version: ", "'3.12'", "3.10", "steps:", "uses: actions/setup-python@v5",
        "with:", "container: ", "python:3.12-slim", "&a ", "*a", "!!str ", "\t", "#", '"',
    ]
)  # fmt: skip
_YAML = st.lists(st.one_of(_YAML_WORDS, st.text(max_size=6)), max_size=40).map("".join)


class TestFuzz:
    @given(_YAML)
    def test_any_text_gives_targets_or_one_error(self, text: str) -> None:
        error: WheelcastError | None = None
        try:
            declared = workflow_targets(text)
        except WheelcastError as raised:
            error = raised
        if error is None:
            assert declared.targets
        else:
            assert isinstance(error, InvalidInputFile)
            assert "\n" not in error.message
            assert len(str(error)) <= 6 * MAX_SHOWN_CHARS + 400


def test_pyyaml_is_loaded_only_to_read_a_workflow() -> None:
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = (
        "import sys, wheelcast.targets.declared as d; before = 'yaml' in sys.modules;"
        " d.workflow_targets('jobs: {a: {runs-on: macos-15, steps: [{uses: actions/setup-python@v5,"
        " with: {python-version: \"3.12\"}}]}}'); print(before, 'yaml' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]

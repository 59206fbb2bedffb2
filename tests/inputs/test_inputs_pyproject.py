"""pyproject.toml: dependencies, extras, PEP 735 groups, requires-python, build deps."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.inputs.helpers import PUBLIC, SAMPLE

from wheelcast.errors import InvalidInputFile
from wheelcast.inputs import RELEASED_PYTHONS, default_pythons, read_pyproject

PROJECT = """\
[project]
name = "demo"
version = "1"
requires-python = ">=3.10"
dependencies = ["requests", "rich>=13"]

[project.optional-dependencies]
fast = ["orjson"]
cli = ["typer"]
all = ["demo[fast,cli]"]

[dependency-groups]
test = ["pytest", {include-group = "lint"}]
lint = ["ruff"]
Docs_Site = ["sphinx"]

[build-system]
requires = ["hatchling>=1.24"]
build-backend = "hatchling.build"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


def names(path: Path, **kwargs: object) -> list[str]:
    project = read_pyproject(path, **kwargs)  # type: ignore[arg-type]
    return [str(item.requirement) for item in project.requirements]


class TestDefaultPythons:
    @pytest.mark.parametrize(
        ("spec", "expected"),
        [
            pytest.param(">=3.10", ("3.10", "3.15"), id="open"),
            pytest.param(">=3.9,<3.13", ("3.9", "3.12"), id="bounded"),
            pytest.param(">=3.10.2", ("3.10", "3.15"), id="patch-floor"),
            pytest.param("==3.12.*", ("3.12",), id="one"),
            pytest.param(">=3.16", (), id="none-released"),
            pytest.param("~=3.11", ("3.11", "3.15"), id="compatible"),
        ],
    )
    def test_range(self, spec: str, expected: tuple[str, ...]) -> None:
        assert default_pythons(spec) == expected

    def test_released_list_is_ordered(self) -> None:
        assert RELEASED_PYTHONS[0] == "3.8"
        assert RELEASED_PYTHONS[-1] == "3.15"

    def test_invalid(self) -> None:
        with pytest.raises(InvalidInputFile, match="invalid requires-python"):
            default_pythons(">=three")


class TestRead:
    def test_dependencies_and_pythons(self, tmp_path: Path) -> None:
        project = read_pyproject(write(tmp_path, PROJECT))
        assert [str(i.requirement) for i in project.requirements] == ["requests", "rich>=13"]
        assert project.pythons == ("3.10", "3.15")
        assert project.requirements[1].origin.line == 5

    @pytest.mark.parametrize(
        ("kwargs", "expected"),
        [
            pytest.param({"extras": ["fast"]}, ["orjson"], id="one-extra"),
            pytest.param({"extras": ["ALL"]}, ["typer", "orjson"], id="self-reference"),
            pytest.param({"all_extras": True}, ["orjson", "typer"], id="all-extras"),
            pytest.param({"groups": ["test"]}, ["pytest", "ruff"], id="include-group"),
            pytest.param({"groups": ["docs-site"]}, ["sphinx"], id="group-normalized"),
            pytest.param({"build_deps": True}, ["hatchling>=1.24"], id="build-deps"),
        ],
    )
    def test_selection(
        self, tmp_path: Path, kwargs: dict[str, object], expected: list[str]
    ) -> None:
        assert names(write(tmp_path, PROJECT), **kwargs)[2:] == expected

    def test_missing_build_system_uses_pep_518_default(self, tmp_path: Path) -> None:
        project = read_pyproject(
            write(tmp_path, '[project]\nname = "x"\nversion = "1"\n'), build_deps=True
        )
        assert [str(i.requirement) for i in project.requirements] == ["setuptools>=40.8.0"]
        assert any("no [build-system]" in note for note in project.notes)

    def test_dynamic_dependencies_give_a_note(self, tmp_path: Path) -> None:
        text = '[project]\nname = "x"\ndynamic = ["version", "dependencies"]\n'
        project = read_pyproject(write(tmp_path, text))
        assert project.requirements == ()
        assert any("dynamic" in note and ":3:" in note for note in project.notes)

    def test_dynamic_extras_are_an_error_when_asked(self, tmp_path: Path) -> None:
        text = '[project]\nname = "x"\ndynamic = ["optional-dependencies"]\n'
        with pytest.raises(InvalidInputFile, match=r"pyproject\.toml:3: optional-dependencies"):
            read_pyproject(write(tmp_path, text), extras=["a"])


class TestErrors:
    @pytest.mark.parametrize(
        ("text", "kwargs", "message"),
        [
            pytest.param(
                '[project\nname = "x"\n', {}, r"pyproject\.toml:1: invalid TOML", id="toml"
            ),
            pytest.param(
                '[project]\nname = "x"\ndependencies = [\n  "ok",\n  "numpy>>1",\n]\n',
                {},
                r"pyproject\.toml:5: invalid requirement 'numpy>>1'",
                id="requirement",
            ),
            pytest.param(
                '[project]\ndependencies = "rich"\n',
                {},
                r"pyproject\.toml:2: 'project.dependencies' must be an array",
                id="type",
            ),
            pytest.param(
                PROJECT,
                {"extras": ["nope"]},
                r"pyproject\.toml:7: unknown extra 'nope'",
                id="unknown-extra",
            ),
            pytest.param(
                PROJECT,
                {"groups": ["nope"]},
                r"pyproject\.toml:12: unknown dependency group 'nope'",
                id="unknown-group",
            ),
            pytest.param(
                '[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "a"}]\n',
                {"groups": ["a"]},
                r"pyproject\.toml:\d: dependency group cycle: a -> b -> a",
                id="group-cycle",
            ),
            pytest.param(
                '[dependency-groups]\na = [{include = "b"}]\n',
                {"groups": ["a"]},
                r"pyproject\.toml:2: dependency group 'a' holds",
                id="bad-entry",
            ),
            pytest.param(
                '[project]\nrequires-python = ">=three"\n',
                {},
                r"pyproject\.toml:2: invalid requires-python",
                id="requires-python",
            ),
        ],
    )
    def test_one_clear_error(
        self, tmp_path: Path, text: str, kwargs: dict[str, object], message: str
    ) -> None:
        with pytest.raises(InvalidInputFile, match=message) as info:
            read_pyproject(write(tmp_path, text), **kwargs)  # type: ignore[arg-type]
        assert info.value.hint
        assert info.value.reference == "invalid-input-file"


class TestRecorded:
    def test_flask(self) -> None:
        """pallets/flask: two extras, seven dependency groups, markers in groups."""
        path = PUBLIC / "flask" / "pyproject.toml"
        base = names(path)
        assert base[2] == 'importlib-metadata>=3.6.0; python_version < "3.10"'
        assert len(base) == 7
        assert names(path, extras=["async"], groups=["tests"])[7:] == [
            "asgiref>=3.2",
            "asgiref",
            'greenlet; python_version < "3.11"',
            "pytest",
            "python-dotenv",
        ]
        assert read_pyproject(path).pythons == ("3.9", "3.15")
        assert names(path, build_deps=True)[-1] == "flit_core<4"

    def test_sample(self) -> None:
        project = read_pyproject(SAMPLE / "pyproject.toml", extras=["fast"], groups=["test"])
        assert [i.requirement.name for i in project.requirements] == [
            "requests",
            "rich",
            "uvicorn",
            "orjson",
            "pytest",
        ]


class TestDirectDependencies:
    def test_a_url_dependency_is_a_direct_item_with_its_line(self, tmp_path: Path) -> None:
        path = tmp_path / "pyproject.toml"
        path.write_text(
            '[project]\nname = "app"\nversion = "0"\ndependencies = [\n'
            '  "requests",\n'
            '  "mylib[fast] @ https://files.example.invalid/mylib-1.0-py3-none-any.whl ;'
            " sys_platform == 'linux'\",\n]\n"
        )
        project = read_pyproject(path)
        assert [str(item.requirement) for item in project.requirements] == ["requests"]
        (item,) = project.direct
        assert (item.name, item.url_or_path, item.extras) == (
            "mylib",
            "https://files.example.invalid/mylib-1.0-py3-none-any.whl",
            frozenset({"fast"}),
        )
        assert str(item.marker) == 'sys_platform == "linux"'
        assert item.origin.line == 6

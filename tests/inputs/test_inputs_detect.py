"""load(): which file a folder gives, by the documented order; --installed."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from tests.inputs.helpers import SAMPLE

from wheelcast.errors import InputError, InvalidInputFile
from wheelcast.inputs import find_input, load, read_installed


def folder_with(tmp_path: Path, *names: str) -> Path:
    for name in names:
        source = SAMPLE / name
        if source.exists():
            shutil.copy(source, tmp_path / name)
        else:
            (tmp_path / name).write_text("rich\n")
    return tmp_path


class TestFindInput:
    @pytest.mark.parametrize(
        ("names", "expected"),
        [
            pytest.param(
                ("pyproject.toml", "uv.lock", "requirements.txt"), "uv.lock", id="lock-first"
            ),
            pytest.param(("uv.lock", "pylock.toml"), "pylock.toml", id="pylock-before-uv"),
            pytest.param(("poetry.lock", "pdm.lock"), "poetry.lock", id="poetry-before-pdm"),
            pytest.param(
                ("pyproject.toml", "requirements.txt"), "pyproject.toml", id="pyproject-second"
            ),
            pytest.param(
                ("requirements-dev.txt", "requirements.txt"),
                "requirements.txt",
                id="requirements-txt-first",
            ),
            pytest.param(
                ("requirements-dev.txt",), "requirements-dev.txt", id="single-requirements"
            ),
        ],
    )
    def test_order(self, tmp_path: Path, names: tuple[str, ...], expected: str) -> None:
        assert find_input(folder_with(tmp_path, *names)).name == expected

    @pytest.mark.parametrize(
        ("names", "message"),
        [
            pytest.param((), "no lock file, pyproject.toml or requirements", id="empty"),
            pytest.param(
                ("requirements-a.txt", "requirements-b.txt"), "several requirements", id="two-reqs"
            ),
            pytest.param(
                ("pylock.a.toml", "pylock.b.toml"), "several lock files", id="two-pylocks"
            ),
        ],
    )
    def test_ambiguous_or_empty(self, tmp_path: Path, names: tuple[str, ...], message: str) -> None:
        with pytest.raises(InvalidInputFile, match=message):
            find_input(folder_with(tmp_path, *names))


class TestLoad:
    def test_current_folder(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        folder_with(tmp_path, "requirements.txt")
        monkeypatch.chdir(tmp_path)
        assert load(None).kind == "requirements"

    def test_file_by_name(self) -> None:
        assert load(SAMPLE / "pdm.lock").locked[0].source == "pdm.lock"
        assert load(SAMPLE / "pyproject.toml", groups=["test"]).kind == "pyproject"

    def test_lock_has_no_build_deps(self) -> None:
        with pytest.raises(InvalidInputFile, match="no build requirements"):
            load(SAMPLE / "uv.lock", build_deps=True)

    def test_requirements_have_no_extras(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidInputFile, match="has no extras"):
            load(folder_with(tmp_path, "requirements.txt"), extras=["x"])

    def test_missing(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidInputFile, match="no such file"):
            load(tmp_path / "nope.txt")


class TestInstalled:
    def test_this_interpreter(self) -> None:
        project = read_installed(sys.executable)
        names = {item.requirement.name for item in project.requirements}
        assert "packaging" in names
        assert all(str(i.requirement.specifier).startswith("==") for i in project.requirements)
        assert project.pythons == (f"{sys.version_info[0]}.{sys.version_info[1]}",)

    def test_not_an_interpreter(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="cannot run the interpreter"):
            read_installed(tmp_path / "python-nope")

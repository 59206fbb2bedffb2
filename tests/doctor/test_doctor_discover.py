"""Finding interpreters: each source against a fake machine, the Windows launcher and
registry from recorded outputs, and merging by installation."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from tests.doctor.fakes import FakeRegistry, FakeRunner, recorded
from tests.doctor.probes import completed

from wheelcast.doctor import Candidate, Completed, discover, find_interpreters
from wheelcast.doctor.discover import parse_py_list_json, parse_py_list_paths, read_pep514
from wheelcast.doctor.probe import SCRIPT

PY = "C:\\Windows\\py.exe"
ADA = "C:\\Users\\ada\\AppData\\Local\\Python"


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def windows(runner: FakeRunner, registry: FakeRegistry | None, home: Path) -> list[Candidate]:
    found = discover(runner, env={"PATH": ""}, home=home, windows=True, registry=registry)
    return list(found.candidates)


class TestPyLauncher:
    def test_py_list_json(self) -> None:
        found = parse_py_list_json(recorded("py-list-f-json.json"))
        assert [(c.path, c.label) for c in found] == [
            (f"{ADA}\\pythoncore-3.12-64\\python.exe", "3.12-64"),
            (f"{ADA}\\pythoncore-3.12-arm64\\python.exe", "3.12-arm64"),
        ]

    def test_py_list_json_other_company(self) -> None:
        text = json.dumps(
            {"versions": [{"company": "Astral", "tag": "3.13", "executable": "C:\\u\\py.exe"}]}
        )
        assert parse_py_list_json(text)[0].label == "Astral\\3.13"

    @pytest.mark.parametrize("text", ["[]", "{}", '{"versions": 1}', "not json"])
    def test_py_list_json_malformed(self, text: str) -> None:
        with pytest.raises(ValueError):  # noqa: PT011 - json's own error is a ValueError
            parse_py_list_json(text)

    def test_list_paths(self) -> None:
        found = parse_py_list_paths(recorded("py-list-paths.txt"))
        assert [(c.label, c.path) for c in found] == [
            ("3.12-arm64", "C:\\Program Files\\Python312-arm64\\python.exe"),
            ("3.12-64", "C:\\Program Files\\Python312\\python.exe"),
        ]

    def test_list_paths_old_launcher_and_venv(self) -> None:
        text = (
            recorded("py-list-paths-old.txt")
            + "  *               C:\\proj\\.venv\\Scripts\\python.exe\n"
        )
        found = parse_py_list_paths(text)
        assert [(c.label, c.path) for c in found] == [
            ("3.12-64", "C:\\Python312\\python.exe"),
            ("3.11-32", "C:\\Python311-32\\python.exe"),
            ("(venv)", "C:\\proj\\.venv\\Scripts\\python.exe"),
        ]

    def test_install_manager_first(self, tmp_path: Path) -> None:
        runner = FakeRunner(
            {"py": PY}, {(PY, "list", "-f", "json"): Completed(0, recorded("py-list-f-json.json"))}
        )
        found = windows(runner, None, tmp_path)
        assert [c.label for c in found] == ["3.12-64", "3.12-arm64"]
        assert {c.source for c in found} == {"py"}
        assert (PY, "--list-paths") not in runner.calls

    def test_classic_launcher_when_list_fails(self, tmp_path: Path) -> None:
        runner = FakeRunner(
            {"py": PY},
            {
                # The classic launcher runs the default Python with 'list' as a script.
                (PY, "list", "-f", "json"): Completed(2, "", "can't open file 'list'"),
                (PY, "--list-paths"): Completed(0, recorded("py-list-paths.txt")),
            },
        )
        assert [c.label for c in windows(runner, None, tmp_path)] == ["3.12-arm64", "3.12-64"]

    def test_registry_when_the_launcher_answers_nothing(self, tmp_path: Path) -> None:
        runner = FakeRunner({"py": PY})  # both commands fail to start
        registry = FakeRegistry(
            {
                r"HKEY_LOCAL_MACHINE\Software\Python\PythonCore\3.12": {"SysArchitecture": "64bit"},
                r"HKEY_LOCAL_MACHINE\Software\Python\PythonCore\3.12\InstallPath": {
                    "": "C:\\Program Files\\Python312\\"
                },
            }
        )
        found = discover(runner, env={"PATH": ""}, home=tmp_path, windows=True, registry=registry)
        assert [c.path for c in found.candidates] == ["C:\\Program Files\\Python312\\python.exe"]
        assert any("neither" in note for note in found.notes)


class TestPep514:
    def test_executable_path_companies_and_views(self) -> None:
        registry = FakeRegistry(
            {
                r"HKEY_CURRENT_USER\Software\Python\PythonCore\3.12-arm64": {
                    "SysArchitecture": "64bit"
                },
                r"HKEY_CURRENT_USER\Software\Python\PythonCore\3.12-arm64\InstallPath": {
                    "": f"{ADA}\\Python312-arm64",
                    "ExecutablePath": f"{ADA}\\Python312-arm64\\python.exe",
                },
                r"HKEY_CURRENT_USER\Software\Python\PyLauncher\Ignored\InstallPath": {"": "C:\\x"},
                r"HKEY_LOCAL_MACHINE\Software\WOW6432Node\Python\PythonCore\3.11-32": {
                    "SysArchitecture": "32bit"
                },
                r"HKEY_LOCAL_MACHINE\Software\WOW6432Node\Python\PythonCore\3.11-32\InstallPath": {
                    "": "C:\\Python311-32"
                },
                r"HKEY_LOCAL_MACHINE\Software\Python\ContinuumAnalytics\Anaconda3\InstallPath": {},
            }
        )
        found = read_pep514(registry)
        assert [(c.path, c.label) for c in found] == [
            (f"{ADA}\\Python312-arm64\\python.exe", "PythonCore\\3.12-arm64 (64bit)"),
            ("C:\\Python311-32\\python.exe", "PythonCore\\3.11-32 (32bit)"),
        ]
        assert {c.source for c in found} == {"registry"}


class TestUnixSources:
    def test_every_source(self, tmp_path: Path) -> None:
        home = tmp_path / "home"
        bin_dir = tmp_path / "bin"
        for name in ("python", "python3", "python3.12", "python3.13t", "python3.12-config"):
            executable(bin_dir / name)
        (bin_dir / "python3.11").write_text("not executable")
        shims = home / ".pyenv" / "shims"
        executable(shims / "python3")
        pyenv = executable(home / ".pyenv" / "versions" / "3.10.13" / "bin" / "python3")
        uv_dir = executable(
            home / ".local/share/uv/python/cpython-3.13.1-linux-x86_64-gnu/bin/python3"
        )
        conda = executable(home / "miniconda3" / "bin" / "python3")
        conda_env = executable(home / "miniconda3" / "envs" / "ml" / "bin" / "python")
        venv = executable(tmp_path / "proj" / ".venv" / "bin" / "python")
        env = {
            "PATH": os.pathsep.join([str(shims), str(bin_dir), str(tmp_path / "missing")]),
            "VIRTUAL_ENV": str(tmp_path / "proj" / ".venv"),
        }
        uv_list = json.dumps([{"key": "cpython-3.12.1", "path": str(bin_dir / "python3.12")},
                              {"key": "cpython-3.14.0-download", "path": None}])  # fmt: skip
        runner = FakeRunner(
            {"uv": "/u/uv"},
            {("/u/uv", "python", "list", "--only-installed", "--output-format", "json"):
             Completed(0, uv_list)},
        )  # fmt: skip
        found = discover(runner, env=env, home=home, windows=False)
        assert [(Path(c.path), c.sources) for c in found.candidates] == [
            (venv, ("venv",)),
            (bin_dir / "python", ("PATH",)),
            (bin_dir / "python3", ("PATH",)),
            (bin_dir / "python3.12", ("PATH", "uv")),
            (bin_dir / "python3.13t", ("PATH",)),
            (pyenv, ("pyenv",)),
            (uv_dir, ("uv",)),
            (conda, ("conda",)),
            (conda_env, ("conda",)),
        ]
        assert found.notes == ()

    def test_failing_tools_are_notes(self, tmp_path: Path) -> None:
        runner = FakeRunner({"uv": "/u/uv", "conda": "/c/conda"})  # neither starts
        found = discover(runner, env={"PATH": ""}, home=tmp_path, windows=False)
        assert found.candidates == ()
        assert len(found.notes) == 2
        assert "uv python list: skipped" in found.notes[0]
        assert "conda env list: skipped" in found.notes[1]

    def test_conda_env_list(self, tmp_path: Path) -> None:
        env_python = executable(tmp_path / "envs" / "py311" / "bin" / "python")
        runner = FakeRunner(
            {"conda": "/c/conda"},
            {("/c/conda", "env", "list", "--json"): Completed(
                0, json.dumps({"envs": [str(tmp_path / "envs" / "py311")]}))},
        )  # fmt: skip
        found = discover(runner, env={"PATH": ""}, home=tmp_path / "home", windows=False)
        assert [c.path for c in found.candidates] == [str(env_python)]


class TestFindInterpreters:
    def test_merges_one_installation_and_keeps_venvs_apart(self) -> None:
        base = "/usr/bin/python3.12"
        outputs = {
            ("/usr/bin/python3", "-I", "-c", SCRIPT): completed(realpath=base, prefix="/usr",
                                                                base_prefix="/usr"),
            ("/usr/bin/python3.12", "-I", "-c", SCRIPT): completed(realpath=base, prefix="/usr",
                                                                   base_prefix="/usr"),
            ("/p/.venv/bin/python", "-I", "-c", SCRIPT): completed(realpath=base, prefix="/p/.venv",
                                                                   base_prefix="/usr"),
            ("/old/python2", "-I", "-c", SCRIPT): Completed(2, "", "Unknown option: -I"),
        }  # fmt: skip
        candidates = [
            Candidate("/old/python2", "pyenv"),
            Candidate("/usr/bin/python3", "PATH"),
            Candidate("/p/.venv/bin/python", "venv"),
            Candidate("/usr/bin/python3.12", "PATH", also=("uv",)),
        ]
        found = find_interpreters(candidates, FakeRunner(outputs=outputs))
        assert [(i.path, i.sources) for i in found] == [
            ("/usr/bin/python3", ("PATH", "uv")),
            ("/p/.venv/bin/python", ("venv",)),
            ("/old/python2", ("pyenv",)),
        ]
        assert found[1].probe is not None
        assert found[1].probe.is_venv
        assert found[2].probe is None
        assert "Unknown option: -I" in found[2].error

"""Lock files recorded with the real tools (tests/data/inputs/sample), and malformed ones."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name
from tests.indexserver import IndexServer
from tests.inputs.helpers import DATA, PUBLIC, SAMPLE, environment

from wheelcast.cli import main
from wheelcast.errors import InvalidInputFile
from wheelcast.inputs import load, lock_covers, needed, read_lock, read_pyproject
from wheelcast.runtime.witness import current, logging_reads

LOCKS = ["uv.lock", "pylock.uv.toml", "poetry.lock", "pdm.lock"]  # universal locks


def pins(path: Path, target: str, python: str, **kwargs: object) -> dict[str, str]:
    project = read_lock(path, **kwargs)  # type: ignore[arg-type]
    return {p.name: str(p.version) for p in needed(project, environment(target, python))}


class TestUniversalLocks:
    @pytest.mark.parametrize("name", LOCKS)
    @pytest.mark.parametrize(
        ("target", "python", "present", "absent"),
        [
            pytest.param(
                "win-arm64", "3.10", {"colorama", "exceptiongroup"}, {"uvloop"}, id="win-3.10"
            ),
            pytest.param(
                "linux-x86_64", "3.12", {"uvloop"}, {"colorama", "exceptiongroup"}, id="linux-3.12"
            ),
        ],
    )
    def test_markers_per_target(
        self, name: str, target: str, python: str, present: set[str], absent: set[str]
    ) -> None:
        found = pins(SAMPLE / name, target, python, extras=["fast"], groups=["test"])
        if name == "pylock.uv.toml":  # exported with every extra and group chosen
            found = pins(SAMPLE / name, target, python)
        assert present <= found.keys()
        assert not absent & found.keys()
        assert {"requests", "rich", "uvicorn", "orjson", "pytest"} <= found.keys()

    @pytest.mark.parametrize("name", ["uv.lock", "poetry.lock", "pdm.lock"])
    def test_extras_and_groups_are_chosen(self, name: str) -> None:
        bare = pins(SAMPLE / name, "linux-x86_64", "3.12")
        assert "orjson" not in bare
        assert "pytest" not in bare
        full = pins(SAMPLE / name, "linux-x86_64", "3.12", extras=["fast"], groups=["test"])
        assert {"orjson", "pytest", "pluggy", "iniconfig"} <= full.keys()

    def test_uv_forks_follow_python(self) -> None:
        assert pins(SAMPLE / "uv.lock", "linux-x86_64", "3.10")["websockets"] == "16.1.1"
        assert pins(SAMPLE / "uv.lock", "linux-x86_64", "3.12")["websockets"] == "17.4"

    def test_uv_files_come_from_the_lock(self) -> None:
        project = read_lock(SAMPLE / "uv.lock")
        numpy_like = next(p for p in project.locked if p.name == "charset-normalizer")
        wheel = numpy_like.files[0]
        assert wheel.filename.endswith(".whl")
        assert wheel.url is not None
        assert wheel.url.startswith("https://files.example.invalid/")
        assert set(wheel.hashes) == {"sha256"}
        assert wheel.upload_time is not None
        assert numpy_like.files[-1].filename.endswith(".tar.gz")
        assert numpy_like.source == "uv.lock"
        assert project.pythons == ("3.10", "3.15")
        assert all(p.name != "sample" for p in project.locked)  # the project itself

    def test_poetry_gives_filenames_only(self) -> None:
        project = read_lock(SAMPLE / "poetry.lock")
        files = [f for p in project.locked for f in p.files]
        assert files
        assert all(f.url is None and f.filename and f.hashes for f in files)


class TestHostLocks:
    def test_pip_lock_is_for_one_machine(self) -> None:
        """pip lock records the files for the machine it ran on, without markers."""
        project = read_lock(SAMPLE / "pylock.toml")
        assert all(p.marker is None for p in project.locked)
        uvloop = next(p for p in project.locked if p.name == "uvloop")
        assert [f.filename for f in uvloop.files if "win" in f.filename] == []
        (root,) = [p for p in project.locked if p.direct is not None]
        assert root.name == "sample"
        assert root.files == ()

    def test_pipfile_lock_needs_the_index(self) -> None:
        project = read_lock(SAMPLE / "Pipfile.lock", groups=["dev"])
        assert all(p.needs_index and p.files == () and p.hashes for p in project.locked)
        assert {"pytest", "requests"} <= {p.name for p in project.locked}
        assert project.pythons == ("3.11",)
        requests = next(p for p in project.locked if p.name == "requests")
        assert requests.version == "2.34.2"
        assert requests.origin.line is not None
        assert (
            '"requests": {'
            in (SAMPLE / "Pipfile.lock").read_text().splitlines()[requests.origin.line - 1]
        )


class TestSameProject:
    """The sample project as pyproject and as uv.lock asks for the same things."""

    @pytest.mark.parametrize(
        ("target", "python"),
        [("win-arm64", "3.12"), ("linux-aarch64", "3.10"), ("macos-arm64", "3.14")],
    )
    def test_uv_lock_pins_satisfy_pyproject(self, target: str, python: str) -> None:
        pyproject = read_pyproject(SAMPLE / "pyproject.toml", extras=["fast"], groups=["test"])
        locked = pins(SAMPLE / "uv.lock", target, python, extras=["fast"], groups=["test"])
        env = environment(target, python)
        for item in pyproject.requirements:
            req = item.requirement
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            name = canonicalize_name(req.name)
            assert name in locked, name
            assert req.specifier.contains(locked[name], prereleases=True)

    def test_requirements_file_equals_pyproject(self, tmp_path: Path) -> None:
        text = "requests\nrich>=13\nuvicorn[standard]\norjson\npytest\n"
        (tmp_path / "requirements.txt").write_text(text)
        from_requirements = {str(i.requirement) for i in load(tmp_path).requirements}
        from_pyproject = {
            str(i.requirement)
            for i in read_pyproject(
                SAMPLE / "pyproject.toml", extras=["fast"], groups=["test"]
            ).requirements
        }
        assert from_requirements == from_pyproject

    @pytest.mark.parametrize("name", ["poetry.lock", "pdm.lock"])
    def test_other_locks_pin_the_same_names(self, name: str) -> None:
        uv = pins(SAMPLE / "uv.lock", "win-amd64", "3.12", extras=["fast"], groups=["test"])
        other = pins(SAMPLE / name, "win-amd64", "3.12", extras=["fast"], groups=["test"])
        # pdm and poetry lock one websockets for every Python; uv forks it at 3.11.
        assert uv.keys() == other.keys()


class TestCoverage:
    def test_requires_python(self) -> None:
        project = read_lock(SAMPLE / "uv.lock")
        assert lock_covers(project, environment("linux-x86_64", "3.12")) is None
        reason = lock_covers(project, environment("linux-x86_64", "3.9"))
        assert reason is not None
        assert ">=3.10" in reason


MALFORMED = [
    pytest.param(
        "uv.lock",
        'version = 2\n[[package]]\nname = "a"\n',
        r"uv\.lock:1: unknown uv\.lock version 2",
        id="uv-version",
    ),
    pytest.param(
        "uv.lock",
        'version = 1\n[[package]]\nname = "a"\nversion = "1"\nsource = {registry = "x"}\n'
        'dependencies = [{name = "b", marker = "os ="}]\n'
        'wheels = [{url = "https://files.example.invalid/a-1-py3-none-any.whl"}]\n',
        r"uv\.lock:2: invalid marker",
        id="uv-marker",
    ),
    pytest.param(
        "uv.lock",
        'version = 1\n[[package]\nname = "a"\n',
        r"uv\.lock:2: invalid TOML",
        id="uv-toml",
    ),
    pytest.param(
        "uv.lock",
        'version = 1\n[[package]]\nversion = "1"\n',
        r"uv\.lock:2: package entry 1 has no name",
        id="uv-no-name",
    ),
    pytest.param(
        "uv.lock",
        'version = 1\n[[package]]\nname = "a"\nsource = {registry = "x"}\n'
        'wheels = [{url = "https://files.example.invalid/a-1-py3-none-any.whl"}]\n',
        r"uv\.lock:2: a has no 'version'",
        id="uv-no-version",
    ),
    pytest.param(
        "uv.lock",
        'version = 1\n[[package]]\nname = "a"\nversion = "1"\nsource = {registry = "x"}\n',
        r"uv\.lock:2: a 1 comes from an index but lists neither wheels nor an sdist",
        id="uv-no-files",
    ),
    pytest.param(
        "uv.lock",
        'version = 1\n[[package]]\nname = "a"\nversion = "1"\nsource = {editable = "."}\n'
        'dependencies = [{version = "2"}]\n',
        r"uv\.lock:2: a dependency entry has no name",
        id="uv-edge-no-name",
    ),
    pytest.param(
        "uv.lock",
        'version = 1\n[[package]]\nname = "a"\nversion = "1"\n',
        r"uv\.lock:2: a has no 'source' table",
        id="uv-no-source",
    ),
    pytest.param(
        "poetry.lock",
        '[[package]]\nname = "a"\ngroups = ["main"]\nfiles = []\n'
        '[metadata]\nlock-version = "2.1"\n',
        r"poetry\.lock:1: a has no 'version'",
        id="poetry-no-version",
    ),
    pytest.param(
        "poetry.lock",
        '[[package]]\nname = "a"\nversion = "1"\ngroups = ["main"]\n'
        'files = [{hash = "sha256:00"}]\n[metadata]\nlock-version = "2.1"\n',
        r"poetry\.lock:1: a file entry has no 'file'",
        id="poetry-file-no-name",
    ),
    pytest.param(
        "pdm.lock",
        '[metadata]\nlock_version = "4.5.0"\n[[package]]\nname = "a"\n',
        r"pdm\.lock:3: a has no 'version'",
        id="pdm-no-version",
    ),
    pytest.param(
        "Pipfile.lock",
        '{"_meta": {"pipfile-spec": 6},\n "default": {\n  "a": "==1.0"}}',
        r"Pipfile\.lock:3: 'a' must be an object",
        id="pipfile-entry-not-object",
    ),
    pytest.param(
        "pylock.toml",
        'lock-version = "2.0"\ncreated-by = "x"\npackages = []\n',
        r"pylock\.toml:1: unknown pylock\.toml lock-version",
        id="pylock-version",
    ),
    pytest.param(
        "pylock.toml",
        'lock-version = "1.0"\ncreated-by = "x"\n'
        '[[packages]]\nname = "a"\n[[packages]]\nversion = "1"\n',
        r"pylock\.toml:3: invalid pylock file",
        id="pylock-invalid",
    ),
    pytest.param(
        "poetry.lock",
        '[[package]]\nname = "a"\n[metadata]\nlock-version = "9.0"\n',
        r"poetry\.lock:4: unknown poetry\.lock lock-version",
        id="poetry-version",
    ),
    pytest.param(
        "poetry.lock",
        '[[package]]\nname = "a"\nversion = "1"\nmarkers = "python_version >>"\n'
        'groups = ["main"]\n[metadata]\nlock-version = "2.1"\n',
        r"poetry\.lock:1: invalid marker",
        id="poetry-marker",
    ),
    pytest.param(
        "pdm.lock",
        '[metadata]\nlock_version = "3.0"\n',
        r"pdm\.lock:2: unknown pdm\.lock lock_version",
        id="pdm-version",
    ),
    pytest.param(
        "Pipfile.lock",
        '{"_meta": {"pipfile-spec": 6},\n "default": {\n  "a": {"version": ">=1"}}}',
        r"Pipfile\.lock:3: 'a' is not pinned",
        id="pipfile-unpinned",
    ),
    pytest.param(
        "Pipfile.lock",
        '{"_meta": {"pipfile-spec": 6},\n "default": {,}}',
        r"Pipfile\.lock:2: invalid JSON",
        id="pipfile-json",
    ),
    pytest.param(
        "Pipfile.lock",
        '{"_meta": {"pipfile-spec": 5}}',
        r"Pipfile\.lock:1: unknown Pipfile\.lock pipfile-spec 5",
        id="pipfile-spec",
    ),
]


@pytest.mark.parametrize(("name", "text", "message"), MALFORMED)
def test_malformed_lock(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InvalidInputFile, match=message) as info:
        read_lock(path)
    assert info.value.hint
    assert "\n" not in info.value.message


def test_unknown_extra_in_lock() -> None:
    with pytest.raises(InvalidInputFile, match="unknown extra 'nope'"):
        read_lock(SAMPLE / "uv.lock", extras=["nope"])


class TestLockVersions:
    @pytest.mark.parametrize(
        ("name", "text", "known"),
        [
            ("poetry.lock", '[metadata]\nlock-version = "3.0"\n', "1.x, 2.x"),
            ("poetry.lock", "[metadata]\n", "1.x, 2.x"),
            ("pdm.lock", '[metadata]\nlock_version = "5.1"\n', "4.x"),
        ],
    )
    def test_an_unknown_version_is_one_error_naming_what_is_read(
        self, tmp_path: Path, name: str, text: str, known: str
    ) -> None:
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(InvalidInputFile, match=f"wheelcast reads {known}"):
            read_lock(path)

    @pytest.mark.parametrize(
        ("name", "text"),
        [
            ("poetry.lock", '[metadata]\nlock-version = "2.1"\npython-versions = ">=3.9"\n'),
            ("pdm.lock", '[metadata]\nlock_version = "4.5.0"\n'),
        ],
    )
    def test_a_known_version_is_read(self, tmp_path: Path, name: str, text: str) -> None:
        path = tmp_path / name
        path.write_text(text)
        assert read_lock(path).locked == ()


WORKSPACE_EXPORTS = json.loads((DATA / "workspace-exports.json").read_text())["cases"]
WORKSPACE_TARGETS = [
    ("linux-x86_64", "3.12"),
    ("win-arm64", "3.12"),
    ("macos-arm64", "3.10"),
    ("linux-aarch64", "3.14"),
]


class TestUvWorkspace:
    """uv.lock of a workspace: the packages are those ``uv export`` selects (recorded)."""

    @pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in WORKSPACE_EXPORTS])
    @pytest.mark.parametrize(("target", "python"), WORKSPACE_TARGETS)
    def test_packages_are_uvs(self, case: dict[str, Any], target: str, python: str) -> None:
        env = environment(target, python)
        expected = {}
        for line in case["export"]:
            pin, _, marker = line.partition(" ; ")
            if not marker or Marker(marker).evaluate(env):
                name, _, version = pin.partition("==")
                expected[canonicalize_name(name)] = version
        # The folder as uv was run in it: the workspace root, or a member's folder.
        project = load(DATA / case["folder"], extras=case["extras"], groups=case["groups"])
        assert project.kind == "lock"
        found = {p.name: str(p.version) for p in needed(project, env)}
        assert found == expected

    def test_extras_the_root_asks_of_a_member_are_followed(self) -> None:
        # app asks app-slim[openai,anthropic]; app-examples (an extra of app) is not asked.
        found = pins(DATA / "workspace" / "uv.lock", "win-arm64", "3.12")
        assert {"openai", "tiktoken", "anthropic", "colorama"} <= found.keys()
        assert not {"pandas", "numpy", "rich"} & found.keys()

    def test_the_note_names_the_root_and_the_members_used(self) -> None:
        (note,) = read_lock(DATA / "workspace" / "uv.lock").notes
        assert "workspace root app;" in note
        assert "members it installs: app-slim;" in note
        assert "not installed: app-examples, app-tool" in note
        (note,) = read_lock(DATA / "workspace" / "uv.lock", extras=["examples"]).notes
        assert "members it installs: app-examples, app-slim;" in note

    def test_a_virtual_root_installs_every_member(self) -> None:
        project = read_lock(DATA / "workspace-virtual" / "uv.lock")
        (note,) = project.notes
        assert "every member is installed (app-examples, app-slim, app-tool)" in note

    def test_a_member_folder_reads_the_workspace_lock_from_that_member(self) -> None:
        project = load(DATA / "workspace" / "examples")
        assert project.path == DATA / "workspace" / "uv.lock"
        (note,) = project.notes
        assert "workspace member app-examples; members it installs: app-slim;" in note

    def test_a_member_pyproject_named_as_a_file_is_read_as_one(self) -> None:
        assert load(DATA / "workspace" / "examples" / "pyproject.toml").kind == "pyproject"

    def test_a_project_the_lock_above_does_not_list_reads_its_pyproject(
        self, tmp_path: Path
    ) -> None:
        shutil.copy(DATA / "workspace" / "uv.lock", tmp_path / "uv.lock")
        (tmp_path / "other").mkdir()
        (tmp_path / "other" / "pyproject.toml").write_text(
            '[project]\nname = "other"\nversion = "1"\ndependencies = ["six"]\n'
        )
        assert load(tmp_path / "other").kind == "pyproject"

    def test_a_group_neither_member_nor_root_has_is_refused(self) -> None:
        with pytest.raises(InvalidInputFile, match="unknown group 'lint'"):
            load(DATA / "workspace" / "examples", groups=["lint"])

    def test_conflicting_extra_and_group_are_refused(self) -> None:
        with pytest.raises(InvalidInputFile, match="declared as conflicting") as info:
            read_lock(DATA / "workspace" / "uv.lock", extras=["legacy"], groups=["dev"])
        assert info.value.hint
        assert "extra 'legacy' of app and group 'dev' of app" in info.value.message

    def test_a_members_extra_is_not_the_roots(self) -> None:
        # "rich" is an extra of the member app-slim, not of the root: uv refuses it too.
        with pytest.raises(InvalidInputFile, match="unknown extra 'rich'"):
            read_lock(DATA / "workspace" / "uv.lock", extras=["rich"])


class TestPdmExtras:
    """pdm writes one entry per extras combination of a package: one package each."""

    def test_entries_with_extras_are_one_package(self) -> None:
        project = read_lock(PUBLIC / "pdm" / "pdm.lock")
        names = [p.name for p in needed(project, environment("linux-x86_64", "3.12"))]
        assert sorted(names) == ["hishel", "httpx", "socksio"]

    def test_the_sample_uvicorn_standard_is_one_package(self) -> None:
        project = read_lock(SAMPLE / "pdm.lock", extras=["fast"], groups=["test"])
        names = [p.name for p in needed(project, environment("win-amd64", "3.12"))]
        assert names.count("uvicorn") == 1
        assert len(names) == len(set(names))

    def test_merged_package_is_needed_where_any_entry_is(self, tmp_path: Path) -> None:
        path = tmp_path / "pdm.lock"
        path.write_text(
            '[metadata]\ngroups = ["default"]\nstrategy = ["inherit_metadata"]\n'
            'lock_version = "4.5.0"\n'
            '[[package]]\nname = "a"\nversion = "1"\ngroups = ["default"]\n'
            'marker = "sys_platform == \'linux\'"\nfiles = [{file = "a-1-py3-none-any.whl"}]\n'
            '[[package]]\nname = "a"\nversion = "1"\nextras = ["x"]\ngroups = ["default"]\n'
            'marker = "sys_platform == \'win32\'"\nfiles = [{file = "a-1-py3-none-any.whl"}]\n'
        )
        project = read_lock(path)
        (package,) = project.locked
        assert len(package.files) == 1
        for target in ("linux-x86_64", "win-amd64"):
            assert [p.name for p in needed(project, environment(target, "3.12"))] == ["a"]
        assert needed(project, environment("macos-arm64", "3.12")) == ()


class TestUnknownGroup:
    def test_poetry_names_the_groups_it_has(self) -> None:
        with pytest.raises(InvalidInputFile, match="group 'nope'") as info:
            read_lock(SAMPLE / "poetry.lock", groups=["nope"])
        assert "(groups: main, test)" in info.value.message
        assert info.value.hint

    def test_poetry_known_group_is_read(self) -> None:
        assert read_lock(SAMPLE / "poetry.lock", groups=["test"]).locked


class TestPoetryOneX:
    def test_files_listed_in_metadata_files(self, tmp_path: Path) -> None:
        """poetry.lock 1.1 keeps every package's files in [metadata.files]."""
        path = tmp_path / "poetry.lock"
        path.write_text(
            '[[package]]\nname = "Six"\nversion = "1.16.0"\ncategory = "main"\n'
            'optional = false\npython-versions = ">=2.7"\n'
            '[metadata]\nlock-version = "1.1"\npython-versions = "^3.8"\n'
            'content-hash = "0"\n[metadata.files]\nSix = [\n'
            '    {file = "six-1.16.0-py2.py3-none-any.whl", hash = "sha256:00"},\n]\n'
        )
        (six,) = read_lock(path).locked
        assert [f.filename for f in six.files] == ["six-1.16.0-py2.py3-none-any.whl"]


class TestOnTheCommandLine:
    @pytest.mark.parametrize(
        ("name", "text", "args", "expected"),
        [
            pytest.param(
                "poetry.lock",
                '[[package]]\nname = "a"\ngroups = ["main"]\nfiles = []\n'
                '[metadata]\nlock-version = "2.1"\n',
                [],
                "poetry.lock:1: a has no 'version'",
                id="no-version",
            ),
            pytest.param(
                "poetry.lock",
                (SAMPLE / "poetry.lock").read_text(),
                ["--group", "nope"],
                "no package of the lock is in group 'nope' (groups: main, test)",
                id="unknown-group",
            ),
        ],
    )
    def test_exit_3_with_one_line(
        self,
        name: str,
        text: str,
        args: list[str],
        expected: str,
        *,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        path = tmp_path / name
        path.write_text(text)
        argv = ["check", str(path), *args, "-p", "3.12", "-t", "linux-x86_64"]
        code = main([*argv, "--cache-dir", str(tmp_path / "c")], io.StringIO())
        err = capsys.readouterr().err
        assert code == 3
        assert expected in err
        assert len(err.strip().splitlines()) == 1


class TestExcludeNewer:
    """A lock pins its files: --exclude-newer cuts nothing the lock names, and says so."""

    @staticmethod
    def run(
        server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
    ) -> tuple[int, dict[str, Any]]:
        argv = ["check", str(SAMPLE / name), "-p", "3.12", "-t", "linux-x86_64",
                "-t", "win-amd64", "-i", server.url, "--cache-dir", str(tmp_path / "c"),
                "--exclude-newer", "2020-01-01T00:00:00Z", "--format", "json"]  # fmt: skip
        argv.append("--no-build-needs")
        out = io.StringIO()
        code = main(argv, out)
        capsys.readouterr()
        return code, json.loads(out.getvalue())

    # Every file of the sample was uploaded after 2020 (recorded 2026-11-25); poetry, pdm
    # and pip's lock give no upload times at all, uv's give them for every file.
    @pytest.mark.parametrize("name", ["poetry.lock", "pdm.lock", "uv.lock", "pylock.uv.toml"])
    def test_pinned_files_are_not_cut(
        self,
        name: str,
        *,
        index_server: IndexServer,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        code, doc = self.run(index_server, tmp_path, capsys, name)
        for result in doc["results"]:
            verdicts = {p["name"]: p["verdict"] for p in result["packages"]}
            assert verdicts["pyyaml"] == "binary"
            assert "missing" not in verdicts.values()
            cutoff = [n for n in result["notes"] if "--exclude-newer" in n]
            assert cutoff == [
                "--exclude-newer 2020-01-01 00:00 UTC is not applied: the lock pins its"
                " files, which are installed whatever their upload date"
            ]
        assert code in {0, 1}  # pylock.uv.toml's project itself is direct

    def test_pipfile_lock_files_from_the_index_are_cut(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = self.run(index_server, tmp_path, capsys, "Pipfile.lock")
        linux = doc["results"][0]
        requests = next(p for p in linux["packages"] if p["name"] == "requests")
        assert requests["verdict"] == "missing"
        assert "after the --exclude-newer cutoff" in requests["detail"]
        (note,) = [n for n in linux["notes"] if "--exclude-newer" in n]
        assert "files the index lists for each pinned version" in note
        assert code == 2


def test_uv_direct_note_only_for_a_package_that_may_be_installed(tmp_path: Path) -> None:
    path = tmp_path / "uv.lock"
    path.write_text(
        'version = 1\n[[package]]\nname = "app"\nversion = "1"\nsource = {editable = "."}\n'
        '[package.dev-dependencies]\ndev = [{name = "tool"}]\n'
        '[[package]]\nname = "tool"\nversion = "2"\n'
        'source = {git = "https://git.example.invalid/tool.git?rev=1#1"}\n'
    )
    assert read_lock(path).notes == ()
    (note,) = read_lock(path, groups=["dev"]).notes
    assert "tool comes from 'https://git.example.invalid/tool.git?rev=1#1'" in note


def test_uv_workspace_note_reaches_the_json_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", str(DATA / "workspace" / "uv.lock"), "-p", "3.12", "-t", "win-arm64",
            "--cache-dir", str(tmp_path), "--format", "json", "--no-build-needs"]  # fmt: skip
    out = io.StringIO()
    code = main(argv, out)
    err = capsys.readouterr().err
    (result,) = json.loads(out.getvalue())["results"]
    assert any("workspace root app; members it installs: app-slim" in n for n in result["notes"])
    assert "workspace root app" in err
    names = {p["name"] for p in result["packages"]}
    assert {"tiktoken", "openai", "anthropic"} <= names
    assert not {"pandas", "numpy"} & names
    assert code == 2  # the fixture's tiktoken and regex have no win-arm64 wheel


def test_uv_lock_without_a_project_has_no_extras_to_choose(tmp_path: Path) -> None:
    path = tmp_path / "uv.lock"
    path.write_text(
        'version = 1\n[[package]]\nname = "a"\nversion = "1"\nsource = {registry = "x"}\n'
        'wheels = [{url = "https://files.example.invalid/a-1-py3-none-any.whl"}]\n'
    )
    assert [p.name for p in read_lock(path).locked] == ["a"]
    with pytest.raises(InvalidInputFile, match="no extras or groups to choose"):
        read_lock(path, groups=["dev"])


def test_uv_edge_marker_with_arbitrary_equality_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "uv.lock"
    path.write_text(
        'version = 1\n[[package]]\nname = "app"\nversion = "1"\nsource = {editable = "."}\n'
        'dependencies = [{name = "a", marker = "'
        "platform_python_implementation === 'CPython'\"}]\n"
        '[[package]]\nname = "a"\nversion = "1"\nsource = {registry = "x"}\n'
        'wheels = [{url = "https://files.example.invalid/a-1-py3-none-any.whl"}]\n'
    )
    assert pins(path, "linux-x86_64", "3.12") == {"a": "1"}


class TestWorkspaceWitness:
    """What a folder's answer depends on is witnessed, so a stored answer is not replayed
    after the workspace lock changes or a lock appears above the project."""

    def test_the_workspace_lock_is_witnessed(self) -> None:
        with logging_reads() as log:
            load(DATA / "workspace" / "examples")
        seen = {path: digest for kind, path, digest in log.observations if kind == "file"}
        lock = str((DATA / "workspace" / "uv.lock").resolve())
        assert seen[lock] == current("file", lock)

    def test_a_missing_lock_above_is_witnessed_as_missing(self, tmp_path: Path) -> None:
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "1"\n')
        with logging_reads() as log:
            load(tmp_path)
        above = str(tmp_path.resolve().parent / "uv.lock")
        assert ("file", above, "-") in log.observations

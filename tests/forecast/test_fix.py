"""``fix_project`` over small indexes built in tmp_path: each kind of change, the blocker,
the alternatives, the edits for each kind of input, and the re-check."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from tests.indexserver import (
    FileEntry,
    IndexServer,
    MakeIndexServer,
    build_wheel,
    file_entry,
    write_page,
)

from wheelcast.forecast.check import IndexOptions
from wheelcast.forecast.fix import ChangeKind, FixResult, fix_project
from wheelcast.forecast.resolve import Options, Resolution
from wheelcast.inputs import LockedPackage, Origin, ProjectInput, RequirementItem
from wheelcast.targets import Target, parse_python, parse_target

ARM = parse_target("win-arm64", [parse_python("3.12")])
C_SETUP = (
    "from setuptools import Extension, setup\n"
    "setup(ext_modules=[Extension('fastlib._speed', ['src/speed.c'])])\n"
)


def sdist(folder: Path, name: str, version: str, files: dict[str, str] | None = None) -> Path:
    path = folder / f"{name}-{version}.tar.gz"
    members = {"PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n"}
    members.update(files or {})
    with tarfile.open(path, "w:gz") as archive:
        for member, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}-{version}/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def entry(path: Path, uploaded: str) -> FileEntry:
    found = file_entry(path.name, path.read_bytes())
    found["upload-time"] = f"{uploaded}T12:00:00Z"  # type: ignore[typeddict-unknown-key]
    return found


@pytest.fixture
def index(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    """
    alpha  1.0: a cp312 win_arm64 wheel; 2.0: a win_amd64 wheel and an sdist
    top    1.0 needs beta<2; 2.0 needs beta>=2 (pure wheels)
    beta   1.0: a win_amd64 wheel and an sdist; 2.0: a cp312 win_arm64 wheel
    fast   1.0: a win_amd64 wheel and a C sdist, nothing for win_arm64
    gamma  1.0: a cp311 win_arm64 wheel and an sdist
    """
    files = tmp_path / "files"
    files.mkdir()
    pages = tmp_path / "pages"
    alpha = [
        entry(build_wheel(files, "alpha", "1.0", tag="cp312-cp312-win_arm64"), "2024-01-01"),
        entry(build_wheel(files, "alpha", "2.0", tag="cp312-cp312-win_amd64"), "2024-07-01"),
        entry(sdist(files, "alpha", "2.0"), "2024-07-01"),
    ]
    top = [
        entry(build_wheel(files, "top", "1.0", requires_dist=["beta<2"]), "2024-01-01"),
        entry(build_wheel(files, "top", "2.0", requires_dist=["beta>=2"]), "2024-03-01"),
    ]
    beta = [
        entry(build_wheel(files, "beta", "1.0", tag="cp312-cp312-win_amd64"), "2024-01-01"),
        entry(sdist(files, "beta", "1.0"), "2024-01-01"),
        entry(build_wheel(files, "beta", "2.0", tag="cp312-cp312-win_arm64"), "2024-03-01"),
    ]
    fast = [
        entry(build_wheel(files, "fast", "1.0", tag="cp312-cp312-win_amd64"), "2024-01-01"),
        entry(sdist(files, "fast", "1.0", {"setup.py": C_SETUP, "src/speed.c": ""}), "2024-01-01"),
    ]
    gamma = [
        entry(build_wheel(files, "gamma", "1.0", tag="cp311-cp311-win_arm64"), "2024-01-01"),
        entry(sdist(files, "gamma", "1.0"), "2024-01-01"),
    ]
    named = (("alpha", alpha), ("top", top), ("beta", beta), ("fast", fast), ("gamma", gamma))
    for name, found in named:
        write_page(pages, name, found)
    return make_index_server(pages, tmp_path / "metadata", files)


def run(
    index: IndexServer, cache: Path, *requirements: str, try_indexes: tuple[str, ...] = ()
) -> FixResult:
    origin = Origin(Path("requirements.txt"), 1)
    project = ProjectInput(
        "requirements",
        origin.path,
        tuple(RequirementItem(Requirement(r), origin) for r in requirements),
    )
    return fix_project(
        project,
        ARM,
        options=Options(),
        index=IndexOptions(index_url=index.url, cache_dir=cache),
        try_indexes=try_indexes,
    )


class TestChanges:
    def test_only_an_older_release_has_the_wheel_a_ceiling_with_its_cost(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        result = run(index, tmp_path, "alpha")
        (change,) = result.changes
        assert (change.kind, change.constraint) == (ChangeKind.LOWER, "alpha<2.0")
        assert change.cost == "1 release back (2.0), 1.0 is 6 months older than 2.0"
        assert "alpha 2.0 has no cp312 win_arm64 wheel" in change.why[0]
        assert result.builds_after == 0

    def test_a_pin_that_blocks_is_named_and_moved(self, index: IndexServer, tmp_path: Path) -> None:
        result = run(index, tmp_path, "top==1.0")
        (fix,) = result.targets
        (blocker,) = fix.blockers
        assert (blocker.by, blocker.requirement) == ("top 1.0", "beta<2")
        assert blocker.text.startswith(
            "top 1.0 requires beta<2, and no beta below 2 has a cp312 win_arm64 wheel"
        )
        (change,) = result.changes
        assert (change.kind, change.constraint) == (ChangeKind.REPIN, "top==2.0")
        assert [(e.before, e.after) for e in result.edits] == [("top==1.0", "top==2.0")]
        assert result.constraints == ()  # a constraint cannot move a pin
        assert result.builds_after == 0

    def test_nothing_to_change_when_every_target_has_wheels(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        result = run(index, tmp_path, "beta>=2")
        assert result.changes == ()
        assert result.targets[0].before == ()
        assert result.builds_after == 0


class TestSeveralTargets:
    def test_a_change_that_would_cost_another_target_its_wheel_is_scoped(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        # alpha<2.0 gives win-arm64 its wheel (1.0) but would leave win-amd64 nothing.
        origin = Origin(Path("requirements.txt"), 1)
        project = ProjectInput(
            "requirements", origin.path, (RequirementItem(Requirement("alpha"), origin),)
        )
        targets = [*ARM, *parse_target("win-amd64", [parse_python("3.12")])]
        result = fix_project(
            project, targets, index=IndexOptions(index_url=index.url, cache_dir=tmp_path)
        )
        (change,) = result.changes
        assert (
            change.constraint
            == 'alpha<2.0; sys_platform == "win32" and platform_machine == "ARM64"'
        )
        assert change.targets == ("win-arm64@3.12",)
        assert [(e.before, e.after) for e in result.edits] == [("", change.constraint)]
        assert [str(f.packages[0].version) for f in result.after.forecasts] == ["1.0", "2.0"]
        assert result.builds_after == 0

    def test_a_pin_moved_where_it_would_cost_another_target_its_wheels_is_two_lines(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        origin = Origin(Path("requirements.txt"), 1)
        project = ProjectInput(
            "requirements", origin.path, (RequirementItem(Requirement("top==1.0"), origin),)
        )
        targets = [*ARM, *parse_target("win-amd64", [parse_python("3.12")])]
        result = fix_project(
            project, targets, index=IndexOptions(index_url=index.url, cache_dir=tmp_path)
        )
        # top 2.0 needs beta>=2, which has no win_amd64 wheel: x64 keeps top 1.0.
        (change,) = result.changes
        arm = 'sys_platform == "win32" and platform_machine == "ARM64"'
        assert (change.kind, change.marker) == (ChangeKind.REPIN, arm)
        (edit,) = result.edits
        assert edit.before == "top==1.0"
        assert edit.after.splitlines() == [
            f"top==2.0; {arm}",
            'top==1.0; sys_platform != "win32" or platform_machine != "ARM64"',
        ]
        assert [str(f.packages[-1].version) for f in result.after.forecasts] == ["2.0", "1.0"]
        assert result.builds_after == 0


class TestWhatRemains:
    def test_emulation_toolchain_and_install_command(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        result = run(index, tmp_path, "fast")
        (fix,) = result.targets
        assert not fix.fixed
        assert fix.blockers[0].text == "no fast release has a cp312 win_arm64 wheel"
        assert fix.alternatives == (
            "under x64 emulation (py -3.12-64): fast 1.0 from a wheel, and nothing else builds",
        )
        ((name, advice),) = fix.toolchain
        assert name == "fast"
        assert any("MSVC v143 ARM64 build tools" in line for line in advice)
        assert fix.install == "py -3.12 -m pip install fast"
        assert index.requests["/files/fast-1.0.tar.gz"] >= 1  # read for what it needs
        assert result.builds_after == 1

    def test_without_build_needs_the_sdist_is_not_read(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        origin = Origin(Path("requirements.txt"), 1)
        project = ProjectInput(
            "requirements", origin.path, (RequirementItem(Requirement("fast"), origin),)
        )
        result = fix_project(
            project,
            ARM,
            index=IndexOptions(index_url=index.url, cache_dir=tmp_path),
            build_needs=False,
        )
        assert result.targets[0].toolchain == (("fast", ("what its build needs was not read",)),)
        assert index.requests.get("/files/fast-1.0.tar.gz", 0) == 0

    def test_an_alternative_that_cannot_be_read_is_left_out(
        self, index: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from wheelcast.errors import OfflineMiss  # noqa: PLC0415
        from wheelcast.forecast import fix as module  # noqa: PLC0415

        original = module._Resolver.normal

        def normal(self: module._Resolver, target: Target, *args: object) -> Resolution:
            if target.platform.arch == "amd64":
                raise OfflineMiss("not cached: fast", "run once online")
            return original(self, target, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(module._Resolver, "normal", normal)
        (fix,) = run(index, tmp_path, "fast").targets
        assert fix.emulation is None
        assert fix.alternatives == ()
        assert fix.toolchain[0][0] == "fast"

    def test_another_python_that_has_the_wheels(self, index: IndexServer, tmp_path: Path) -> None:
        (fix,) = run(index, tmp_path, "gamma").targets
        assert not fix.fixed
        assert fix.alternatives == ("Python 3.11 on win-arm64 installs every package from wheels",)

    def test_an_extra_index_the_user_names(
        self, index: IndexServer, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        files = tmp_path / "extra-files"
        files.mkdir()
        wheel = build_wheel(files, "fast", "1.0", tag="cp312-cp312-win_arm64")
        write_page(tmp_path / "extra-pages", "fast", [entry(wheel, "2024-02-01")])
        extra = make_index_server(tmp_path / "extra-pages", tmp_path / "extra-md", files)
        (fix,) = run(index, tmp_path, "fast", try_indexes=(extra.url,)).targets
        assert (
            f"with --extra-index-url {extra.url}, every package installs from wheels"
            in fix.alternatives
        )


class TestEdits:
    def test_a_pyproject_dependency(self, index: IndexServer, tmp_path: Path) -> None:
        origin = Origin(Path("pyproject.toml"), 3)
        project = ProjectInput(
            "pyproject", origin.path, (RequirementItem(Requirement("top==1.0"), origin),)
        )
        result = fix_project(
            project, ARM, index=IndexOptions(index_url=index.url, cache_dir=tmp_path)
        )
        assert [(e.kind, e.before, e.after) for e in result.edits] == [
            ("pyproject", "top==1.0", "top==2.0")
        ]

    @pytest.mark.parametrize(
        ("lock", "command"),
        [
            ("uv.lock", 'uv lock --upgrade-package "top==2.0"'),
            ("poetry.lock", "poetry update top  (with top==2.0 in the project's requirements)"),
            ("pdm.lock", "pdm update top  (with top==2.0 in the project's requirements)"),
        ],
    )
    def test_a_lock_gets_its_tool_command(
        self, index: IndexServer, tmp_path: Path, lock: str, command: str
    ) -> None:
        origin = Origin(Path(lock), 1)
        locked = tuple(
            LockedPackage(name, version, None, (), lock, origin, needs_index=True)  # type: ignore[arg-type]
            for name, version in (("top", "1.0"), ("beta", "1.0"))
        )
        project = ProjectInput("lock", Path(lock), locked=locked)
        result = fix_project(
            project, ARM, index=IndexOptions(index_url=index.url, cache_dir=tmp_path)
        )
        assert ("top==1.0", command) in [(e.before, e.after) for e in result.edits]


class TestCombined:
    @pytest.mark.parametrize(
        ("specifiers", "expected"),
        [
            ([">=1.0", ">=2.0"], ">=2.0"),
            (["<3", "<2.5"], "<2.5"),
            ([">=1.0", "<2"], "<2,>=1.0"),
            (["==1.0", "==1.2"], "==1.2"),
        ],
    )
    def test_the_tightest_bounds_hold(self, specifiers: list[str], expected: str) -> None:
        from wheelcast.forecast.fix import _combined  # noqa: PLC0415 - a private helper

        assert _combined([SpecifierSet(s) for s in specifiers]) == SpecifierSet(expected)

    def test_each_reason_is_said_once_with_its_targets(self) -> None:
        from wheelcast.forecast.fix import _why_on  # noqa: PLC0415 - a private helper

        spec = SpecifierSet("==2")
        wanted = [
            ("a@3.12", ChangeKind.REPIN, spec, "x==2 installs", ""),
            ("a@3.13", ChangeKind.REPIN, spec, "x==2 installs", ""),
            ("b@3.12", ChangeKind.REPIN, spec, "other", ""),
        ]
        assert _why_on(wanted) == ("x==2 installs (a@3.12, a@3.13)", "other (b@3.12)")


class TestPartial:
    def test_an_older_release_that_spares_one_build_is_said_when_others_still_build(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        # fast never has a win_arm64 wheel: no change brings the target to wheels, but
        # holding alpha below 2.0 still spares its build (plain thinc, where blis builds).
        result = run(index, tmp_path, "alpha", "fast")
        (fix,) = result.targets
        assert not fix.fixed
        assert result.changes == ()
        assert fix.partial == (
            "alpha 2.0 has no cp312 win_arm64 wheel; alpha<2.0 takes 1.0, which has: one build"
            " fewer, at 1 release back (2.0), 1.0 is 6 months older than 2.0; fast still builds",
        )

    def test_nothing_is_said_where_no_older_release_has_the_wheel(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        (fix,) = run(index, tmp_path, "fast").targets
        assert not fix.fixed
        assert fix.partial == ()

"""A constraint applies only on the targets where its marker holds, as pip collects them.

pip (``Factory.collect_root_requirements``) drops a constraint whose marker is false in
the environment it installs into, and evaluates the marker with no extra
(``InstallRequirement.match_markers``): ``a<2; extra == "x"`` never applies, whatever
extras are asked for, and ``a<2; extra != "x"`` always does; a constraint naming extras
(``a[x]<2``) is an error ("Constraints cannot have extras"). Checked on small wheels
against pip 23.2.1 (``pip install --dry-run --report - -c c.txt``) and uv 0.13.9
(``uv pip compile --python-platform linux|windows -c c.txt``), which agree on markers;
uv accepts extras in a constraint, but the forecast is pip's.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from tests.fakes import FakeRepository, dist
from tests.indexserver import IndexServer, MakeIndexServer, build_wheel, file_entry, write_page

from wheelcast.cli import main
from wheelcast.forecast.check import IndexOptions
from wheelcast.forecast.explanation import explain
from wheelcast.forecast.fix import fix_project
from wheelcast.forecast.resolve import Options, constraints_on, resolve
from wheelcast.inputs import Origin, ProjectInput, RequirementItem
from wheelcast.targets import Target, parse_python, parse_target


def target(name: str) -> Target:
    return parse_target(name, [parse_python("3.12")])[0]


LINUX = target("linux-x86_64")
WINDOWS = target("win-amd64")
MAC = target("macos-arm64")


class TestConstraintsOn:
    @pytest.mark.parametrize(
        ("line", "on", "expected"),
        [
            pytest.param("a<2", LINUX, "<2", id="no-marker"),
            pytest.param('a<2; sys_platform == "win32"', WINDOWS, "<2", id="holds"),
            pytest.param('a<2; sys_platform == "win32"', LINUX, None, id="does-not-hold"),
            pytest.param('a<2; platform_machine == "arm64"', MAC, "<2", id="machine"),
            pytest.param('a<2; python_version < "3.12"', LINUX, None, id="python"),
            pytest.param('a<2; extra == "x"', LINUX, None, id="extra-never"),
            pytest.param('a<2; extra != "x"', LINUX, "<2", id="not-extra-always"),
            pytest.param('A<2; os_name == "nt"', WINDOWS, "<2", id="normalized-name"),
        ],
    )
    def test_a_constraint_holds_where_its_marker_does(
        self, line: str, on: Target, expected: str | None
    ) -> None:
        found = constraints_on(on, [Requirement(line)])
        assert found == ({} if expected is None else {"a": SpecifierSet(expected)})

    def test_only_the_constraints_that_hold_are_anded(self) -> None:
        lines = ["a>=1", 'a<2; sys_platform == "win32"', 'a<3; sys_platform == "linux"']
        constraints = [Requirement(line) for line in lines]
        assert constraints_on(WINDOWS, constraints) == {"a": SpecifierSet(">=1,<2")}
        assert constraints_on(LINUX, constraints) == {"a": SpecifierSet(">=1,<3")}


FILES = [
    dist("a-1.0-py3-none-any.whl"),
    dist("a-2.0-py3-none-any.whl"),
]


def pinned(on: Target, *constraints: str) -> str:
    repo = FakeRepository({"a": FILES})
    options = Options(constraints=tuple(Requirement(c) for c in constraints))
    (pin,) = resolve(on, [Requirement("a")], repo, options).pins
    return str(pin.version)


class TestResolve:
    def test_a_marker_constraint_pins_only_where_it_holds(self) -> None:
        line = 'a<2; sys_platform == "win32"'
        assert (pinned(WINDOWS, line), pinned(LINUX, line)) == ("1.0", "2.0")

    def test_an_extra_marker_never_holds(self) -> None:
        assert pinned(LINUX, 'a<2; extra == "x"') == "2.0"
        assert pinned(LINUX, 'a<2; extra != "x"') == "1.0"


class TestExplain:
    def test_the_rule_shown_is_the_constraint_that_holds_there(self) -> None:
        repo = FakeRepository({"a": FILES})
        options = Options(constraints=(Requirement('a<2; sys_platform == "win32"'),))
        on_windows = explain("a", WINDOWS, options=options, repository=repo, build_needs=False)
        on_linux = explain("a", LINUX, options=options, repository=repo, build_needs=False)
        assert on_windows.why.startswith("1.0 is the newest version allowed by '<2'")
        assert on_linux.why.startswith("2.0 is the newest version available")


@pytest.fixture
def links(tmp_path: Path) -> Path:
    folder = tmp_path / "links"
    build_wheel(folder, "a", "1.0")
    build_wheel(folder, "a", "2.0")
    build_wheel(folder, "b", "1.0", requires_dist=["a", 'c; extra == "x"'])
    build_wheel(folder, "c", "1.0")
    return folder


def check(links: Path, tmp_path: Path, *args: str) -> dict[str, dict[str, str]]:
    """Each target's pinned versions from one ``wheelcast check`` on two targets."""
    common = ["-t", "linux-x86_64", "-t", "win-amd64", "-p", "3.12", "--no-index", "-f",
              str(links), "--cache-dir", str(tmp_path / "cache"), "--format", "json"]  # fmt: skip
    out = io.StringIO()
    code = main(["check", *args, *common], out)
    assert code == 0, out.getvalue()
    results: list[dict[str, Any]] = json.loads(out.getvalue())["results"]
    return {r["target"]: {p["name"]: p["version"] for p in r["packages"]} for r in results}


class TestCheck:
    def test_one_check_applies_the_constraint_on_one_target_only(
        self, links: Path, tmp_path: Path
    ) -> None:
        constraints = tmp_path / "constraints.txt"
        constraints.write_text('a<2; sys_platform == "win32"\n')
        found = check(links, tmp_path, "b", "-c", str(constraints))
        assert (found["win-amd64@3.12"]["a"], found["linux-x86_64@3.12"]["a"]) == ("1.0", "2.0")

    def test_a_constraints_file_named_in_the_requirements_file(
        self, links: Path, tmp_path: Path
    ) -> None:
        (tmp_path / "constraints.txt").write_text('a<2; sys_platform == "linux"\n')
        requirements = tmp_path / "requirements.txt"
        requirements.write_text("-c constraints.txt\nb\n")
        found = check(links, tmp_path, "-r", str(requirements))
        assert (found["win-amd64@3.12"]["a"], found["linux-x86_64@3.12"]["a"]) == ("2.0", "1.0")

    def test_an_extra_marker_does_not_follow_the_extras_asked_for(
        self, links: Path, tmp_path: Path
    ) -> None:
        constraints = tmp_path / "constraints.txt"
        constraints.write_text('a<2; extra == "x"\n')
        found = check(links, tmp_path, "b[x]", "-c", str(constraints))
        assert found["linux-x86_64@3.12"]["c"] == "1.0"  # the extra is asked for
        assert (found["win-amd64@3.12"]["a"], found["linux-x86_64@3.12"]["a"]) == ("2.0", "2.0")


@pytest.fixture
def alpha_index(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    """alpha 1.0: a cp312 win_arm64 wheel; 2.0: a win_amd64 wheel and an sdist;
    fast 1.0: a win_amd64 wheel only, so that win_arm64 has no wheels-only resolution."""
    files, pages = tmp_path / "files", tmp_path / "pages"
    files.mkdir()
    entries = []
    for version, tag in (("1.0", "cp312-cp312-win_arm64"), ("2.0", "cp312-cp312-win_amd64")):
        path = build_wheel(files, "alpha", version, tag=tag)
        entries.append(file_entry(path.name, path.read_bytes()))
    sdist = files / "alpha-2.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        data = b"Metadata-Version: 2.1\nName: alpha\nVersion: 2.0\n\n"
        info = tarfile.TarInfo("alpha-2.0/PKG-INFO")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    entries.append(file_entry(sdist.name, sdist.read_bytes()))
    write_page(pages, "alpha", entries)
    fast = build_wheel(files, "fast", "1.0", tag="cp312-cp312-win_amd64")
    write_page(pages, "fast", [file_entry(fast.name, fast.read_bytes())])
    return make_index_server(pages, tmp_path / "metadata", files)


class TestFix:
    def test_a_constraint_that_does_not_hold_there_is_no_blocker(
        self, alpha_index: IndexServer, tmp_path: Path
    ) -> None:
        origin = Origin(Path("requirements.txt"), 1)
        requested = (Requirement("alpha"), Requirement("fast"))
        project = ProjectInput(
            "requirements", origin.path, tuple(RequirementItem(r, origin) for r in requested)
        )
        result = fix_project(
            project,
            [target("win-arm64")],
            options=Options(constraints=(Requirement('alpha>=2; sys_platform == "linux"'),)),
            index=IndexOptions(index_url=alpha_index.url, cache_dir=tmp_path / "cache"),
            build_needs=False,
        )
        (fix,) = result.targets
        assert [(b.package, b.by) for b in fix.blockers] == [("fast", "the index")]

    def test_the_recheck_applies_a_scoped_change_only_where_it_holds(
        self, alpha_index: IndexServer, tmp_path: Path
    ) -> None:
        origin = Origin(Path("requirements.txt"), 1)
        project = ProjectInput(
            "requirements", origin.path, (RequirementItem(Requirement("alpha"), origin),)
        )
        arm, x64 = target("win-arm64"), target("win-amd64")
        result = fix_project(
            project,
            [arm, x64],
            options=Options(),
            index=IndexOptions(index_url=alpha_index.url, cache_dir=tmp_path / "cache"),
            build_needs=False,
        )
        # alpha 1.0 has no win_amd64 wheel: the ceiling holds on win_arm64 alone.
        (change,) = result.changes
        assert change.constraint.startswith("alpha<2.0; ")
        after = {
            f.target: [(p.name, str(p.version)) for p in f.packages] for f in result.after.forecasts
        }
        assert after == {arm: [("alpha", "1.0")], x64: [("alpha", "2.0")]}
        assert result.builds_after == 0


class TestExtrasInAConstraint:
    @pytest.mark.parametrize("line", ["a[x]<2", 'a[x]<2; sys_platform == "linux"'])
    def test_pip_refuses_them_one_line_exit_3(
        self, links: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str
    ) -> None:
        constraints = tmp_path / "constraints.txt"
        constraints.write_text(f"a>=1\n{line}\n")
        code = main(["check", "b", "-c", str(constraints), "--no-index", "-f", str(links),
                     "--cache-dir", str(tmp_path / "cache")])  # fmt: skip
        err = capsys.readouterr().err
        assert code == 3
        assert f"{constraints}:2: constraint '{line}' names extras" in err
        assert "Traceback" not in err

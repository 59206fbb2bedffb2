"""Direct references: the same verdict however they arrive; a direct wheel judged by its
tags, with the tree below it forecast; what pip builds counted apart in the summary."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from tests.forecast.test_annotate_builds import sdist
from tests.indexserver import (
    IndexServer,
    MakeIndexServer,
    build_wheel,
    file_entry,
    write_page,
)

from wheelcast import check as api_check
from wheelcast.cli import main
from wheelcast.forecast.check import IndexOptions
from wheelcast.targets import parse_python, parse_target

TARGETS = ["-t", "win-arm64", "-t", "win-amd64", "-t", "linux-x86_64", "-p", "3.12"]


@pytest.fixture
def index(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    """beta 1.0 (pure) and gamma 2.0 (pure) on the index; the direct wheels only in files/."""
    files = tmp_path / "files"
    beta = build_wheel(files, "beta", "1.0")
    gamma = build_wheel(files, "gamma", "2.0")
    build_wheel(files, "mypkg", "1.0", requires_dist=["beta>=1", "gamma; sys_platform == 'win32'"])
    build_wheel(files, "natpkg", "1.0", tag="cp312-cp312-win_amd64", requires_dist=["beta"])
    build_wheel(files, "extpkg", "1.0", requires_dist=["beta", "gamma; extra == 'fast'"])
    pages = tmp_path / "pages"
    write_page(pages, "beta", [file_entry(beta.name, beta.read_bytes())])
    write_page(pages, "gamma", [file_entry(gamma.name, gamma.read_bytes())])
    return make_index_server(pages, tmp_path / "metadata", files)


def run(index: IndexServer, tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """(exit code, {target: {name: package}}, the text report) of one check."""
    common = [*TARGETS, "-i", index.url, "--cache-dir", str(tmp_path / "cache"), "--no-build-needs"]
    out = io.StringIO()
    code = main(["check", *args, *common, "--format", "json"], out)
    doc = json.loads(out.getvalue())
    text = io.StringIO()
    main(["check", *args, *common], text)
    packages = {r["target"]: {p["name"]: p for p in r["packages"]} for r in doc["results"]}
    return code, packages, text.getvalue()


def verdicts(packages: dict[str, Any]) -> dict[str, dict[str, tuple[str | None, str]]]:
    return {
        target: {name: (p["version"], p["verdict"]) for name, p in found.items()}
        for target, found in packages.items()
    }


class TestSameVerdictEveryWay:
    def test_a_wheel_url_by_argument_file_and_pyproject(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        url = index.file_url("mypkg-1.0-py3-none-any.whl")
        requirements = tmp_path / "requirements.txt"
        requirements.write_text(f"mypkg @ {url}\n")
        project = tmp_path / "project"
        project.mkdir()
        (project / "pyproject.toml").write_text(
            f'[project]\nname = "app"\nversion = "0"\ndependencies = ["mypkg @ {url}"]\n'
        )
        answers = [
            run(index, tmp_path, f"mypkg @ {url}"),
            run(index, tmp_path, url),
            run(index, tmp_path, "-r", str(requirements)),
            run(index, tmp_path, str(project / "pyproject.toml")),
        ]
        first = verdicts(answers[0][1])
        assert all(verdicts(packages) == first for _, packages, _ in answers)
        assert {code for code, _, _ in answers} == {0}
        # Read from the wheel's METADATA: its dependencies are forecast like any other.
        assert first["win-arm64@3.12"] == {
            "mypkg": ("1.0", "pure"),
            "beta": ("1.0", "pure"),
            "gamma": ("2.0", "pure"),
        }
        assert "gamma" not in first["linux-x86_64@3.12"]
        arm = answers[0][1]["win-arm64@3.12"]
        assert arm["beta"]["required_by"] == ["mypkg"]
        assert arm["mypkg"]["file"] == "mypkg-1.0-py3-none-any.whl"

    def test_a_hash_fragment_is_not_part_of_the_file(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        wheel = tmp_path / "files" / "mypkg-1.0-py3-none-any.whl"
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        url = index.file_url(wheel.name)
        _, packages, _ = run(index, tmp_path, f"mypkg @ {url}#sha256={digest}")
        arm = packages["win-arm64@3.12"]
        assert (arm["mypkg"]["url"], arm["mypkg"]["dependencies_known"]) == (url, True)
        assert arm["beta"]["verdict"] == "pure"

    def test_a_local_wheel_by_path_and_file_url(self, index: IndexServer, tmp_path: Path) -> None:
        wheel = tmp_path / "files" / "mypkg-1.0-py3-none-any.whl"
        by_path = run(index, tmp_path, str(wheel))
        by_url = run(index, tmp_path, f"mypkg @ {wheel.as_uri()}")
        assert verdicts(by_path[1]) == verdicts(by_url[1])
        assert by_path[1]["win-arm64@3.12"]["beta"]["verdict"] == "pure"

    def test_the_api_takes_a_url_requirement_as_direct(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        url = index.file_url("natpkg-1.0-cp312-cp312-win_amd64.whl")
        result = api_check(
            [f"natpkg @ {url}"],
            parse_target("win-arm64", [parse_python("3.12")]),
            index=IndexOptions(index_url=index.url, cache_dir=tmp_path / "cache"),
            build_needs=False,
        )
        (forecast,) = result.forecasts
        names = {p.name: p.verdict.value for p in forecast.packages}
        assert names["natpkg"] == "missing"
        assert names["beta"] == "pure"


class TestDirectWheelExtras:
    def test_the_extras_asked_of_a_direct_wheel_bring_their_dependencies(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        url = index.file_url("extpkg-1.0-py3-none-any.whl")
        _, plain, _ = run(index, tmp_path, f"extpkg @ {url}")
        _, fast, _ = run(index, tmp_path, f"extpkg[fast] @ {url}")
        assert set(plain["linux-x86_64@3.12"]) == {"extpkg", "beta"}
        assert set(fast["linux-x86_64@3.12"]) == {"extpkg", "beta", "gamma"}
        assert fast["linux-x86_64@3.12"]["gamma"]["required_by"] == ["extpkg"]


class TestDirectWheelTags:
    def test_judged_per_target_with_the_reason(self, index: IndexServer, tmp_path: Path) -> None:
        url = index.file_url("natpkg-1.0-cp312-cp312-win_amd64.whl")
        code, packages, text = run(index, tmp_path, f"natpkg @ {url}")
        assert code == 2
        x64 = packages["win-amd64@3.12"]["natpkg"]
        arm = packages["win-arm64@3.12"]["natpkg"]
        assert (x64["version"], x64["verdict"], x64["tag"]) == (
            "1.0",
            "binary",
            "cp312-cp312-win_amd64",
        )
        assert arm["verdict"] == "missing"
        assert arm["detail"] == "natpkg-1.0-cp312-cp312-win_amd64.whl: built for win_amd64"
        # Missing or not, what it needs is still forecast.
        assert packages["win-arm64@3.12"]["beta"]["verdict"] == "pure"
        assert "win-arm64 (cp312): 0 need a build, 1 missing (natpkg)" in text

    def test_its_requires_python_is_judged_like_its_tags(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        wheel = build_wheel(tmp_path / "dist", "newpy", "1.0", requires_python=">=3.13",
                            requires_dist=["beta"])  # fmt: skip
        out = io.StringIO()
        code = main(["check", str(wheel), "-t", "linux-x86_64", "-p", "3.12", "-p", "3.13",
                     "-i", index.url, "--cache-dir", str(tmp_path / "c"), "--format", "json"],
                    out)  # fmt: skip
        results = {
            r["target"]: {p["name"]: p for p in r["packages"]}
            for r in json.loads(out.getvalue())["results"]
        }
        old = results["linux-x86_64@3.12"]["newpy"]
        assert old["verdict"] == "missing"
        assert old["detail"] == "newpy-1.0-py3-none-any.whl: requires Python >=3.13, not 3.12.0"
        assert results["linux-x86_64@3.13"]["newpy"]["verdict"] == "pure"
        assert results["linux-x86_64@3.13"]["beta"]["verdict"] == "pure"
        assert code == 2

    def test_a_name_that_is_not_the_wheels_is_bad_input(
        self, index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        url = index.file_url("natpkg-1.0-cp312-cp312-win_amd64.whl")
        out = io.StringIO()
        code = main(["check", f"other @ {url}", *TARGETS, "-i", index.url,
                     "--cache-dir", str(tmp_path / "c")], out)  # fmt: skip
        err = capsys.readouterr().err
        assert code == 3
        assert "is a wheel of natpkg, not of other" in err
        assert len(err.strip().splitlines()) == 1

    def test_unreadable_metadata_leaves_the_tags_judged(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        url = index.file_url("absent-1.0-py3-none-any.whl")  # the server answers 404
        code, packages, _ = run(index, tmp_path, url)
        absent = packages["win-arm64@3.12"]["absent"]
        assert (absent["verdict"], absent["dependencies_known"]) == ("pure", False)
        assert code == 0


class TestBuiltFromSource:
    def test_a_vcs_reference_on_the_command_line_is_direct(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        code, packages, text = run(
            index, tmp_path, "requests @ git+https://github.invalid/psf/requests"
        )
        assert packages["win-arm64@3.12"]["requests"]["verdict"] == "direct"
        assert code == 1
        assert (
            "win-arm64 (cp312): 0 need a build, 0 missing, 1 direct"
            " (builds from source: requests), 0 from wheels"
        ) in text

    def test_a_folder_with_static_dependencies_has_them_checked(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        project = tmp_path / "local"
        project.mkdir()
        (project / "pyproject.toml").write_text(
            '[project]\nname = "local-lib"\nversion = "0.3"\ndependencies = ["beta"]\n'
            '[project.optional-dependencies]\nextra = ["gamma"]\n'
        )
        requirements = tmp_path / "requirements.txt"
        requirements.write_text(f"-e {project}[extra]\n")
        code, packages, text = run(index, tmp_path, "-r", str(requirements))
        arm = packages["win-arm64@3.12"]
        assert (arm["local-lib"]["version"], arm["local-lib"]["verdict"]) == ("0.3", "direct")
        assert arm["beta"]["verdict"] == "pure"
        assert arm["gamma"]["required_by"] == ["local-lib"]
        assert code == 1
        assert "1 direct (builds from source: local-lib), 2 from wheels" in text

    def test_a_local_sdist_with_static_dependencies_has_them_checked(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        pyproject = '[project]\nname = "packed"\nversion = "2.1"\ndependencies = ["beta"]\n'
        archive = sdist(tmp_path, "packed", "2.1", {"pyproject.toml": pyproject})
        code, packages, _ = run(index, tmp_path, str(archive))
        arm = packages["win-arm64@3.12"]
        assert (arm["packed"]["version"], arm["packed"]["verdict"]) == ("2.1", "direct")
        assert arm["beta"]["required_by"] == ["packed"]
        assert code == 1

    def test_a_folder_with_dynamic_dependencies_is_direct_alone(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        project = tmp_path / "local"
        project.mkdir()
        (project / "pyproject.toml").write_text(
            '[project]\nname = "local-lib"\ndynamic = ["version", "dependencies"]\n'
        )
        code, packages, _ = run(index, tmp_path, f"local-lib @ {project.as_uri()}")
        arm = packages["win-arm64@3.12"]
        assert list(arm) == ["local-lib"]
        assert (arm["local-lib"]["verdict"], arm["local-lib"]["dependencies_known"]) == (
            "direct",
            False,
        )
        assert code == 1


class TestLocks:
    def test_a_locked_direct_wheel_is_judged_by_its_tags(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        url = index.file_url("natpkg-1.0-cp312-cp312-win_amd64.whl")
        lock = tmp_path / "pylock.toml"
        lock.write_text(
            'lock-version = "1.0"\ncreated-by = "tests"\n\n'
            '[[packages]]\nname = "natpkg"\nversion = "1.0"\n'
            f'archive = {{ url = "{url}", hashes = {{ sha256 = "{"0" * 64}" }} }}\n'
        )
        code, packages, _ = run(index, tmp_path, str(lock))
        assert packages["win-amd64@3.12"]["natpkg"]["verdict"] == "binary"
        assert packages["win-arm64@3.12"]["natpkg"]["verdict"] == "missing"
        assert "built for win_amd64" in packages["win-arm64@3.12"]["natpkg"]["detail"]
        assert code == 2


class TestExplain:
    @pytest.mark.parametrize(
        "text",
        ["mypkg @ https://files.example.invalid/mypkg-1.0-py3-none-any.whl", "./dist/x-1.0.tar.gz"],
    )
    def test_a_direct_reference_is_one_error_line(
        self, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code = main(["explain", text, "-t", "win-arm64", "-p", "3.12",
                     "--cache-dir", str(tmp_path)], io.StringIO())  # fmt: skip
        err = capsys.readouterr().err
        assert code == 3
        assert "is a direct reference" in err
        assert len(err.strip().splitlines()) == 1


class TestDirectConflict:
    def test_a_version_the_direct_wheel_is_not_is_a_conflict(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        url = index.file_url("mypkg-1.0-py3-none-any.whl")
        code, packages, _ = run(index, tmp_path, f"mypkg @ {url}", "mypkg>=2")
        mypkg = packages["win-arm64@3.12"]["mypkg"]
        assert mypkg["verdict"] == "conflict"
        assert mypkg["conflict"] == [
            f"mypkg 1.0 @ {url} (from <command line>)",
            "mypkg>=2 (from <command line>)",
        ]
        assert packages["win-arm64@3.12"]["beta"]["verdict"] == "pure"
        assert code == 2

    def test_a_version_it_is_resolves(self, index: IndexServer, tmp_path: Path) -> None:
        url = index.file_url("mypkg-1.0-py3-none-any.whl")
        code, packages, _ = run(index, tmp_path, f"mypkg @ {url}", "mypkg<2")
        assert packages["win-arm64@3.12"]["mypkg"]["verdict"] == "pure"
        assert code == 0

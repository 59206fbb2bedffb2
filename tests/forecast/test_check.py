"""End to end: the wheelcast command against the recorded index on 127.0.0.1.

The recorded index (tests/data/index, made by tools/record_index.py) and the
reference resolutions (tests/data/reference, made by tools/record_reference.py
with uv and pip) come from the same real index on the same day.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.tags import Tag, sys_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from tests.indexserver import Failure, IndexServer, MakeIndexServer

from wheelcast.cli import main
from wheelcast.forecast.check import IndexOptions, check
from wheelcast.forecast.resolve import Options
from wheelcast.forecast.verdict import Verdict
from wheelcast.targets import host_target, parse_python, parse_target
from wheelcast.targets.tags import compatible_tags

REFERENCE = Path(__file__).parent.parent / "data" / "reference"
INDEX = Path(__file__).parent.parent / "data" / "index"
CUTOFF = "2025-10-01T00:00:00Z"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(argv, out)
    return code, out.getvalue(), capsys.readouterr().err


def check_json(
    server: IndexServer, cache: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any]]:
    code, out, err = run(
        ["check", *args, "--index-url", server.url, "--cache-dir", str(cache), "--format", "json"],
        capsys,
    )
    assert err == ""
    return code, json.loads(out)


def packages(document: dict[str, Any], target: str) -> dict[str, dict[str, Any]]:
    (result,) = [r for r in document["results"] if r["target"] == target]
    return {p["name"]: p for p in result["packages"]}


def requirements(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


def uv_pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==(\S+)", line)
        if match:
            pins[match[1].lower().replace("_", "-").replace(".", "-")] = match[2]
    return pins


class TestSeedCase:
    def test_numpy_builds_on_win_arm64_and_installs_a_wheel_on_win_amd64(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = check_json(
            index_server, tmp_path, capsys, "numpy", "--python", "3.12",
            "--target", "win-arm64", "--target", "win-amd64", "--exclude-newer", "2023-11-20",
        )  # fmt: skip
        assert code == 1
        assert doc["schema"] == "wheelcast.check/1"
        arm = packages(doc, "win-arm64@3.12")["numpy"]
        x64 = packages(doc, "win-amd64@3.12")["numpy"]
        assert (arm["version"], arm["verdict"], arm["file"]) == (
            "1.26.2", "build", "numpy-1.26.2.tar.gz",
        )  # fmt: skip
        assert (x64["version"], x64["verdict"], x64["file"]) == (
            "1.26.2", "binary", "numpy-1.26.2-cp312-cp312-win_amd64.whl",
        )  # fmt: skip
        assert "win_amd64" in arm["detail"]  # the closest miss is the x64 wheel
        assert arm["newer_wheel"] is None  # nothing with a win_arm64 wheel before the cutoff

    def test_text_summary_names_the_build(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(
            ["check", "numpy", "-p", "3.12", "-t", "win-arm64", "-t", "win-amd64",
             "--exclude-newer", "2023-11-20", "-i", index_server.url, "--cache-dir", str(tmp_path)],
            capsys,
        )  # fmt: skip
        assert code == 1
        assert "win-arm64 (cp312): 1 needs a build (numpy), 0 missing" in out

    def test_each_page_and_metadata_file_is_fetched_once_for_all_targets(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        check_json(
            index_server, tmp_path, capsys, "uvicorn[standard]", "-p", "3.12",
            "-t", "linux-x86_64", "-t", "win-amd64", "--exclude-newer", CUTOFF,
        )  # fmt: skip
        assert index_server.requests["/simple/uvicorn/"] == 1
        assert len(index_server.requests) > 10
        assert all(count == 1 for count in index_server.requests.values())

    def test_a_pep_503_html_index_gives_the_same_answer(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        args = ["numpy", "-p", "3.12", "-t", "win-arm64"]
        _, from_json = check_json(index_server, tmp_path / "json", capsys, *args)
        index_server.html_only = True
        _, from_html = check_json(index_server, tmp_path / "html", capsys, *args)
        assert from_html == from_json
        assert packages(from_html, "win-arm64@3.12")["numpy"]["verdict"] == "binary"

    def test_exclude_newer_on_an_index_without_upload_times_says_why(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        index_server.html_only = True  # PEP 503 HTML carries no upload time
        code, doc = check_json(
            index_server, tmp_path, capsys, "numpy", "-p", "3.12", "-t", "win-amd64",
            "--exclude-newer", "2023-11-20",
        )  # fmt: skip
        assert code == 2
        numpy = packages(doc, "win-amd64@3.12")["numpy"]
        assert numpy["verdict"] == "missing"
        assert "no upload time" in numpy["detail"]


class TestTargetMarkers:
    def test_uvicorn_standard_pulls_uvloop_on_linux_only(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = check_json(
            index_server, tmp_path, capsys, "uvicorn[standard]", "-p", "3.12",
            "-t", "linux-x86_64", "-t", "win-amd64", "--exclude-newer", CUTOFF,
        )  # fmt: skip
        assert code == 0
        linux = packages(doc, "linux-x86_64@3.12")
        windows = packages(doc, "win-amd64@3.12")
        assert "uvloop" in linux
        assert "uvloop" not in windows
        assert "colorama" in windows
        for name, target in [
            ("seed-uvicorn-linux-x86_64", linux),
            ("seed-uvicorn-win-amd64", windows),
        ]:
            pins = uv_pins(REFERENCE / f"uv-{name}.txt")
            assert {n: p["version"] for n, p in target.items()} == pins


UV_TARGETS = ["win-arm64", "win-amd64", "linux-aarch64", "macos-arm64", "linux-x86_64"]


@pytest.fixture(scope="module")
def realistic(index_server: IndexServer, tmp_path_factory: pytest.TempPathFactory) -> Any:
    targets = [t for name in UV_TARGETS for t in parse_target(name, [parse_python("3.12")])]
    return check(
        requirements(REFERENCE / "realistic.in"),
        targets,
        options=Options(exclude_newer=_cutoff()),
        index=IndexOptions(index_url=index_server.url, cache_dir=tmp_path_factory.mktemp("c")),
    )


def _cutoff() -> dt.datetime:
    return dt.datetime(2025, 10, 1, tzinfo=dt.UTC)


class TestAgainstUv:
    """The realistic set resolves to exactly what uv pip compile --python-platform gave."""

    @pytest.mark.parametrize("target", UV_TARGETS)
    def test_versions_equal_uv(self, realistic: Any, target: str) -> None:
        (forecast,) = [f for f in realistic.forecasts if f.target.name == target]
        assert forecast.resolvable
        ours = {p.name: str(p.version) for p in forecast.packages}
        assert ours == uv_pins(REFERENCE / f"uv-{target}.txt")
        assert len(ours) >= 100

    @pytest.mark.parametrize("target", UV_TARGETS)
    def test_verdicts_match_which_versions_have_a_wheel(self, realistic: Any, target: str) -> None:
        (forecast,) = [f for f in realistic.forecasts if f.target.name == target]
        tags = set(compatible_tags(forecast.target))
        builds = []
        for package in forecast.packages:
            assert package.file is not None
            version_wheels = [
                f["filename"]
                for f in _page(package.name)["files"]
                if f["filename"].endswith(".whl")
                and parse_wheel_filename(f["filename"])[1] == package.version
            ]
            fitting = [w for w in version_wheels if _wheel_tags(w) & tags]
            if package.file.is_wheel:
                file_tags = _wheel_tags(package.file.filename) & tags
                pure = all(t.platform == "any" for t in file_tags)
                assert package.verdict is (Verdict.PURE if pure else Verdict.BINARY), package.name
            else:
                assert package.verdict is Verdict.BUILD, package.name
                assert fitting == [], package.name  # pip builds only when no wheel fits
                builds.append(package.name)
        # As of the cutoff, Windows on Arm lacks wheels for part of the set; the rest do not.
        assert bool(builds) is (target == "win-arm64")


def _page(name: str) -> Any:
    return json.loads((INDEX / "pages" / f"{name}.json").read_text())


def _wheel_tags(filename: str) -> set[Tag]:
    return set(parse_wheel_filename(filename)[3])


class TestHost:
    def test_host_tags_equal_sys_tags(self) -> None:
        assert list(compatible_tags(host_target())) == list(sys_tags())

    def test_host_picks_the_same_files_as_pip(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        reference = json.loads((REFERENCE / "pip-host.json").read_text())
        host = host_target()
        recorded_env = reference["recorded"]["environment"]
        if host.python.full_version != recorded_env["python_full_version"]:
            pytest.skip(
                f"pip-host.json was recorded with Python {recorded_env['python_full_version']}"
            )
        result = check(
            requirements(REFERENCE / "realistic-host.in"),
            [host],
            index=IndexOptions(index_url=index_server.url, cache_dir=tmp_path),
        )
        (forecast,) = result.forecasts
        ours = {
            p.name: (str(p.version), p.file.filename if p.file else None) for p in forecast.packages
        }
        pips = {
            canonicalize_name(p["name"]): (p["version"], p["file"]) for p in reference["install"]
        }
        assert ours == pips


class TestErrors:
    @pytest.mark.parametrize(
        ("argv", "code", "message"),
        [
            (["check", "numpy", "-t", "win-arm65"], 3, "unknown target 'win-arm65'"),
            (["check", "numpy>>1"], 3, "invalid requirement 'numpy>>1'"),
            (["check", "numpy", "--exclude-newer", "yesterday"], 3, "invalid --exclude-newer"),
            (["check", "numpy", "--format", "xml"], 3, "invalid choice"),
            (["check"], 3, "no lock file, pyproject.toml or requirements"),
        ],
        ids=["target", "requirement", "date", "format", "nothing"],
    )
    def test_bad_input_is_one_line_and_exit_3(
        self, argv: list[str], code: int, message: str, *, capsys: pytest.CaptureFixture[str],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        monkeypatch.chdir(tmp_path)  # an empty folder: nothing to check there
        argv = [*argv, "--cache-dir", str(tmp_path)]
        got, out, err = run(argv, capsys)
        assert got == code
        assert out == ""
        assert message in err
        assert len(err.strip().splitlines()) == 1
        assert "Traceback" not in err

    def test_unreachable_index_is_one_line_and_exit_4(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with socket.socket() as sock:  # a port nobody listens on
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        code, out, err = run(
            ["check", "numpy", "-p", "3.12", "-t", "win-arm64",
             "-i", f"http://127.0.0.1:{port}/simple/", "--cache-dir", str(tmp_path)],
            capsys,
        )  # fmt: skip
        assert code == 4
        assert out == ""
        assert f"127.0.0.1:{port}" in err
        assert len(err.strip().splitlines()) == 1

    def test_missing_project_is_exit_2(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = check_json(
            index_server, tmp_path, capsys, "no-such-project-here", "-p", "3.12", "-t", "win-arm64"
        )
        assert code == 2
        (result,) = doc["results"]
        assert result["resolvable"] is False
        assert result["packages"][0]["verdict"] == "missing"


class TestOffline:
    def test_a_warm_cache_answers_offline(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # The recorded index holds no sdists to read: leave build needs out of this one.
        args = ["numpy", "-p", "3.12", "-t", "win-arm64", "--exclude-newer", "2023-11-20",
                "--no-build-needs"]  # fmt: skip
        first = check_json(index_server, tmp_path, capsys, *args)
        index_server.requests.clear()
        second = check_json(index_server, tmp_path, capsys, *args, "--offline")
        assert first == second
        assert sum(index_server.requests.values()) == 0

    def test_a_cold_cache_offline_is_exit_4(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _, err = run(
            ["check", "numpy", "-p", "3.12", "-t", "win-arm64", "--offline",
             "-i", index_server.url, "--cache-dir", str(tmp_path)],
            capsys,
        )  # fmt: skip
        assert code == 4
        assert "offline" in err


@pytest.mark.live
class TestLive:
    def test_seed_case_against_the_real_index(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(
            ["check", "numpy", "-p", "3.12", "-t", "win-arm64", "-t", "win-amd64",
             "--exclude-newer", "2023-11-20", "--cache-dir", str(tmp_path), "--format", "json"],
            capsys,
        )  # fmt: skip
        assert (code, err) == (1, "")
        doc = json.loads(out)
        assert packages(doc, "win-arm64@3.12")["numpy"]["file"] == "numpy-1.26.2.tar.gz"


def test_requirement_objects_are_accepted(index_server: IndexServer, tmp_path: Path) -> None:
    result = check(
        [Requirement("numpy")],
        parse_target("win-amd64", [parse_python("3.12")]),
        options=Options(exclude_newer=_cutoff()),
        index=IndexOptions(index_url=index_server.url, cache_dir=tmp_path),
    )
    assert result.forecasts[0].packages[0].verdict is Verdict.BINARY


class TestIndexFaults:
    def test_a_broken_page_is_one_line_and_exit_4(
        self, tmp_path: Path, make_index_server: MakeIndexServer, capsys: pytest.CaptureFixture[str]
    ) -> None:
        pages = tmp_path / "pages"
        pages.mkdir()
        (pages / "numpy.json").write_text('{"meta": {"api-version": "1.1"}, "files": [')
        server = make_index_server(pages, tmp_path / "metadata")
        code, out, err = run(
            ["check", "numpy", "-p", "3.12", "-t", "win-arm64", "-i", server.url,
             "--cache-dir", str(tmp_path / "c")],
            capsys,
        )  # fmt: skip
        assert (code, out) == (4, "")
        assert "numpy" in err
        assert "not valid JSON" in err
        assert len(err.strip().splitlines()) == 1

    @pytest.mark.parametrize("how", [Failure.STATUS, Failure.CLOSE], ids=["500", "dropped"])
    def test_an_index_that_keeps_failing_is_exit_4_after_retries(
        self, how: Failure, index_server: IndexServer, tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:  # fmt: skip
        index_server.fail(how)
        code, out, err = run(
            ["check", "numpy", "-p", "3.12", "-t", "win-arm64", "-i", index_server.url,
             "--cache-dir", str(tmp_path)],
            capsys,
        )  # fmt: skip
        assert (code, out) == (4, "")
        assert "after 3 tries" in err
        assert index_server.requests["/simple/numpy/"] == 3
        assert len(err.strip().splitlines()) == 1

    def test_a_passing_fault_is_retried(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        index_server.fail(Failure.STATUS, times=1)
        code, doc = check_json(
            index_server, tmp_path, capsys, "numpy", "-p", "3.12", "-t", "win-amd64",
            "--exclude-newer", "2023-11-20",
        )  # fmt: skip
        assert code == 0
        assert packages(doc, "win-amd64@3.12")["numpy"]["version"] == "1.26.2"


def test_a_check_with_no_build_starts_no_worker_process(
    index_server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sdist workers start with the first likely build (issue 20: no process a run
    does not need); a run of wheels alone never spawns them."""
    from wheelcast.runtime.workers import Workers  # noqa: PLC0415

    warmed: list[tuple[str, ...]] = []
    monkeypatch.setattr(Workers, "warm", lambda self, *modules: warmed.append(modules))
    result = check(
        ["requests"],
        parse_target("win-arm64", [parse_python("3.12")]),
        index=IndexOptions(index_url=index_server.url, cache_dir=tmp_path, workers=True),
    )
    packages = result.forecasts[0].packages
    assert packages
    assert all(p.verdict is not Verdict.BUILD for p in packages)
    assert warmed == []

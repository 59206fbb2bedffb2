from __future__ import annotations

import datetime as dt
import gc
import importlib
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from tests.fakes import FakeRepository, dist

from wheelcast.errors import IndexPageError
from wheelcast.forecast.resolve import (
    Catalog,
    Lookahead,
    Options,
    Provider,
    fewer_collections,
    resolve,
)
from wheelcast.forecast.select import BinaryPolicy
from wheelcast.forecast.verdict import Verdict, forecast
from wheelcast.index.models import DistFile
from wheelcast.targets import parse_python, parse_target


def target(name: str, python: str = "3.12"):  # type: ignore[no-untyped-def]
    return parse_target(name, [parse_python(python)])[0]


def pins(result):  # type: ignore[no-untyped-def]
    return {p.name: (str(p.version), p.fit.file.filename if p.fit else None) for p in result.pins}


NUMPY_FILES = [
    dist("numpy-1.26.2-cp312-cp312-win_amd64.whl", uploaded="2023-11-12"),
    dist(
        "numpy-1.26.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        uploaded="2023-11-12",
    ),
    dist("numpy-1.26.2.tar.gz", uploaded="2023-11-12"),
    dist("numpy-2.3.0-cp312-cp312-win_arm64.whl", uploaded="2025-06-07"),
    dist("numpy-2.3.0.tar.gz", uploaded="2025-06-07"),
]
SEED_CUTOFF = dt.datetime(2023, 11, 20, tzinfo=dt.UTC)


class TestResolve:
    def test_seed_case_builds_on_arm64_and_installs_a_wheel_on_x64(self) -> None:
        repo = FakeRepository({"numpy": NUMPY_FILES})
        options = Options(exclude_newer=SEED_CUTOFF)
        arm = forecast(resolve(target("win-arm64"), [Requirement("numpy")], repo, options))
        x64 = forecast(resolve(target("win-amd64"), [Requirement("numpy")], repo, options))
        (arm_numpy,) = arm.packages
        (x64_numpy,) = x64.packages
        assert (str(arm_numpy.version), arm_numpy.verdict) == ("1.26.2", Verdict.BUILD)
        assert arm_numpy.file is not None
        assert arm_numpy.file.filename == "numpy-1.26.2.tar.gz"
        assert x64_numpy.verdict is Verdict.BINARY
        assert x64_numpy.file is not None
        assert x64_numpy.file.filename == "numpy-1.26.2-cp312-cp312-win_amd64.whl"
        assert arm_numpy.newer_wheel is None  # nothing newer is visible before the cutoff

    def test_sdist_deps_come_from_a_wheel_of_the_same_version(self) -> None:
        repo = FakeRepository({"numpy": NUMPY_FILES})
        resolve(
            target("win-arm64"), [Requirement("numpy")], repo, Options(exclude_newer=SEED_CUTOFF)
        )
        # A target that builds reads a wheel of the version built for its Python and OS.
        assert repo.metadata_calls == ["numpy-1.26.2-cp312-cp312-win_amd64.whl"]

    def test_without_cutoff_the_newer_wheel_is_picked(self) -> None:
        repo = FakeRepository({"numpy": NUMPY_FILES})
        result = forecast(resolve(target("win-arm64"), [Requirement("numpy")], repo))
        assert result.packages[0].verdict is Verdict.BINARY
        assert str(result.packages[0].version) == "2.3.0"

    def test_build_cell_names_the_next_version_with_a_wheel(self) -> None:
        repo = FakeRepository({"numpy": NUMPY_FILES})
        result = forecast(resolve(target("win-arm64"), [Requirement("numpy<2")], repo))
        (numpy,) = result.packages
        assert numpy.verdict is Verdict.BUILD
        assert numpy.newer_wheel is not None
        assert str(numpy.newer_wheel.version) == "2.3.0"
        assert numpy.newer_wheel.satisfies is False

    def test_markers_are_evaluated_for_the_target(self) -> None:
        repo = FakeRepository(
            {
                "uvicorn": [dist("uvicorn-0.30.0-py3-none-any.whl")],
                "uvloop": [dist("uvloop-0.19.0-cp312-cp312-manylinux_2_17_x86_64.whl")],
                "colorama": [dist("colorama-0.4.6-py2.py3-none-any.whl")],
            },
            requires={
                "uvicorn-0.30.0-py3-none-any.whl": [
                    "uvloop>=0.14; sys_platform != 'win32' and extra == 'standard'",
                    "colorama>=0.4; sys_platform == 'win32' and extra == 'standard'",
                ]
            },
        )
        req = [Requirement("uvicorn[standard]")]
        linux = pins(resolve(target("linux-x86_64"), req, repo))
        windows = pins(resolve(target("win-amd64"), req, repo))
        assert set(linux) == {"uvicorn", "uvloop"}
        assert set(windows) == {"uvicorn", "colorama"}

    def test_requires_python_from_metadata_backtracks(self) -> None:
        repo = FakeRepository(
            {"lib": [dist("lib-2.0-py3-none-any.whl"), dist("lib-1.0-py3-none-any.whl")]},
            requires_python={"lib-2.0-py3-none-any.whl": ">=3.13"},
        )
        assert pins(resolve(target("linux-x86_64"), [Requirement("lib")], repo))["lib"][0] == "1.0"

    def test_missing_package_is_reported_and_the_rest_still_resolves(self) -> None:
        repo = FakeRepository(
            {
                "app": [dist("app-1.0-py3-none-any.whl")],
                "winonly": [dist("winonly-1.0-cp312-cp312-win_amd64.whl")],
                "dep": [dist("dep-1.0-py3-none-any.whl")],
            },
            requires={"app-1.0-py3-none-any.whl": ["winonly", "dep"]},
        )
        result = forecast(resolve(target("win-arm64"), [Requirement("app")], repo))
        verdicts = {p.name: p.verdict for p in result.packages}
        assert verdicts == {"app": Verdict.PURE, "winonly": Verdict.MISSING, "dep": Verdict.PURE}
        assert result.errors  # pip itself would fail here
        missing = next(p for p in result.packages if p.name == "winonly")
        assert "win_amd64" in missing.detail

    def test_required_by_is_kept(self) -> None:
        repo = FakeRepository(
            {"a": [dist("a-1.0-py3-none-any.whl")], "b": [dist("b-1.0-py3-none-any.whl")]},
            requires={"a-1.0-py3-none-any.whl": ["b"]},
        )
        result = resolve(target("linux-x86_64"), [Requirement("a")], repo)
        by_name = {p.name: p.required_by for p in result.pins}
        assert by_name == {"a": ("(requested)",), "b": ("a",)}

    def test_only_binary_makes_sdist_only_package_missing(self) -> None:
        repo = FakeRepository({"numpy": NUMPY_FILES})
        options = Options(
            exclude_newer=SEED_CUTOFF, policy=BinaryPolicy(only_binary=frozenset({":all:"}))
        )
        result = forecast(resolve(target("win-arm64"), [Requirement("numpy")], repo, options))
        assert result.packages[0].verdict is Verdict.MISSING

    def test_constraints_limit_versions(self) -> None:
        repo = FakeRepository({"numpy": NUMPY_FILES})
        options = Options(constraints=(Requirement("numpy<2"),))
        assert (
            pins(resolve(target("win-amd64"), [Requirement("numpy")], repo, options))["numpy"][0]
            == "1.26.2"
        )

    def test_top_level_marker_for_other_platform_is_skipped(self) -> None:
        repo = FakeRepository({"numpy": NUMPY_FILES})
        req = [Requirement("numpy; sys_platform == 'darwin'")]
        assert resolve(target("win-amd64"), req, repo).pins == ()


# app 1.0's wheels declare different dependencies by tag (as tensorflow 2.22.0rc0's do
# for h5py); dep 1.0 has only an sdist, dep 2.0 a wheel as well.
BY_TAG = {
    "app": [
        dist("app-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"),
        dist("app-1.0-cp313-cp313-manylinux_2_17_x86_64.whl"),
    ],
    "dep": [
        dist("dep-1.0.tar.gz"),
        dist("dep-2.0-py3-none-any.whl"),
        dist("dep-2.0.tar.gz"),
    ],
}
BY_TAG_REQUIRES = {
    "app-1.0-cp312-cp312-manylinux_2_17_x86_64.whl": ["dep<2"],
    "app-1.0-cp313-cp313-manylinux_2_17_x86_64.whl": ["dep>=2"],
}


class TestMetadataOfTheInstalledFile:
    """Each target reads the dependencies of the file it would install, as pip does."""

    def test_each_target_follows_the_wheel_it_installs(self) -> None:
        repo = FakeRepository(BY_TAG, requires=BY_TAG_REQUIRES)
        catalog = Catalog(repo)
        old = forecast(
            resolve(target("linux-x86_64", "3.12"), [Requirement("app")], repo, None, catalog)
        )
        new = forecast(
            resolve(target("linux-x86_64", "3.13"), [Requirement("app")], repo, None, catalog)
        )
        old_dep = {p.name: p for p in old.packages}["dep"]
        new_dep = {p.name: p for p in new.packages}["dep"]
        assert (str(old_dep.version), old_dep.verdict) == ("1.0", Verdict.BUILD)
        assert (str(new_dep.version), new_dep.verdict) == ("2.0", Verdict.PURE)
        assert sorted(repo.metadata_calls) == [
            "app-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
            "app-1.0-cp313-cp313-manylinux_2_17_x86_64.whl",
            "dep-1.0.tar.gz",
            "dep-2.0-py3-none-any.whl",
        ]

    def test_targets_installing_the_same_wheel_read_that_one_file(self) -> None:
        repo = FakeRepository(
            {
                "native": [
                    dist("native-1.0-cp312-abi3-manylinux_2_17_x86_64.whl"),
                    dist("native-1.0-cp312-abi3-win_amd64.whl"),
                ]
            }
        )
        catalog = Catalog(repo)
        for name in ("linux-x86_64@3.12", "linux-x86_64@3.13", "win-amd64@3.13"):
            resolve(parse_target(name, [])[0], [Requirement("native")], repo, None, catalog)
        # The session behind a real run fetches each file once (tests/test_check_metadata.py).
        assert set(repo.metadata_calls) == {
            "native-1.0-cp312-abi3-manylinux_2_17_x86_64.whl",
            "native-1.0-cp312-abi3-win_amd64.whl",
        }

    def test_wheels_listed_with_the_same_metadata_digest_are_read_once(self) -> None:
        def listed(filename: str, digest: str) -> DistFile:
            return replace(dist(filename), core_metadata=True, core_metadata_sha256=digest)

        same, other = "a" * 64, "b" * 64
        repo = FakeRepository(
            {
                "native": [
                    listed("native-1.0-cp312-abi3-manylinux_2_17_x86_64.whl", same),
                    listed("native-1.0-cp312-abi3-macosx_11_0_arm64.whl", same),
                    listed("native-1.0-cp312-abi3-win_amd64.whl", other),
                ]
            }
        )
        catalog = Catalog(repo)
        for name, platform in [
            ("linux-x86_64", "manylinux_2_17_x86_64"),
            ("macos-arm64", "macosx_11_0_arm64"),
            ("win-amd64", "win_amd64"),
        ]:
            result = resolve(target(name), [Requirement("native")], repo, None, catalog)
            assert pins(result)["native"] == ("1.0", f"native-1.0-cp312-abi3-{platform}.whl")
        # The first by name of the two whose metadata is the same stands for both.
        assert set(repo.metadata_calls) == {
            "native-1.0-cp312-abi3-macosx_11_0_arm64.whl",
            "native-1.0-cp312-abi3-win_amd64.whl",
        }

    @pytest.mark.parametrize(
        ("python", "read", "dep"),
        [
            ("3.12", "app-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", "1.0"),
            ("3.13", "app-1.0-cp313-cp313-manylinux_2_17_x86_64.whl", "2.0"),
            # No wheel for this Python: the first by name.
            ("3.11", "app-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", "1.0"),
        ],
    )
    def test_a_target_that_builds_reads_a_wheel_built_for_its_python(
        self, python: str, read: str, dep: str
    ) -> None:
        repo = FakeRepository(BY_TAG, requires=BY_TAG_REQUIRES)
        repo.projects[canonicalize_name("app")] += (dist("app-1.0.tar.gz"),)
        result = resolve(target("win-arm64", python), [Requirement("app")], repo)
        # Nothing is built to learn what the sdist needs: a wheel stands for it.
        assert pins(result)["app"] == ("1.0", "app-1.0.tar.gz")
        assert repo.metadata_calls[0] == read
        assert pins(result)["dep"][0] == dep

    def test_a_target_that_builds_reads_a_wheel_for_its_os_first(self) -> None:
        repo = FakeRepository(
            {
                "native": [
                    dist("native-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"),
                    dist("native-1.0-cp312-cp312-win_amd64.whl"),
                    dist("native-1.0.tar.gz"),
                ]
            }
        )
        catalog = Catalog(repo)
        arm = resolve(target("win-arm64"), [Requirement("native")], repo, None, catalog)
        x64 = resolve(target("win-amd64"), [Requirement("native")], repo, None, catalog)
        assert pins(arm)["native"] == ("1.0", "native-1.0.tar.gz")
        assert pins(x64)["native"] == ("1.0", "native-1.0-cp312-cp312-win_amd64.whl")
        # The build on Windows on Arm and the wheel on x64 Windows: one file read for both.
        assert set(repo.metadata_calls) == {"native-1.0-cp312-cp312-win_amd64.whl"}

    def test_the_read_ahead_reads_what_each_target_will(self) -> None:
        repo = FakeRepository(BY_TAG, requires=BY_TAG_REQUIRES)
        targets = [target("linux-x86_64", "3.12"), target("linux-x86_64", "3.13")]
        walked(Lookahead(targets, repo, Options(), Catalog(repo), workers=4), "app")
        assert sorted(repo.metadata_calls) == [
            "app-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
            "app-1.0-cp313-cp313-manylinux_2_17_x86_64.whl",
            "dep-1.0.tar.gz",  # only the 3.12 target reaches dep<2
            "dep-2.0-py3-none-any.whl",
        ]


class TestUnreadableMetadata:
    def test_an_unreadable_sdist_leaves_dependencies_unknown_not_an_error(self) -> None:
        class Unreadable(FakeRepository):
            def metadata(self, file):  # type: ignore[no-untyped-def]
                if file.filename.endswith(".tar.gz"):
                    raise IndexPageError(f"{file.url}: larger than the download cap", "")
                return super().metadata(file)

        repo = Unreadable({"huge": [dist("huge-1.0.tar.gz")]})
        result = forecast(resolve(target("linux-x86_64"), [Requirement("huge")], repo))
        (huge,) = result.packages
        assert huge.verdict is Verdict.BUILD
        assert huge.dependencies_known is False
        assert any("dependencies of huge 1.0 unknown" in note for note in result.notes)


def walked(lookahead: Lookahead, *roots: str) -> None:
    """Run ``lookahead`` from ``roots`` to its end."""
    lookahead.start([Requirement(r) for r in roots])
    try:
        assert lookahead.wait(timeout=30)
    finally:
        lookahead.stop()


@pytest.fixture
def gc_threshold() -> Iterator[tuple[int, ...]]:
    """The collector's thresholds, put back after the test."""
    before = gc.get_threshold()
    try:
        yield before
    finally:
        gc.set_threshold(*before)


class TestFewerCollections:
    def test_raises_the_threshold_while_resolving_and_restores_it(
        self, gc_threshold: tuple[int, ...]
    ) -> None:
        gc.set_threshold(700, *gc_threshold[1:])
        with fewer_collections():
            assert gc.get_threshold()[0] > 700
        assert gc.get_threshold() == (700, *gc_threshold[1:])

    def test_leaves_a_higher_threshold_alone(self, gc_threshold: tuple[int, ...]) -> None:
        gc.set_threshold(1_000_000, *gc_threshold[1:])
        with fewer_collections():
            assert gc.get_threshold()[0] == 1_000_000
        assert gc.get_threshold()[0] == 1_000_000

    def test_keeps_a_threshold_changed_meanwhile(self, gc_threshold: tuple[int, ...]) -> None:
        gc.set_threshold(700, *gc_threshold[1:])
        with fewer_collections():
            gc.set_threshold(5000, *gc_threshold[1:])
        assert gc.get_threshold()[0] == 5000


class TestLookahead:
    """The read-ahead walks what some target may need, and nothing a resolver would not."""

    @staticmethod
    def repository() -> FakeRepository:
        return FakeRepository(
            {
                "app": [dist("app-1.0-py3-none-any.whl"), dist("app-2.0-py3-none-any.whl")],
                "lib": [dist("lib-1.0-py3-none-any.whl"), dist("lib-1.5-py3-none-any.whl")],
                "winonly": [dist("winonly-1.0-py3-none-any.whl")],
                "linuxonly": [dist("linuxonly-1.0-py3-none-any.whl")],
                "extradep": [dist("extradep-1.0-py3-none-any.whl")],
                "never": [dist("never-1.0-py3-none-any.whl")],
                "macos": [dist("macos-1.0-py3-none-any.whl")],
            },
            requires={
                "app-2.0-py3-none-any.whl": [
                    "lib<1.5",
                    "winonly; sys_platform == 'win32'",
                    "linuxonly; sys_platform == 'linux'",
                    "extradep; extra == 'x'",
                    "never; python_version < '3'",
                ],
            },
        )

    def walk(self, repo: FakeRepository, *roots: str) -> set[str]:
        targets = [target("win-arm64"), target("linux-x86_64")]
        lookahead = Lookahead(targets, repo, Options(), Catalog(repo), workers=4)
        walked(lookahead, *roots)
        return set(repo.metadata_calls)

    def test_it_reads_the_newest_allowed_pick_and_what_some_target_needs(self) -> None:
        assert self.walk(self.repository(), "app") == {
            "app-2.0-py3-none-any.whl",
            "lib-1.0-py3-none-any.whl",  # app asks for lib<1.5
            "winonly-1.0-py3-none-any.whl",
            "linuxonly-1.0-py3-none-any.whl",
        }

    def test_extras_and_root_markers_are_honoured(self) -> None:
        found = self.walk(self.repository(), "app[x]", "macos; sys_platform == 'darwin'")
        assert "extradep-1.0-py3-none-any.whl" in found
        assert "macos-1.0-py3-none-any.whl" not in found

    def test_a_project_that_is_not_there_ends_that_branch_only(self) -> None:
        repo = self.repository()
        repo.requires["app-2.0-py3-none-any.whl"] = ["missing", "lib"]
        assert self.walk(repo, "app") == {"app-2.0-py3-none-any.whl", "lib-1.5-py3-none-any.whl"}

    def test_it_names_the_sdists_a_reached_target_would_take(self) -> None:
        repo = self.repository()
        repo.projects[canonicalize_name("native")] = (
            dist("native-1.0-cp312-cp312-win_arm64.whl"),
            dist("native-2.0.tar.gz"),
            dist("native-2.0-cp312-cp312-manylinux_2_17_x86_64.whl"),
        )
        repo.projects[canonicalize_name("winnative")] = (dist("winnative-1.0.tar.gz"),)
        repo.projects[canonicalize_name("pinned")] = (
            dist("pinned-1.0.tar.gz"),
            dist("pinned-2.0.tar.gz"),
        )
        repo.requires["app-2.0-py3-none-any.whl"] = [
            "native",
            "winnative; sys_platform == 'win32'",
            "pinned",
        ]
        targets = [target("linux-x86_64"), target("macos-arm64")]
        found: list[str] = []
        options = Options(constraints=(Requirement("pinned<2"),))
        lookahead = Lookahead(
            targets,
            repo,
            options,
            Catalog(repo),
            workers=4,
            on_sdist=lambda f: found.append(f.filename),
        )
        walked(lookahead, "app")
        # native 2.0: a wheel for Linux, the sdist on macOS; winnative reaches no target
        # here; pinned takes its constraint.
        assert sorted(found) == ["native-2.0.tar.gz", "pinned-1.0.tar.gz", "pinned-1.0.tar.gz"]

    def test_what_the_read_ahead_judged_each_target_resolver_reuses(self) -> None:
        repo = self.repository()
        targets = [target("win-arm64"), target("linux-x86_64")]
        catalog = Catalog(repo)
        lookahead = Lookahead(targets, repo, Options(), catalog, on_sdist=lambda f: None)
        walked(lookahead, "app")
        judged = catalog.views(targets[1], Options())["linuxonly"]
        assert Provider(targets[1], repo, Options(), (), catalog).project("linuxonly") is judged
        # Other options are another question: their views are their own.
        other = Options(pre=True)
        assert "linuxonly" not in catalog.views(targets[1], other)

    def test_reading_ahead_changes_no_answer(self) -> None:
        repo = self.repository()
        targets = [target("win-arm64"), target("linux-x86_64")]
        plain = [resolve(t, [Requirement("app")], repo) for t in targets]
        catalog = Catalog(repo)
        lookahead = Lookahead(targets, repo, Options(), catalog)
        lookahead.start([Requirement("app")])
        try:
            ahead = [resolve(t, [Requirement("app")], repo, catalog=catalog) for t in targets]
        finally:
            lookahead.stop()
        assert [pins(r) for r in ahead] == [pins(r) for r in plain]

    def test_a_cold_check_reads_ahead_before_it_resolves(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        check_module = importlib.import_module("wheelcast.forecast.check")
        repo = self.repository()
        seen_at_start: list[set[str]] = []
        real = check_module.resolve

        def recording(*args: Any, **kwargs: Any) -> Any:
            seen_at_start.append(set(repo.metadata_calls))
            return real(*args, **kwargs)

        monkeypatch.setattr(check_module, "resolve", recording)
        targets = [target("win-arm64"), target("linux-x86_64")]
        check_module._run((Requirement("app"),), targets, repo, Options(), read_ahead=True)
        assert len(seen_at_start) == 2
        for seen in seen_at_start:  # the whole walk, deepest level included, came first
            assert {"lib-1.0-py3-none-any.whl", "winonly-1.0-py3-none-any.whl"} <= seen

    def test_with_requests_elsewhere_resolving_starts_before_the_walk_ends(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        check_module = importlib.import_module("wheelcast.forecast.check")
        repo = self.repository()
        resolving = threading.Event()
        started_first: list[bool] = []  # per visit: had a resolver started already?
        real_visit = Lookahead._visit
        real_resolve = check_module.resolve

        # Generous: under load a resolver thread can take seconds to be scheduled; a
        # design that resolves only after the walk still fails, after this wait.
        def held_visit(self: Lookahead, *args: Any) -> None:
            started_first.append(resolving.wait(timeout=30))
            real_visit(self, *args)

        def recording(*args: Any, **kwargs: Any) -> Any:
            resolving.set()
            return real_resolve(*args, **kwargs)

        real_stop = Lookahead.stop

        def stop_when_walked(self: Lookahead) -> None:
            # The resolvers of this tiny index may finish before the pool has started a
            # single visit, which stop would then cancel: let the walk end first.
            assert self.wait(timeout=30)
            real_stop(self)

        targets = [target("win-arm64"), target("linux-x86_64")]
        plain = check_module._run((Requirement("app"),), targets, repo, Options())
        monkeypatch.setattr(Lookahead, "_visit", held_visit)
        monkeypatch.setattr(Lookahead, "stop", stop_when_walked)
        monkeypatch.setattr(check_module, "resolve", recording)
        overlapped = check_module._run(
            (Requirement("app"),),
            targets,
            repo,
            Options(),
            read_ahead=True,
            requests_elsewhere=True,
        )
        assert overlapped == plain
        assert started_first
        assert all(started_first)

    def test_an_interrupted_check_does_not_wait_for_the_other_resolvers(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        check_module = importlib.import_module("wheelcast.forecast.check")
        started, release, finished = threading.Event(), threading.Event(), threading.Event()

        def resolve(target: Any, *args: Any) -> Any:
            if target.id.startswith("win-arm64"):
                started.wait(timeout=5)
                raise KeyboardInterrupt
            started.set()
            release.wait(timeout=5)  # waiting for the network, say
            finished.set()
            raise AssertionError("not asked for")

        monkeypatch.setattr(check_module, "resolve", resolve)
        targets = [target("win-arm64"), target("linux-x86_64")]
        try:
            with pytest.raises(KeyboardInterrupt):
                check_module._run((Requirement("app"),), targets, self.repository(), Options())
            assert not finished.is_set()
        finally:
            release.set()


class TestWherePipAndUvDiffer:
    """Each case was run with pip 26.3 (--dry-run --report) and uv 0.13.9 against the real
    index; wheelcast forecasts pip install, so pip's answer is pinned."""

    @pytest.mark.parametrize(
        "order", [["numpy", "opencv-python-headless"], ["opencv-python-headless", "numpy"]]
    )
    def test_pip_keeps_the_newest_dependent_and_lowers_the_shared_dependency(
        self, order: list[str]
    ) -> None:
        # 30 requirements, --exclude-newer 2025-10-01, Python 3.12, five platforms: pip
        # takes opencv-python-headless 4.12.0.88 with numpy 2.2.6 (its cap is numpy<2.3);
        # uv keeps numpy 2.3.3 and takes opencv-python-headless 4.11.0.86.
        opencv = "opencv_python_headless-{}-cp37-abi3-manylinux2014_x86_64.whl"
        repo = FakeRepository(
            {
                "numpy": [
                    dist("numpy-2.3.3-cp312-cp312-manylinux_2_27_x86_64.whl"),
                    dist("numpy-2.2.6-cp312-cp312-manylinux_2_17_x86_64.whl"),
                ],
                "opencv-python-headless": [
                    dist(opencv.format("4.12.0.88")),
                    dist(opencv.format("4.11.0.86")),
                ],
            },
            requires={
                opencv.format("4.12.0.88"): ['numpy<2.3.0,>=2; python_version >= "3.9"'],
                opencv.format("4.11.0.86"): ['numpy>=1.21.2; python_version >= "3.10"'],
            },
        )
        result = resolve(target("linux-x86_64"), [Requirement(r) for r in order], repo)
        assert {p.name: str(p.version) for p in result.pins} == {
            "numpy": "2.2.6",
            "opencv-python-headless": "4.12.0.88",
        }

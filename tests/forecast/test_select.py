from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version
from tests.fakes import dist
from tests.pip_reference import applicable, evaluate_project

from wheelcast.forecast.select import (
    BinaryPolicy,
    Environment,
    FileKind,
    Fit,
    ProjectView,
    Reason,
    Rejection,
    evaluate,
    file_kind_and_version,
    group_releases,
    is_pinned,
)
from wheelcast.index.models import DistFile, FileGroup, GroupedFiles
from wheelcast.targets import parse_python, parse_target
from wheelcast.targets.tags import compatible_tags, tag_priorities

NUMPY = canonicalize_name("numpy")


def env_for(target: str, python: str = "3.12", **kwargs: object) -> Environment:
    t = parse_target(target, [parse_python(python)])[0]
    return Environment(
        tags=compatible_tags(t),
        priorities=tag_priorities(t),
        python_version=Version(t.python.full_version),
        **kwargs,  # type: ignore[arg-type]
    )


class TestFileKindAndVersion:
    @pytest.mark.parametrize(
        ("filename", "kind", "version"),
        [
            ("numpy-1.26.2-cp312-cp312-win_amd64.whl", FileKind.WHEEL, "1.26.2"),
            ("numpy-1.26.2.tar.gz", FileKind.SDIST, "1.26.2"),
            ("NumPy-1.0.zip", FileKind.SDIST, "1.0"),
            ("numpy-1.0.tar.bz2", FileKind.SDIST, "1.0"),
        ],
    )
    def test_parses(self, filename: str, kind: FileKind, version: str) -> None:
        parsed = file_kind_and_version(filename, NUMPY)
        assert not isinstance(parsed, str)
        assert parsed[0] is kind
        assert parsed[1] == Version(version)

    @pytest.mark.parametrize(
        "filename",
        ["numpy-1.0.exe", "scipy-1.0.tar.gz", "numpy-1.0-bad.whl", "numpy-notaversion!.tar.gz"],
    )
    def test_rejects(self, filename: str) -> None:
        assert isinstance(file_kind_and_version(filename, NUMPY), str)


class TestEvaluate:
    def test_wheel_for_target_fits_with_its_best_tag(self) -> None:
        result = evaluate(
            dist("numpy-1.26.2-cp312-cp312-win_amd64.whl"), NUMPY, env_for("win-amd64")
        )
        assert isinstance(result, Fit)
        assert str(result.tag) == "cp312-cp312-win_amd64"
        assert result.priority == 0

    @pytest.mark.parametrize(
        ("filename", "reason"),
        [
            ("numpy-1.26.2-cp312-cp312-win_amd64.whl", Reason.PLATFORM),
            ("numpy-1.26.2-cp311-cp311-win_arm64.whl", Reason.PYTHON_TAG),
            ("numpy-1.26.2-cp312-cp312d-win_arm64.whl", Reason.ABI),
        ],
        ids=["platform", "python", "abi"],
    )
    def test_tag_mismatch_names_the_closest_part(self, filename: str, reason: Reason) -> None:
        result = evaluate(dist(filename), NUMPY, env_for("win-arm64"))
        assert isinstance(result, Rejection)
        assert result.reason is reason

    def test_sdist_fits_everywhere_with_lowest_priority(self) -> None:
        env = env_for("win-arm64")
        result = evaluate(dist("numpy-1.26.2.tar.gz"), NUMPY, env)
        assert isinstance(result, Fit)
        assert result.priority == len(env.tags)

    def test_requires_python(self) -> None:
        file = dist("numpy-2.3.0.tar.gz", requires_python=">=3.13")
        result = evaluate(file, NUMPY, env_for("win-arm64"))
        assert isinstance(result, Rejection)
        assert result.reason is Reason.REQUIRES_PYTHON

    def test_invalid_requires_python_is_ignored_like_pip(self) -> None:
        file = dist("numpy-2.3.0.tar.gz", requires_python=">=3.6.*")
        assert isinstance(evaluate(file, NUMPY, env_for("win-arm64")), Fit)

    def test_exclude_newer(self) -> None:
        cutoff = dt.datetime(2023, 11, 20, tzinfo=dt.UTC)
        file = dist("numpy-1.26.3.tar.gz", uploaded="2024-01-02")
        result = evaluate(file, NUMPY, env_for("win-arm64", exclude_newer=cutoff))
        assert isinstance(result, Rejection)
        assert result.reason is Reason.UPLOADED_AFTER_CUTOFF

    @pytest.mark.parametrize(
        ("policy", "filename", "fits"),
        [
            (BinaryPolicy(only_binary=frozenset({":all:"})), "numpy-1.0.tar.gz", False),
            (
                BinaryPolicy(only_binary=frozenset({":all:"}), no_binary=frozenset({"numpy"})),
                "numpy-1.0.tar.gz",
                True,
            ),
            (BinaryPolicy(no_binary=frozenset({"numpy"})), "numpy-1.0-py3-none-any.whl", False),
            (
                BinaryPolicy(no_binary=frozenset({"numpy"}), only_binary=frozenset({"numpy"})),
                "numpy-1.0.tar.gz",
                False,
            ),
        ],
        ids=["only-all", "named-no-binary-beats-all", "no-binary", "named-only-binary-wins"],
    )
    def test_binary_policy(self, policy: BinaryPolicy, filename: str, fits: bool) -> None:
        result = evaluate(dist(filename), NUMPY, env_for("linux-x86_64", policy=policy))
        assert isinstance(result, Fit) is fits


class TestApplicable:
    def test_newer_sdist_beats_older_wheel_like_pip(self) -> None:
        env = env_for("win-arm64")
        project = evaluate_project(
            NUMPY,
            [dist("numpy-1.0-cp312-cp312-win_arm64.whl"), dist("numpy-2.0.tar.gz")],
            env,
        )
        order = [
            (str(f.version), f.kind)
            for f in applicable(project, SpecifierSet(), allow_prereleases=False)
        ]
        assert order == [("2.0", FileKind.SDIST), ("1.0", FileKind.WHEEL)]

    def test_prefer_binary_puts_wheels_first(self) -> None:
        env = env_for("win-arm64", policy=BinaryPolicy(prefer_binary=True))
        project = evaluate_project(
            NUMPY,
            [dist("numpy-1.0-cp312-cp312-win_arm64.whl"), dist("numpy-2.0.tar.gz")],
            env,
        )
        order = [
            str(f.version) for f in applicable(project, SpecifierSet(), allow_prereleases=False)
        ]
        assert order == ["1.0", "2.0"]

    def test_best_tag_wins_within_a_version(self) -> None:
        env = env_for("linux-x86_64")
        project = evaluate_project(
            NUMPY,
            [
                dist("numpy-1.0-py3-none-any.whl"),
                dist("numpy-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"),
                dist("numpy-1.0.tar.gz"),
            ],
            env,
        )
        (best,) = applicable(project, SpecifierSet(), allow_prereleases=False)
        assert best.file.filename == "numpy-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"

    def test_yanked_skipped_unless_pinned_and_all_yanked(self) -> None:
        env = env_for("linux-x86_64")
        project = evaluate_project(
            NUMPY,
            [dist("numpy-1.0-py3-none-any.whl"), dist("numpy-2.0-py3-none-any.whl", yanked="bad")],
            env,
        )
        assert [
            str(f.version) for f in applicable(project, SpecifierSet(), allow_prereleases=False)
        ] == ["1.0"]
        pinned = applicable(project, SpecifierSet("==2.0"), allow_prereleases=False)
        assert [str(f.version) for f in pinned] == ["2.0"]
        assert applicable(project, SpecifierSet(">=2.0"), allow_prereleases=False) == []

    def test_prereleases_only_when_asked_or_nothing_else(self) -> None:
        env = env_for("linux-x86_64")
        project = evaluate_project(
            NUMPY,
            [dist("numpy-1.0-py3-none-any.whl"), dist("numpy-2.0rc1-py3-none-any.whl")],
            env,
        )
        assert [
            str(f.version) for f in applicable(project, SpecifierSet(), allow_prereleases=False)
        ] == ["1.0"]
        assert [
            str(f.version) for f in applicable(project, SpecifierSet(), allow_prereleases=True)
        ] == ["2.0rc1", "1.0"]
        assert [
            str(f.version) for f in applicable(project, SpecifierSet(">1"), allow_prereleases=False)
        ] == ["2.0rc1"]


class TestIsPinned:
    @pytest.mark.parametrize(
        ("spec", "pinned"),
        [("==1.0", True), ("===1.0", True), ("==1.*", False), (">=1", False), ("", False)],
    )
    def test_pip_rule(self, spec: str, pinned: bool) -> None:
        assert is_pinned(SpecifierSet(spec)) is pinned


def _project_files(*specs: tuple[str, str | None]) -> list:  # type: ignore[type-arg]
    return [dist(filename, yanked=yanked) for filename, yanked in specs]


# Pages that exercise pip's rules: newer sdist vs older wheel, yanked files, pre-releases,
# several files per version, a version with nothing for the target.
PAGES = {
    "plain": [("numpy-1.0-cp312-cp312-win_amd64.whl", None), ("numpy-2.0.tar.gz", None)],
    "yanked-newest": [
        ("numpy-1.0-py3-none-any.whl", None),
        ("numpy-2.0-py3-none-any.whl", "broken"),
        ("numpy-2.0.tar.gz", "broken"),
    ],
    "all-yanked": [("numpy-1.0-py3-none-any.whl", ""), ("numpy-2.0-py3-none-any.whl", "")],
    "pre-only-fits": [
        ("numpy-1.0-cp311-cp311-win_amd64.whl", None),
        ("numpy-2.0rc1-py3-none-any.whl", None),
    ],
    "mixed": [
        ("numpy-3.0-cp312-cp312-macosx_11_0_arm64.whl", None),
        ("numpy-2.1.tar.gz", None),
        ("numpy-2.1-cp312-cp312-win_amd64.whl", None),
        ("numpy-2.0-py3-none-any.whl", None),
        ("numpy-2.0rc2-py3-none-any.whl", None),
        ("numpy-1.5-cp312-abi3-win_amd64.whl", None),
        ("numpy-1.5.zip", "old"),
    ],
}
SPECIFIERS = ["", ">=1", "<2", "==2.0", "==2.0.*", ">=2.0rc1", "!=2.1", "===2.0"]


class TestLazyCandidatesMatchPip:
    """ProjectView.candidates (lazy, per version) must equal applicable (pip's algorithm)."""

    @pytest.mark.parametrize("page", list(PAGES))
    @pytest.mark.parametrize("spec", SPECIFIERS)
    @pytest.mark.parametrize("pre", [False, True])
    @pytest.mark.parametrize("prefer_binary", [False, True])
    def test_same_order(self, page: str, spec: str, pre: bool, prefer_binary: bool) -> None:
        env = env_for("win-amd64", policy=BinaryPolicy(prefer_binary=prefer_binary))
        files = _project_files(*PAGES[page])
        reference = applicable(
            evaluate_project(NUMPY, files, env), SpecifierSet(spec), allow_prereleases=pre
        )
        view = ProjectView(group_releases(NUMPY, files), env)
        lazy = list(view.candidates(SpecifierSet(spec), allow_prereleases=pre))
        assert [f.file.filename for f in lazy] == [f.file.filename for f in reference]


class TestCutoffWithoutDecoding:
    """A version wholly uploaded after --exclude-newer is passed over without decoding it."""

    CUTOFF = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)

    def view(self, groups: list[FileGroup]) -> ProjectView:
        files = GroupedFiles(tuple(groups))
        env = env_for("win-amd64", exclude_newer=self.CUTOFF)
        return ProjectView(group_releases(NUMPY, files), env)

    @staticmethod
    def group(version: str, uploaded: str | None, *, decodable: bool = True) -> FileGroup:
        filename = f"numpy-{version}-py3-none-any.whl"
        file = dist(filename, uploaded=uploaded or "2024-01-01")
        if uploaded is None:
            file = dataclasses.replace(file, upload_time=None)

        def decode() -> tuple[DistFile, ...]:
            if not decodable:
                raise AssertionError(f"{version} was decoded")
            return (file,)

        earliest = file.upload_time.timestamp() if file.upload_time else None
        return FileGroup(version, decode=decode, filenames=(filename,), earliest=earliest)

    def test_a_version_past_the_cutoff_is_not_decoded(self) -> None:
        view = self.view(
            [self.group("2.0", "2024-07-01", decodable=False), self.group("1.0", "2024-01-01")]
        )
        picked = list(view.candidates(SpecifierSet(), allow_prereleases=False))
        assert [f.version for f in picked] == [Version("1.0")]
        assert view.first_wheel(range(2)) == picked[0]

    @pytest.mark.parametrize(
        ("uploaded", "admitted"),
        [("2024-06-01T00:00:00+00:00", False), ("2024-05-31T23:59:59.999999+00:00", True)],
    )
    def test_only_a_file_uploaded_before_the_cutoff_is_admitted(
        self, uploaded: str, admitted: bool
    ) -> None:
        # uv leaves out what was uploaded at or after the cutoff; pip's --uploaded-prior-to too.
        view = self.view([self.group("2.0", uploaded)])
        picked = list(view.candidates(SpecifierSet(), allow_prereleases=False))
        assert [f.version for f in picked] == ([Version("2.0")] if admitted else [])

    def test_a_version_without_upload_times_is_judged_file_by_file(self) -> None:
        view = self.view([self.group("2.0", None), self.group("1.0", "2024-01-01")])
        picked = list(view.candidates(SpecifierSet(), allow_prereleases=False))
        assert [f.version for f in picked] == [Version("1.0")]
        _, rejections = view.release(0)
        assert [r.reason for r in rejections] == [Reason.UPLOADED_AFTER_CUTOFF]


class TestMisses:
    """With nothing installable, the misses shown are of the release pip looked at last."""

    FILES = (
        dist("numpy-2.1.0-cp312-cp312-win_amd64.whl", uploaded="2025-01-01"),
        dist("numpy-2.0.0rc1-cp312-cp312-win_amd64.whl", uploaded="2024-03-01"),
        dist("numpy-1.9.0-cp312-cp312-win_amd64.whl", uploaded="2024-01-01"),
    )

    def misses(self, *, cutoff: str | None, pre: bool = False) -> Version | None:
        exclude_newer = dt.datetime.fromisoformat(cutoff).replace(tzinfo=dt.UTC) if cutoff else None
        view = ProjectView(
            group_releases(NUMPY, self.FILES), env_for("win-arm64", exclude_newer=exclude_newer)
        )
        version, rejections = view.misses(None, SpecifierSet(), prereleases=pre)
        assert rejections
        return version

    @pytest.mark.parametrize(
        ("cutoff", "pre", "expected"),
        [
            (None, False, "2.1.0"),
            ("2024-06-01", False, "1.9.0"),  # 2.1.0 is past the cutoff, 2.0.0rc1 a pre-release
            ("2024-06-01", True, "2.0.0rc1"),
            ("2023-06-01", False, "2.1.0"),  # nothing before the cutoff: the newest, past it
        ],
    )
    def test_release(self, cutoff: str | None, pre: bool, expected: str) -> None:
        assert self.misses(cutoff=cutoff, pre=pre) == Version(expected)


_WHEEL_NAMES = (
    "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "numpy-2.1.0-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "scipy-1.14.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "six-1.16.0-py2.py3-none-any.whl",
    "attrs-23.1.0-py2.py3-none-any.whl",
    "foo-1.0-1build-py3-none-any.whl",  # a build tag
    "foo-1.0-x-py3-none-any.whl",  # a build tag that is not one
    "foo-1.0-py3-none.whl",  # too few parts
    "foo-1.0-1-2-py3-none-any.whl",  # too many
    "foo-1.0-py3--any.whl",  # an empty ABI
    "foo-1.0-3py-none-any.whl",  # an interpreter that is no identifier
    "foo-1.0-py3.-none-any.whl",  # an empty member of a compressed set
    "foo-not.a.version!-py3-none-any.whl",
    "foo__bar-1.0-py3-none-any.whl",
    "-1.0-py3-none-any.whl",
)


def _packaging_answer(filename: str) -> object:
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename  # noqa: PLC0415

    try:
        return parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return "invalid"


def test_wheel_names_parse_as_packaging_parses_them() -> None:
    from packaging.utils import InvalidWheelFilename  # noqa: PLC0415

    from wheelcast.forecast.select import _parse_wheel_filename  # noqa: PLC0415

    for filename in _WHEEL_NAMES:
        try:
            ours: object = _parse_wheel_filename(filename)
        except InvalidWheelFilename:
            ours = "invalid"
        assert ours == _packaging_answer(filename), filename


def test_each_distinct_tag_set_is_parsed_once() -> None:
    # A scan reads ~250 wheel names per project; the tag sets repeat across files and projects.
    from wheelcast.forecast import select  # noqa: PLC0415

    select._tag_set.cache_clear()
    select.file_kind_and_version.cache_clear()
    names = list(_WHEEL_NAMES[:5])
    for filename in names:
        select.file_kind_and_version(filename, canonicalize_name(filename.split("-")[0]))
    assert select._tag_set.cache_info().misses == 3  # cp312 manylinux, cp313 manylinux, py2.py3

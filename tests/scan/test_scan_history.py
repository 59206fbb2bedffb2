"""The Python verdicts: per month, as pip's own file selection would pick at that date."""

from __future__ import annotations

import datetime as dt

import pytest
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from tests.scan.scan_index import PROJECTS

from wheelcast.forecast.resolve import Options, file_environment
from wheelcast.forecast.select import ProjectView, group_releases
from wheelcast.index.models import DistFile
from wheelcast.scan.history import cutoff, history, month_starts, verdict_of
from wheelcast.targets import parse_python, parse_target

TARGETS = [
    t for name in ("win-arm64", "linux-x86_64") for t in parse_target(name, [parse_python("3.12")])
]
MONTHS = month_starts(dt.date(2019, 1, 1), dt.date(2024, 12, 1))


def dist_files(name: str) -> list[DistFile]:
    return [
        DistFile(
            filename=filename,
            url=f"https://index.invalid/files/{filename}",
            requires_python=extra.get("requires_python"),
            yanked=None if not extra.get("yanked") else str(extra["yanked"]),
            upload_time=None if uploaded is None else dt.datetime.fromisoformat(uploaded),
        )
        for filename, uploaded, extra in PROJECTS[name]
    ]


class TestMonthStarts:
    def test_spans_years_inclusive(self) -> None:
        months = month_starts(dt.date(2020, 11, 15), dt.date(2021, 2, 1))
        assert months == tuple(
            dt.date(y, m, 1) for y, m in ((2020, 11), (2020, 12), (2021, 1), (2021, 2))
        )

    def test_cutoff_is_the_next_month(self) -> None:
        assert cutoff(dt.date(2020, 12, 1)) == dt.datetime(2021, 1, 1, tzinfo=dt.UTC)


def at(target_name: str, project: str) -> dict[str, tuple[str, str | None]]:
    target = next(t for t in TARGETS if t.name == target_name)
    found = history(canonicalize_name(project), dist_files(project), target, MONTHS)
    return {
        f"{m.month:%Y-%m}": (m.verdict.value, None if m.version is None else str(m.version))
        for m in found.months
    }


class TestHistory:
    @pytest.mark.parametrize(
        ("target", "project", "month", "verdict", "version"),
        [
            ("win-arm64", "alpha", "2019-05", "missing", None),  # not uploaded yet
            ("win-arm64", "alpha", "2019-06", "build", "1.0"),
            ("win-arm64", "alpha", "2020-03", "build", "1.1"),
            # uploaded 2021-05-31 23:59:59: in by the end of May
            ("win-arm64", "alpha", "2021-05", "binary", "1.2"),
            ("win-arm64", "alpha", "2022-01", "binary", "1.2"),  # 2.0rc1 is a pre-release
            ("win-arm64", "alpha", "2022-02", "build", "2.0"),  # newer sdist beats older wheel
            ("win-arm64", "alpha", "2023-01", "build", "2.0"),  # 2.1 is yanked
            ("linux-x86_64", "alpha", "2020-02", "build", "1.0"),
            ("linux-x86_64", "alpha", "2020-03", "binary", "1.1"),
            ("linux-x86_64", "alpha", "2022-02", "binary", "2.0"),
            ("linux-x86_64", "beta", "2024-06", "pure", "1.0"),  # 2.0 needs Python 3.13
            ("win-arm64", "gamma", "2021-01", "missing", None),
            ("win-arm64", "gamma", "2021-02", "build", "0.1a1"),  # only a pre-release
            # a final release came, but no file of it fits: the pre-release still counts
            ("win-arm64", "gamma", "2022-07", "build", "0.1a1"),
            ("linux-x86_64", "gamma", "2022-07", "binary", "0.1"),
            ("win-arm64", "delta", "2020-08", "binary", "1.0"),  # py3-none-win_arm64
            ("linux-x86_64", "delta", "2020-07", "missing", None),  # 0.9 has no date
        ],
    )
    def test_verdict_per_month(
        self, target: str, project: str, month: str, verdict: str, version: str | None
    ) -> None:
        assert at(target, project)[month] == (verdict, version)

    def test_first_wheel_and_last_sdist_only(self) -> None:
        win, linux = (
            history(canonicalize_name("alpha"), dist_files("alpha"), t, MONTHS) for t in TARGETS
        )
        assert win.first_wheel == dt.datetime(2021, 5, 31, 23, 59, 59, tzinfo=dt.UTC)
        assert str(win.last_sdist_only) == "2.0"
        assert linux.first_wheel == dt.datetime(2020, 3, 15, 9, tzinfo=dt.UTC)
        assert str(linux.last_sdist_only) == "1.0"

    def test_no_wheel_ever(self) -> None:
        gamma = history(canonicalize_name("gamma"), dist_files("gamma"), TARGETS[0], MONTHS)
        assert gamma.first_wheel is None
        assert gamma.last_sdist_only is None  # its only sdist is a pre-release


@pytest.mark.parametrize("project", sorted(PROJECTS))
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_agrees_with_file_selection_at_each_cutoff(project: str, target: object) -> None:
    """The month sweep picks what ProjectView.candidates (a check's own choice) picks with
    --exclude-newer at the month's cutoff."""
    name = canonicalize_name(project)
    files = dist_files(project)
    found = history(name, files, target, MONTHS)  # type: ignore[arg-type]
    for month in found.months:
        env = file_environment(target, Options(exclude_newer=cutoff(month.month)))  # type: ignore[arg-type]
        view = ProjectView(group_releases(name, files), env)
        pick = next(iter(view.candidates(SpecifierSet(), allow_prereleases=False)), None)
        assert (month.verdict, month.version) == (
            verdict_of(pick),
            None if pick is None else pick.version,
        ), month.month

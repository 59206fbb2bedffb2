"""Repeated requirements: merged before resolving, the forecast unchanged."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from tests.fakes import FakeRepository, dist
from tests.indexserver import IndexServer

from wheelcast.forecast.check import IndexOptions, check_project, merged_duplicates
from wheelcast.forecast.resolve import Options, Resolution, resolve
from wheelcast.inputs import Origin, ProjectInput, RequirementItem, load
from wheelcast.targets import Target, parse_python, parse_target

# The module, not the function the package exports under the same name.
CHECK_MODULE = importlib.import_module("wheelcast.forecast.check")
REALISTIC = Path(__file__).parent.parent / "data" / "reference" / "realistic.in"

# Variants on names the realistic file already asks for: each differs from every other
# line in its specifier or marker, so each is its own requirement.
VARIANTS = (
    "numpy>=1.20",
    "requests<3",
    'click; python_version >= "3.8"',
    "pydantic>=2",
    "attrs",
    "idna",
)


def distinct() -> list[str]:
    lines = [line for line in REALISTIC.read_text().splitlines() if line.strip()]
    return lines + list(VARIANTS)


def spelled(line: str, round_: int) -> str:
    # Later repeats are written as people do: other case, other separators, spaces.
    if round_ % 3 == 1:
        return line.upper() if ";" not in line else line
    if round_ % 3 == 2:
        return line.replace("-", "_").replace(">=", " >= ")
    return line


def item(text: str, line: int) -> RequirementItem:
    return RequirementItem(Requirement(text), Origin(Path("requirements.txt"), line))


class TestMergedDuplicates:
    def test_identical_requirements_are_kept_once_with_the_first_origin(self) -> None:
        project = ProjectInput(
            "requirements",
            Path("requirements.txt"),
            (item("a>=1,<3", 1), item("b", 2), item("A<3, >=1", 3), item("a[x]>=1,<3", 4)),
        )
        merged = merged_duplicates(project).requirements
        assert [str(i.requirement) for i in merged] == ["a<3,>=1", "b", "a[x]<3,>=1"]
        assert merged[0].origin.line == 1

    @pytest.mark.parametrize(
        ("first", "second"),
        [
            ("a>=1", "a<3"),  # ANDed by the resolver; each line kept for a conflict's message
            ("a", "a[x]"),
            ("a", 'a; sys_platform == "linux"'),
        ],
    )
    def test_requirements_that_differ_stay_apart(self, first: str, second: str) -> None:
        project = ProjectInput("requirements", Path("r.txt"), (item(first, 1), item(second, 2)))
        assert len(merged_duplicates(project).requirements) == 2

    def test_constraints_are_merged_too(self) -> None:
        project = ProjectInput(
            "requirements", Path("r.txt"), constraints=(item("a<3", 1), item("a<3", 2))
        )
        assert len(merged_duplicates(project).constraints) == 1

    def test_hashes_of_repeats_are_combined(self) -> None:
        a = RequirementItem(Requirement("a==1"), Origin(Path("r"), 1), ("sha256:aa",))
        b = RequirementItem(Requirement("a==1"), Origin(Path("r"), 2), ("sha256:bb",))
        (merged,) = merged_duplicates(ProjectInput("requirements", Path("r"), (a, b))).requirements
        assert merged.hashes == ("sha256:aa", "sha256:bb")
        assert merged.origin.line == 1


class TestLongFileOfRepeats:
    def test_twenty_thousand_lines_forecast_as_their_forty_distinct_requirements(
        self,
        index_server: IndexServer,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        lines = distinct()
        assert len({Requirement(line) for line in lines}) == 40
        rounds = range(20_000 // len(lines))
        repeated = [spelled(line, round_) for round_ in rounds for line in lines]
        assert len(repeated) == 20_000
        small = tmp_path / "small" / "requirements.txt"
        big = tmp_path / "big" / "requirements.txt"
        for path, text in ((small, lines), (big, repeated)):
            path.parent.mkdir()
            path.write_text("\n".join(text) + "\n")

        given: list[int] = []
        real_resolve = CHECK_MODULE.resolve

        def counting(
            target: Target, requirements: Sequence[Requirement], *args: Any, **kwargs: Any
        ) -> Resolution:
            given.append(len(requirements))
            return real_resolve(target, requirements, *args, **kwargs)

        monkeypatch.setattr(CHECK_MODULE, "resolve", counting)
        options = Options(exclude_newer=_cutoff())
        pythons = [parse_python("3.12")]
        targets = [*parse_target("linux-x86_64", pythons), *parse_target("win-amd64", pythons)]

        def forecast(path: Path) -> object:
            index = IndexOptions(index_url=index_server.url, cache_dir=tmp_path / "cache")
            result = check_project(load(path), targets, options=options, index=index)
            return result.forecasts

        alone = forecast(small)
        assert forecast(big) == alone
        assert given == [40, 40, 40, 40]


def _cutoff() -> dt.datetime:
    return dt.datetime(2025, 10, 1, tzinfo=dt.UTC)


class TestResolverRoots:
    def test_requirements_equal_once_their_markers_hold_reach_the_resolver_once(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import resolvelib  # noqa: PLC0415

        seen: list[list[str]] = []
        real = resolvelib.Resolver.resolve

        def recording(self: Any, requirements: Any, **kwargs: Any) -> Any:
            roots = list(requirements)
            seen.append([r.text for r in roots])
            return real(self, roots, **kwargs)

        monkeypatch.setattr(resolvelib.Resolver, "resolve", recording)
        repo = FakeRepository({"six": [dist("six-1.16.0-py2.py3-none-any.whl")]})
        linux = parse_target("linux-x86_64", [parse_python("3.12")])[0]
        asked = [
            Requirement("six"),
            Requirement('six; sys_platform == "linux"'),
            Requirement('six; sys_platform == "win32"'),
            Requirement("six>=1"),
        ]
        resolution = resolve(linux, asked, repo, Options())
        assert seen == [["six", "six>=1"]]
        assert [p.name for p in resolution.pins] == ["six"]
